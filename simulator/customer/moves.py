"""What the customer does in a turn, and repayment terms: the values the policy hands on.

Defined here so that the customer's modules and the renderers share them without importing the
policy; ``simulator.policy`` re-exports both (``from simulator.policy import Move, Plan``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["Move", "Plan"]


@dataclass(frozen=True)
class Plan:
    """Repayment terms: a one-off ``amount`` by ``due_date``, or ``amount`` a month for ``months``."""

    amount: int
    months: int | None = None
    due_date: date | None = None
    channel: str | None = None

    def as_dict(self) -> dict:
        """The plan as stored and printed (dates as ISO strings)."""
        return {
            "amount": self.amount,
            "months": self.months,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "channel": self.channel,
        }


@dataclass(frozen=True)
class Move:
    """What the customer does this turn; ``situation`` names the persona lines that voice it."""

    situation: str
    plan: Plan | None = None
    ends_call: str | None = None
    """``agreement`` or ``customer_hangup`` when this move ends the call."""
    reveals: tuple[str, ...] = ()
    question: str | None = None
    """The trainee's question this move answers (a key of ``simulator.customer.QUESTIONS``)."""
    objection: str | None = None
    """Why an offer is refused or countered (a key of ``simulator.customer.offers.OBJECTIONS``)."""
    recalls: str | None = None
    """An earlier promise of the trainee this move holds them to (不找我家里人)."""
