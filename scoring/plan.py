"""The plan on the scorecard, read from the call state, and the simulator's plan cross-checked.

The plan itself — offer, agreement, read-back and confirmation, each at its turn, judged on the
terms — is worked out once, in :mod:`simulator.callplan`, from the call state the scorer builds
(:mod:`simulator.callstate`). Here it becomes the scorecard's ``plan`` object: the keys of
DESIGN.md (``reached``, ``amount``, ``months``, ``due_date``, ``channel``, ``turn``) with what a
reader needs to see why (``steps``, ``readback``, ``vague``, ``capacity`` …).
"""

from __future__ import annotations

from simulator.callplan import PlanState
from simulator.callstate import CallState
from simulator.understand.terms import Terms

__all__ = ["FIELD_NAMES", "cross_check", "plan_json", "readback_differences"]

FIELD_NAMES = {"amount": "金额", "months": "期数", "due_date": "还款日期", "channel": "还款渠道"}
"""The plan's fields in the scorecard's words."""


def _value(plan_terms: Terms | None, name: str) -> str:
    value = plan_terms.value(name) if plan_terms is not None else None
    if value is None:
        return "未说"
    if name == "amount":
        low, high = value
        return f"{low} 元" if low == high else f"{low}-{high} 元"
    if name == "months":
        return f"{value} 期"
    return value.isoformat() if name == "due_date" else str(value)


def readback_differences(plan: PlanState) -> str:
    """The fields a read-back got wrong, in the scorecard's words ("" when it matched)."""
    rb = plan.readback
    if rb is None or rb.matches:
        return ""
    agreed = plan.terms
    parts = [
        f"{FIELD_NAMES[f]}约定{_value(agreed, f)}、复述{_value(rb.terms, f)}" for f in rb.differs
    ] + [f"漏说{FIELD_NAMES[f]}（约定{_value(agreed, f)}）" for f in rb.missing]
    return "；".join(parts)


def plan_json(state: CallState, success: bool) -> dict:
    """The scorecard's ``plan`` object (see the module docstring)."""
    plan = state.plan
    terms = plan.terms
    agreed = plan.agreed
    rb = plan.readback
    turn = plan.confirmation if plan.confirmation is not None else plan.agreement
    capacity = state.stated_capacity
    out: dict = {
        "reached": plan.reached,
        "amount": terms.amount.low if agreed and terms.amount else None,
        "months": terms.months if agreed else None,
        "due_date": terms.date.due.isoformat() if agreed and terms.date else None,
        "channel": terms.channel if agreed else None,
        "turn": turn,
        "agreed": agreed,
        "confirmed": plan.confirmation is not None,
        "success": success,
        "capacity": min(a.high for a in capacity.amounts) if capacity else None,
        "steps": plan.steps(),
        "vague": plan.vague,
        "applies": state.line.who != "third_party" and not plan.third_party,
    }
    if not out["applies"]:
        out["not_applicable"] = "third_party"  # the person on the line is not the cardholder
    if agreed:
        out["terms"] = terms.describe()
        out["offered_by"] = plan.offered_by
        if terms.amount is not None and not terms.amount.exact:
            out["amount_range"] = [terms.amount.low, terms.amount.high]
        if plan.vague:
            out["vague_fields"] = list(plan.vague_fields)
        if plan.incomplete:
            out["missing"] = list(plan.incomplete)
    if rb is not None:
        out["readback"] = {
            "turn": rb.turn,
            "matches": rb.matches,
            "differs": list(rb.differs),
            "missing": list(rb.missing),
            "answer": rb.answer,
            "answer_turn": rb.answer_turn,
            "terms": rb.terms.describe(),
        }
        if not rb.matches:
            out["readback"]["detail"] = readback_differences(plan)
    if capacity:
        out["capacity_turn"] = capacity.turn
        low = min(a.low for a in capacity.amounts)
        high = max(a.high for a in capacity.amounts)
        if low != high:
            out["capacity_range"] = [low, high]  # 八百多，好的时候千把块: 800-1000, not one number
        if any(a.approx for a in capacity.amounts):
            out["capacity_approx"] = True  # 一千二上下
    if state.disputes:
        disputed = [a.low for d in state.disputes for a in d.amounts]
        out["disputed_amount"] = disputed[0] if disputed else None
        out["dispute_turn"] = state.disputes[0].turn
    if state.reasons:
        out["reason_turn"] = state.reasons[0].turn
    vague = state.vague_promises[-1].turn if state.vague_promises else None
    if vague is not None and not agreed:
        out["vague_promise_turn"] = vague
    return out


def cross_check(plan: PlanState, outcome: dict) -> tuple[bool, str]:
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
        terms = plan.terms
        amount = terms.amount.low if terms.amount else None
        if sim.get("amount") is not None and sim.get("amount") != amount:
            notes.append(f"金额不一致：模拟器 {sim.get('amount')} 元，通话记录 {amount} 元")
        if sim.get("months") != terms.months and (sim.get("months") or terms.months):
            notes.append(f"期数不一致：模拟器 {sim.get('months')}，通话记录 {terms.months}")
        found_date = terms.date.due.isoformat() if terms.date else None
        if sim.get("due_date") and found_date and sim.get("due_date") != found_date:
            notes.append(f"还款日期不一致：模拟器 {sim.get('due_date')}，通话记录 {found_date}")
    return (not notes, "；".join(notes))
