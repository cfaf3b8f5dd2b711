"""Amounts kept as ranges and approximations; relative dates resolved against the call's date."""

from __future__ import annotations

from datetime import date

import pytest

from simulator.understand.ranges import amount_spans
from simulator.understand.relative_dates import SPRING_FESTIVAL, date_span, spring_festival_after

FRI = date(2026, 11, 20)  # a Friday


@pytest.mark.parametrize(
    ("text", "low", "high", "approx"),
    [
        ("五六百", 500, 600, False),
        ("三四千", 3000, 4000, False),
        ("两三万", 20000, 30000, False),
        ("一千三四", 1300, 1400, False),
        ("八百多", 800, 900, False),
        ("两千多", 2000, 3000, False),
        ("一千出头", 1000, 1000, True),
        ("千把块", 1000, 1000, True),
        ("两千左右", 2000, 2000, True),
        ("大概一千五", 1500, 1500, True),
        ("六百来块", 600, 600, True),
        ("一千到一千五", 1000, 1500, False),
        ("1000-1500元", 1000, 1500, False),
        ("一到两千", 1000, 2000, False),
        ("兩千多", 2000, 3000, False),
        ("两千五", 2500, 2500, False),
    ],
)
def test_ranges_and_approximations_are_kept(text, low, high, approx):
    (amount,) = amount_spans(text)
    assert (amount.low, amount.high, amount.approx) == (low, high, approx)
    assert amount.exact is (low == high and not approx)


def test_bounds_and_non_money():
    (most,) = amount_spans("一个月最多还一千二")
    assert most.exact and most.bound == "max" and most.low == 1200
    assert amount_spans("尾号3821，分12期，15号前，我打12378") == ()
    assert [a.low for a in amount_spans("欠款八千六百元，先还两千五")] == [8600, 2500]


@pytest.mark.parametrize(
    ("text", "latest", "kind", "vague"),
    [
        ("这个月25号还", date(2026, 11, 25), "day", False),
        ("本月25号前还清", date(2026, 11, 25), "by", False),
        ("这周内还", date(2026, 11, 22), "by", False),
        ("这个月内还上", date(2026, 11, 30), "by", False),
        ("下周吧", date(2026, 11, 29), "window", True),
        ("下个月吧", date(2026, 12, 31), "window", True),
        ("过两天", date(2026, 11, 23), "approx", True),
        ("过几天再说", date(2026, 11, 27), "approx", True),
        ("年前肯定还清", date(2027, 2, 5), "by", True),
        ("春节前还", date(2027, 2, 5), "by", True),
        ("12月5号前", date(2026, 12, 5), "by", False),
        ("下周五", date(2026, 11, 27), "day", False),
        ("15号", date(2026, 12, 15), "day", False),
    ],
)
def test_relative_dates(text, latest, kind, vague):
    span = date_span(text, FRI)
    assert (span.latest, span.kind, span.vague) == (latest, kind, vague)
    assert span.earliest <= span.latest


def test_not_a_date():
    assert date_span("我两年前办的卡", FRI) is None
    assert date_span("一共欠多少", FRI) is None


def test_spring_festival_table():
    assert spring_festival_after(date(2026, 11, 20)) == date(2027, 2, 6)
    assert spring_festival_after(date(2027, 2, 6)) == date(2027, 2, 6)
    assert spring_festival_after(date(2027, 2, 7)) == date(2028, 1, 26)
    # 年前 said on the eve itself already points at next year's festival
    assert date_span("年前", date(2027, 2, 6)).latest == date(2028, 1, 25)
    # beyond the table: no guess
    assert date_span("年前", date(max(SPRING_FESTIVAL) + 1, 3, 1)) is None
