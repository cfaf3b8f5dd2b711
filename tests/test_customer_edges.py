"""The edges of every customer's promises: one yuan, one month or one day past them is refused.

Each cardholder persona is offered, with trust already earned and no anger, the most they can
keep (their monthly capacity for ``max_months``, their lump sum on the first day they can raise
it) and the same offers one step past the limit. Loosening the affordability check (1.5 ×
capacity, ignoring ``max_months`` or the lump-sum date) makes these tests fail.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from simulator.persona import Archetype, load_personas
from simulator.policy import Policy
from simulator.understand import understand

from .conftest import PERSONAS_DIR

TODAY = date(2026, 11, 28)
PERSONAS = load_personas(PERSONAS_DIR)
CARDHOLDERS = [pid for pid, lp in PERSONAS.items() if lp.persona.archetype != Archetype.third_party]
WITH_LUMP = [pid for pid in CARDHOLDERS if PERSONAS[pid].persona.facts.lump_sum > 0]


def trusting(pid: str) -> Policy:
    """A policy whose customer already trusts the trainee, past what each trait asks first.

    The dispute is registered (and the card frozen), 个性化分期 has been named, the banks have
    been played off, and a pretended relative has admitted who they are.
    """
    policy = Policy(PERSONAS[pid].persona, today=TODAY, seed=0)
    if PERSONAS[pid].persona.facts.dispute:
        move = policy.decide(
            understand("那笔交易我现在帮您登记调查，卡也给您挂失冻结。", today=TODAY)
        )
        assert move.situation == "dispute_registered"
    policy.decide(understand("我们可以帮您申请个性化分期。", today=TODAY))
    policy.state.banks_played = True
    policy.state.pretending = False
    policy.state.trust, policy.state.anger, policy.state.patience = 100.0, 0.0, 100.0
    return policy


def offer(policy: Policy, text: str):
    move = policy.decide(understand(text, today=TODAY))
    if move.situation == "mishear_amount":  # hard of hearing: the offer is said again
        move = policy.decide(understand(text, today=TODAY))
    policy.state.trust, policy.state.anger, policy.state.patience = 100.0, 0.0, 100.0
    return move


def said(day: date) -> str:
    return f"{day.month}月{day.day}号"


def lump_day(pid: str) -> date:
    return TODAY + timedelta(days=max(PERSONAS[pid].persona.facts.lump_sum_in_days, 1))


@pytest.mark.parametrize("pid", CARDHOLDERS)
def test_instalments_at_capacity_and_max_months_are_accepted(pid):
    f = PERSONAS[pid].persona.facts
    move = offer(
        trusting(pid), f"那您每个月还{f.monthly_capacity}元，分{f.max_months}期，您看可以吗？"
    )
    assert move.situation == "accept", move
    assert (move.plan.amount, move.plan.months) == (f.monthly_capacity, f.max_months)


@pytest.mark.parametrize("pid", CARDHOLDERS)
def test_one_yuan_a_month_above_capacity_is_refused(pid):
    f = PERSONAS[pid].persona.facts
    move = offer(
        trusting(pid), f"那您每个月还{f.monthly_capacity + 1}元，分{f.max_months}期，您看可以吗？"
    )
    assert move.situation not in ("accept", "confirm"), move
    assert move.objection == "monthly"
    if move.plan:  # the counter-offer is within the capacity, in round figures
        assert move.plan.amount <= f.monthly_capacity
        assert move.plan.months <= f.max_months


@pytest.mark.parametrize("pid", CARDHOLDERS)
def test_half_as_much_again_a_month_is_refused(pid):
    f = PERSONAS[pid].persona.facts
    monthly = f.monthly_capacity * 3 // 2
    move = offer(trusting(pid), f"每个月还{monthly}元，分{f.max_months}期，可以吗？")
    assert move.situation not in ("accept", "confirm"), move


@pytest.mark.parametrize("pid", CARDHOLDERS)
def test_one_month_past_max_months_is_refused(pid):
    f = PERSONAS[pid].persona.facts
    move = offer(
        trusting(pid), f"那您每个月还{f.monthly_capacity}元，分{f.max_months + 1}期，您看可以吗？"
    )
    assert move.situation not in ("accept", "confirm"), move
    assert move.objection == "months"
    if move.plan:
        assert move.plan.months <= f.max_months


@pytest.mark.parametrize("pid", WITH_LUMP)
def test_lump_sum_on_the_day_it_can_be_raised_is_accepted(pid):
    f = PERSONAS[pid].persona.facts
    day = lump_day(pid)
    move = offer(trusting(pid), f"那您{said(day)}之前一次性还{f.lump_sum}元，可以吗？")
    if (
        PERSONAS[pid].persona.archetype == Archetype.hardship
        and f.lump_sum >= PERSONAS[pid].persona.brief.amount
    ):
        pytest.skip("a hardship customer never clears it all at once")
    assert move.situation == "accept", move
    assert move.plan.amount == f.lump_sum and move.plan.due_date == day


@pytest.mark.parametrize("pid", WITH_LUMP)
def test_lump_sum_one_day_before_it_can_be_raised_is_refused(pid):
    f = PERSONAS[pid].persona.facts
    day = lump_day(pid) - timedelta(days=1)
    move = offer(trusting(pid), f"那您{said(day)}之前一次性还{f.lump_sum}元，可以吗？")
    assert move.situation not in ("accept", "confirm"), move
    assert move.objection in ("soon", "full"), move
    if move.plan and not move.plan.months:
        assert move.plan.due_date >= lump_day(pid)


@pytest.mark.parametrize("pid", WITH_LUMP)
def test_one_yuan_more_than_the_lump_sum_is_refused(pid):
    f = PERSONAS[pid].persona.facts
    day = lump_day(pid)
    move = offer(trusting(pid), f"那您{said(day)}之前一次性还{f.lump_sum + 1}元，可以吗？")
    assert move.situation not in ("accept", "confirm"), move
    if move.plan and not move.plan.months:
        assert move.plan.amount <= f.lump_sum


@pytest.mark.parametrize("pid", CARDHOLDERS)
def test_counter_offers_are_round_and_within_the_facts(pid):
    """Whatever is asked, the customer's own figures are round and never past their limits."""
    from simulator.customer.numbers import is_round

    f = PERSONAS[pid].persona.facts
    debt = PERSONAS[pid].persona.brief.amount
    asks = [
        f"您今天必须一次性还{debt}元。",
        f"每个月还{f.monthly_capacity * 2 + 500}元，分3期。",
        f"每个月还{f.monthly_capacity + 37}元，分{f.max_months}期。",
        f"每个月还{max(f.monthly_capacity // 2, 1)}元，分{f.max_months + 7}期。",
    ]
    for text in asks:
        move = offer(trusting(pid), text)
        if move.plan is None or move.situation not in ("counter", "cannot_pay_full"):
            continue
        plan = move.plan
        if plan.months:
            assert plan.amount <= f.monthly_capacity and plan.months <= f.max_months, text
            assert plan.months in (3, 6, 9, 12, 18, 24, 36, 48, 60, f.max_months), plan
        else:
            assert plan.amount <= max(f.lump_sum, 1), (text, plan)
            assert plan.amount < debt or f.can_pay_full, (text, plan)
        assert is_round(plan.amount) or plan.amount in (f.lump_sum, f.monthly_capacity), plan
