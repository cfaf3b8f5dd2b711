"""Finding the repayment plan in a transcript, and cross-checking the simulator's.

A plan is *agreed* when the customer says a plain yes (no hedge, no counter-offer) to a concrete
proposal — an amount and a date, or a monthly amount and a number of instalments — and
*confirmed* when the customer says yes to the trainee's read-back (or the yes itself answered a
read-back). ``我尽量`` / ``有钱就还`` is recorded as a vague promise, never as a plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from scoring.analysis import Call
from simulator.understand import parse_amounts, parse_date, parse_months

__all__ = ["Plan", "cross_check", "find_plan"]

_MONTHLY = re.compile(r"每个?月|月供|一个月|每期")
_DATE_HINT = re.compile(r"[天周礼拜星月年号日底]")
_NUM_HINT = re.compile(r"[0-9零〇一二两三四五六七八九十百千万半]")


@dataclass(frozen=True)
class Plan:
    """What was proposed, agreed and confirmed."""

    amount: int | None = None
    """Yuan per payment (per month for instalments)."""
    months: int | None = None
    due_date: date | None = None
    channel: str | None = None
    proposed_at: int | None = None
    agreed_at: int | None = None
    confirmed_at: int | None = None
    vague_at: int | None = None
    """A customer turn promising without a plan (我尽量 / 有钱就还)."""
    capacity: int | None = None
    """What the customer said they can pay (yuan), last stated."""
    capacity_at: int | None = None

    @property
    def concrete(self) -> bool:
        """An amount and a date, or a monthly amount and a count."""
        return self.amount is not None and (self.due_date is not None or self.months is not None)

    @property
    def agreed(self) -> bool:
        """The customer said yes to a concrete proposal."""
        return self.agreed_at is not None

    @property
    def reached(self) -> bool:
        """Agreed and confirmed."""
        return self.agreed_at is not None and self.confirmed_at is not None


def _pick_amount(
    text: str, amounts: tuple[int, ...] | list[int], months: int | None, debt: set[int]
) -> int | None:
    if not amounts:
        return None
    if months:
        m = _MONTHLY.search(text)
        if m:
            after = parse_amounts(text[m.start() :])
            if after:
                return after[0]
    rest = [a for a in amounts if a not in debt] if len(amounts) > 1 else list(amounts)
    return (rest or list(amounts))[-1]


def _customer_slots(text: str, today: date) -> tuple[list[int], int | None, date | None]:
    amounts = parse_amounts(text) if _NUM_HINT.search(text) else []
    months = parse_months(text) if amounts or _NUM_HINT.search(text) else None
    due = parse_date(text, today) if _DATE_HINT.search(text) else None
    return amounts, months, due


def find_plan(call: Call, offer_ids: set[str], summary_ids: set[str], debt_ids: set[str]) -> Plan:
    """Walk the call and return the plan as it stood at the end."""
    today = call.started_at.date()
    debt: set[int] = set()
    plan = Plan()
    last_agent_summary = False
    for turn in call.turns:
        if turn.speaker == "agent":
            u = turn.understanding
            if turn.void or u is None:
                last_agent_summary = False
                continue
            if debt_ids & turn.hits.keys() and len(u.amounts) == 1:
                debt.add(u.amounts[0])
            offers = bool(offer_ids & turn.hits.keys())
            summary = bool(summary_ids & turn.hits.keys())
            if offers or summary:
                amount = _pick_amount(turn.text, u.amounts, u.months, debt)
                changed = {
                    "amount": amount if amount is not None else plan.amount,
                    "months": u.months if u.months is not None else plan.months,
                    "due_date": u.due_date or plan.due_date,
                    "channel": u.channel or plan.channel,
                }
                differs = any(changed[k] != getattr(plan, k) for k in changed)
                plan = replace(plan, **changed, proposed_at=turn.index)
                if differs and plan.agreed and not summary:
                    # a new proposal after the yes: the old yes no longer holds
                    plan = replace(plan, agreed_at=None, confirmed_at=None)
            last_agent_summary = summary
            continue
        cu = turn.customer
        amounts, months, due = _customer_slots(turn.text, today)
        if cu.capacity:
            plan = replace(plan, capacity=min(a.low for a in cu.capacity), capacity_at=turn.index)
        if cu.has("vague_commitment"):
            plan = replace(plan, vague_at=turn.index)
        if cu.has("agree", "promise_to_pay"):
            if amounts or months or due:
                # the customer says the plan themselves (行，那就每个月一千，分十二期)
                plan = replace(
                    plan,
                    amount=_pick_amount(turn.text, amounts, months, debt) or plan.amount,
                    months=months or plan.months,
                    due_date=due or plan.due_date,
                )
            if plan.concrete:
                if plan.agreed_at is None:
                    plan = replace(plan, agreed_at=turn.index)
                if last_agent_summary:
                    plan = replace(plan, confirmed_at=turn.index)
        elif cu.has("refuse") and plan.agreed and not plan.reached:
            plan = replace(plan, agreed_at=None)
        elif amounts and (months or due) and plan.agreed_at is None:
            # a counter-offer: it becomes the proposal on the table
            plan = replace(
                plan,
                amount=_pick_amount(turn.text, amounts, months, debt),
                months=months,
                due_date=due,
                proposed_at=turn.index,
            )
        last_agent_summary = False
    return plan


def cross_check(plan: Plan, outcome: dict) -> tuple[bool, str]:
    """Compare the plan found in the transcript with the simulator's outcome.

    Returns:
        Whether they agree, and a Chinese note naming every difference.
    """
    sim = outcome.get("plan")
    sim_reached = outcome.get("ended_by") == "agreement" and bool(sim)
    notes = []
    if sim_reached != plan.reached:
        if sim_reached:
            notes.append("模拟器记录客户已同意还款计划，但通话记录中找不到客户确认的具体计划")
        else:
            notes.append("通话记录显示客户确认了还款计划，但模拟器未记录达成约定")
    if sim and plan.agreed:
        if sim.get("amount") is not None and sim.get("amount") != plan.amount:
            notes.append(f"金额不一致：模拟器 {sim.get('amount')} 元，通话记录 {plan.amount} 元")
        if sim.get("months") != plan.months and (sim.get("months") or plan.months):
            notes.append(f"期数不一致：模拟器 {sim.get('months')}，通话记录 {plan.months}")
        found_date = plan.due_date.isoformat() if plan.due_date else None
        if sim.get("due_date") and found_date and sim.get("due_date") != found_date:
            notes.append(f"还款日期不一致：模拟器 {sim.get('due_date')}，通话记录 {found_date}")
    return (not notes, "；".join(notes))
