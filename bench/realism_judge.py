"""An independent judge of whether the customer's reply answered the question asked.

The judge reads only the words a trainee hears — the customer's reply, and for "can you repeat"
the customer's line before it — never the policy's decision or situation names. It is written to
be conservative: a reply is credited only when its words plainly answer the kind of question
asked, or plainly refuse it in character. Everything else is a miss, and a miss made only of
generic fillers is a non sequitur.

Verdicts (:func:`judge`):

- ``answered`` — the reply carries what the question asks for (rules per kind below).
- ``refused`` — the reply declines in character: 凭什么告诉你 / 你先说你是谁 / 跟你有什么关系 /
  跟你没关系 / 不想说 / 不想跟外人说 / 问这个干嘛 / 说了有用吗 / 先不说 / 不能随便报; for the
  identity questions, asking who is calling first (你是哪里的？/ 你哪位？/ 你工号多少？) is such a
  refusal; a customer who hangs up on the question has refused it.
- ``non_sequitur`` — every clause of the reply is a generic filler that would fit any line:
  嗯 / 你说 / 我在听 / 还有呢 / 说吧 / 你说什么？我没听懂 / 再说一遍 / 好什么呀 / 你找谁呀 /
  你到底想说什么 … (the bench's lines are clear, so not understanding them is not an answer).
- ``other`` — anything else that does not answer: an angry outburst, a change of subject, a
  reply to a different question.

What counts as an answer, per kind (:data:`KINDS`):

- ``who_speaking`` (to a third party: 请问您是哪位？) — says who they are: 我是 + a relation word
  or a name, 不是本人, 你打错了; or a relation word with 他/她 (他是我儿子).
- ``relation`` (您是他什么人？) — a relation word from the customer lexicon (妈妈 / 同事 / 朋友 …)
  said of themselves (我是他妈妈 / 他是我儿子 / 我儿子 / a clause that is only the word), or
  打错了, or saying they are the cardholder (我就是他本人). A relation word elsewhere
  (你这孩子说话还挺客气) is not credited.
- ``back_time`` (他什么时候回来？) — a time expression (晚上七点 / 明天 / 下班 / 周末 / 过两天 /
  月底 / a date), a plain don't-know (不知道 / 说不准 / 不一定 / 没准), or saying they are the
  cardholder (我就是他本人: he is on the line now).
- ``name`` (请问是王丽娟本人吗？) — yes or no in words: a clause opening with 是 / 对 / 没错 /
  不是 / 嗯是, or 我就是 / 是我 / 本人 / 我不是 / 打错了 / 他不在 (a relative's no), or 我是 + a
  name closing its clause (嗯，我是陈晓峰。). A bare 嗯 is not credited.
- ``id_digits`` (身份证后四位？) — four digits (arabic or Chinese), don't-know (记不清), or
  saying they are not the cardholder (as for ``who_speaking``).
- ``why_late`` (为什么没还上？) — a reason: a hardship topic (lost job, illness, family, money
  trouble), a cause word (因为 / 忘了 / 出事 / 被骗 / 周转), a dispute of the charge; or
  don't-know (for a third party).
- ``capacity`` (每个月能还多少？) — an amount of money, or "nothing" (没钱 / 一分都没有 / 拿不出 /
  还不起), or don't-know (说不准 / 看情况 / 不知道).
- ``when`` (什么时候能还？) — a date or time expression, a condition that names one
  (等发了工资 / 有钱就还 / 下个月), or don't-know.
- ``channel`` (通过什么方式还？) — a payment channel (手机银行 / 微信 / 支付宝 / 柜台 / 转账 …),
  or any-will-do (都行 / 随便), or don't-know.
- ``amount_right`` (这个金额对吗？) — yes or no about the sum: a clause opening with 对 / 是 /
  没错 / 不对 / 不是, or 没问题 / 我认 / 是欠 / 知道 / 有问题 / 不止 / 多了 / 算错 / 不是我刷的 /
  盗刷, or don't-know (不清楚: a relative, or a customer who has not looked).
- ``offer`` (每月两千分十二期，行吗？) — yes, no or other terms: 行 / 可以 / 好 / 同意 / 不行 /
  做不到 / 拿不出 / 太多 / 太长 / 来不及 / 考虑 / 商量, an amount or a count of months, or
  做不了主 (a third party).
- ``readback`` (跟您确认一下……对吗？) — a yes or a correction: 对 / 没错 / 是的 / 行 / 记住了 /
  不对 / 错了 / 我说的是 / 不是, a yes or no to the terms (as for ``offer``), or terms said again
  (那就每个月两千三，分三期吧).
- ``message`` (麻烦您转告他回个电话，好吗？) — yes or no to passing it on: 行 / 好 / 可以 /
  转告 / 跟他说 / 记下 / 不管 / 你自己找他, or saying they are the cardholder (我就是他).
- ``repeat`` (您能再说一遍吗？) — the reply says again what the customer's previous line said:
  at least half of that line's character pairs (bigrams of Han characters and digits), or one
  of the facts it stated (a sum, an instalment count, a time word such as 晚上 / 七点); or
  我刚才说了 (an in-character refusal).

Two more checks the bench uses: :func:`corrects` (a read-back answered with a correction, not a
confirmation) and :func:`gives_id_digits` (the reply says the cardholder's ID digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from simulator.understand.lexicon_customer import HARDSHIP_TOPICS, RELATIONS
from simulator.understand.numbers import parse_months
from simulator.understand.ranges import amount_spans
from simulator.understand.simplify import to_simplified
from simulator.understand.terms import CHANNEL, terms_of

__all__ = [
    "KINDS",
    "VERDICTS",
    "Verdict",
    "corrects",
    "gives_id_digits",
    "is_filler",
    "judge",
]

KINDS = (
    "who_speaking",
    "relation",
    "back_time",
    "name",
    "id_digits",
    "why_late",
    "capacity",
    "when",
    "channel",
    "amount_right",
    "offer",
    "readback",
    "message",
    "repeat",
)
"""The kinds of question a script line may ask (``asks:``)."""
VERDICTS = ("answered", "refused", "non_sequitur", "other")

_CN_DIGIT = "零〇一二三四五六七八九两幺"
_NUM = rf"[0-9{_CN_DIGIT}十百千万]"
_CLAUSE = re.compile(r"[^，。,.;；!！?？…、\s]+")
_PAIR = re.compile(r"(?=([\u4e00-\u9fff0-9]{2}))")

_FILLER_CLAUSE = re.compile(
    r"^(?:[嗯哦噢喔啊呃哎唉喂哈额]+|好|行|(?:嗯|哦|好)?(?:你|您)(?:说|讲)(?:吧|呀|啊)?|(?:你|您)?接着说|(?:你|您)?继续(?:说)?"
    r"|说吧|(?:我)?(?:在|正)?听着?(?:呢|呀)?|我在听(?:呢)?|还有呢|然后呢|还有(?:别的|其他|什么)?事(?:吗|没有|儿吗)?"
    r"|(?:你|您)?说什么(?:呢|呀)?|啥|什么|(?:我)?没听(?:懂|清|明白)(?:呀|啊)?|听不(?:懂|清|明白)"
    r"|(?:你|您)?再说一遍|(?:你|您)?说慢点儿?|好什么(?:好|呀|啊)?|(?:你|您)?找谁(?:呀|啊)?"
    r"|(?:嗯)?(?:你|您)?(?:到底)?(?:想|要)说什么(?:呀|啊)?|有话(?:就)?(?:快|直)说(?:吧)?|(?:你|您)?说重点"
    r"|别绕弯子了?|什么意思|说明白点儿?|(?:嗯|行)?(?:你|您)?说吧|怎么了|干嘛|不好意思|抱歉"
    r"|(?:你|您)(?:刚才?)?说(?:的)?(?:是)?(?:什么|啥)(?:呢|呀)?"
    r"|(?:(?:你|您)说的)?(?:这个|这些|那个)?(?:我)?(?:没|不)太?(?:听)?(?:懂|明白|清楚?)(?:呀|啊)?"
    r"|什么什么|对不起|(?:你|您)(?:能)?再说一遍(?:吗|吧)?|(?:你|您)?(?:能)?说具体点儿?(?:吗)?"
    r"|(?:你|您)?说明白点儿?|(?:我)?听不(?:懂|清|明白)|(?:你|您)?(?:到底)?想说啥|(?:你|您)?直接说重点(?:呗|吧)?"
    r"|(?:你|您)是说|(?:这个?|你说的)?跟(?:我|还款|我还钱|我欠钱)(?:有|有什么|有啥)关系(?:吗|呀)?"
    r"|这跟我(?:有|有什么|有啥)关系(?:吗|呀)?)$"
)
_REFUSE = re.compile(
    r"凭什么|不告诉你|不能(?:随便)?(?:告诉|说|给|报)|不方便(?:说|透露|讲)?|不想说|没必要(?:跟你)?(?:说|讲)"
    r"|(?:跟|和)(?:你|您)(?:有|没)(?:什么|啥)关系|关你(?:什么|啥)事|不用你管|你管不着|你管得着"
    r"|不报|不说|别问|不能跟你说|我不管|不关我的?事|不掺和|懒得(?:说|跟你)|不归我管"
    r"|先说别的|说来话长|回头再说|我有我的(?:原因|难处|道理)|(?:跟|和)客服说过|不跟你说"
    r"|(?:跟|和)(?:你|您)们?(?:没|没有|没什么|没啥)关系|不想(?:跟[^，。？！]{0,4})?(?:说|讲)"
    r"|问(?:这个|这些|了)?干(?:嘛|什么|啥)|说了(?:也)?(?:没用|有用吗|有什么用|有啥用)|说了你们也不"
    r"|不需要知道|不用(?:你)?知道|不(?:多|细)(?:说|讲)|不能.{0,6}(?:告诉|说|给|报)|别.{0,4}报"
    r"|不(?:太)?敢.{0,3}(?:说|报)|还敢.{0,4}报"
)
_WHO_FIRST = re.compile(
    r"(?:你|您)[^，。？?！!]{0,6}(?:是谁|是哪|哪里的|哪儿的|哪家的|哪个单位|干什么的|做什么的|干嘛的)"
    r"|(?:你|您)谁(?:啊|呀)?|(?:你|您)(?:是)?[…\.]*(?:哪位|谁)|(?:你|您)是[…\.]+[?？]|哪家|证明(?:你|您)是|^哪(?:儿|里|家|个单位)的|哪个(?:银行|单位|公司)|工号|单位"
    r"|还是.{0,6}(?:公司|催收)的|骗子|诈骗|推销"
)
_UNKNOWN = re.compile(
    r"不知道|不清楚|说不准|说不好|说不上来|不一定|没准|不好说|看情况|再看|记不清|记不得|不记得|记不住|没数|哪知道"
    r"|(?:再|得|先)算算|心里(?:也)?没底|不敢(?:乱)?说|再说吧"
)
_TIME = re.compile(
    rf"{_NUM}+\s*(?:点|号|日|天|个?月|周|个?星期|个?礼拜|年)|早上|上午|中午|下午|傍晚|晚上|夜里|半夜|凌晨|今天|"
    rf"明天|后天|大后天|今晚|明晚|周[一二三四五六日天末]|礼拜|星期|月底|月初|月中|年底|年后|过年|过两天|过几天|"
    rf"这两天|这几天|最近|下班|放学|马上|一会儿?|待会儿?|等会儿?|下个?月|这个?月|下周|这周|下礼拜|"
    rf"发工资|工资(?:下来|到账|发了)|有钱(?:了)?(?:就|再)|开春|节后"
)
_REASON = re.compile(
    "|".join(HARDSHIP_TOPICS[t] for t in ("job", "health", "money"))
    + r"|离婚|去世|学费|上学|照顾|孩子.{0,4}(?:病|住院|上学)|因为|由于|忘了|忘记|疏忽|出了?事|事故|周转|资金"
    r"|手头.{0,4}紧|紧张|困难|不是我刷|盗刷|没收到|没注意|出差|还(?:了)?别的|不认这笔|那笔"
    r"|拖着|没结|垫|回款|钱.{0,4}没(?:到|回|结|发)|忙|没顾上|顾不上|才(?:结|发|到)|压(?:了|着)|不景气"
    r"|耽误|出了点(?:状况|事)|状况|家里(?:的)?事"
)
_NOTHING = re.compile(
    r"没钱|一分(?:钱)?(?:都|也)?(?:没有|拿不出)|拿不出|还不起|没(?:有)?收入|没法还|还不上"
)
_ANY_WILL_DO = re.compile(
    r"都行|都可以|随便|无所谓|哪个都|怎么都行|都一样|银行卡|卡里|网上|手机上|app|APP"
)
_YES_NO_START = re.compile(
    r"^(?:嗯+|哦+)?(?:是(?!吗|不是|谁|哪|什么)|对(?!吧|吗|不对)|没错|不是|不对|错了|正是|就是我|嗯是|嗯对)"
)
_SELF = re.compile(
    r"我是(?=[，。,.!！?？]|$)|我是[\u4e00-\u9fff]{2,3}(?=[，。,.!！?？]|$)|我就是|就是我|是我|本人|我不是|不是我|打错了?|没这个人|不认识|不在家?|出去了|我是(?:他|她)|(?:他|她)(?:上班|出门|出去)"
)
_RELATION = re.compile(
    rf"我(?:就)?是(?:他|她|[\u4e00-\u9fff]{{1,4}}?)?的?(?:{RELATIONS})|(?:他|她|[\u4e00-\u9fff]{{2,3}})是我的?(?:{RELATIONS})"
    rf"|我(?:家)?(?:{RELATIONS})|(?:^|[，。,.!！?？])(?:他|她)?(?:{RELATIONS})(?:[，。,.!！?？]|$)|打错了?|不认识"
)
_WHO = re.compile(rf"我是(?:{RELATIONS}|他|她|[\u4e00-\u9fff]{{1,4}}[的]?(?:{RELATIONS}))|(?:他|她)是我的?(?:{RELATIONS})"
                  r"|不是本人|我(?:又)?不是|打错了?|不认识|我就是|就是我|是我|本人"
                  r"|我是[\u4e00-\u9fff]{2,3}(?=[，。,.!！?？]|$)")  # fmt: skip
_IS_CARDHOLDER = re.compile(
    r"我就是|就是我|我本人|就是本人|没有别人|没别人|(?:^|[，。,.!！?？])是我(?:本人)?(?=[，。,.!！?？]|$)"
)
"""The person asked about a cardholder says they are the cardholder (他什么时候回来？— 我就是他)."""
_AMOUNT_WORDS = re.compile(
    r"没问题|我认|认了|认账|是欠|欠着|欠了|知道|有问题|不止|多了|少了|算错|搞错|不对|对的|没错|是这么多|差不多|不认"
    r"|不是我(?:刷|买|消费|花)的?|根本不是我|怎么可能是我|那笔|盗刷"
)
_OFFER_START = re.compile(
    r"^(?:嗯+|哦+)?(?:行|可以|好(?!什么)|成|同意|不行|不可以|不同意|不成|没问题|那就|对(?!吧|吗|不对)"
    r"|没错|是的|就是这样)"
)
_OFFER = re.compile(
    r"行吧|可以|同意|不行|做不到|拿不出|还不起|"
    r"太多|太高|太少|太长|太久|太急|太紧|来不及|(?:考虑|想想|商量|琢磨)|做不了主|定不了|答应不了|不能答应|不答应|"
    r"就这么办|就这样|按你说的|接受|不接受|扛不住|扛得住|能扛|没那么多|少点|不敢答应|还不上|免谈|不谈"
    r"|先.{0,6}查清楚|不干|不要|算了|留着吧|再说吧|问问再说|太赶|赶不及|没到手|没门|门儿都没有|不可能"
    r"|不上(?:这个)?当|分(?:那么|这么)(?:多|久)|(?:那么|这么)多期"
    r"|(?:全|都)(?:搭|贴|填)进去.{0,3}不够|(?:挣|赚|工资|收入).{0,6}(?:都|也)不够"
    r"|盗刷|不是我刷|有争议的?.{0,6}(?:不还|不认)"  # refused on the disputed charge
    r"|就是这(?:么|样)"  # 嗯，就是这么说的 to their own terms offered back
)
_READBACK = re.compile(
    r"^(?:嗯+)?(?:对(?!吧|吗)|是(?!吗|谁|哪)|没错|不对|不是|错了|行|好(?!什么)|可以|那就)|没错|对的|是的|不对"
    r"|错了|我说的是|记错|搞错|就这样|就这么定|没问题|记住了|记下了|记着呢|就是这(?:么|样)|说定了"
)
_CORRECT = re.compile(
    r"不对|不是这样|不是这个|错了|记错|记岔|搞错|弄错|说错|说岔|我说的是|不是(?:这个|那么|这么)?(?:数|多)"
    r"|应该是|是.{0,8}不是"
)
_REJECT = re.compile(
    r"不行|不干|不要|拿不出|做不到|还不起|扛不住|不可能|不同意|不答应|不接受|没门|太多|太高|太长|太久|太赶|没那么多"
)
_MESSAGE_START = re.compile(r"^(?:嗯+|哦+)?(?:行|好(?!什么)|可以|成|知道了)")
_MESSAGE = re.compile(
    r"转告|跟他说|跟她说|告诉他|告诉她|记下|记着|让他|让她|回电话|"
    r"不管|你自己找|找他本人|找她本人|不帮|别找我|不传"
)
_REPEAT_REFUSAL = re.compile(r"(?:刚才|已经|都)(?:不是)?(?:说|讲|告诉你)(?:过|了)")


@dataclass(frozen=True)
class Verdict:
    """How a reply met a question."""

    verdict: str
    """One of :data:`VERDICTS`."""
    rule: str
    """What decided it (for reading the misses)."""

    @property
    def ok(self) -> bool:
        """Answered, or refused in character."""
        return self.verdict in ("answered", "refused")


def _text(reply: str) -> str:
    return to_simplified(reply or "").strip()


def _clauses(text: str) -> list[str]:
    return _CLAUSE.findall(text)


def is_filler(reply: str) -> bool:
    """Every clause of the reply is a generic filler that would fit after any line."""
    clauses = _clauses(_text(reply))
    return bool(clauses) and all(_FILLER_CLAUSE.match(c) for c in clauses)


def _yes_no(text: str) -> bool:
    return _starts(_YES_NO_START, text)


def _starts(regex: re.Pattern[str], text: str) -> bool:
    return any(regex.match(c) for c in _clauses(text))


def _terms(text: str) -> bool:
    """Money or a count of instalments is said."""
    return bool(amount_spans(text)) or bool(parse_months(text))


def _digits4(text: str) -> bool:
    return (
        re.search(rf"(?<![0-9{_CN_DIGIT}])[0-9{_CN_DIGIT}]{{4}}(?![0-9{_CN_DIGIT}])", text)
        is not None
    )


def _pairs(text: str) -> set[str]:
    return set(_PAIR.findall(text))


def _facts(text: str) -> set[str]:
    """The facts a line states: its sums, instalment counts and time words."""
    found = {f"¥{a.low}" for a in amount_spans(text)} | set(_TIME.findall(text))
    months = parse_months(text)
    return found | ({f"{months}期"} if months and months > 1 else set())


def _repeats(text: str, previous: str) -> bool:
    previous = _text(previous)
    before = _pairs(previous)
    if not before:
        return False
    if _facts(previous) & _facts(text):
        return True
    return len(before & _pairs(text)) >= 0.5 * len(before)


def _answers(kind: str, text: str, previous: str) -> str | None:  # noqa: C901 — one rule per kind
    """The rule that credits ``text`` as an answer to ``kind``, or None."""
    if kind == "who_speaking":
        return "who" if _WHO.search(text) else None
    if kind == "relation":
        if _RELATION.search(text):
            return "relation word"
        return "is the cardholder" if _IS_CARDHOLDER.search(text) else None
    if kind == "back_time":
        if _TIME.search(text):
            return "time expression"
        if _IS_CARDHOLDER.search(text):
            return "is the cardholder"
        return "don't know" if _UNKNOWN.search(text) else None
    if kind == "name":
        if _yes_no(text):
            return "yes/no"
        return "self" if _SELF.search(text) else None
    if kind == "id_digits":
        if _digits4(text):
            return "four digits"
        if _WHO.search(text):
            return "not the cardholder"
        return "don't know" if _UNKNOWN.search(text) else None
    if kind == "why_late":
        if _REASON.search(text):
            return "reason"
        return "don't know" if _UNKNOWN.search(text) else None
    if kind == "capacity":
        if amount_spans(text):
            return "amount"
        if _NOTHING.search(text):
            return "nothing"
        return "don't know" if _UNKNOWN.search(text) else None
    if kind == "when":
        if _TIME.search(text):
            return "time expression"
        return "don't know" if _UNKNOWN.search(text) else None
    if kind == "channel":
        if CHANNEL.search(text):
            return "channel"
        if _ANY_WILL_DO.search(text):
            return "any will do"
        return "don't know" if _UNKNOWN.search(text) else None
    if kind == "amount_right":
        if _yes_no(text):
            return "yes/no"
        if _AMOUNT_WORDS.search(text):
            return "about the sum"
        return "don't know" if _UNKNOWN.search(text) else None
    if kind == "offer":
        if _starts(_OFFER_START, text) or _OFFER.search(text):
            return "yes/no"
        return "other terms" if _terms(text) else None
    if kind == "readback":
        if _READBACK.search(text):
            return "yes/correction"
        if _starts(_OFFER_START, text) or _OFFER.search(text):
            return "yes/no to the terms"
        return "restates the terms" if _terms(text) else None
    if kind == "message":
        if _starts(_MESSAGE_START, text) or _MESSAGE.search(text):
            return "yes/no"
        return "is the cardholder" if _IS_CARDHOLDER.search(text) else None
    if kind == "repeat":
        if _repeats(text, previous):
            return "said again"
        return "said it already" if _REPEAT_REFUSAL.search(text) else None
    raise ValueError(f"unknown question kind {kind!r}; known: {', '.join(KINDS)}")


def judge(kind: str, reply: str, *, previous: str = "", hung_up: bool = False) -> Verdict:
    """Whether ``reply`` answered a question of ``kind`` (or refused it in character).

    Args:
        kind: one of :data:`KINDS`.
        reply: the customer's words.
        previous: the customer's line before the question (for ``repeat``).
        hung_up: the customer ended the call with this reply.

    Raises:
        ValueError: an unknown kind.
    """
    text = _text(reply)
    rule = _answers(kind, text, previous)
    if rule:
        return Verdict("answered", rule)
    if hung_up:
        return Verdict("refused", "hung up")
    if _REFUSE.search(text):
        return Verdict("refused", "declines")
    if kind in ("name", "id_digits", "who_speaking", "relation") and _WHO_FIRST.search(text):
        return Verdict("refused", "asks who is calling first")
    if is_filler(text):
        return Verdict("non_sequitur", "filler")
    return Verdict("other", "no answer")


def corrects(reply: str, read_back: str = "", today: date | None = None) -> str:
    """How a reply meets a wrong read-back: ``corrected``, ``rejected``, ``confirmed`` or ``other``.

    Corrected: the reply says it is wrong (不对 / 错了 / 我说的是 …), or states terms that
    differ from the read-back's (amount, months or date). Rejected: a plain no to the terms
    (不行 / 拿不出来), which neither corrects nor confirms. Confirmed: a yes, or the read-back's
    terms said again.
    """
    text = _text(reply)
    if _CORRECT.search(text):
        return "corrected"
    if read_back:
        day = today or date.today()
        said, back = terms_of(text, day), terms_of(_text(read_back), day)
        if said.conflicts(back):
            return "corrected"
    if _REJECT.search(text):
        return "rejected"
    if read_back and (said.amount or said.months):
        return "confirmed"
    if _READBACK.search(text) or _starts(_OFFER_START, text) or _OFFER.search(text):
        return "confirmed"
    return "other"


def gives_id_digits(reply: str, id_last4: str) -> bool:
    """The reply says the cardholder's ID digits, in arabic or Chinese digits."""
    text = _text(reply).replace(" ", "")
    cn = "".join("零一二三四五六七八九"[int(d)] for d in id_last4)
    variants = {id_last4, cn, cn.replace("零", "〇"), cn.replace("一", "幺")}
    return any(v in text for v in variants)
