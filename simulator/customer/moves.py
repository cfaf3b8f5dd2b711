"""What the customer does in a turn, and repayment terms: the values the policy hands on.

Defined here so that the customer's modules and the renderers share them without importing the
policy; ``simulator.policy`` re-exports both (``from simulator.policy import Move, Plan``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["ANSWERED_BY", "Move", "Plan", "TERMS_SITUATIONS", "answered_by"]


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
    lead: tuple[Move, ...] = ()
    """Said first: a refusal of a question this move leaves aside (多少先不说，……)."""
    also: tuple[Move, ...] = ()
    """Said after: the answers to the line's other questions (…… 用手机银行还。)."""

    @property
    def answers(self) -> frozenset[str]:
        """The question kinds this move and its parts answer, as far as the policy knows."""
        found = set(answered_by(self.situation))
        if self.question and self.situation not in TERMS_SITUATIONS:
            found.add(self.question)
        if self.plan and self.situation in TERMS_SITUATIONS:
            found |= {"capacity", "when_pay"}  # terms said aloud: the sum and when
        for part in (*self.lead, *self.also):
            found |= part.answers
        return frozenset(found)


TERMS_SITUATIONS = frozenset(
    {"accept", "counter", "refuse", "cannot_pay_full", "confirm", "correct_readback", "play_banks"}
)
"""Moves on terms: the channel or date the line also asked is answered only by their own parts."""

ANSWERED_BY: dict[str, tuple[str, ...]] = {
    "confirm_name": ("name",),
    "ask_who": ("name", "id_digits"),
    "verify_ok": ("name", "id_digits"),
    "verify_refuse": ("id_digits",),
    "admit_cardholder": ("name", "who_are_you", "relation", "is_in", "when_back"),
    "i_am_cardholder": ("name", "who_are_you", "relation", "is_in", "when_back", "leave_message"),
    "give_reason": ("why_late",),
    "deflect_reason": ("why_late",),
    "give_capacity": ("capacity",),
    "deflect_capacity": ("capacity",),
    "vague_capacity": ("capacity",),
    "guess_fits": ("capacity",),
    "guess_too_high": ("capacity",),
    "give_when": ("when_pay", "capacity"),  # every give_when line says the sum too
    "deflect_when": ("when_pay",),
    "vague_when": ("when_pay",),
    "give_channel": ("channel",),
    "amount_ok": ("amount_right",),
    "dispute": ("amount_right",),
    "repeat": ("repeat",),
    "third_party_who": ("who_are_you", "relation"),
    "third_party_back": ("when_back",),
    "third_party_out": ("is_in", "name"),
    "third_party_not_me": ("id_digits", "name"),
    "third_party_message": ("leave_message",),
    "third_party_refuse": ("why_late", "capacity", "when_pay", "channel", "amount_right"),
}
"""The questions a situation's lines answer whatever the move was decided for."""


def answered_by(situation: str) -> tuple[str, ...]:
    """The question kinds the lines of ``situation`` answer (``hold_capacity``: capacity)."""
    if situation.startswith("hold_"):
        return (situation[len("hold_") :],)
    return ANSWERED_BY.get(situation, ())
