"""Coach mode: short hints for the trainee during a call, from what has happened so far.

Hints are plain rules over the call's turns (the acts understood in the trainee's lines, the
moves and mood of the customer's replies). They never reveal the customer's hidden facts; they
only point at steps of a good collection call (``COMPLIANCE.md``) that the trainee has not taken
yet, or at something the customer just said that deserves an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["HINTS", "Hint", "hints"]

HINTS = {
    "introduce": "先自我介绍：哪家机构、您的姓名或工号、来电目的",
    "verify": "还未核实身份",
    "disclosed_early": "核实身份之前不要提欠款金额或账户信息",
    "hardship": "客户提到了困难，试着回应一下",
    "angry": "客户情绪很激动，先安抚，放慢语速",
    "capacity": "客户说了能还多少，按他的能力提出方案",
    "ask_capacity": "问问客户每个月能还多少",
    "confirm": "客户同意了，复述金额、日期和还款方式，请他确认",
    "violation": "刚才的说法可能违规，注意措辞",
}
"""Every hint the coach can give, by id (the Chinese the trainee sees)."""

VIOLATIONS = frozenset(
    {
        "threat",
        "insult",
        "impersonation",
        "false_legal_claim",
        "third_party_pressure",
        "third_party_disclosure",
        "induce_borrowing",
        "illegitimate_fee",
    }
)
VERIFY = frozenset({"verify_identity", "ask_for_cardholder"})
EMPATHY = frozenset({"empathy", "apology", "listen"})
HARDSHIP_MOVES = frozenset({"give_reason", "cannot_pay_full"})


class TurnLike(Protocol):
    """What the coach reads from a turn (``simulator.call.Turn`` fits)."""

    speaker: str
    acts: tuple[str, ...]
    state: dict[str, int] | None
    move: str | None


@dataclass(frozen=True)
class Hint:
    """One hint shown during the call."""

    id: str
    """A key of :data:`HINTS`."""
    text: str
    """The Chinese the trainee sees."""


def _ids(turns: Sequence[TurnLike]) -> list[str]:
    agent = [t for t in turns if t.speaker == "agent"]
    customer = [t for t in turns if t.speaker == "customer"]
    if not agent:
        return []
    said = {a for t in agent for a in t.acts}
    last_agent, last_customer = agent[-1], customer[-1] if customer else None
    found: list[str] = []
    if VIOLATIONS & set(last_agent.acts):
        found.append("violation")
    if last_customer and (last_customer.state or {}).get("anger", 0) >= 70:
        found.append("angry")
    # A hardship the customer raised and the trainee has not acknowledged since.
    raised = [i for i, t in enumerate(turns) if t.move in HARDSHIP_MOVES]
    if raised and not any(EMPATHY & set(t.acts) for t in turns[raised[-1] :]):
        found.append("hardship")
    if "self_intro" not in said:
        found.append("introduce")
    if not VERIFY & said:
        before = [t for t in agent if not VERIFY & set(t.acts)]
        if any("state_debt" in t.acts for t in before):
            found.append("disclosed_early")
        if len(agent) >= 2:
            found.append("verify")
    if last_customer and last_customer.move == "accept":
        found.append("confirm")
    moves = [t.move for t in customer]
    if "give_capacity" in moves and "offer_plan" not in said:
        found.append("capacity")
    elif VERIFY & said and len(agent) >= 4 and not {"ask_capacity", "offer_plan"} & said:
        found.append("ask_capacity")
    return found


def hints(turns: Sequence[TurnLike], limit: int = 2) -> list[Hint]:
    """The most pressing hints for the call so far, at most ``limit``, most urgent first.

    Args:
        turns: the call's turns in order (agent and customer).
        limit: how many hints to show at once; more would distract during a live call.

    """
    ids = list(dict.fromkeys(_ids(turns)))[:limit]
    return [Hint(i, HINTS[i]) for i in ids]
