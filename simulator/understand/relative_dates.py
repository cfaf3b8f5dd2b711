"""Dates as a span, resolved against the day of the call: exact days, deadlines, windows, guesses.

:func:`simulator.understand.parse_date` gives one day for the forms it knows (``12月5号``,
``下周五``, ``月底``, ``三天内``). People also say ``这个月25号``, ``本月25号前``, ``这周内``,
``下周``, ``过两天``, ``年前``, ``春节前``: this module resolves those too and says what kind of
date each is, so a plan can be judged on it:

- ``day``: one named day (``这个月25号``, ``12月5号``, ``明天``);
- ``by``: a deadline with a named last day (``本月25号前``, ``这周内``, ``月底前``);
- ``window``: some day in a period, no day named (``下周``, ``下个月``);
- ``approx``: a guess (``过两天``, ``过几天``, ``最近``, ``年后``).

Holiday deadlines (``年前``, ``春节前``, ``过年前``) resolve to the eve of the next 春节 from
:data:`SPRING_FESTIVAL` and are ``by`` dates that are still *vague*: a season, not a day. A
year outside the table gives no date rather than a guess.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from simulator.understand.dates import parse_date
from simulator.understand.numbers import SLOT_CACHE, chinese_to_number, prepare
from simulator.understand.simplify import to_simplified

__all__ = ["SPRING_FESTIVAL", "DateSpan", "date_span", "spring_festival_after"]

SPRING_FESTIVAL = {
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
    2033: date(2033, 1, 31),
    2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}
"""正月初一 (the first day of the lunar year) by Gregorian year."""

_N = r"(\d{1,2}|[一二两三四五六七八九十]{1,3})"
_BY = r"(?:之前|以前|前(?!天|面|两|几)|之内|以内|内|为止)"
_DEADLINE_AFTER = re.compile(rf"(?:还|还清|还上|还完|付|交|缴)?{_BY}")


@dataclass(frozen=True)
class DateSpan:
    """When something is to happen, as said."""

    earliest: date
    """The first day it can mean."""
    latest: date
    """The last day it can mean: the due date of a payment."""
    kind: str
    """``day``, ``by``, ``window`` or ``approx`` (see the module docstring)."""
    quote: str = ""
    """The words as said (in the prepared text)."""
    holiday: str | None = None
    """The holiday a deadline is anchored to (``春节``), if any."""

    @property
    def due(self) -> date:
        """The day a payment falls due."""
        return self.latest

    @property
    def vague(self) -> bool:
        """No day is named: a window, a guess or a holiday season."""
        return self.kind in ("window", "approx") or self.holiday is not None

    def describe(self) -> str:
        """The date in the scorecard's words."""
        if self.kind == "day":
            return self.latest.isoformat()
        if self.kind == "by":
            return f"{self.latest.isoformat()} 前" + (f"（{self.holiday}）" if self.holiday else "")
        return f"{self.earliest.isoformat()} 至 {self.latest.isoformat()}（{self.quote}，未定具体日期）"


def spring_festival_after(today: date) -> date | None:
    """The next 春节 on or after ``today`` (None beyond the table)."""
    for year in (today.year, today.year + 1):
        day = SPRING_FESTIVAL.get(year)
        if day and day >= today:
            return day
    return None


def _num(token: str) -> int:
    value = chinese_to_number(token)
    return int(value) if value else 0


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _next_month(today: date) -> tuple[int, int]:
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def _this_month_day(m: re.Match[str], today: date) -> tuple[date, date] | None:
    day = _num(m.group(1))
    if not 1 <= day <= calendar.monthrange(today.year, today.month)[1]:
        return None
    found = date(today.year, today.month, day)
    return found, found


def _week_end(today: date, weeks: int = 0) -> date:
    return today + timedelta(days=6 - today.weekday() + 7 * weeks)


def _next_week(_m: re.Match[str], today: date) -> tuple[date, date]:
    monday = today + timedelta(days=7 - today.weekday())
    return monday, monday + timedelta(days=6)


def _next_month_window(_m: re.Match[str], today: date) -> tuple[date, date]:
    year, month = _next_month(today)
    return date(year, month, 1), _last_day(year, month)


def _festival_eve(_m: re.Match[str], today: date) -> tuple[date, date] | None:
    day = spring_festival_after(today + timedelta(days=1))
    return (today, day - timedelta(days=1)) if day else None


def _after_festival(_m: re.Match[str], today: date) -> tuple[date, date] | None:
    day = spring_festival_after(today)
    return (day + timedelta(days=1), day + timedelta(days=15)) if day else None


def _mid_next_month(_m: re.Match[str], today: date) -> tuple[date, date]:
    year, month = _next_month(today)
    return date(year, month, 11), date(year, month, 20)


def _days(lo: int, hi: int) -> Callable[[re.Match[str], date], tuple[date, date]]:
    return lambda _m, today: (today + timedelta(days=lo), today + timedelta(days=hi))


def _monthly_day(m: re.Match[str], today: date) -> tuple[date, date] | None:
    """每月5号: the first such day from today on (the first instalment's due date)."""
    day = _num(m.group(1))
    if not 1 <= day <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(2):
        last = calendar.monthrange(year, month)[1]
        found = date(year, month, min(day, last))
        if found >= today:
            return found, found
        year, month = _next_month(today)
    return None


_Rule = Callable[[re.Match[str], date], "tuple[date, date] | None"]
# (pattern, resolver, kind, holiday); the first match in the text wins, longer first at a tie.
_RULES: tuple[tuple[re.Pattern[str], _Rule, str, str | None], ...] = (
    (re.compile(rf"(?:这个?|本)月{_N}[号日]"), _this_month_day, "day", None),
    (re.compile(rf"(?:每个?月|每期|月供)的?{_N}[号日]"), _monthly_day, "day", None),
    (
        re.compile(r"(?:这个?|本)(?:周|星期|礼拜)(?:之内|以内|内|结束前|末前)"),
        lambda _m, t: (t, _week_end(t)),
        "by",
        None,
    ),
    (
        re.compile(r"(?:这个?|本)月(?:之内|以内|内|结束前)"),
        lambda _m, t: (t, _last_day(t.year, t.month)),
        "by",
        None,
    ),
    (
        re.compile(r"下个?月(?:之内|以内|内)"),
        lambda _m, t: (t, _last_day(*_next_month(t))),
        "by",
        None,
    ),
    (re.compile(r"下个?(?:周|星期|礼拜)(?![一二三四五六日天末1-7])"), _next_week, "window", None),
    (
        re.compile(r"下个?月(?![底末初中\d一二两三四五六七八九十])"),
        _next_month_window,
        "window",
        None,
    ),
    (
        re.compile(r"(?:过年|春节|(?<![\d一二两三四五六七八九十几多去今明前])年)(?:之前|以前|前)"),
        _festival_eve,
        "by",
        "春节",
    ),
    (re.compile(r"下个?月中旬?"), _mid_next_month, "approx", None),
    (re.compile(r"(?:过完年|年后|春节后|过了年|开春)"), _after_festival, "approx", None),
    (re.compile(r"(?:过|再过)(?:两|二|2)天"), _days(1, 3), "approx", None),
    (re.compile(r"(?:这|这么)(?:两|二|2)天"), _days(0, 2), "approx", None),
    (re.compile(r"(?:过|再过|这)(?:几|些)天"), _days(2, 7), "approx", None),
    (
        re.compile(r"过(?:段|一段|阵子|一阵子|些日子)(?:时间)?|最近|近期|改天|回头"),
        _days(7, 30),
        "approx",
        None,
    ),
)


@lru_cache(maxsize=SLOT_CACHE)
def date_span(text: str, today: date) -> DateSpan | None:
    """Find the first date said in ``text`` and resolve it against ``today`` as a span.

    Args:
        text: An utterance (simplified or traditional).
        today: The day of the call.

    Returns:
        The span, or None when no date is said (or a holiday is beyond the table).

    """
    s = prepare(to_simplified(text))
    best: tuple[int, int, DateSpan] | None = None
    for pattern, rule, kind, holiday in _RULES:
        m = pattern.search(s)
        if m is None:
            continue
        key = (m.start(), -(m.end() - m.start()))
        if best is not None and key >= best[:2]:
            continue
        resolved = rule(m, today)
        if resolved is None:
            continue
        earliest, latest = resolved
        if kind == "day" and _DEADLINE_AFTER.match(s, m.end()):
            kind = "by"
            earliest = today
        best = (key[0], key[1], DateSpan(earliest, latest, kind, m.group(), holiday))
    head = s[: best[0]] if best else s
    exact = parse_date(head, today) if head else None
    if exact is not None:
        kind = "by" if _deadline_word(head) else "day"
        return DateSpan(today if kind == "by" else exact, exact, kind, "")
    return best[2] if best else None


_DEADLINE = re.compile(rf"[号日底末天周月]{_BY}|[一二三四五六日天1-7]{_BY}|{_BY}(?:还|付|交|缴|转)")


def _deadline_word(text: str) -> bool:
    return _DEADLINE.search(text) is not None
