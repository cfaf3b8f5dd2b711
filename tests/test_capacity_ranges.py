"""A capacity said as an approximate amount or a range is kept, as a range (#12).

好的 inside 好的时候 / 好的话 is no agreement, and an approximate amount with words of raising it
(能凑出来 / 拿得出 / 多的时候) is what the customer can pay, even said like a counter-offer.
"""

from __future__ import annotations

from datetime import date

import pytest

from scoring import default_rubric, score
from simulator.callstate import track
from simulator.understand import understand
from simulator.understand.customer import understand_customer

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("line", "low", "high"),
    [
        ("五百多吧，好的时候七八百。", 500, 800),
        ("两三千吧，月底前能凑出来。", 2000, 3000),
        ("一千来块吧，好的话一千五。", 1000, 1500),
        ("六七百吧，多的时候能有一千。", 600, 1000),
        ("嗯，一千二左右能拿得出来。", 1200, 1200),
    ],
)
def test_an_approximate_capacity_is_kept_as_a_range(line, low, high):
    cu = understand_customer(line, today=TODAY)
    assert cu.has("state_capacity") and not cu.has("agree"), cu.acts
    assert min(a.low for a in cu.capacity) == low
    assert max(a.high for a in cu.capacity) == high


@pytest.mark.parametrize(
    "line", ["好的时候一个月能挣五千。", "好的话我下个月再说。", "行的话我考虑考虑。"]
)
def test_hao_de_inside_a_longer_word_is_no_agreement(line):
    assert not understand_customer(line, today=TODAY).has("agree")


@pytest.mark.parametrize("line", ["好的。", "好的好的，就这么办。", "行，没问题。"])
def test_a_plain_yes_is_still_agreement(line):
    assert understand_customer(line, today=TODAY).has("agree")


def test_a_disputed_approximate_amount_is_no_capacity():
    cu = understand_customer("那笔两千多的消费不是我刷的，能查一下吗？", today=TODAY)
    assert not cu.capacity


def test_a_range_capacity_does_not_agree_to_the_offer_on_the_table():
    lines = [
        ("agent", "您好，请问是许华先生本人吗？"),
        ("customer", "是我。"),
        ("agent", "您的卡欠款一万，每月还一千五，分7期，可以吗？"),
        ("customer", "五百多吧，好的时候七八百。"),
    ]
    turns = [
        (s, understand(t, today=TODAY) if s == "agent" else understand_customer(t, today=TODAY))
        for s, t in lines
    ]
    s = track(turns, TODAY)
    assert not s.plan.agreed
    assert [(a.low, a.high) for a in s.stated_capacity.amounts] == [(500, 600), (700, 800)]


def test_the_scorecard_shows_the_capacity_range():
    card = score(
        {
            "started_at": "2026-11-20T10:00:00+08:00",
            "turns": [
                {"speaker": "agent", "text": "您好，请问是许华先生本人吗？"},
                {"speaker": "customer", "text": "是我。"},
                {"speaker": "agent", "text": "您的卡欠款一万，每个月大概能还多少？"},
                {"speaker": "customer", "text": "两三千吧，月底前能凑出来。"},
            ],
        },
        default_rubric(),
    )
    assert card["plan"]["capacity_range"] == [2000, 3000]


def _affordable(capacity_line: str, offer: str) -> dict:
    card = score(
        {
            "started_at": "2026-11-20T10:00:00+08:00",
            "turns": [
                {"speaker": "agent", "text": "您好，请问是许华先生本人吗？"},
                {"speaker": "customer", "text": "是我。"},
                {"speaker": "agent", "text": "您的卡欠款一万，每个月大概能还多少？"},
                {"speaker": "customer", "text": capacity_line},
                {"speaker": "agent", "text": offer},
                {"speaker": "customer", "text": "行。"},
            ],
        },
        default_rubric(),
    )
    return next(c for c in card["criteria"] if c["id"] == "plan_affordable")


@pytest.mark.parametrize(
    ("capacity_line", "offer", "share"),
    [
        ("五百多吧，好的时候七八百。", "每月还五百，分20期，每月5号前，可以吗？", 1.0),
        ("五百多吧，好的时候七八百。", "每月还八百，分13期，每月5号前，可以吗？", 0.5),
        ("五百多吧，好的时候七八百。", "每月还一千，分10期，每月5号前，可以吗？", 0.0),
        ("两三千吧，月底前能凑出来。", "每月还两千五，分4期，每月5号前，可以吗？", 1.0),
    ],
)
def test_a_plan_is_judged_against_the_range_said(capacity_line, offer, share):
    got = _affordable(capacity_line, offer)
    assert got["points"] == got["max_points"] * share, got
