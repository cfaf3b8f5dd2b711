"""Deadlines in spoken Chinese, resolved against the day of the call, and dates as people say them.

``下周五``, ``12月5号``, ``月底``, ``后天``, ``15号之前``, ``三天内`` … each becomes the date by which
something is to happen. A day that has already passed this week, month or year means the next
one (``15号`` said on the 28th is the 15th of next month).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

from simulator.understand.numbers import SLOT_CACHE, chinese_to_number, prepare

__all__ = ["parse_date", "spoken_date"]

_N = r"(\d{1,2}|[一二两三四五六七八九十]{1,3})"
_WEEKDAY = r"(一|二|三|四|五|六|日|天|七|[1-7])"
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_WEEK = r"(?:周|星期|礼拜)"


def _num(token: str) -> int:
    value = chinese_to_number(token)
    return int(value) if value else 0


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_day(year: int, month: int, day: int) -> date | None:
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _next_month(today: date) -> tuple[int, int]:
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def _weekday(token: str) -> int:
    return int(token) - 1 if token.isdigit() else _WEEKDAYS[token]


def _this_week(m: re.Match[str], today: date) -> date:
    day = today + timedelta(days=_weekday(m.group(1)) - today.weekday())
    return day if day >= today else day + timedelta(days=7)


def _next_week(m: re.Match[str], today: date) -> date:
    weeks = len(m.group(1))
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(days=7 * weeks + _weekday(m.group(2)))


def _weekend(m: re.Match[str], today: date) -> date:
    sunday = today + timedelta(days=6 - today.weekday())
    return sunday + timedelta(days=7 * len(m.group(1) or ""))


def _month_and_day(m: re.Match[str], today: date) -> date | None:
    year = _num(m.group(1)) if m.group(1) else None
    found = _month_day(year or today.year, _num(m.group(2)), _num(m.group(3)))
    if found and year is None and found < today:
        found = _month_day(today.year + 1, found.month, _num(m.group(3)))
    return found


def _day_only(m: re.Match[str], today: date) -> date | None:
    day = _num(m.group(1))
    if not 1 <= day <= 31:
        return None
    if day >= today.day:
        found = _month_day(today.year, today.month, day)
        if found and found >= today:
            return found
    return _month_day(*_next_month(today), day)


def _next_month_day(m: re.Match[str], today: date) -> date | None:
    return _month_day(*_next_month(today), _num(m.group(1)))


def _mid_month(_m: re.Match[str], today: date) -> date:
    if today.day <= 15:
        return today.replace(day=15)
    year, month = _next_month(today)
    return date(year, month, 15)


def _within_days(m: re.Match[str], today: date) -> date:
    count = _num(m.group(1))
    return today + timedelta(days=count * 7 if m.group(2) != "天" else count)


def _within_weeks_words(m: re.Match[str], today: date) -> date:
    count = _num(m.group(1)) if m.group(1) else 1
    return today + timedelta(days=7 * count)


_Rule = Callable[[re.Match[str], date], "date | None"]
_RULES: tuple[tuple[re.Pattern[str], _Rule], ...] = (
    (re.compile(r"大后天"), lambda _m, t: t + timedelta(days=3)),
    (re.compile(r"后天"), lambda _m, t: t + timedelta(days=2)),
    (re.compile(r"明天|明日|明早|明晚|明儿"), lambda _m, t: t + timedelta(days=1)),
    (re.compile(r"今天|今日|今晚|今儿|当天"), lambda _m, t: t),
    (re.compile(rf"(下+)个?{_WEEK}{_WEEKDAY}"), _next_week),
    (re.compile(rf"(?:这个?|本)?{_WEEK}{_WEEKDAY}"), _this_week),
    (re.compile(rf"(下+)?个?{_WEEK}末"), _weekend),
    (re.compile(rf"下个?月{_N}[号日]"), _next_month_day),
    (re.compile(r"下个?月[底末]"), lambda _m, t: _last_day(*_next_month(t))),
    (re.compile(r"(?:这个?|本)?月[底末]"), lambda _m, t: _last_day(t.year, t.month)),
    (re.compile(r"(?:下个?)?月初"), lambda _m, t: date(*_next_month(t), 1)),
    (re.compile(r"(?:这个?|本)?月中"), _mid_month),
    (re.compile(r"(?:今)?年[底末]"), lambda _m, t: date(t.year, 12, 31)),
    (re.compile(rf"(?:(\d{{4}})年)?{_N}月{_N}[号日]"), _month_and_day),
    (
        re.compile(
            rf"(?<![\d一二两三四五六七八九十月尾工编卡第几单])(?<!逾期){_N}号(?!线|楼|房|门|床|窗)"
        ),
        _day_only,
    ),
    (
        re.compile(rf"{_N}(天|周|个星期|个礼拜|星期|礼拜)(?:之内|以内|内|之后|以后|后)"),
        _within_days,
    ),
    (re.compile(r"(?:(一|两|二|三|\d)个?)(?:星期|礼拜|周)(?:之内|以内|内)"), _within_weeks_words),
    (re.compile(r"半个月(?:之内|以内|内)?"), lambda _m, t: t + timedelta(days=15)),
)


_WHEN_SAID = re.compile(
    r"(?:上午|下午|中午|早上|晚上)?(?:您|你|咱们?|我们?|我|他|她)?(?:刚|才|刚刚)?"
    r"(?:(?:说|讲|聊|谈|定|答应|商量|提|约)(?:好|妥)?(?:的|过|了)|打(?:的|过|了)电话)"
)
"""After a day word: the day something was said or agreed (按您今天说的 / 昨天打的电话), not a
day to pay."""

_WHEN_CALLED = re.compile(
    r"(?:上午|下午|中午|早上|晚上)?(?:[，,]\s*)?(?!之前|以前|前|之内|以内|内|为止)"
    r"[^，,。！？!?；;还付交转存缴款钱]{0,10}?"
    r"(?:打(?:个|这个|这通|一个)?电话|来电|致电|回电|回访|联系|回个电话|回电话|回拨|拨打|拨个电话)"
)
"""After a day word: the day of a phone call (今天打电话是想… / 明天再给您打电话 / 后天我们主管会再
联系您: who calls may stand between, in up to ten characters with no word of paying), not a day
to pay.
A bare 打过来 is left alone: 明天上午打过来 is money transferred."""


@lru_cache(maxsize=SLOT_CACHE)
def parse_date(text: str, today: date) -> date | None:
    """Find the first date or deadline in ``text`` and resolve it against ``today``.

    A day word that says when something was said (您今天说的 / 昨天定的) or when a phone call is
    made (今天打电话是想… / 明天再给您打电话) is not one.

    Args:
        text: An utterance.
        today: The day of the call.

    Returns:
        The date, or None when the text names none.

    """
    s = prepare(text)
    best: tuple[int, int, date] | None = None
    for pattern, rule in _RULES:
        m = next(
            (
                m
                for m in pattern.finditer(s)
                if not _WHEN_SAID.match(s, m.end()) and not _WHEN_CALLED.match(s, m.end())
            ),
            None,
        )
        if m is None:
            continue
        key = (m.start(), -(m.end() - m.start()))
        if best is not None and key >= best[:2]:
            continue
        found = rule(m, today)
        if found is not None:
            best = (key[0], key[1], found)
    return best[2] if best else None


def spoken_date(d: date, today: date) -> str:
    """Say a date the way a person would on the phone.

    Args:
        d: The date to say.
        today: The day of the call.

    Returns:
        ``今天``, ``明天`` or ``后天`` when that close, otherwise ``12月5号``.

    """
    delta = (d - today).days
    if delta == 0:
        return "今天"
    if delta == 1:
        return "明天"
    if delta == 2:
        return "后天"
    return f"{d.month}月{d.day}号"
