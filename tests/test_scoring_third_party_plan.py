"""A third party's yes is never a plan: the plan criteria do not apply to their call (#12)."""

from __future__ import annotations

import pytest

from scoring import default_rubric, score
from tests.fixtures.calls import criterion as crit
from tests.fixtures.calls import transcript as call

RUBRIC = default_rubric()

THIRD_PARTIES = [
    "我是他嫂子，他出差了，手机在我这儿。",
    "我是他舅舅，他去外地了，电话落我这了。",
    "这是我儿子的手机，他上班去了。",
    "我是他室友，他手机放宿舍了。",
]


@pytest.mark.parametrize("who", THIRD_PARTIES)
def test_a_plan_agreed_by_a_third_party_is_not_reached(who):
    card = score(
        call(
            "C:喂？",
            "A:您好，我是招商银行信用卡中心的小周。请问是韩斌先生本人吗？",
            "C:" + who,
            "A:他这张卡欠了六千，您帮他每月还1500，分4期，每月12号前，可以吗？",
            "C:那好吧。",
            "A:跟您确认一下：每月1500，4期，每月12号前。",
            "C:对。",
            "A:好的，再见。",
        ),
        RUBRIC,
    )
    plan = card["plan"]
    assert plan["reached"] is False and plan["success"] is False
    assert plan["applies"] is False and plan["not_applicable"] == "third_party"
    assert crit(card, "summarize_confirm") is None  # no points to earn from a third party
    assert crit(card, "plan_reached") is None
    assert any(v["criterion"] == "third_party_disclosure" for v in card["violations"])


def test_the_cardholder_s_plan_still_applies_and_is_reached():
    card = score(
        call(
            "C:喂？",
            "A:您好，我是招商银行信用卡中心的小周。请问是韩斌先生本人吗？",
            "C:是我。",
            "A:您尾号2201的卡欠了六千。每月还1500，分4期，每月12号前，可以吗？",
            "C:那好吧。",
            "A:跟您确认一下：每月1500，4期，每月12号前。",
            "C:对。",
        ),
        RUBRIC,
    )
    assert card["plan"]["reached"] is True and card["plan"]["applies"] is True
    assert crit(card, "summarize_confirm")["passed"]


def test_a_third_party_who_hands_over_to_the_cardholder_leaves_a_plan_that_applies():
    card = score(
        call(
            "C:喂？",
            "A:您好，我是招商银行信用卡中心的小周。请问是韩斌先生本人吗？",
            "C:我是他爱人，你等一下。",
            "A:好的。",
            "C:喂，我就是韩斌本人。",
            "A:韩先生您好，您尾号2201的卡欠了六千。每月还1500，分4期，每月12号前，可以吗？",
            "C:行。",
            "A:跟您确认一下：每月1500，4期，每月12号前。",
            "C:对。",
        ),
        RUBRIC,
    )
    assert card["plan"]["applies"] is True and card["plan"]["reached"] is True
