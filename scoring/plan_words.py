"""The scorecard's plan in the trainee's words: the agreed terms and the turn of each step.

One reading for the terminal report (:mod:`scoring.report`) and the practice and history pages
(:mod:`simulator.ui.scorecard`): whether a plan was reached and if not why, the terms the
customer agreed to, and the four steps (提出条件 → 客户同意 → 坐席复述 → 客户确认), each with
its turn counted from 1, a read-back that does not match the agreement flagged with the fields
that differ. Scorecards stored before ``plan.steps`` existed give no steps and read as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scoring.plan import FIELD_NAMES
from simulator import labels

__all__ = [
    "NOT_APPLICABLE",
    "STEP_WORDS",
    "applies",
    "plan_note",
    "plan_status",
    "plan_steps",
    "plan_terms",
]

NOT_APPLICABLE = "本通不适用（接听人不是持卡人）"
"""The plan line of a call answered by someone who is not the cardholder."""

STEP_WORDS = {
    "offer": "提出条件",
    "agreement": "客户同意",
    "readback": "坐席复述",
    "confirmation": "客户确认",
}
"""The plan's steps in order, in the scorecard's words."""

_ANSWERS = {"corrected": "客户纠正了复述", "refused": "客户不认可复述"}


def plan_terms(plan: Mapping[str, Any] | None) -> str:
    """The terms the customer agreed to, as said (ranges kept); "" when none were agreed."""
    if not plan:
        return ""
    if plan.get("terms"):
        return str(plan["terms"])
    if not plan.get("amount"):
        return ""
    parts = [
        f"每期 {plan['amount']} 元，{plan['months']} 期"
        if plan.get("months")
        else f"{plan['amount']} 元"
    ]
    if plan.get("due_date"):
        parts.append(f"{plan['due_date']} 前")
    if plan.get("channel"):
        parts.append(f"通过{plan['channel']}")
    return "，".join(parts)


def applies(plan: Mapping[str, Any] | None) -> bool:
    """False when the plan does not apply: the person on the line is not the cardholder."""
    return not plan or bool(plan.get("applies", True) and not plan.get("not_applicable"))


def plan_status(plan: Mapping[str, Any] | None) -> str:
    """Reached or not, and why not, in one short phrase (本通不适用 on a third party's call)."""
    if not plan:
        return "未达成"
    if not applies(plan):
        return NOT_APPLICABLE
    readback = plan.get("readback") or {}
    if plan.get("reached"):
        return "已达成" if plan.get("success", True) else "达成但不计为成功（在严重违规之后）"
    if not plan.get("agreed"):
        turn = plan.get("vague_promise_turn")
        if turn is not None:
            return f"未达成：客户只是含糊表态（{labels.turn(turn)}）"
        return "未达成"
    if readback and not readback.get("matches", True):
        return "未达成：复述与客户同意的条件不一致"
    if plan.get("vague"):
        return "未达成：条件不具体"
    if plan.get("missing"):
        return "未达成：缺少金额或还款日期/期数"
    if not readback:
        return "未达成：客户同意了，但坐席没有复述并请客户确认"
    if readback.get("answer") in _ANSWERS:
        return f"未达成：{_ANSWERS[readback['answer']]}"
    if not plan.get("confirmed"):
        return "未达成：复述后客户没有确认"
    return "未达成"


def plan_note(plan: Mapping[str, Any] | None) -> str:
    """The plan's ``note`` without what the steps already say (the read-back's differences)."""
    note = str((plan or {}).get("note") or "")
    detail = ((plan or {}).get("readback") or {}).get("detail")
    if note and detail and plan_steps(plan):
        note = note.replace(f"复述与约定不一致：{detail}。", "").strip("；")
    return note


def plan_steps(plan: Mapping[str, Any] | None) -> list[tuple[str, str, str]]:
    """``(step, turn, note)`` for each step of the plan; [] when the scorecard has no steps.

    The read-back's note says whether it matched the agreement, and which fields differ when
    it did not (⚠). A step that did not happen reads 没有.
    """
    if not plan or not plan.get("steps"):
        return []
    steps = plan["steps"]
    if all(steps.get(key) is None for key in STEP_WORDS):
        return []
    readback = plan.get("readback") or {}
    rows = []
    for key, word in STEP_WORDS.items():
        turn = steps.get(key)
        where = labels.turn(turn) if turn is not None else "没有"
        note = ""
        if key == "offer" and turn is not None and plan.get("offered_by"):
            note = "客户自己提出" if plan["offered_by"] == "customer" else "坐席提出"
        elif key == "readback" and readback:
            if readback.get("matches", True):
                note = "与约定一致"
            else:
                detail = readback.get("detail") or _fields(readback)
                note = f"⚠ 与约定不一致：{detail}" if detail else "⚠ 与约定不一致"
        elif key == "confirmation" and turn is None and readback.get("answer") in _ANSWERS:
            answered = readback.get("answer_turn")
            note = _ANSWERS[readback["answer"]]
            if answered is not None:
                note += f"（{labels.turn(answered)}）"
        rows.append((word, where, note))
    return rows


def _fields(readback: Mapping[str, Any]) -> str:
    """The differing and missing fields by name, for a stored read-back without ``detail``."""
    parts = [f"{FIELD_NAMES.get(f, f)}不同" for f in readback.get("differs") or ()]
    parts += [f"漏说{FIELD_NAMES.get(f, f)}" for f in readback.get("missing") or ()]
    return "、".join(parts)
