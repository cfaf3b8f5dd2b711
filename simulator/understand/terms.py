"""Repayment terms in one line of either speaker: amount, instalments, date, channel, as said.

An offer (``12月5号前通过手机银行还两千五``), a counter-offer (``每个月八百分十五期行不行``), a
promise (``明天先还一部分``) and a read-back (``跟您核对一下：每月还2200，一共10期``) all carry
terms. Here they become :class:`Terms`: the amount per payment (a range stays a range), the
number of monthly instalments, the date as a span (:mod:`.relative_dates`), the channel, and
whether only ``一部分`` was said. Amounts said as context rather than payment — the debt, the
interest, a fee, the bill (``利息已经三百了``) — are not taken as the amount to pay.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, replace
from datetime import date

from simulator.understand.numbers import parse_months, prepare
from simulator.understand.ranges import Amount, amount_spans
from simulator.understand.relative_dates import DateSpan, date_span
from simulator.understand.simplify import to_simplified

__all__ = [
    "CHANNEL",
    "CHANNELS",
    "FIELDS",
    "PER_MONTH",
    "READBACK_ANNOUNCE",
    "READBACK_CUE",
    "Terms",
    "compare",
    "terms_of",
]

PER_MONTH = re.compile(r"每个?月|月供|一个月|每期|一期|月月")
"""Words that make a sum a monthly instalment (每月一千 / 一千一个月 / 月供三千), not a total."""

FIELDS = ("amount", "months", "due_date", "channel")
"""The fields a plan is compared on, in the scorecard's order."""

READBACK_CUE = re.compile(
    r"(跟|和|给|同|向)(您|你)(再)?(核对|确认|复述|重复|对)(一下|一遍)|(我|再)(复述|重复|总结|确认|核对)(一下|一遍)|"
    r"核对一下|确认一下|(那|那么)?(就是|也就是)说|我记一下|我(给您|帮您)?记下|总结一下|(那|那么)我们(就)?说好"
)
"""Words that mark a line as a read-back of what was agreed (also for ``understand`` later)."""

READBACK_ANNOUNCE = re.compile(
    r"(给|帮|替|跟|和)?(您|你)?(记|记录|登记|备注|记好|写)(一下|下来|下|上|好|清楚)(?!.{0,6}(争议|异议|投诉|调查|核查))|"
    r"(跟|和|给|同|向)(您|你)(再|重新)?(对|核对|核|过|复述|重复|念|读|确认|说)(一下|一遍|一次)|"
    r"(我|再|重新)(对|核对|过|复述|重复|念|读|确认|说|总结|归纳)(一下|一遍|一次)|"
    r"(那|那么|也|这)?就是说|(总结|归纳|汇总)(一下|下来)|"
    r"(咱们|我们|咱)(就)?(说好|讲好|定好|约好|说定|约定)(了|的)|(那|那么)?就(这么|这样)(定|说定)(了|下来)"
)
"""Words with which an agent announces that they are restating terms: 我给您记一下 / 我这边登记一下 /
我再跟您对一遍 / 那就是说 / 我重复一遍 / 给您备注上. After the customer agreed to terms, a line with
terms and such an announcement is the read-back (with or without 对吗), not a new offer."""

READBACK_CLAIM = re.compile(
    r"(根据|按照?|照|依)着?(刚才|刚刚|方才|之前|前面)(咱俩|咱们|我们|您|你)?的?(约定|商量|说的|谈的|讲的|定的)"
    r"|(刚才|刚刚|之前|已经)(说好|谈好|约好|定好|商量好)|(咱们?|我们|咱俩)(已经)?(说好|谈好|约好|定好)(了|的)"
    r"|(您|你)(刚才|刚刚|已经|是)是?(答应|同意|认可)(?!吗|不|么)|(您|你)(刚才|刚刚|已经)?是?(答应|同意|认可)(了|过)"
    r"|(您|你)(刚|刚才|刚刚|之前|方才)(说|讲|提|报)的(是|那个|那)"
)
"""Words that say the terms in the line were agreed or said by the customer (照刚才咱俩说的 /
您是答应了… / 您刚说的是…): a read-back, and a claim the customer can deny."""

READBACK_CHECK = re.compile(
    r"确认(?!(是否|能否|可否)?(接受|同意|愿意|可以|考虑))|核对|复核|复述|记一下|记下|记上|登记|对一下|对一哈"
    r"|对一对|对一遍|对个遍|核一下|核一遍|念一遍|过一遍|再说一遍|是否认可|根据(刚才|刚刚|方才)的?沟通"
    r"|(给|为)(您|你)(提交|报上去|录入|录到系统)|提交(还款)?(计划|方案)"
    r"|(我|这边|那我)(这边)?(就|这就|马上|现在)?(给您|帮您)?(提交|报上去|录入|登记)(了|啦|上去|上)"
    r"|(填|写|登记|录|记)(的|上的|下的|进去的)是|(表上|单子上|系统里|系统上)(我)?(现在)?(填|写|登记|录|记)"
    r"|没(记|听|说|写|弄|搞|念)(岔|错|混|反)|没差(儿)?(吧|吗|伐)|捋(一遍|一下|一捋|捋)|念叨(一遍|一下)"
    r"|边(录|记|写|填)边(念|读|说|报)"
    r"|(念|读)(一遍|一次|一回|一下|下)"  # 我给你念一次先 / 额给你念一下
    rf"|{READBACK_CLAIM.pattern}"
)
"""Words that make terms said back a check of what was agreed or proposed (我记一下 / 表上我填的是
/ 我没记岔吧 / 请您确认 — but not 请您确认是否接受, which asks for a yes to new terms), and every
:data:`READBACK_CLAIM`. After an agreement, a line with terms and such words is a read-back."""

_CONTEXT_BEFORE = re.compile(
    r"(欠款|欠了|欠|共欠|一共|总共|合计|总额|利息|违约金|年费|手续费|账单|逾期|本金|余额|已经|已|"
    r"最低还款额?是|收入|工资|房租|挣|不是)[^，。,.!！?？]{0,3}$"
)
_CONTEXT_AFTER = re.compile(
    r"(的)?(争议|异议|消费|那笔|利息|违约金|手续费|年费|欠款|还没还)|(我)?还不(起|了|上)|太多|不行"
)
_ASSERTED = re.compile(r"(是|说的是|应为|应该是|改成|改为)[^，。,.!！?？]{0,3}$")
_PAY_BEFORE = re.compile(
    r"(还|付|转|存|缴|交|打|还上|还清|凑)(个|上|了|款)?[^，。,.!！?？还]{0,2}$"
)
_MONTHLY = re.compile(r"(每个?月|月供|每期|一个月|每月|头一期|首期|第一期)[^，。,.!！?？]{0,6}$")
_PARTIAL = re.compile(r"一部分|一点|一些|点儿|部分|先还点|先还些")
CHANNELS = {
    "手机银行": "手机银行", "网上银行": "网银", "网银": "网银", "微信": "微信", "支付宝": "支付宝",
    "柜台": "柜台", "网点": "网点", "掌上生活": "APP", "app": "APP", "自动扣款": "自动扣款",
    "自动还款": "自动扣款", "云闪付": "云闪付", "转账": "转账",
}  # fmt: skip
"""Payment channels as said → the name a plan records (one table for both speakers)."""
CHANNEL = re.compile("|".join(sorted(CHANNELS, key=len, reverse=True)))


@dataclass(frozen=True)
class Terms:
    """Repayment terms as said in one line (any field may be missing)."""

    amount: Amount | None = None
    """Per payment: per month for instalments, the sum for a one-off payment."""
    months: int | None = None
    """Number of monthly instalments."""
    date: DateSpan | None = None
    """By when (the first instalment, for instalments)."""
    channel: str | None = None
    partial: bool = False
    """Only ``一部分`` / ``先还点`` was said for the amount."""

    @property
    def empty(self) -> bool:
        """Nothing about a repayment was said."""
        return not (self.amount or self.months or self.date or self.channel or self.partial)

    @property
    def concrete(self) -> bool:
        """An exact amount, and an exact date or a count of instalments."""
        exact_date = self.date is not None and not self.date.vague
        return bool(self.amount and self.amount.exact and (self.months or exact_date))

    def vague_fields(self) -> tuple[str, ...]:
        """Which fields keep the terms from being a plan (a range, 一部分, 过两天 …)."""
        out = []
        if self.partial and self.amount is None:
            out.append("amount")
        elif self.amount is not None and not self.amount.exact:
            out.append("amount")
        if self.date is not None and self.date.vague and not self.months:
            out.append("due_date")
        return tuple(out)

    def value(self, name: str) -> object:
        """One field in comparable form: amount (low, high), months, due date, channel."""
        if name == "amount":
            return (self.amount.low, self.amount.high) if self.amount else None
        if name == "due_date":
            return self.date.due if self.date else None
        return getattr(self, name)

    def merged(self, other: Terms) -> Terms:
        """These terms with ``other``'s fields filled in where these have none."""
        return Terms(
            self.amount or other.amount,
            self.months or other.months,
            self.date or other.date,
            self.channel or other.channel,
            (self.partial or other.partial) and not (self.amount or other.amount),
        )

    def conflicts(self, other: Terms) -> tuple[str, ...]:
        """Fields both state with different values."""
        return tuple(
            f
            for f in FIELDS
            if self.value(f) is not None
            and other.value(f) is not None
            and self.value(f) != other.value(f)
        )

    def describe(self) -> str:
        """The terms in the scorecard's words."""
        parts = []
        if self.amount is not None:
            each = "每期 " if self.months else ""
            parts.append(each + self.amount.describe())
        elif self.partial:
            parts.append("一部分（未说金额）")
        if self.months:
            parts.append(f"{self.months} 期")
        if self.date is not None:
            parts.append(self.date.describe())
        if self.channel:
            parts.append(f"通过{self.channel}")
        return "，".join(parts) or "（没有具体条件）"


def compare(agreed: Terms, read_back: Terms) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Field by field: ``(differs, missing)`` of a read-back against the agreed terms.

    A field *differs* when both state it with different values; it is *missing* when the
    agreement has it and the read-back leaves out a field the plan rests on (the amount; the
    count of instalments; the date of a one-off payment). A field only the read-back states
    (a channel, a day of the month) is an addition the customer may confirm.
    """
    differs = agreed.conflicts(read_back)
    missing = []
    if agreed.amount is not None and read_back.amount is None:
        missing.append("amount")
    if agreed.months and not read_back.months:
        missing.append("months")
    if agreed.date is not None and not agreed.months and read_back.date is None:
        missing.append("due_date")
    return differs, tuple(m for m in missing if m not in differs)


def _pick(
    text: str, spans: tuple[Amount, ...], months: int | None, debt: set[int]
) -> Amount | None:
    """The amount to pay among those said (see the module docstring)."""
    if not spans:
        return None
    s = prepare(to_simplified(text))
    if months:
        for span in spans:
            if _MONTHLY.search(s, 0, span.start):
                return span
    said = [
        a
        for a in spans
        if not _CONTEXT_BEFORE.search(s, 0, a.start)
        and not _CONTEXT_AFTER.match(s, a.start + len(a.quote))
    ]
    asserted = [a for a in said if _ASSERTED.search(s, 0, a.start)]
    paid = asserted or [a for a in said if _PAY_BEFORE.search(s, 0, a.start)]
    said = paid or said
    payable = [a for a in said if a.low not in debt] or said  # 还清八千六: the debt itself
    if payable and months and payable[-1].low in debt:  # 一万二分12期: the total, per month
        each = math.ceil(payable[-1].low / months)
        return Amount(each, each, quote=payable[-1].quote, start=payable[-1].start)
    if paid:
        return payable[0]
    return payable[-1] if payable else None


_VIA = re.compile(r"(通过|用|走|在|到|拿|去)[^，。,.!！?？]{0,2}$")


def _channel(s: str) -> str | None:
    """The channel the payment goes through: one said with 通过 / 用 …, else the last one."""
    found = list(CHANNEL.finditer(s))
    if not found:
        return None
    via = [m for m in found if _VIA.search(s, 0, m.start())]
    return CHANNELS[(via or found)[-1].group()]


def terms_of(
    text: str,
    today: date,
    *,
    amounts: tuple[Amount, ...] | None = None,
    debt: set[int] | frozenset[int] = frozenset(),
) -> Terms:
    """The repayment terms said in ``text``.

    Args:
        text: One line of either speaker.
        today: The day of the call, for dates.
        amounts: The amounts to choose from (default: every amount in the text); a customer's
            disputed amounts are left out by the caller.
        debt: Amounts already stated as the debt: never the amount to pay, unless divided.

    Returns:
        The terms; :attr:`Terms.empty` when the line says none.

    """
    return _terms_of(text, today, None if amounts is None else tuple(amounts), frozenset(debt))


@functools.lru_cache(maxsize=65536)
def _terms_of(
    text: str, today: date, amounts: tuple[Amount, ...] | None, debt: frozenset[int]
) -> Terms:
    # Cached: the scorer asks for the same line's terms on every rescore (Terms is frozen).
    spans = amount_spans(text) if amounts is None else amounts
    months = parse_months(text)
    months = months if months and months > 1 else None
    amount = _pick(text, spans, months, set(debt))
    simple = prepare(to_simplified(text))
    channel = _channel(simple)
    terms = Terms(
        amount=amount,
        months=months,
        date=date_span(text, today),
        channel=channel,
        partial=amount is None and bool(_PARTIAL.search(simple)),
    )
    if terms.amount is None and terms.months is None and terms.date is None and terms.partial:
        return replace(terms, partial=False)  # 一点 alone is not a repayment
    return terms
