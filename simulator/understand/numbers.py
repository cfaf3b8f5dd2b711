"""Money amounts and instalment counts in spoken Chinese, and amounts as a person says them.

Amounts come in digits or Chinese numerals, often abbreviated the way people speak (``三千五`` is
3,500, ``一万二`` is 12,000, ``1万2`` is 12,000). Numbers that are not money are left alone: card
and staff numbers (``尾号3821``, ``工号1024``), dates (``12月5号``), counts (``12期``, ``3个月``) and
times (``8点``). A bare number under 100 without a money unit is not an amount.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "SLOT_CACHE",
    "chinese_to_number",
    "parse_amounts",
    "parse_months",
    "prepare",
    "spoken_amount",
]

SLOT_CACHE = 8192
"""Utterances whose slots (sums, instalments, dates) each parser keeps: the scorer asks for a
line's slots from ``understand``, the call state's terms and the customer's reading alike."""

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_DIGITS |= {"七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6}
_DIGITS |= {"柒": 7, "捌": 8, "玖": 9}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

_CN = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖十拾百佰千仟万亿"
NUM = rf"(?:\d+(?:\.\d+)?|[{_CN}])(?:\d+(?:\.\d+)?|[{_CN}])*"
"""A run of digits and Chinese numerals: one number token (``1万2``, ``六千八百五``)."""

_ELEMENT = re.compile(rf"\d+(?:\.\d+)?|[{_CN}]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_SPACES = re.compile(r"(?<!\d)\s+|\s+(?!\d)")
_PAUSE = re.compile(r"(?<=[\u4e00-\u9fff]{2})[ \t\u3000]+(?=[\u4e00-\u9fff]{2})")
"""A space between words in a line typed or transcribed without punctuation is a pause: 每月七百
四十二期 says 700 and 42, not 742. Between single characters (一 千 五, a recogniser spacing
every character) it is not."""

_AMOUNT = re.compile(
    rf"(?P<cur>[¥$]|rmb|人民币)?(?P<num>{NUM})(?P<more>多|余|来)?"
    r"(?P<unit>块钱|块|元|圆|人民币|rmb)?"
)
# Words just before a number that make it an identifier or a position, not money.
_NOT_MONEY_BEFORE = re.compile(
    r"(尾号|卡号|工号|编号|号码|后四位|后4位|前四位|前六位|末四位|尾数|身份证|验证码|密码|电话|手机"
    r"|热线|拨打|分机|第|排名|周|星期|礼拜)(是|为)?:?$"
)
# Words just after a number that make it a count, a date or a time.
_COUNT_AFTER = re.compile(
    r"(个月|个星期|个礼拜|个工作日|个小时|个人|个|期|月|天|日|号|点|年|周|星期|礼拜|次|岁|位|分钟|秒"
    r"|小时|%|倍|成|折|楼|层|路|条|件|张|笔|通(?!过|知)|遍|家|人|:|年代|届|级)"
)


_TOGETHER = re.compile(r"儿(?!钱)|(去|来|想|商量|琢磨|合计|办|弄|走|吃|住|过|干|聊|说|努力|解决)")
"""After 一块: 一块儿 / 一块商量 mean together, not one yuan."""


def prepare(text: str) -> str:
    """Prepare text for number parsing: NFKC, lower-case, no thousands commas, few spaces.

    Punctuation stays, so numbers on either side of a comma stay apart (``3500，2000``).
    """
    text = unicodedata.normalize("NFKC", text).lower()
    if "," in text:
        text = _THOUSANDS.sub("", text)
    if " " in text or "\t" in text or "\u3000" in text:
        text = _SPACES.sub("", _PAUSE.sub("，", text))
    return text


def chinese_to_number(token: str) -> float | None:
    """Read one number token in digits, Chinese numerals or a mix.

    Colloquial elision is understood: ``三千五`` → 3500, ``一万二`` → 12000, ``1万2`` → 12000,
    ``六千八百五`` → 6850; ``一万零五百`` → 10500. A token that starts with a unit other than
    ``十`` (``千万``, ``百``) is not a number.

    Args:
        token: A match of :data:`NUM`.

    Returns:
        The value, or None when the token is not a number.

    """
    if token.isdigit():
        return float(token)
    elements = _ELEMENT.findall(token)
    if not elements or elements[0] in ("百", "佰", "千", "仟", "万", "亿"):
        return None
    if all(e in _DIGITS for e in elements) and len(elements) > 1:
        return float("".join(str(_DIGITS[e]) for e in elements))  # 二〇二六
    total = 0.0
    section = 0.0
    current: float | None = None
    current_is_single = False
    last_unit = 0
    zero_seen = False
    for e in elements:
        if e in _DIGITS:
            if _DIGITS[e] == 0:
                zero_seen = True
                current = None
                continue
            current, current_is_single = float(_DIGITS[e]), True
        elif e in _SMALL_UNITS:
            unit = _SMALL_UNITS[e]
            section += (1.0 if current is None else current) * unit
            current, last_unit, zero_seen = None, unit, False
        elif e in _BIG_UNITS:
            unit = _BIG_UNITS[e]
            if current is not None:
                section += current
            total = (total + section) * unit if unit > 10_000 else total + section * unit
            section, current, last_unit, zero_seen = 0.0, None, unit, False
        else:
            current, current_is_single = float(e), len(e) == 1
    if current is not None:
        if last_unit >= 10 and current_is_single and not zero_seen:
            section += current * last_unit / 10  # 三千五: the unit after 五 is left unsaid
        else:
            section += current
    return total + section


_PER_UNIT = re.compile(r"个月|期|笔|个礼拜|周")
"""After 一: "a month" (per month), as in 三千一个月 — read with the 一, 三千一 would be 3,100."""


def per_unit_head(token: str, s: str, end: int) -> int | None:
    """The sum before a trailing 一 that starts "per month" (三千|一个月), or None.

    ``token`` is a Chinese numeral ending at ``end`` in ``s``. It splits only when what is left
    is a sum of at least 100 (十一个月 stays eleven months) and 个月 / 期 / 笔 follows.
    """
    if len(token) < 2 or token[-1] != "一" or not _PER_UNIT.match(s, end):
        return None
    if token[-2] not in "一十百千万两二三四五六七八九" and not token[:-1].isdigit():
        return None
    head = chinese_to_number(token[:-1])
    return round(head) if head is not None and head >= 100 else None


def _magnitude(e: str) -> int:
    return _SMALL_UNITS.get(e) or _BIG_UNITS.get(e, 0)


def split_numbers(token: str) -> list[str]:
    """Split a run of Chinese numerals that says two numbers one after the other.

    ``一千两千`` is 1,000 and 2,000 (a choice), not 3,000: after a unit, a numeral whose own unit is
    as large as one already said in the same section starts a new number. ``三千五百`` /
    ``一万两千`` / ``一千万`` stay one number (each unit smaller, or a multiplier right after).

    Args:
        token: A match of :data:`NUM`.

    Returns:
        The numbers in order; ``[token]`` when it is one.

    """
    elements = _ELEMENT.findall(token)
    if len(elements) < 4 or token.isdigit():
        return [token]
    parts: list[str] = []
    start = 0  # index in elements where the current number begins
    small = big = 0  # the smallest unit said since the last big unit; the last big unit
    for i, e in enumerate(elements):
        unit = _magnitude(e)
        if not unit:
            continue
        run = 0  # numerals just before this unit
        while i - run - 1 > start and _magnitude(elements[i - run - 1]) == 0:
            run += 1
        repeats = (unit < 10_000 and small and unit >= small) or (
            unit >= 10_000 and big and unit >= big
        )
        if run in (1, 2) and i - run - 1 >= start and repeats:
            # 一千|两千; 一千二|一千五 (the first numeral ends the elided number before it)
            cut = i - 1
            parts.append("".join(elements[start:cut]))
            start, small, big = cut, 0, 0
        if unit >= 10_000:
            big, small = unit, 0
        else:
            small = unit if not small else min(small, unit)
    parts.append("".join(elements[start:]))
    return parts


def parse_amounts(text: str) -> list[int]:
    """Find every money amount in ``text``, in yuan, in order of appearance.

    Args:
        text: An utterance.

    Returns:
        The amounts; numbers that are identifiers, dates, counts or times are left out.

    """
    s = prepare(text)
    found: list[int] = []
    for m in _AMOUNT.finditer(s):
        token = m.group("num")
        if token == "千万":  # 千万别… ("by all means"), not ten million
            continue
        start, end = m.start("num"), m.end()
        money = bool(m.group("cur") or m.group("unit"))
        named = _NOT_MONEY_BEFORE.search(s, max(0, start - 5), start)  # 尾号 / 第 … before it
        parts = split_numbers(token)
        if len(parts) > 1:  # 一千两千都行: two amounts, a choice
            if not money and (named or _COUNT_AFTER.match(s, end)):
                continue
            values = (chinese_to_number(part) for part in parts)
            found.extend(round(v) for v in values if v is not None and v >= (1 if money else 100))
            continue
        head = per_unit_head(token, s, m.end("num"))
        if head is not None and not m.group("unit"):
            found.append(head)  # 三千一个月 / 一千二一期: a sum per month, not 3,100
            continue
        value = chinese_to_number(token)
        if value is None or value < 1:
            continue
        if m.group("unit") == "块" and token == "一" and _TOGETHER.match(s, end):
            continue  # 咱一块儿想办法 / 一块商量: together, not one yuan
        if not money:
            if named:
                continue
            if _COUNT_AFTER.match(s, end) or value < 100:
                continue
            if token.isdigit() and len(token) >= 7:  # a phone number
                continue
        elif m.group("unit") is None and named:
            continue
        found.append(round(value))
    return found


_NUMERAL_NEXT = re.compile(r"\s*(还|能还|给|交|付|打|转)?\s*[\d一二两三四五六七八九十百千]")
_MONTHS_NUM = r"(?<![\d一二两三四五六七八九十])(?P<n>\d{1,3}|[一二两三四五六七八九十]{1,3})"
_MONTH_PATTERNS = (
    re.compile(rf"分(?:成|为)?{_MONTHS_NUM}(?:个)?(?:期|个月|月)"),
    re.compile(rf"(?<![第逾每前上下这本])(?<!分期){_MONTHS_NUM}期(?!间|限)"),
    re.compile(
        rf"(?<!逾期)(?<!已经)(?<!拖了)(?<!欠了)(?<!超过)(?<!过去)(?<!快)(?<!都)"
        rf"{_MONTHS_NUM}个月(?:内|之内|以内)?(?:来|慢慢)?(?:还(?!没|不|未|是)|分期|每)"
    ),
    re.compile(rf"(?<=还){_MONTHS_NUM}个月"),
    re.compile(
        rf"(?<!逾期)(?<!已经)(?<!拖了)(?<!欠了)(?<!超过)(?<!过去)(?<![快都这近有了没])"
        rf"{_MONTHS_NUM}个月(?!前|了|以前|之前|以来|没|后|之后|以后|的时间|不|未|多)"
    ),
    re.compile(
        r"分(?:成|为)?(?P<y>半年|一年半|\d{1,2}年|[一二两三四五]年)"
        r"|(?P<y2>半年|一年半|\d{1,2}年|[一二两三四五]年)(?:内|之内|以内)?(?:来|慢慢)?(?:还清|还完|分期|还上)"
    ),
)


@lru_cache(maxsize=SLOT_CACHE)
def parse_months(text: str) -> int | None:
    """Find an instalment count (``分12期``, ``十二个月还清``, ``分两年``).

    Durations that are not instalments (``逾期3个月``, ``保留五年``) are ignored.

    Args:
        text: An utterance.

    Returns:
        The number of monthly instalments, or None.

    """
    s = prepare(text)
    best: tuple[int, int] | None = None
    for pattern in _MONTH_PATTERNS:
        for m in pattern.finditer(s):
            groups = m.groupdict()
            years = groups.get("y") or groups.get("y2")
            if years:
                if years == "半年":
                    value = 6
                elif years == "一年半":
                    value = 18
                else:
                    count = chinese_to_number(years[:-1])
                    value = int(count * 12) if count else 0
            else:
                if m.start("n") > 0 and s[m.start("n") - 1] in "百千万":
                    continue  # 三千一个月 / 一千二一个月: the tail of a sum, per month
                count = chinese_to_number(groups["n"])
                value = int(count) if count else 0
                if value == 1 and _NUMERAL_NEXT.match(s, m.end()):
                    continue  # 一个月一千: per month, a sum follows
            if 1 <= value <= 120 and (best is None or m.start() < best[0]):
                best = (m.start(), value)
            break
    return best[1] if best else None


_WORDS = "零一二三四五六七八九"
_UNITS = ("", "十", "百", "千")


def spoken_amount(n: int) -> str:
    """Say an amount of yuan the way a person would, without the unit.

    ``3500`` → ``三千五``, ``12850`` → ``一万两千八百五``, ``10500`` → ``一万零五百``,
    ``2000`` → ``两千``, ``685`` → ``六百八十五``.

    Args:
        n: A whole number of yuan.

    Returns:
        The spoken Chinese form.

    """
    if n < 0:
        return "负" + spoken_amount(-n)
    if n == 0:
        return "零"
    digits = [int(c) for c in str(n)]
    top = len(digits) - 1
    nonzero = [top - i for i, d in enumerate(digits) if d]
    last = nonzero[-1]
    elide = len(nonzero) >= 2 and nonzero[-2] == last + 1 and (last in (1, 2, 3) or last % 4 == 3)
    parts: list[str] = []
    zero_pending = False
    for i, d in enumerate(digits):
        pos = top - i
        if d == 0:
            if parts:
                zero_pending = True
        else:
            if zero_pending:
                parts.append("零")
                zero_pending = False
            first = not parts
            if elide and pos == last:
                parts.append(_WORDS[d])
                break
            unit = _UNITS[pos % 4]
            if d == 2 and (pos % 4 == 3 or (first and pos >= 2 and pos % 4 != 1)):
                word = "两"
            elif d == 1 and pos % 4 == 1 and first:
                word = ""  # 十五, not 一十五
            else:
                word = _WORDS[d]
            parts.append(word + unit)
        if pos % 4 == 0 and pos > 0:
            group = digits[max(0, i - 3) : i + 1]
            if any(group):
                parts.append("万" if pos % 8 == 4 else "亿")
    return "".join(parts)
