"""Money as people say it on the phone: exact sums, ranges and approximations, kept apart.

``五六百`` is 500-600, ``三四千`` 3,000-4,000, ``一千三四`` 1,300-1,400, ``八百多`` 800-900,
``一千出头`` about 1,000, ``千把块`` about 1,000, ``两千左右`` about 2,000, ``一千到一千五``
1,000-1,500. :func:`simulator.understand.parse_amounts` reads each of these as one number; this
module says which numbers were ranges or approximations, so that a plan built on one can be
called vague and a capacity of ``五六百`` is not read as 600 exactly. ``最多一千`` and ``至少五百``
are exact numbers with a bound.

Numbers that are not money (card and staff numbers, dates, counts, times, hotlines) are left
out by the same tests :mod:`.numbers` applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from simulator.understand.numbers import NUM, SLOT_CACHE, chinese_to_number, prepare
from simulator.understand.simplify import to_simplified

__all__ = ["Amount", "amount_spans"]

_D = "一二两三四五六七八九"
_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_UNIT = {"十": 10, "百": 100, "千": 1000, "万": 10_000}

_SUF = r"(?P<suf>多|来|余|出头|左右|上下|把)?"
_MONEY_UNIT = r"(?P<unit>块钱|块|元|圆|蚊|快(?=钱|$|[，。,.!！?？的吧]))?"
_TOKEN = re.compile(
    rf"(?P<cur>[¥$])?(?P<num>{NUM}){_SUF}{_MONEY_UNIT}(?P<after>左右|上下|之间|以内|以下)?"
)
_SPAN = re.compile(
    rf"(?P<a>{NUM})(?:块|元)?(?:到|至|-|~|～|或者?)(?P<b>{NUM})(?P<unit>块钱|块|元|蚊)?(?:之间)?"
)
_ADJACENT = re.compile(rf"^(?P<head>.*[十百千万])?(?P<a>[{_D}])(?P<b>[{_D}])(?P<unit>[十百千万])?$")
_NOT_MONEY_BEFORE = re.compile(
    r"(尾号|卡号|工号|公号|编号|号码|后四位|后六位|后4位|后6位|四位|前六位|末四位|尾数|身份证|身分证"
    r"|验证码|密码|电话|手机|热线|拨打|拨|打|分机|第|排名|:|周|星期|礼拜)(是|为)?$"
)
_COUNT_AFTER = re.compile(
    r"(个月|个星期|个礼拜|个工作日|个小时|个人|个|期|七(?!百|千|万|十)|月|天|日|号|號|点|年|周|星期|礼拜"
    r"|次|岁|位|分钟|秒|小时|%|倍|成|折|楼|层|路|条|件|张|笔|通|遍|家|人|:|届|级)"
)
_BOUND_MAX = re.compile(r"(最多|顶多|撑死|不超过|至多|封顶)[^，。,.!！?？;；]{0,5}$")
_BOUND_MIN = re.compile(r"(至少|起码|最少|最低)[^，。,.!！?？;；]{0,4}$")
_APPROX_PRE = re.compile(r"(大概|大约|差不多|估计|约莫|约|将近|接近|可能)[^，。,.!！?？;；]{0,4}$")


@dataclass(frozen=True)
class Amount:
    """One sum of money said in an utterance."""

    low: int
    """The least it can mean, in yuan."""
    high: int
    """The most it can mean (equal to ``low`` for an exact sum)."""
    approx: bool = False
    """Said as an approximation (左右 / 大概 / 出头 / 千把块 / 八百多)."""
    bound: str | None = None
    """``max`` (最多一千) or ``min`` (至少五百): an exact number stated as a limit."""
    quote: str = ""
    """The words as said (in the prepared text)."""
    start: int = 0
    """Where it starts in :func:`.numbers.prepare`'s text."""

    @property
    def exact(self) -> bool:
        """One number, neither a range nor an approximation."""
        return self.low == self.high and not self.approx

    @property
    def value(self) -> int:
        """The number to use where one is needed: the low end (what can be counted on)."""
        return self.low

    def describe(self) -> str:
        """The amount in the scorecard's words (``500-600 元`` / ``约 1000 元``)."""
        if self.low != self.high:
            return f"{self.low}-{self.high} 元"
        return f"约 {self.low} 元" if self.approx else f"{self.low} 元"


def _step(value: int) -> int:
    """The unit ``多`` adds to: 800 → 100, 2000 → 1000, 3500 → 100, 10000 → 10000."""
    step = 1
    while value % (step * 10) == 0 and step * 10 <= value:
        step *= 10
    return step


def _adjacent(token: str) -> tuple[int, int] | None:
    """``五六百`` → (500, 600); ``一千三四`` → (1300, 1400); None if not that form."""
    m = _ADJACENT.match(token)
    if not m:
        return None
    a, b = _DIGIT[m.group("a")], _DIGIT[m.group("b")]
    if not 1 <= b - a <= 2:
        return None
    head = m.group("head") or ""
    if m.group("unit"):
        unit = _UNIT[m.group("unit")]
    elif head:
        unit = _UNIT[head[-1]] // 10
    else:
        return None
    base = chinese_to_number(head) if head else 0.0
    if base is None or unit < 1:
        return None
    return int(base + a * unit), int(base + b * unit)


def _is_money(s: str, m: re.Match[str], value: float) -> bool:
    start, end = m.start("num"), m.end("num")
    if m.group("unit") or m.group("cur") or m.group("suf") == "把":
        return not _NOT_MONEY_BEFORE.search(s, max(0, start - 5), start) or bool(m.group("unit"))
    if _NOT_MONEY_BEFORE.search(s, max(0, start - 5), start):
        return False
    if _COUNT_AFTER.match(s, end + len(m.group("suf") or "")):
        return False
    if value < 100:
        return False
    return not (m.group("num").isdigit() and len(m.group("num")) >= 5 and value > 200_000)


@lru_cache(maxsize=SLOT_CACHE)
def amount_spans(text: str) -> tuple[Amount, ...]:
    """Every sum of money in ``text``, each as exact, a range or an approximation.

    Args:
        text: An utterance (simplified or traditional, digits or Chinese numerals).

    Returns:
        The amounts in order of appearance.

    """
    s = prepare(to_simplified(text))
    found: list[Amount] = []
    taken: list[tuple[int, int]] = []
    for m in _SPAN.finditer(s):
        a, b = chinese_to_number(m.group("a")), chinese_to_number(m.group("b"))
        if a is None or b is None or not a < b:
            continue
        if a < 10 and b >= 100 and not m.group("a").isdigit():  # 一到两千: 1000-2000
            a = a * _step(int(b))
        if b >= 100 and a * 20 >= b or m.group("unit"):
            found.append(Amount(int(a), int(b), quote=m.group(), start=m.start()))
            taken.append((m.start(), m.end()))
    for m in _TOKEN.finditer(s):
        if any(lo <= m.start("num") < hi for lo, hi in taken):
            continue
        token = m.group("num")
        if token == "千万":
            continue
        suf, after = m.group("suf"), m.group("after")
        before = s[max(0, m.start() - 8) : m.start()]
        pair = _adjacent(token)
        if suf == "把" and token in _UNIT.keys() | {"十", "百", "千", "万"}:
            value = float(_UNIT[token])
        elif pair:
            value = float(pair[0])
        else:
            value = chinese_to_number(token)
        if value is None or value < 1 or not _is_money(s, m, value):
            continue
        low = high = int(round(value))
        if pair:
            low, high = pair
        approx = bool(
            suf in ("来", "出头", "左右", "上下", "把")
            or after in ("左右", "上下")
            or _APPROX_PRE.search(before)
        )
        if suf in ("多", "余"):
            high = low + _step(low)
        bound = "max" if _BOUND_MAX.search(before) or after in ("以内", "以下") else None
        bound = "min" if _BOUND_MIN.search(before) else bound
        found.append(Amount(low, high, approx, bound, m.group().strip(), m.start("num")))
    found.sort(key=lambda a: a.start)
    return tuple(found)
