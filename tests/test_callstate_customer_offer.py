"""When the customer makes the offer, the plan's offer step is the customer's turn (#12)."""

from __future__ import annotations

import pytest

from tests.fixtures.calls import state

OPENING = (
    "A:您好，我是招商银行信用卡中心的小赵。请问是孙强先生本人吗？",
    "C:是我。",
    "A:您尾号7730的卡欠款八千，逾期二十天了。您看什么时候能还？",
)


@pytest.mark.parametrize(
    ("offer", "readback"),
    [
        ("12月10号前一次性还八千，可以吗？", "好的，跟您确认一下：12月10号前一次性还8000元。"),
        ("我下周五还八千行吗", "行，跟您核对一下，下周五前还八千，对吗？"),
        (
            "每个月还两千，分4期，每月15号前，行不行？",
            "好，我复述一下：每月2000，4期，每月15号前。",
        ),
        ("月底前还清八千，你看怎么样？", "可以，那我确认一下，月底前还清8000元，对吧？"),
    ],
)
def test_the_customer_s_offer_keeps_the_customer_s_turn(offer, readback):
    s = state(*OPENING, "C:" + offer, "A:" + readback, "C:对。")
    plan = s.plan
    assert plan.offer == 3 and plan.offered_by == "customer"
    assert plan.steps()["readback"] == 4 and plan.steps()["confirmation"] == 5
    assert [o.turn for o in s.offers] == [3]


def test_a_read_back_of_other_terms_than_the_customer_offered_is_a_new_offer():
    s = state(
        *OPENING,
        "C:12月10号前一次性还八千，可以吗？",
        "A:跟您确认一下：12月10号前先还4000元，对吗？",
        "C:对。",
    )
    assert s.plan.offer == 4 and s.plan.offered_by == "agent"
