"""A customer's sore points are touched by what the agent meant, not by the words alone.

The lawful line that rules a sore topic out (advice *against* borrowing, a fee said not to
exist) reads as ``understand`` reads it, so it does not anger; the line that pushes the topic does.
"""

from datetime import date
from pathlib import Path

import pytest

from simulator.persona import load_persona
from simulator.policy import Policy
from simulator.understand import understand

PERSONAS = Path(__file__).resolve().parents[1] / "personas"
TODAY = date(2026, 11, 30)

LAWFUL = [
    "您也别琢磨着去借网贷来还",
    "千万别去借网贷来还，利息太高了",
    "借呗那些就别想了，咱们一起想想办法",
    "不要为了还这个再去借网贷，那样窟窿越来越大",
    "您可别找亲戚朋友借钱来还，咱们按您的能力来",
    # advice against that closes the clause, after the words
    "借呗花呗那些能不碰就不碰",
    "网贷那玩意儿沾不得",
    "找朋友借钱这事可别想了",
]
PUSHING = [
    "你去网贷借点钱先还上",
    "找亲戚朋友借一下先还了",
    "您可以去网贷平台借点周转一下",
    "找朋友借点钱别想着拖了",  # 别想 does not close the clause: no advice against
]


def _sore(pid: str, line: str) -> float:
    policy = Policy(load_persona(PERSONAS / f"{pid}.yaml").persona, today=TODAY)
    return policy._sore_point(understand(line))


@pytest.mark.parametrize("pid", ["hardship_jobless_chen", "hardship_medical_sun"])
@pytest.mark.parametrize("line", LAWFUL)
def test_advice_against_borrowing_touches_no_sore_point(pid, line):
    assert _sore(pid, line) == 0


@pytest.mark.parametrize("pid", ["hardship_jobless_chen", "hardship_medical_sun"])
@pytest.mark.parametrize("line", PUSHING)
def test_pushing_to_borrow_touches_it(pid, line):
    assert _sore(pid, line) > 0


def test_a_question_about_the_sore_topic_is_not_a_denial():
    # 是不是 asks; it does not rule the topic out
    assert _sore("hardship_jobless_chen", "您是不是故意拖着不还？") > 0


def test_the_lawful_line_leaves_the_customer_calm_through_a_decision():
    policy = Policy(load_persona(PERSONAS / "hardship_medical_sun.yaml").persona, today=TODAY)
    before = policy.state.anger
    move = policy.decide(understand("您也别琢磨着去借网贷来还，咱们按您的情况来定"))
    assert policy.state.anger <= before
    assert move.situation not in ("angry", "warn_hangup", "hangup")


@pytest.mark.parametrize(
    "line",
    ["您跟李强是家里人还是同事？", "您是他家里人还是邻居啊？", "是他家里人还是朋友接的电话？"],
)
def test_a_keyword_ending_inside_haishi_is_not_the_topic(line):
    """家里人还 (a relative repays) is not said in 家里人还是… (a relative, or…)."""
    assert _sore("third_party_mother_li", line) == 0


def test_the_same_keyword_said_is_the_topic():
    assert _sore("third_party_mother_li", "这钱得让家里人还了。") > 0
