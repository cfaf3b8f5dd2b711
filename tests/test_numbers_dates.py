"""Amounts, instalment counts and dates in spoken Chinese, and how they are said back."""

from __future__ import annotations

from datetime import date

import pytest

from simulator.understand import parse_amounts, parse_date, parse_months, spoken_amount, spoken_date
from simulator.understand.numbers import chinese_to_number

SAT = date(2026, 11, 28)  # a Saturday
YEAR_END = date(2026, 12, 30)  # a Wednesday, two days before the new year


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三千五", [3500]),
        ("3,500元", [3500]),
        ("３，５００元", [3500]),
        ("2.5万", [25000]),
        ("两千块", [2000]),
        ("一万二", [12000]),
        ("1万2", [12000]),
        ("1万2000", [12000]),
        ("六千八百五", [6850]),
        ("685", [685]),
        ("¥3500", [3500]),
        ("￥3500", [3500]),
        ("八百块钱", [800]),
        ("三百多", [300]),
        ("一千多块", [1000]),
        ("两万五", [25000]),
        ("一万零五百", [10500]),
        ("一千零五", [1005]),
        ("欠款一万二千八百五十元", [12850]),
        ("50块", [50]),
        ("您先还最低还款685，剩下的分12期每月还1000", [685, 1000]),
        ("先还3500，下个月再还2000", [3500, 2000]),
        ("晚上8:30之前还3000", [3000]),
        ("尾号3821的卡欠款6850元", [6850]),
    ],
)
def test_amounts_found(text: str, expected: list[int]) -> None:
    assert parse_amounts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "尾号3821",
        "身份证后四位2046",
        "后四位是2046",
        "我是工号1024的小李",
        "12月5号",
        "15号",
        "分12期",
        "十二个月",
        "逾期12天",
        "3个月",
        "8点",
        "晚上8点",
        "您先还50",
        "一下",
        "确认一下",
        "千万别借网贷",
        "百分之五",
        "2026年12月5日",
        "客服电话95555",
        "13800138000",
        "第一",
    ],
)
def test_not_amounts(text: str) -> None:
    assert parse_amounts(text) == []


@pytest.mark.parametrize(
    ("token", "value"),
    [("十二", 12), ("二十", 20), ("十", 10), ("一百", 100), ("二〇二六", 2026), ("2.5万", 25000)],
)
def test_chinese_to_number(token: str, value: int) -> None:
    assert chinese_to_number(token) == value


@pytest.mark.parametrize("token", ["千", "万一", "百"])
def test_chinese_to_number_rejects_leading_unit(token: str) -> None:
    assert chinese_to_number(token) is None


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("分12期", 12),
        ("可以分12期，每月还1000", 12),
        ("十二个月", 12),
        ("分十二个月还", 12),
        ("12个月还清", 12),
        ("分成六期", 6),
        ("分为24期", 24),
        ("半年还清", 6),
        ("分一年还", 12),
        ("分两年", 24),
        ("两年内还完", 24),
        ("每月还1000，还12个月", 12),
        ("12期免息", 12),
        ("逾期3个月", None),
        ("您已经逾期三个月了", None),
        ("逾期3个月还没还", None),
        ("不良记录会保留五年", None),
        ("这是第3期账单", None),
        ("您好", None),
    ],
)
def test_months(text: str, months: int | None) -> None:
    assert parse_months(text) == months


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("今天", SAT, date(2026, 11, 28)),
        ("今天之内还上", SAT, date(2026, 11, 28)),
        ("明天", SAT, date(2026, 11, 29)),
        ("后天", SAT, date(2026, 11, 30)),
        ("大后天", SAT, date(2026, 12, 1)),
        ("下周五", SAT, date(2026, 12, 4)),
        ("下个星期一", SAT, date(2026, 11, 30)),
        ("这周五", SAT, date(2026, 12, 4)),
        ("本周五", SAT, date(2026, 12, 4)),
        ("周五", SAT, date(2026, 12, 4)),
        ("礼拜五", SAT, date(2026, 12, 4)),
        ("星期五", SAT, date(2026, 12, 4)),
        ("星期天", SAT, date(2026, 11, 29)),
        ("12月5号", SAT, date(2026, 12, 5)),
        ("12月5日", SAT, date(2026, 12, 5)),
        ("十二月五号", SAT, date(2026, 12, 5)),
        ("15号", SAT, date(2026, 12, 15)),
        ("15号之前", SAT, date(2026, 12, 15)),
        ("30号", SAT, date(2026, 11, 30)),
        ("下个月5号", SAT, date(2026, 12, 5)),
        ("月底", SAT, date(2026, 11, 30)),
        ("下个月底", SAT, date(2026, 12, 31)),
        ("三天内", SAT, date(2026, 12, 1)),
        ("3天之内", SAT, date(2026, 12, 1)),
        ("一周内", SAT, date(2026, 12, 5)),
        ("一个星期之内", SAT, date(2026, 12, 5)),
        ("月初", SAT, date(2026, 12, 1)),
        ("年底", SAT, date(2026, 12, 31)),
        ("2027年1月10日", SAT, date(2027, 1, 10)),
        ("您在12月5号前还3000元", SAT, date(2026, 12, 5)),
        ("今天", YEAR_END, date(2026, 12, 30)),
        ("后天", YEAR_END, date(2027, 1, 1)),
        ("下周五", YEAR_END, date(2027, 1, 8)),
        ("周五", YEAR_END, date(2027, 1, 1)),
        ("12月5号", YEAR_END, date(2027, 12, 5)),
        ("15号之前", YEAR_END, date(2027, 1, 15)),
        ("月底", YEAR_END, date(2026, 12, 31)),
        ("下个月底", YEAR_END, date(2027, 1, 31)),
        ("下个月5号", YEAR_END, date(2027, 1, 5)),
        ("三天内", YEAR_END, date(2027, 1, 2)),
        ("月初", YEAR_END, date(2027, 1, 1)),
        ("年底", YEAR_END, date(2026, 12, 31)),
    ],
)
def test_dates(text: str, today: date, expected: date) -> None:
    assert parse_date(text, today) == expected


@pytest.mark.parametrize(
    "text",
    [
        "尾号3821", "逾期12天", "分12期", "您好", "1号线", "",
        # the day of a phone call, not a day to pay
        "今天打电话就是想跟您商量一下还款",
        "明天我再给您打电话确认一下",
        "今天给您打这个电话，主要是账单的事",
        "周三上午联系您的时候您没接",
        "下周一我们同事会再给您回个电话",
        "明天法务那边的人会联系您核实",
        # a call-back asked of whoever answered (a fresh reviewer's kind)
        "麻烦让他今天下班后回拨这个号码",
        "您看明天上午能不能给我回电话",
    ],
)  # fmt: skip
def test_no_date(text: str) -> None:
    assert parse_date(text, SAT) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明天回访的时候，您后天之前还上就行", date(2026, 11, 30)),
        ("下周一给您回个电话，您周五前还款", date(2026, 12, 4)),
        ("明天之前联系我们把钱还上", date(2026, 11, 29)),
        ("后天您还了以后再联系我们确认", date(2026, 11, 30)),
    ],
)
def test_a_call_day_leaves_the_pay_day(text: str, expected: date) -> None:
    assert parse_date(text, SAT) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一千两千都行，您看着还", [1000, 2000]),
        ("先还个三百五百的也行", [300, 500]),
        ("一千二一千五都可以", [1200, 1500]),
        ("一万两万的我一下子也拿不出来", [10000, 20000]),
        ("五千六千块钱还凑得到", [5000, 6000]),
        # one number each: smaller units, a multiplier, an elided digit, a range
        ("三千五百", [3500]),
        ("一万两千", [12000]),
        ("一万零五百", [10500]),
    ],
)
def test_two_numbers_said_in_a_row_are_two_amounts(text: str, expected: list[int]) -> None:
    assert parse_amounts(text) == expected


@pytest.mark.parametrize(
    ("n", "spoken"),
    [
        (3500, "三千五"),
        (6850, "六千八百五"),
        (12850, "一万两千八百五"),
        (685, "六百八十五"),
        (2000, "两千"),
        (25000, "两万五"),
        (100, "一百"),
        (1285, "一千二百八十五"),
        (10500, "一万零五百"),
        (20, "二十"),
        (0, "零"),
        (15, "十五"),
        (12000, "一万二"),
        (1005, "一千零五"),
        (100000, "十万"),
        (220000, "二十二万"),
        (1200000, "一百二十万"),
    ],
)
def test_spoken_amount(n: int, spoken: str) -> None:
    assert spoken_amount(n) == spoken


@pytest.mark.parametrize(
    "n", [1, 7, 20, 99, 100, 685, 1005, 3500, 6850, 10500, 12850, 25000, 99999]
)
def test_spoken_amount_reads_back(n: int) -> None:
    assert parse_amounts(spoken_amount(n) + "元") == [n]


@pytest.mark.parametrize(
    ("d", "spoken"),
    [
        (date(2026, 11, 28), "今天"),
        (date(2026, 11, 29), "明天"),
        (date(2026, 11, 30), "后天"),
        (date(2026, 12, 5), "12月5号"),
        (date(2027, 1, 15), "1月15号"),
    ],
)
def test_spoken_date(d: date, spoken: str) -> None:
    assert spoken_date(d, SAT) == spoken


@pytest.mark.parametrize("d", [date(2026, 11, 29), date(2026, 11, 30), date(2026, 12, 5)])
def test_spoken_date_reads_back(d: date) -> None:
    assert parse_date(spoken_date(d, SAT), SAT) == d


def test_together_is_not_one_yuan():
    """一块儿 / 一块商量 is "together": 咱一块儿想办法 offers no plan of one yuan."""
    assert parse_amounts("别急，咱一块儿想想办法。") == []
    assert parse_amounts("我们一块商量一下怎么还。") == []
    assert parse_amounts("一块钱都没有了") == [1]


# "X一个月" is X per month: 三千一 would be 3,100, and 二一个月 twenty-one months.
PER_MONTH = [
    ("五千一个月，行不行", [5000], None),
    ("两千五一个月，分十八期", [2500], 18),
    ("九百一期，十二期还完", [900], 12),
    ("一个月一千八，二十四期", [1800], 24),
    ("每月两千通过支付宝还", [2000], None),
    ("一千一一个月", [1100], None),
    ("十一个月还清", [], 11),
    ("一个月还清", [], 1),
]


@pytest.mark.parametrize(("text", "amounts", "months"), PER_MONTH)
def test_a_sum_then_one_month_is_per_month(text: str, amounts: list[int], months) -> None:
    assert parse_amounts(text) == amounts
    assert parse_months(text) == months
