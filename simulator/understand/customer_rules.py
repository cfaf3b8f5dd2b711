"""The customer-side rules: patterns matched clause by clause, and how a listener reads the line.

The patterns of :mod:`.lexicon_customer` are compiled once; :func:`rule_customer_acts` returns
every act whose patterns match, with its position in the normalised text (what a generalising
layer would merge with, as :mod:`.fusion` does for the agent side). :func:`exclude` then drops
the acts the others rule out, the way a listener reads the whole line: a yes hedged with 我尽量
is a vague commitment, 我是她表妹 is no confirmation of identity, 能还五百，多了不行 states a capacity
rather than refusing an offer.
"""

from __future__ import annotations

import re

from simulator.understand.acts import Act
from simulator.understand.customer_acts import CUSTOMER_ACTS
from simulator.understand.lexicon_customer import CUSTOMER_LEXICON, RELATIONS
from simulator.understand.normalize import Normalized
from simulator.understand.numbers import NUM

__all__ = [
    "FIRST_PERSON_ABSENT",
    "STRONG_THIRD_PARTY",
    "CustomerAct",
    "exclude",
    "number",
    "rule_customer_acts",
]

_TOKENS = {
    "~": "[^#]",
    "B": "(?:^|(?<=#))",
    "E": "(?=#|$)",
    "R": f"(?:{RELATIONS})",
    "H": "(?:他|她|佢|伊|ta)",
    "Y": "(?:你|您|恁|侬|你们|您们)",
    "M": f"(?:{NUM})(?:块钱|块|元|蚊)?",
    "T": f"(?:(?:{NUM})(?:块钱|块|元|蚊|期|七|号|个月|月)?|(?:周|礼拜|星期)[一二三四五六日天]|明天|后天|今天|"
    "月底|月初|月中|下个?月|这个?月|下礼拜[一二三四五六日天]?|这礼拜[一二三四五六日天]?|总共|每个?月)",
}
STRONG_THIRD_PARTY = 12
"""``not_cardholder`` patterns numbered below this say so outright; the rest infer it from the
cardholder being spoken of in the third person (他在开会)."""
FIRST_PERSON_ABSENT = 3
"""``cardholder_absent`` patterns from this number on are the speaker's own (我在开车)."""
_PAY_CONTENT = re.compile(
    r"最低|一半|分期|分|期|晚|推迟|延|宽限|免|减|先还|剩下|还款日|还款额|一次|每个?月|号"
)
_COMMIT = re.compile(r"会|一定|保证|承诺|肯定|就去|马上|立即|第一时间|说到做到|错不了|放心")
_STRONG_COMMIT = re.compile(r"保证|一定|承诺|说到做到|错不了")
_CAPACITY_LIMIT = re.compile(r"多了|再多|上千|那么多")
_CAN_RAISE = re.compile(
    r"(能|可以|才能|就能|还能)(凑|拿|挤|还|给|出|筹|匀)|(凑|拿|挤|筹|匀)得(出|到|齐)|还得起|"
    r"(好|多|少)的时候|(最少|至少|最多|顶多|多的话|少的话)"
)
"""Words that make an approximate amount or a range what the customer can raise: 三四千吧，这周内
能凑出来 / 八百多吧，好的时候千把块 (a range kept as a range, never one number)."""
_FIRM_YES = re.compile(r"同意|没问题|确认|定")
_LISTENING = re.compile(r"你(先)?(说|讲)(?!的|过|得)|你继续|我听着|听完")
_STRONG_VAGUE = re.compile(r"尽量|尽力|看情况|不确定|说不准|说不好|没个准|没办法保证")
_QUESTION_MARK = re.compile(r"[?？]")
_ECHO = re.compile(r"^(喂+|啊+|啥|蛤|哈啰|哈啰|咩话|你找.{0,4}|.{0,6}吧|.{0,4}[?？]?)$")
_FILLER_QUESTION = re.compile(r"^(啊)?(你)?说(的)?什么(呢)?$")


class CustomerAct(Act):
    """One customer act found in an utterance; ``name`` is a key of ``CUSTOMER_ACTS``.

    The evidence fields are :class:`.acts.Act`'s: ``quote`` (the customer's own words),
    ``source`` (``rule:<act>#<n>``, or ``example`` when :mod:`.customer_examples` added it,
    with ``example``, ``similarity`` and ``probability``).
    """


def _compile(pattern: str) -> re.Pattern[str]:
    for token, regex in _TOKENS.items():
        pattern = pattern.replace(token, regex)
    return re.compile(pattern)


_COMPILED = {
    name: tuple(_compile(p) for p in CUSTOMER_LEXICON[name])
    for name in CUSTOMER_ACTS
    if name in CUSTOMER_LEXICON
}


def _marked(nm: Normalized) -> tuple[str, list[int]]:
    """The normalised text with ``#`` between clauses, and each marked position's text index."""
    out: list[str] = []
    back: list[int] = []
    for i, ch in enumerate(nm.text):
        if i and nm.clause[i] != nm.clause[i - 1]:
            out.append("#")
            back.append(i)
        out.append(ch)
        back.append(i)
    back.append(len(nm.text))
    return "".join(out), back


def rule_customer_acts(nm: Normalized) -> list[tuple[int, CustomerAct]]:
    """Every act whose patterns match, with its normalised position (before exclusions)."""
    marked, back = _marked(nm)
    hits: list[tuple[int, CustomerAct]] = []
    for name, patterns in _COMPILED.items():
        for number, pattern in enumerate(patterns):
            m = pattern.search(marked)
            if m is None or m.end() == m.start():
                continue
            start, end = back[m.start()], max(back[m.end() - 1] + 1, back[m.start()] + 1)
            quote = nm.quote(start, min(end, len(nm.text)))
            hits.append((start, CustomerAct(name, quote, f"rule:{name}#{number}")))
            break
    return hits


def _asks(original: str) -> bool:
    """A clause ends in a question mark and is more than an echo (喂？ / 你找刘芳？ / 卡吧？)."""
    for clause in re.split(r"(?<=[?？])", original):
        if not _QUESTION_MARK.search(clause):
            continue
        words = re.sub(r"[\W_]+", "", clause.split("，")[-1].split("。")[-1])
        if words and not _ECHO.match(words):
            return True
    return False


def number(act: CustomerAct) -> int:
    """Which of its act's patterns found it (-1 for an act inferred from the slots)."""
    head, _, number = act.source.rpartition("#")
    return int(number) if head else -1


# Acts that already say what terms stated in the line do: taken, corrected, a question, not theirs.
_TERMS_READ = frozenset(
    {
        "counter_offer", "agree", "correct", "dispute", "promise_to_pay", "ask_question",
        "refuse_identity", "not_cardholder", "cardholder_absent", "request_stop", "vague_commitment",
    }
)  # fmt: skip


def _own_instalments(found: dict[str, CustomerAct], u: dict) -> bool:
    """The line names instalment terms (a sum and a count of months) that no other act reads.

    A customer who says 一个月两千一，分六个月 on their own, even after 分这么多期干嘛 (a
    refusal), is putting terms of their own forward: a counter-offer.
    """
    return bool(u["amounts"] and u["months"] and u["months"] > 1) and not (
        found.keys() & _TERMS_READ
    )


def exclude(found: dict[str, CustomerAct], u: dict, original: str) -> None:
    """Drop acts the others rule out, the way a listener reads the whole line."""

    def drop(*names: str) -> None:
        for name in names:
            found.pop(name, None)

    slots = bool(u["amounts"] or u["months"] or u["date"])
    asked = _asks(original)
    if "not_cardholder" in found:
        drop("confirm_identity", "state_reason", "correct")
    if found.keys() & {"not_cardholder", "cardholder_absent", "vague_commitment"} and not asked:
        drop("ask_question")
    if "refuse_identity" in found and "ask_question" in found:
        if number(found["ask_question"]) != 0 and not asked:
            drop("ask_question")
    if _FILLER_QUESTION.search(u["normalized"]):
        drop("ask_question")
    if "cardholder_absent" in found:
        drop("state_reason")
        if number(found["cardholder_absent"]) >= FIRST_PERSON_ABSENT and "hangup_intent" in found:
            drop("cardholder_absent")
    if "refuse_identity" in found:
        drop("refuse", "confirm_identity", "agree", "counter_offer")
    if "correct" in found and number(found["correct"]) == 0:
        if not ("dispute" in found and number(found["dispute"]) == 6):  # 早就还清了 is a dispute
            drop("dispute")
    if "dispute" in found:
        drop("correct", "ask_question", "counter_offer", "promise_to_pay")
        if "refuse" in found and number(found["refuse"]) == 0 and "不可能" in found["refuse"].quote:
            drop("refuse")
    if "request_stop" in found:
        drop("counter_offer", "ask_question")
    if "not_cardholder" in found or "cardholder_absent" in found or "correct" in found:
        drop("counter_offer")
    if "counter_offer" in found:
        which = number(found["counter_offer"])
        question = _QUESTION_MARK.search(original)
        if which <= 1 and not (slots or _PAY_CONTENT.search(u["normalized"])):
            drop("counter_offer")
        elif which == 0 and "vague_commitment" in found and not question:
            drop("counter_offer")
        elif which == 2 and "state_capacity" in found and not question:
            drop("counter_offer")
        elif "这样吧" in found["counter_offer"].quote and _COMMIT.search(u["normalized"]):
            drop("counter_offer")
    if _own_instalments(found, u):  # 一个月两千一，分六个月，12月2号开始还 — terms of their own
        found["counter_offer"] = CustomerAct(
            "counter_offer", original.strip()[:60], "rule:counter_offer/slots"
        )
    if "counter_offer" in found:
        drop("promise_to_pay", "ask_question", "agree")
    if "agree" in found and not _STRONG_COMMIT.search(u["normalized"]):
        drop("promise_to_pay")
    if any(n in found for n in ("correct", "refuse")):
        drop("promise_to_pay")
    if "promise_to_pay" in found:
        concrete = u["amounts"] or (u["date"] and not u["date"].kind == "approx")
        if number(found["promise_to_pay"]) in (0, 1) and not concrete:
            drop("promise_to_pay")
        elif "state_capacity" in found and not _COMMIT.search(u["normalized"]):
            drop("promise_to_pay")
    if "promise_to_pay" in found and "vague_commitment" in found:
        if not _STRONG_VAGUE.search(u["normalized"]):
            drop("vague_commitment")
    if "state_capacity" in found:
        if not u["amounts"] and number(found["state_capacity"]) != 3:
            drop("state_capacity")
        elif "refuse" in found and _CAPACITY_LIMIT.search(found["refuse"].quote):
            drop("refuse")
    elif any(not a.exact for a in u["amounts"]) and (
        not (found.keys() & {"dispute", "counter_offer", "promise_to_pay", "agree", "correct"})
        or (_CAN_RAISE.search(u["normalized"]) and not (found.keys() & {"dispute", "correct"}))
    ):
        found["state_capacity"] = CustomerAct(
            "state_capacity", original.strip()[:60], "rule:state_capacity/slots"
        )
    if "state_reason" in found and "state_capacity" in found and number(found["state_reason"]) == 3:
        drop("state_reason")
    if found.keys() & {
        "refuse",
        "vague_commitment",
        "correct",
        "confirm_identity",
        "not_cardholder",
    }:
        drop("agree")
    if "hangup_intent" in found and "agree" in found and not _FIRM_YES.search(found["agree"].quote):
        drop("agree")
    if "agree" in found and number(found["agree"]) == 0 and _LISTENING.search(u["normalized"]):
        drop("agree")
    if "agree" in found and re.search(r"(吗|么|[?？])\W*$", found["agree"].quote):
        drop("agree")
    if "correct" in found or "hostile" in found:
        drop("ask_question")
    if "ask_question" not in found and asked:
        if not found.keys() & {
            "refuse", "correct", "counter_offer", "dispute", "hostile", "agree", "refuse_identity",
            "request_stop", "complain",
        }:  # fmt: skip
            found["ask_question"] = CustomerAct(
                "ask_question", original.strip()[:60], "rule:ask_question/mark"
            )
    if "agree" in found and "先这样" in getattr(found.get("hangup_intent"), "quote", ""):
        drop("hangup_intent")
