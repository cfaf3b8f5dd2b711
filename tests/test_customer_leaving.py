"""How a customer leaves, and what a line's day words mean (#13).

A customer who has agreed and run out of patience closes on the agreement; one who is calm but
out of patience leaves without threatening a complaint; a day word that says when something was
said (您今天说的) is not the day to pay; a request to say the ID digits again asks for them.
"""

from __future__ import annotations

from datetime import date

import pytest

from simulator.customer.lines import calm_hangups
from simulator.customer.moves import Move
from simulator.customer.questions import ask
from simulator.engine import build_renderer
from simulator.persona import load_personas
from simulator.policy import Policy
from simulator.understand import understand
from simulator.understand.dates import parse_date

from .conftest import PERSONAS_DIR

TODAY = date(2026, 11, 28)
PERSONAS = load_personas(PERSONAS_DIR)


def _until_it_ends(policy: Policy, line: str, most: int = 80) -> Move:
    for _ in range(most):
        move = policy.decide(understand(line, today=TODAY))
        if move.ends_call:
            return move
    raise AssertionError("the customer never left")


def _agreed(pid: str) -> Policy:
    p = PERSONAS[pid].persona
    policy = Policy(p, today=TODAY, seed=0)
    for line in (
        f"您好，我是信用卡中心的，请问是{p.brief.name}本人吗？",
        "理解您的难处，咱们一起想办法。",
        f"您每个月还{p.facts.monthly_capacity}元，分{p.facts.max_months}期，可以吗？",
        f"好，跟您确认：每月{p.facts.monthly_capacity}元，{p.facts.max_months}期，对吧？",
    ):
        policy.decide(understand(line, today=TODAY))
    assert policy.state.confirmed
    return policy


@pytest.mark.parametrize(
    "pid", ["cooperative_wang", "cooperative_short_liu", "hardship_medical_sun"]
)
def test_agreed_and_out_of_patience_the_customer_closes_on_the_agreement(pid):
    policy = _agreed(pid)
    move = _until_it_ends(policy, "您稍等，我这边登记一下。")
    assert move.ends_call == "agreement" and move.situation in ("close", "wait")


@pytest.mark.parametrize("pid", ["cooperative_short_liu", "evasive_ma", "hardship_jobless_chen"])
def test_calm_but_out_of_patience_the_customer_leaves_without_a_complaint(pid):
    lp = PERSONAS[pid]
    policy = Policy(lp.persona, today=TODAY, seed=0)
    policy.decide(understand(f"您好，请问是{lp.persona.brief.name}吗？", today=TODAY))
    move = _until_it_ends(policy, "嗯，我这边看一下系统。")
    assert policy.state.anger < 30
    assert move.ends_call == "customer_hangup" and move.situation == "busy_hangup"
    renderer = build_renderer(lp, seed=0, name="scripted")
    for seed in range(6):
        line = build_renderer(lp, seed=seed, name="scripted").line(move, TODAY)
        assert "投诉" not in line and "没法" not in line, line
    assert renderer.variants("busy_hangup")


def test_only_calm_hang_up_lines_stand_in_for_a_busy_one():
    lines = [
        "直播要开始了，挂了挂了。",
        "我投诉你们去，再见。",
        "没法聊，挂了。",
        "孩子哭了，先挂了啊。",
    ]
    assert calm_hangups(lines) == ["直播要开始了，挂了挂了。", "孩子哭了，先挂了啊。"]


@pytest.mark.parametrize(
    ("line", "due"),
    [
        ("照您今天讲的，12月8号前先还一千，行吗？", date(2026, 12, 8)),
        ("按咱们今天定的，下个月5号还第一期。", date(2026, 12, 5)),
        ("今天能先还一点吗？", TODAY),
        ("那就今天还，行吧？", TODAY),
        ("跟您今天下午谈好的，12月9号前还第一期。", date(2026, 12, 9)),
        ("明天上午打过来就行。", date(2026, 11, 29)),
    ],
)
def test_a_day_word_that_says_when_it_was_said_is_not_the_day_to_pay(line, due):
    assert parse_date(line, TODAY) == due


@pytest.mark.parametrize("line", ["麻烦您再念一遍身份证最后四位。", "身份证后四位您再报一次？"])
def test_asked_to_say_the_id_digits_again_is_asked_for_the_digits(line):
    kinds = [q.kind for q in ask(understand(line, today=TODAY))]
    assert "id_digits" in kinds and "repeat" not in kinds


@pytest.mark.parametrize("line", ["好，核实通过，谢谢您的配合。", "嗯，对得上，感谢配合。"])
def test_thanks_for_a_check_is_not_a_goodbye(line):
    lp = PERSONAS["cooperative_wang"]
    policy = Policy(lp.persona, today=TODAY, seed=0)
    policy.decide(understand(f"您好，请问是{lp.persona.brief.name}本人吗？", today=TODAY))
    policy.decide(understand("麻烦报一下您身份证后四位。", today=TODAY))
    assert policy.decide(understand(line, today=TODAY)).ends_call is None


def test_after_the_agreement_a_remark_is_heard_and_a_goodbye_ends_the_call():
    policy = _agreed("cooperative_wang")
    move = policy.decide(understand("好嘞，钱到账以后系统会发短信提醒您。", today=TODAY))
    assert move.ends_call is None and move.situation == "ack"
    assert (
        policy.decide(understand("那就这样，祝您生活顺利。", today=TODAY)).ends_call == "agreement"
    )
