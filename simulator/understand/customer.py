"""Understanding the person who answered: customer acts with their evidence, and the slots.

The same approach as the trainee's side (:mod:`.core`): each act of
:data:`.customer_acts.CUSTOMER_ACTS` has precompiled patterns (:mod:`.lexicon_customer`) over
normalised text; each hit is a :class:`CustomerAct` naming the words and the pattern
(``rule:<act>#<n>``). A few acts then exclude one another the way a listener would (a yes
hedged with ``我尽量`` is a vague commitment, not agreement; ``我是她表妹`` is not a
confirmation of identity even though it says ``我是``). The slots keep ranges and approximate
dates as such (:mod:`.ranges`, :mod:`.relative_dates`), and keep apart the amounts said in a
dispute from the amounts said as capacity.

For a generalising layer (nearest labelled lines / a classifier, as :mod:`.fusion` does for the
agent side), :func:`rule_customer_acts` returns each act with its position in the normalised
text, and :class:`CustomerAct` carries the same evidence fields as :class:`.acts.Act`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from simulator.understand.acts import Act
from simulator.understand.customer_acts import CUSTOMER_ACTS
from simulator.understand.lexicon_customer import CUSTOMER_LEXICON, HARDSHIP_TOPICS, RELATIONS
from simulator.understand.normalize import Normalized, normalize_with_map
from simulator.understand.numbers import NUM, parse_months
from simulator.understand.ranges import Amount, amount_spans
from simulator.understand.relative_dates import DateSpan, date_span

__all__ = [
    "CustomerAct",
    "CustomerUnderstanding",
    "Relation",
    "customer_acts",
    "hardship_topics",
    "rule_customer_acts",
    "understand_customer",
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
_STRONG_THIRD_PARTY = 12
"""``not_cardholder`` patterns numbered below this say so outright; the rest infer it from the
cardholder being spoken of in the third person (他在开会)."""
_FIRST_PERSON_ABSENT = 3
"""``cardholder_absent`` patterns from this number on are the speaker's own (我在开车)."""
_RELATION = re.compile(
    rf"(?:我|俺|阿拉|额|我们)(?:就|只)?(?:是|系|事|介是)(?:[他她佢伊]+|持卡人|机主|[\u4e00-\u9fff]{{1,4}}?)?"
    rf"(?:的|们家的?)?(?P<a>{RELATIONS})"
    rf"|(?:[他她佢伊]|你找的|你说的)(?:那个人)?(?:是|系)我的?(?P<b>{RELATIONS})"
    rf"|我的?(?P<c>{RELATIONS})的(?:手机|电话|号码|号|卡)"
)
_PAY_CONTENT = re.compile(
    r"最低|一半|分期|分|期|晚|推迟|延|宽限|免|减|先还|剩下|还款日|还款额|一次|每个?月|号"
)
_COMMIT = re.compile(r"会|一定|保证|承诺|肯定|就去|马上|立即|第一时间|说到做到|错不了|放心")
_STRONG_COMMIT = re.compile(r"保证|一定|承诺|说到做到|错不了")
_CAPACITY_LIMIT = re.compile(r"多了|再多|上千|那么多")
_FIRM_YES = re.compile(r"同意|没问题|确认|定")
_LISTENING = re.compile(r"你(先)?(说|讲)(?!的|过|得)|你继续|我听着|听完")
_STRONG_VAGUE = re.compile(r"尽量|尽力|看情况|不确定|说不准|说不好|没个准|没办法保证")
_ANGRY = re.compile(r"烦死|别(再)?打了|催命|够了|烦不烦|有完没完|骚扰")
_QUESTION_MARK = re.compile(r"[?？]")
_ECHO = re.compile(r"^(喂+|啊+|啥|蛤|哈啰|哈啰|咩话|你找.{0,4}|.{0,6}吧|.{0,4}[?？]?)$")
_FILLER_QUESTION = re.compile(r"^(啊)?(你)?说(的)?什么(呢)?$")
_CHANNELS = {
    "手机银行": "手机银行", "网上银行": "网银", "网银": "网银", "微信": "微信", "支付宝": "支付宝",
    "柜台": "柜台", "网点": "网点", "掌上生活": "APP", "app": "APP", "自动扣款": "自动扣款",
    "云闪付": "云闪付", "转账": "转账",
}  # fmt: skip
_CHANNEL = re.compile("|".join(sorted(_CHANNELS, key=len, reverse=True)))


class CustomerAct(Act):
    """One customer act found in an utterance; ``name`` is a key of ``CUSTOMER_ACTS``.

    The evidence fields are :class:`.acts.Act`'s: ``quote`` (the customer's own words),
    ``source`` (``rule:<act>#<n>``), and for a future example layer ``example``,
    ``similarity`` and ``probability``.
    """


@dataclass(frozen=True)
class Relation:
    """Who the person who answered is to the cardholder, as they said it."""

    word: str
    """The relation word (表妹 / 同事 / 女儿)."""
    of: str
    """``speaker`` (我是她表妹: the speaker is the cardholder's 表妹) or ``cardholder``
    (这是我女儿的手机: the cardholder is the speaker's 女儿)."""

    def describe(self) -> str:
        """The relation in the scorecard's words."""
        if self.of == "speaker":
            return f"接听人是持卡人的{self.word}"
        return f"持卡人是接听人的{self.word}"


@dataclass(frozen=True)
class CustomerUnderstanding:
    """Everything the rules found in one utterance of the customer."""

    text: str
    acts: tuple[CustomerAct, ...] = ()
    amounts: tuple[Amount, ...] = ()
    """Every sum of money said, exact, range or approximation, in order."""
    months: int | None = None
    """Instalment count said (分十二期)."""
    date: DateSpan | None = None
    """The first date said, as a span (这周内 / 过两天 / 12月5号)."""
    channel: str | None = None
    relation: Relation | None = None
    third_party: str | None = None
    """``strong`` (我是他妈 / 打错了) or ``weak`` (他在开会) when ``not_cardholder``."""
    topics: tuple[str, ...] = ()
    """Hardship topics brought up (job, health, family, money, feeling)."""
    angry: bool = False
    """Insulting, threatening to complain, or openly fed up (for calm-under-pressure)."""
    extra: dict = field(default_factory=dict, compare=False)

    def has(self, *names: str) -> bool:
        """True if any of the named acts was found."""
        return any(act.name in names for act in self.acts)

    @property
    def names(self) -> tuple[str, ...]:
        """Act names, in order, without repeats."""
        return tuple(dict.fromkeys(act.name for act in self.acts))

    @property
    def disputed(self) -> tuple[Amount, ...]:
        """Amounts said in a dispute (never a capacity)."""
        return self.extra.get("disputed", ()) if self.has("dispute") else ()

    @property
    def capacity(self) -> tuple[Amount, ...]:
        """Amounts said as what the customer can pay (never one said in a dispute)."""
        return self.extra.get("capacity", ()) if self.has("state_capacity") else ()


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


def _number(act: CustomerAct) -> int:
    """Which of its act's patterns found it (-1 for an act inferred from the slots)."""
    head, _, number = act.source.rpartition("#")
    return int(number) if head else -1


def _exclude(found: dict[str, CustomerAct], u: dict, original: str) -> None:
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
        if _number(found["ask_question"]) != 0 and not asked:
            drop("ask_question")
    if _FILLER_QUESTION.search(u["normalized"]):
        drop("ask_question")
    if "cardholder_absent" in found:
        drop("state_reason")
        if _number(found["cardholder_absent"]) >= _FIRST_PERSON_ABSENT and "hangup_intent" in found:
            drop("cardholder_absent")
    if "refuse_identity" in found:
        drop("refuse", "confirm_identity", "agree", "counter_offer")
    if "correct" in found and _number(found["correct"]) == 0:
        drop("dispute")
    if "dispute" in found:
        drop("correct", "ask_question", "counter_offer", "promise_to_pay")
        if (
            "refuse" in found
            and _number(found["refuse"]) == 0
            and "不可能" in found["refuse"].quote
        ):
            drop("refuse")
    if "request_stop" in found:
        drop("counter_offer", "ask_question")
    if "not_cardholder" in found or "cardholder_absent" in found or "correct" in found:
        drop("counter_offer")
    if "counter_offer" in found:
        number = _number(found["counter_offer"])
        question = _QUESTION_MARK.search(original)
        if number <= 1 and not (slots or _PAY_CONTENT.search(u["normalized"])):
            drop("counter_offer")
        elif number == 0 and "vague_commitment" in found and not question:
            drop("counter_offer")
        elif number == 2 and "state_capacity" in found and not question:
            drop("counter_offer")
        elif "这样吧" in found["counter_offer"].quote and _COMMIT.search(u["normalized"]):
            drop("counter_offer")
    if "counter_offer" in found:
        drop("promise_to_pay", "ask_question", "agree")
    if "agree" in found and not _STRONG_COMMIT.search(u["normalized"]):
        drop("promise_to_pay")
    if any(n in found for n in ("correct", "refuse")):
        drop("promise_to_pay")
    if "promise_to_pay" in found:
        concrete = u["amounts"] or (u["date"] and not u["date"].kind == "approx")
        if _number(found["promise_to_pay"]) in (0, 1) and not concrete:
            drop("promise_to_pay")
        elif "state_capacity" in found and not _COMMIT.search(u["normalized"]):
            drop("promise_to_pay")
    if "promise_to_pay" in found and "vague_commitment" in found:
        if not _STRONG_VAGUE.search(u["normalized"]):
            drop("vague_commitment")
    if "state_capacity" in found:
        if not u["amounts"] and _number(found["state_capacity"]) != 3:
            drop("state_capacity")
        elif "refuse" in found and _CAPACITY_LIMIT.search(found["refuse"].quote):
            drop("refuse")
    elif any(not a.exact for a in u["amounts"]) and not (
        found.keys() & {"dispute", "counter_offer", "promise_to_pay", "agree", "correct"}
    ):
        found["state_capacity"] = CustomerAct(
            "state_capacity", original.strip()[:60], "rule:state_capacity/slots"
        )
    if (
        "state_reason" in found
        and "state_capacity" in found
        and _number(found["state_reason"]) == 3
    ):
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
    if "agree" in found and _number(found["agree"]) == 0 and _LISTENING.search(u["normalized"]):
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


@lru_cache(maxsize=4096)
def _understand(text: str, today: date) -> CustomerUnderstanding:
    nm = normalize_with_map(text)
    if not nm.text:
        return CustomerUnderstanding(text=text)
    amounts = amount_spans(text)
    months = parse_months(text)
    span = date_span(text, today)
    slots = {"amounts": amounts, "months": months, "date": span, "normalized": nm.text}
    hits = sorted(rule_customer_acts(nm), key=lambda hit: hit[0])
    found = {act.name: act for _, act in hits}
    _exclude(found, slots, text)
    kept = [act for _, act in hits if found.get(act.name) is act]
    acts = tuple(kept + [act for act in found.values() if act not in kept])
    relation = None
    third_party = None
    if "not_cardholder" in found:
        strong = _number(found["not_cardholder"]) < _STRONG_THIRD_PARTY
        third_party = "strong" if strong else "weak"
        m = _RELATION.search(nm.text)
        if m:
            word = m.group("a") or m.group("b") or m.group("c")
            relation = Relation(word, "speaker" if m.group("a") else "cardholder")
    channel = _CHANNEL.search(nm.text)
    topics = hardship_topics(nm.text)
    disputed, capacity = _split_amounts(text, amounts, found)
    if "state_capacity" in found and "dispute" in found and not capacity:
        acts = tuple(a for a in acts if a.name != "state_capacity")
    return CustomerUnderstanding(
        text=text,
        acts=acts,
        amounts=amounts,
        months=months,
        date=span,
        channel=_CHANNELS[channel.group()] if channel else None,
        relation=relation,
        third_party=third_party,
        topics=topics,
        angry=bool("hostile" in found or "complain" in found or _ANGRY.search(nm.text)),
        extra={"normalized": nm.text, "disputed": disputed, "capacity": capacity},
    )


_CLAUSE = re.compile(r"[^，。,.;；!！?？…]+")


def _split_amounts(
    text: str, amounts: tuple[Amount, ...], found: dict[str, CustomerAct]
) -> tuple[tuple[Amount, ...], tuple[Amount, ...]]:
    """``(disputed, capacity)``: a line that does both keeps each amount with its own clause."""
    dispute, can = "dispute" in found, "state_capacity" in found
    if not (dispute and can):
        return (amounts if dispute else ()), (amounts if can else ())
    disputed: list[Amount] = []
    capacity: list[Amount] = []
    for clause in _CLAUSE.findall(text):
        nm = normalize_with_map(clause)
        said = {act.name for _, act in rule_customer_acts(nm)}
        spans = amount_spans(clause)
        if "dispute" in said:
            disputed.extend(spans)
        elif "state_capacity" in said:
            capacity.extend(spans)
    return tuple(disputed), tuple(capacity)


def understand_customer(text: str, *, today: date | None = None) -> CustomerUnderstanding:
    """Find the acts and slots in one utterance of the customer.

    Args:
        text: What the customer said, simplified or traditional.
        today: The day of the call, for resolving dates; defaults to today.

    Returns:
        The acts (each with its quote and rule) and the slots.

    """
    return _understand(text or "", today or date.today())


def customer_acts(text: str) -> tuple[CustomerAct, ...]:
    """The customer acts in ``text``, each with its evidence (the corpus' unit of measure)."""
    return understand_customer(text).acts


_HARDSHIP = {name: re.compile(pattern) for name, pattern in HARDSHIP_TOPICS.items()}


def hardship_topics(normalized: str) -> tuple[str, ...]:
    """Hardship topics in normalised text (job, health, family, money, feeling)."""
    return tuple(name for name, regex in _HARDSHIP.items() if regex.search(normalized))
