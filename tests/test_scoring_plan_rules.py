"""Each plan rule just inside and just outside its condition; affordability at its edges."""

from __future__ import annotations

import pytest

from scoring import default_rubric, score
from tests.fixtures.calls import criterion as crit
from tests.fixtures.calls import transcript as call

RUBRIC = default_rubric()
OPENING = (
    "C:喂？",
    "A:您好，我是招商银行信用卡中心的小李，本次通话会录音。请问是王丽娟女士本人吗？",
    "C:是我。",
    "A:您尾号3821的卡欠款两万三千四，逾期二十天了，请问最近是遇到什么情况了吗？",
    "C:我失业了，每个月最多能还两千。",
    "A:刚失业找工作压力肯定很大，确实不容易。逾期会产生利息，征信记录会保留五年。",
)
OFFER = "A:那每月还一千九百五，分12期，每月5号前还，可以吗？"
READBACK = "A:跟您核对一下：每月还一千九百五，一共12期，每月5号前还，对吗？"


def plan(*lines: str) -> dict:
    return score(call(*OPENING, *lines), RUBRIC)["plan"]


def test_reached_when_every_step_holds_with_its_turn():
    p = plan(OFFER, "C:好的好的。", READBACK, "C:知道了。")
    assert p["reached"] and p["success"]
    assert p["steps"] == {"offer": 6, "agreement": 7, "readback": 8, "confirmation": 9}
    assert (p["amount"], p["months"], p["due_date"]) == (1950, 12, "2026-12-05")
    assert p["readback"]["matches"] and p["turn"] == 9


def test_no_offer_on_the_table_no_agreement():
    assert plan("C:好的好的。", READBACK[:2] + "好，再见。")["agreed"] is False


@pytest.mark.parametrize(
    ("answer", "agreed"),
    [("C:好的好的。", True), ("C:行吧。", True), ("C:就这么办吧。", True), ("C:我尽量吧。", False),
     ("C:看情况吧。", False), ("C:有钱就还。", False), ("C:不行，太多了。", False)],
)  # fmt: skip
def test_agreement_inside_and_outside(answer, agreed):
    p = plan(OFFER, answer)
    assert p["agreed"] is agreed and not p["reached"]


@pytest.mark.parametrize(
    ("readback", "differs", "missing"),
    [
        (READBACK, [], []),
        ("A:跟您核对一下：每月还两千，一共12期，每月5号前还，对吗？", ["amount"], []),
        ("A:跟您核对一下：每月还一千九百五，一共13期，每月5号前还，对吗？", ["months"], []),
        ("A:跟您核对一下：每月还一千九百五，一共12期，每月6号前还，对吗？", ["due_date"], []),
        ("A:跟您核对一下：每月还一千九百五，每月5号前还，对吗？", [], ["months"]),
    ],
)
def test_read_back_must_match_field_by_field(readback, differs, missing):
    card = score(call(*OPENING, OFFER, "C:好的。", readback, "C:对，没错。"), RUBRIC)
    p = card["plan"]
    assert p["readback"]["differs"] == differs and p["readback"]["missing"] == missing
    assert p["reached"] is (not differs and not missing)
    flagged = [v for v in card["violations"] if v["criterion"] == "readback_mismatch"]
    assert bool(flagged) is bool(differs or missing)
    if flagged:
        assert flagged[0]["turn"] == 8 and flagged[0]["detail"]
        # the plan shows the agreed terms, not the read-back's
        assert (p["amount"], p["months"]) == (1950, 12)


def test_a_channel_added_in_the_read_back_is_confirmed_not_a_mismatch():
    p = plan(
        OFFER, "C:好的。", READBACK.replace("每月5号前还", "每月5号前通过手机银行还"), "C:对。"
    )
    assert p["reached"] and p["channel"] == "手机银行"


@pytest.mark.parametrize(
    ("after", "reached"),
    [(("C:对。",), True), (("A:好，再见。",), False), (("C:不对，我说的是13期。",), False)],
)
def test_confirmation_inside_and_outside(after, reached):
    p = plan(OFFER, "C:好的。", READBACK, *after)
    assert p["reached"] is reached and p["agreed"]


@pytest.mark.parametrize(
    ("offer", "reached", "vague_fields"),
    [
        ("A:那下周五前先还两千，可以吗？", True, None),
        ("A:那这周内先还两千，可以吗？", True, None),
        ("A:那本月25号前先还两千，可以吗？", True, None),
        ("A:那下周先还两千，可以吗？", False, ["due_date"]),
        ("A:那过两天先还两千，可以吗？", False, ["due_date"]),
        ("A:那年前先还两千，可以吗？", False, ["due_date"]),
        ("A:那下周五前先还一千五到两千，可以吗？", False, ["amount"]),
        ("A:那下周五前先还两千左右，可以吗？", False, ["amount"]),
        ("A:那下周五前先还一部分，可以吗？", False, ["amount"]),
    ],
)
def test_concrete_inside_and_vague_outside(offer, reached, vague_fields):
    readback = "A:跟您核对一下，" + offer[2:].replace("那", "", 1).replace("可以吗？", "对吗？")
    card = score(call(*OPENING, offer, "C:好的。", readback, "C:对。"), RUBRIC)
    p = card["plan"]
    assert p["reached"] is reached and p["vague"] is (not reached)
    assert p.get("vague_fields") == vague_fields
    if not reached:
        assert 0 < crit(card, "plan_reached")["points"] < 40 / 2


def test_a_critical_violation_voids_the_plan():
    card = score(
        call(*OPENING, "A:不还就让你坐牢。", OFFER, "C:好的。", READBACK, "C:对。"), RUBRIC
    )
    assert card["plan"]["reached"] and not card["plan"]["success"]
    assert crit(card, "plan_reached")["points"] == 0
    assert crit(card, "plan_affordable")["points"] == 0


@pytest.mark.parametrize(
    ("capacity", "monthly", "passed"),
    [("两千", "两千", True), ("两千", "两千零五十", False), ("一千五到两千", "两千", True),
     ("五六百", "六百", True), ("五六百", "六百五", False)],
)  # fmt: skip
def test_affordable_at_the_edge_of_what_was_said(capacity, monthly, passed):
    lines = (
        *OPENING[:4],
        f"C:我失业了，每个月最多能还{capacity}。",
        OPENING[5],
        f"A:那每月还{monthly}，分12期，每月5号前还，可以吗？",
        "C:好的。",
        f"A:跟您核对一下：每月还{monthly}，一共12期，每月5号前还，对吗？",
        "C:对。",
    )
    assert crit(score(call(*lines), RUBRIC), "plan_affordable")["passed"] is passed


@pytest.mark.parametrize(("months", "passed"), [(60, True), (61, False)])
def test_at_most_sixty_instalments(months, passed):
    lines = (
        *OPENING[:4],
        "C:我失业了，每个月最多能还五百。",
        OPENING[5],
        f"A:那每月还四百，分{months}期，每月5号前还，可以吗？",
        "C:好的。",
        f"A:跟您核对一下：每月还四百，一共{months}期，每月5号前还，对吗？",
        "C:对。",
    )
    assert crit(score(call(*lines), RUBRIC), "plan_affordable")["passed"] is passed


def test_a_disputed_amount_is_never_read_as_capacity():
    lines = (
        *OPENING[:4],
        "C:那笔2399的消费不是我刷的。",
        "A:好的，我先给您登记异议，核实期间不会催收这笔。",
        "A:剩下的两万一千元，每月还三千，分7期，每月5号前还，可以吗？",
        "C:可以。",
        "A:跟您核对一下：每月还三千，一共7期，每月5号前还，对吗？",
        "C:对。",
    )
    card = score(call(*lines), RUBRIC)
    assert card["plan"]["capacity"] is None and card["plan"]["disputed_amount"] == 2399
    affordable = crit(card, "plan_affordable")
    assert affordable["points"] == affordable["max_points"] / 2  # unknown, not "unaffordable"
    assert "超过了客户说的能力" not in affordable["advice"]


def test_promise_for_tomorrow_with_part_of_it_is_vague_not_the_interest():
    lines = (
        *OPENING[:4],
        "C:最近手头紧。",
        "A:利息已经产生了三百多，您看什么时候能还？",
        "C:行，明天先还一部分。",
        "A:好的，那我记一下，明天先还一部分，对吧？",
        "C:对。",
    )
    p = score(call(*lines), RUBRIC)["plan"]
    assert p["agreed"] and not p["reached"] and p["amount"] is None
    assert p["vague_fields"] == ["amount"] and p["due_date"] == "2026-11-21"
