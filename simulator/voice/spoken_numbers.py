"""Numbers, dates and times written in digits, rewritten in characters as people say them.

A voice that reads "1200元" digit by digit, or "2个月" as 二个月, sounds like a machine and is
heard wrong. Here amounts become 一千二百元, counts take 两 (两个月, 两千), card and phone numbers
are read digit by digit with 幺 for 1 (尾号幺二三四), years digit by digit (二零二六年), dates and
clock times the spoken way (十二月五日, 两点半 is left to the writer: 14:30 → 十四点三十分).
"""

from __future__ import annotations

import re

__all__ = ["cardinal", "digit_by_digit", "spell_numbers"]

_DIGITS = "零一二三四五六七八九"
_SMALL_UNITS = ("", "十", "百", "千")
_BIG_UNITS = ("", "万", "亿", "万亿")
# Words before a number that is an identifier, read digit by digit.
_ID_BEFORE = re.compile(
    r"(尾号|卡号|号码|电话|手机|工号|后四位|后4位|末四位|尾数|编号|身份证|验证码|账号|单号|分机)"
    r"[是为：:\s]*$"
)
# Measure words after which 2 is 两 (两个, 两块, 两期) — not 月 alone, which makes a month.
_MEASURES = "个块元期次位张天周年份笔件种条万千百"


def digit_by_digit(digits: str, one: str = "幺") -> str:
    """``digits`` read one by one; ``one`` is how 1 is said (幺 in numbers, 一 in years)."""
    return "".join(one if d == "1" else _DIGITS[int(d)] for d in digits)


def _section(n: int) -> str:
    """0 < n < 10000 in characters, zeros said once where they fall."""
    out, zero = "", False
    for power in (3, 2, 1, 0):
        digit = n // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _SMALL_UNITS[power]
    return out


def cardinal(n: int, *, two: str = "两") -> str:
    """``n`` as a spoken number: 1200 → 一千二百, 10 → 十, 2000 → 两千, 20 → 二十.

    ``two`` is how a leading 2 before 百/千/万/亿 is said (两 in speech, 二 in reading).
    """
    if n == 0:
        return "零"
    if n < 0:
        return "负" + cardinal(-n, two=two)
    sections, rest = [], n
    while rest:
        sections.append(rest % 10000)
        rest //= 10000
    if len(sections) > len(_BIG_UNITS):
        return digit_by_digit(str(n), one="一")
    out, zero = "", False
    for index in range(len(sections) - 1, -1, -1):
        section = sections[index]
        if section == 0:
            zero = bool(out)
            continue
        if out and (zero or section < 1000):
            out += "零"
        out += _section(section) + _BIG_UNITS[index]
        zero = False
    if out.startswith("一十"):
        out = out[1:]  # 十二, not 一十二
    if out.startswith("二") and len(out) > 1 and out[1] in "百千万亿":
        out = two + out[1:]
    return out


def _decimal(whole: str, fraction: str) -> str:
    return cardinal(int(whole), two="二") + "点" + digit_by_digit(fraction, one="一")


def _number(match: re.Match[str], text: str) -> str:
    raw = match.group(0)
    digits = raw.replace(",", "").replace("，", "")
    before, after = text[: match.start()], text[match.end() :]
    if "." in digits:
        whole, fraction = digits.split(".", 1)
        return _decimal(whole or "0", fraction)
    if _ID_BEFORE.search(before[-8:]) or (len(digits) > 1 and digits[0] == "0"):
        return digit_by_digit(digits)
    if after.startswith("年") and len(digits) == 4:
        return digit_by_digit(digits, one="一")
    if len(digits) >= 9 and "," not in raw:
        return digit_by_digit(digits)  # a phone or account number, not an amount
    n = int(digits)
    if n == 2:
        next_char = after[:1]
        if next_char in _MEASURES and next_char:
            return "两"
        return "二"
    return cardinal(n, two="两")


_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_TIME = re.compile(r"(?<!\d)(\d{1,2})[:：](\d{2})(?!\d)")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def _date(match: re.Match[str]) -> str:
    year, month, day = match.groups()
    return f"{digit_by_digit(year, one='一')}年{cardinal(int(month), two='二')}月{cardinal(int(day), two='二')}日"


def _time(match: re.Match[str]) -> str:
    hour, minute = int(match.group(1)), int(match.group(2))
    spoken_hour = "两" if hour == 2 else cardinal(hour, two="二")
    if minute == 0:
        return f"{spoken_hour}点"
    spoken_minute = ("零" if minute < 10 else "") + cardinal(minute, two="二")
    return f"{spoken_hour}点{spoken_minute}分"


def _percent(match: re.Match[str]) -> str:
    value = match.group(1)
    if "." in value:
        whole, fraction = value.split(".", 1)
        return "百分之" + _decimal(whole, fraction)
    return "百分之" + cardinal(int(value), two="二")


def spell_numbers(text: str) -> str:
    """``text`` with every number, date, time and percentage in characters."""
    text = text.translate(str.maketrans("０１２３４５６７８９％：", "0123456789%:"))
    text = _DATE.sub(_date, text)
    text = _TIME.sub(_time, text)
    text = _PERCENT.sub(_percent, text)
    return _NUMBER.sub(lambda m: _number(m, text), text)
