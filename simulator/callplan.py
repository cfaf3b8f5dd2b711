"""The steps of a repayment plan in a call, and the plan as it stands after them.

A plan is *reached* only when all of these hold, each at its own turn:

1. **offer** — terms on the table (the agent's offer, or the customer's own counter-offer or
   promise);
2. **agreement** — the customer says yes to those terms (好的好的 / 行吧 / 就这么办 count; 我尽量 /
   看情况 / 有钱就还 do not) or promises them;
3. **read-back** — the agent reads the terms back and every field the plan rests on matches the
   agreement (an amount, a count or date; a field only the read-back adds is fine);
4. **confirmation** — the customer says yes to the read-back (知道了 / 好的好的 after a read-back
   count), without correcting it;

and the agreed terms are concrete: an exact amount, and a count of instalments or a named day.
A yes from a third party (the person on the line said they are not the cardholder) is never a
reached plan: the plan criteria do not apply to that call.
A range (五六百), 一部分, or a vague date (过两天 / 下周 / 年前) makes the plan *vague*: shown, never
reached. A read-back that does not match is reported with the fields that differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator.understand.terms import FIELDS, Terms

if TYPE_CHECKING:
    from simulator.callstate import CallState

__all__ = ["Agreement", "Offer", "PlanState", "ReadBack", "plan_state"]


@dataclass(frozen=True)
class Offer:
    """Terms put on the table."""

    turn: int
    by: str
    """``agent`` or ``customer`` (a counter-offer or a promise)."""
    terms: Terms


@dataclass(frozen=True)
class Agreement:
    """The customer's yes to terms (or their own promise)."""

    turn: int
    terms: Terms
    offer_turn: int
    """The turn the agreed terms were put on the table."""
    readback: int | None = None
    """When the yes answered a read-back that came before any agreement: that read-back's turn."""
    withdrawn_at: int | None = None
    """A later refusal, counter-offer or new offer that replaced it."""


@dataclass(frozen=True)
class ReadBack:
    """The agent reading terms back, and how they compare with the agreement."""

    turn: int
    terms: Terms
    agreement: int | None
    """The turn of the agreement it was checked against (None: nothing agreed yet)."""
    differs: tuple[str, ...] = ()
    """Fields stated with other values than agreed."""
    missing: tuple[str, ...] = ()
    """Fields the plan rests on that the read-back left out."""
    answer: str | None = None
    """``confirmed``, ``corrected``, ``refused``, or None (no answer)."""
    answer_turn: int | None = None

    @property
    def matches(self) -> bool:
        """Every field the plan rests on is read back as agreed."""
        return not self.differs and not self.missing


@dataclass(frozen=True)
class PlanState:
    """The plan at the end of the turns seen so far."""

    terms: Terms | None = None
    """The agreed terms (with what a confirmed, matching read-back added)."""
    offer: int | None = None
    agreement: int | None = None
    readback: ReadBack | None = None
    """The read-back of the agreed terms (the latest), if any."""
    confirmation: int | None = None
    vague_fields: tuple[str, ...] = ()
    offered_by: str | None = None
    third_party: bool = False
    """The yes came from someone who said they are not the cardholder: plan criteria do not
    apply, and whatever they agreed to is never a reached plan."""

    @property
    def agreed(self) -> bool:
        """The customer agreed to terms (or promised them) and has not withdrawn."""
        return self.agreement is not None

    @property
    def matched(self) -> bool:
        """A read-back of the agreed terms matched them field by field."""
        return self.readback is not None and self.readback.matches

    @property
    def vague(self) -> bool:
        """Agreed on a range, 一部分 or a vague date: not a plan."""
        return self.agreed and bool(self.vague_fields)

    @property
    def incomplete(self) -> tuple[str, ...]:
        """What the agreed terms lack to be a plan: ``amount``, ``due_date or months``."""
        if not self.agreed or self.vague or self.terms.concrete:
            return ()
        out = [] if self.terms.amount is not None else ["amount"]
        if not (self.terms.months or self.terms.date):
            out.append("due_date or months")
        return tuple(out)

    @property
    def reached(self) -> bool:
        """Offered, agreed, read back as agreed, confirmed, and concrete."""
        return (
            self.agreed
            and not self.third_party
            and self.matched
            and self.confirmation is not None
            and self.terms.concrete
            and not self.vague
        )

    def steps(self) -> dict[str, int | None]:
        """The turn of each step (None where the step did not happen)."""
        return {
            "offer": self.offer,
            "agreement": self.agreement,
            "readback": self.readback.turn if self.readback else None,
            "confirmation": self.confirmation,
        }


def _final_terms(agreed: Terms, rb: ReadBack | None) -> Terms:
    if rb is None or not rb.matches or rb.answer != "confirmed":
        return agreed
    return agreed.merged(rb.terms)


def plan_state(state: CallState) -> PlanState:
    """The plan as it stands in ``state`` (the latest agreement not withdrawn)."""
    live = [a for a in state.agreements if a.withdrawn_at is None]
    if not live:
        return PlanState()
    agreed = live[-1]
    readbacks = [
        r
        for r in state.readbacks
        if r.agreement == agreed.turn or (agreed.readback is not None and r.turn == agreed.readback)
    ]
    rb = readbacks[-1] if readbacks else None
    confirmed = rb.answer_turn if rb is not None and rb.answer == "confirmed" else None
    terms = _final_terms(agreed.terms, rb)
    offer = next((o for o in state.offers if o.turn == agreed.offer_turn), None)
    vague = terms.vague_fields()
    return PlanState(
        terms=terms,
        offer=agreed.offer_turn,
        agreement=agreed.turn,
        readback=rb,
        confirmation=confirmed,
        vague_fields=tuple(f for f in FIELDS if f in vague),
        offered_by=offer.by if offer else None,
        third_party=state.audience(agreed.turn).who == "third_party",
    )
