"""One call state, built turn by turn from both speakers' acts: the call as a whole.

Judging a collection call needs more than the acts of each line. A debt detail is a violation
when the person on the line said they are not the cardholder; a plan is reached when the same
terms were offered, agreed and read back; what the customer said they can pay, why they are
late and which amount they dispute are three different things. :class:`CallTracker` reads the
call one turn at a time (the trainee's :class:`~simulator.understand.Understanding`, the
customer's :class:`~simulator.understand.customer.CustomerUnderstanding`) and keeps a
:class:`CallState`: who is on the line, what was disclosed to whom, the offers with their
terms, the agreements and read-backs with the turn of each step, and the customer's reason,
capacity and disputed amounts kept apart. The scorer builds one from a transcript; the policy
can read one during a call (:meth:`simulator.policy.Policy.observe`).

The plan as it stands is :attr:`CallState.plan` (:mod:`simulator.callplan`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date

from simulator.callplan import Agreement, Offer, PlanState, ReadBack, plan_state
from simulator.understand import Understanding
from simulator.understand.asked_name import asked_name, says_away
from simulator.understand.customer import CustomerUnderstanding, Relation
from simulator.understand.ranges import Amount
from simulator.understand.terms import (
    READBACK_ANNOUNCE,
    READBACK_CHECK,
    READBACK_CUE,
    Terms,
    compare,
    terms_of,
)

__all__ = ["DEBT_ACTS", "CallState", "CallTracker", "Disclosure", "Party", "Said", "track"]

DEBT_ACTS = frozenset(
    {
        "state_debt",
        "offer_plan",
        "summarize_confirm",
        "explain_consequence",
        "ask_capacity",
        "third_party_disclosure",
    }
)
"""Agent acts that tell the listener about the debt or ask them to pay."""
_IDENTITY_ACTS = ("verify_identity", "ask_for_cardholder")
_HANDOVER = re.compile(r"本人|我就是|就是我|我是他本人|换我|我来接")
"""Words with which the cardholder takes over a line a third party answered."""


@dataclass(frozen=True)
class Party:
    """Who is on the line from a turn on."""

    who: str
    """``unknown`` (not yet said), ``cardholder`` or ``third_party``."""
    verified: bool = False
    """The cardholder confirmed who they are after being asked."""
    relation: Relation | None = None
    """A third party's relation to the cardholder, when they said it."""
    since: int = 0
    """The turn from which this holds."""

    def describe(self) -> str:
        """Who, in the scorecard's words."""
        if self.who == "third_party":
            return self.relation.describe() if self.relation else "接听人说自己不是持卡人"
        if self.who == "cardholder":
            return "持卡人（已核实身份）" if self.verified else "持卡人（未核实身份）"
        return "身份未明"


@dataclass(frozen=True)
class Disclosure:
    """A debt detail or a request to pay, and who heard it."""

    turn: int
    to: Party
    acts: tuple[str, ...]


@dataclass(frozen=True)
class Said:
    """Something the customer said about themselves, with the turn and their words."""

    turn: int
    quote: str
    amounts: tuple[Amount, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class CallState:
    """The call as a whole after some turns (a frozen snapshot; see :class:`CallTracker`)."""

    today: date
    parties: tuple[Party, ...] = (Party("unknown"),)
    """Who was on the line, each from its ``since`` turn; the last one is on the line now."""
    identity_asked_at: int | None = None
    verified_at: int | None = None
    identity_refused_at: int | None = None
    disclosures: tuple[Disclosure, ...] = ()
    offers: tuple[Offer, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    """Each agreement as made; a withdrawn one has ``withdrawn_at`` set."""
    readbacks: tuple[ReadBack, ...] = ()
    vague_promises: tuple[Said, ...] = ()
    reasons: tuple[Said, ...] = ()
    capacity: tuple[Said, ...] = ()
    """What the customer said they can pay (never an amount said in a dispute)."""
    disputes: tuple[Said, ...] = ()
    """Charges or amounts the customer disputed, with the amounts said."""
    stop_requests: tuple[int, ...] = ()
    hangup_intents: tuple[int, ...] = ()
    debt_amounts: frozenset[int] = frozenset()
    """Amounts the agent stated as the debt (never a payment unless divided)."""

    @property
    def line(self) -> Party:
        """Who is on the line now."""
        return self.parties[-1]

    def audience(self, turn: int) -> Party:
        """Who was on the line when ``turn`` was said."""
        current = self.parties[0]
        for party in self.parties:
            if party.since <= turn:
                current = party
        return current

    @property
    def third_party_from(self) -> int | None:
        """The first turn from which a third party was on the line."""
        return next((p.since for p in self.parties if p.who == "third_party"), None)

    @property
    def dispute_at(self) -> int | None:
        """The first turn the customer disputed a charge."""
        return self.disputes[0].turn if self.disputes else None

    @property
    def stated_capacity(self) -> Said | None:
        """The customer's last statement of what they can pay."""
        return self.capacity[-1] if self.capacity else None

    @property
    def plan(self) -> PlanState:
        """The plan as it stands: agreed terms, the turn of each step, read-back, vagueness."""
        return plan_state(self)


@dataclass
class _Pending:
    """What the last agent turn left open for the customer to answer."""

    identity: bool = False
    readback: int | None = None
    """Index into ``readbacks`` of a read-back awaiting an answer."""
    name: str | None = None
    """The name the trainee asked for (找一下孙伟 / 请问是孙伟吗)."""


_STATE_FIELDS = frozenset(f.name for f in fields(CallState))


class CallTracker:
    """Builds the :class:`CallState` one turn at a time.

    Args:
        today: The day of the call (dates resolve against it).
        third_party: The person who answers is known not to be the cardholder from the start
            (the simulator's third-party persona).

    """

    def __init__(self, today: date, *, third_party: bool = False):
        start = Party("third_party" if third_party else "unknown")
        self.state = CallState(today, parties=(start,))
        self._pending = _Pending()
        self._table: Offer | None = None

    def _set(self, **changes) -> None:
        # what dataclasses.replace does, without re-running __init__ field by field: the state
        # changes a dozen times a call, and a cached rescore spent an eighth of its time here
        unknown = changes.keys() - _STATE_FIELDS
        if unknown:
            raise TypeError(f"CallState has no field {sorted(unknown)}")
        state = object.__new__(CallState)
        state.__dict__.update(self.state.__dict__, **changes)
        self.state = state

    def _party(self, party: Party) -> None:
        self._set(parties=self.state.parties + (party,))

    def _offer(self, offer: Offer) -> None:
        self._table = offer
        self._set(offers=self.state.offers + (offer,))

    def _agree(self, agreement: Agreement) -> None:
        self._set(agreements=self.state.agreements + (agreement,))

    def _current_agreement(self) -> Agreement | None:
        live = [a for a in self.state.agreements if a.withdrawn_at is None]
        return live[-1] if live else None

    def _withdraw(self, turn: int) -> None:
        current = self._current_agreement()
        if current is not None:
            done = replace(current, withdrawn_at=turn)
            self._set(agreements=tuple(done if a is current else a for a in self.state.agreements))

    def agent(
        self,
        turn: int,
        u: Understanding,
        *,
        asks_identity: bool = False,
        offer: bool = False,
        readback: bool = False,
        debt: bool = False,
        void: bool = False,
    ) -> CallState:
        """Take in one trainee turn.

        Args:
            turn: Its index in the call.
            u: What ``understand`` found in it.
            asks_identity: Another reader (a rubric pattern) found it asks who is on the line.
            offer: Another reader found an offer in it.
            readback: Another reader found a read-back in it.
            debt: Another reader found it states the debt.
            void: It was addressed to the scorer: its disclosures count, its terms do not.

        """
        s = self.state
        names = set(u.names)
        if debt:
            names.add("state_debt")
        asks_identity = asks_identity or bool(names & set(_IDENTITY_ACTS))
        if asks_identity and s.identity_asked_at is None:
            self._set(identity_asked_at=turn)
        said_debt = names & DEBT_ACTS
        if said_debt:
            disclosure = Disclosure(turn, s.line, tuple(sorted(said_debt)))
            self._set(disclosures=s.disclosures + (disclosure,))
        if "state_debt" in names and len(u.amounts) == 1:
            self._set(debt_amounts=self.state.debt_amounts | {u.amounts[0]})
        self._pending = _Pending(identity=asks_identity, name=asked_name(u.text))
        terms = terms_of(u.text, s.today, debt=self.state.debt_amounts)
        if terms.empty or void:
            return self.state
        normalized = u.extra.get("normalized", u.text)
        agreed = self._current_agreement()
        readback = (
            readback
            or "summarize_confirm" in names
            or READBACK_CUE.search(normalized)
            or (agreed is not None and READBACK_ANNOUNCE.search(normalized))
            or (agreed is not None and READBACK_CHECK.search(normalized))
        )  # 我给您记一下：… / 表上我填的是… after a yes restates the terms, with or without 对吗
        if readback:
            differs, missing = compare(agreed.terms, terms) if agreed else ((), ())
            rb = ReadBack(turn, terms, agreed.turn if agreed else None, differs, missing)
            self._set(readbacks=self.state.readbacks + (rb,))
            self._pending.readback = len(self.state.readbacks) - 1
            table = self._table  # the customer's own 春节前还清两万，行不行？ stays their offer
            if agreed is None and (table is None or terms.conflicts(table.terms)):
                self._offer(Offer(turn, "agent", terms))
        elif offer or "offer_plan" in names or u.full_payment or u.minimum_payment:
            self._agent_offer(turn, terms)
        return self.state

    def _agent_offer(self, turn: int, terms: Terms) -> None:
        agreed = self._current_agreement()
        table = self._table
        base = agreed.terms if agreed else (table.terms if table else None)
        if base is not None and not base.conflicts(terms):
            terms = terms.merged(base)  # a refinement: 每月5号前还 after 每月一千分12期
        elif agreed is not None:
            self._withdraw(turn)  # new terms: the old yes no longer holds
        self._offer(Offer(turn, "agent", terms))

    def customer(self, turn: int, cu: CustomerUnderstanding) -> CallState:
        """Take in one customer turn."""
        pending, self._pending = self._pending, _Pending()
        self._who(turn, cu, pending.identity, pending.name)
        s = self.state
        said = cu.acts[0].quote if cu.acts else cu.text.strip()[:40]
        payable = tuple(a for a in cu.amounts if a not in cu.disputed)
        terms = terms_of(cu.text, s.today, amounts=payable, debt=s.debt_amounts)
        if cu.has("dispute"):
            self._set(disputes=s.disputes + (Said(turn, said, cu.disputed),))
        if cu.capacity:
            self._set(capacity=self.state.capacity + (Said(turn, said, cu.capacity),))
        if cu.has("state_reason") or cu.topics:
            if cu.has("state_reason"):
                self._set(reasons=self.state.reasons + (Said(turn, said, topics=cu.topics),))
        if cu.has("request_stop"):
            self._set(stop_requests=self.state.stop_requests + (turn,))
        if cu.has("hangup_intent"):
            self._set(hangup_intents=self.state.hangup_intents + (turn,))
        if cu.has("vague_commitment"):
            self._set(vague_promises=self.state.vague_promises + (Said(turn, said),))
        if pending.readback is not None and self._answer(turn, cu, terms, pending.readback):
            return self.state
        self._negotiate(turn, cu, terms)
        return self.state

    def _who(self, turn: int, cu: CustomerUnderstanding, asked: bool, name: str | None) -> None:
        line = self.state.line
        if name and line.who == "unknown" and says_away(name, cu.text):
            # 孙伟出去跑客户了 after 我找一下孙伟: whoever answered is not the one asked for
            self._party(Party("third_party", relation=cu.relation, since=turn))
            return
        if cu.has("not_cardholder") and line.who != "third_party":
            if cu.third_party == "strong" or self.state.verified_at is None:
                self._party(Party("third_party", relation=cu.relation, since=turn))
                return
        if cu.has("not_cardholder") and line.who == "third_party" and line.relation is None:
            if cu.relation is not None:
                self._party(replace(line, relation=cu.relation, since=turn))
            return
        if cu.has("refuse_identity") and self.state.identity_refused_at is None:
            self._set(identity_refused_at=turn)
        if line.who == "third_party" and line.relation is None and asked:
            # 不是，你打错了 … then the ID digits the agent asked for: a denial taken back
            confirms = cu.has("confirm_identity")
        elif line.who == "third_party":
            confirms = cu.has("confirm_identity") and bool(_HANDOVER.search(cu.text))
        else:
            confirms = cu.has("confirm_identity") or (asked and cu.has("agree"))
        if confirms and not cu.has("not_cardholder"):
            verified = self.state.identity_asked_at is not None
            if line.who != "cardholder" or (verified and not line.verified):
                self._party(Party("cardholder", verified, since=turn))
                if verified and self.state.verified_at is None:
                    self._set(verified_at=turn)

    def _answer(self, turn: int, cu: CustomerUnderstanding, terms: Terms, index: int) -> bool:
        """The customer's answer to a read-back; True when it settled the turn."""
        rb = self.state.readbacks[index]
        if cu.has("correct") or (cu.has("refuse") and not terms.empty):
            answered = replace(rb, answer="corrected", answer_turn=turn)
            self._replace_readback(index, answered)
            agreed = self._current_agreement()
            if not terms.empty:
                base = agreed.terms if agreed else rb.terms
                corrected = terms.merged(base)
                self._withdraw(turn)
                self._offer(Offer(turn, "customer", corrected))
                self._agree(Agreement(turn, corrected, turn))
            return True
        if cu.has("agree") and not cu.has("refuse", "vague_commitment", "counter_offer"):
            answered = replace(rb, answer="confirmed", answer_turn=turn)
            self._replace_readback(index, answered)
            if rb.agreement is None:
                offer = self._table.turn if self._table else rb.turn
                self._agree(Agreement(turn, rb.terms, offer, readback=rb.turn))
            return True
        if cu.has("refuse"):
            self._replace_readback(index, replace(rb, answer="refused", answer_turn=turn))
            self._withdraw(turn)
            return True
        return False

    def _replace_readback(self, index: int, rb: ReadBack) -> None:
        rbs = list(self.state.readbacks)
        rbs[index] = rb
        self._set(readbacks=tuple(rbs))

    def _negotiate(self, turn: int, cu: CustomerUnderstanding, terms: Terms) -> None:
        table = self._table
        echoes = (
            table is not None
            and not terms.empty
            and not terms.conflicts(table.terms)
            and cu.has("counter_offer", "promise_to_pay")
            and not cu.has("refuse", "vague_commitment")
        )  # 那就每个月三千四，分两期吧: the offer's own terms said back, a yes
        if echoes or (
            cu.has("agree") and not cu.has("refuse", "vague_commitment", "counter_offer")
        ):
            if table is not None:
                self._withdraw(turn)
                if terms.conflicts(table.terms):  # 行，那就每个月八百: their own terms
                    self._offer(Offer(turn, "customer", terms))
                    self._agree(Agreement(turn, terms, turn))
                else:
                    self._agree(Agreement(turn, terms.merged(table.terms), table.turn))
            elif not terms.empty:
                self._offer(Offer(turn, "customer", terms))
                self._agree(Agreement(turn, terms, turn))
        elif cu.has("promise_to_pay") and not terms.empty:
            base = table.terms if table is not None else None
            promised = terms.merged(base) if base and not terms.conflicts(base) else terms
            self._withdraw(turn)
            self._offer(Offer(turn, "customer", promised))
            self._agree(Agreement(turn, promised, turn))
        elif cu.has("counter_offer") and not terms.empty:
            self._withdraw(turn)
            self._offer(Offer(turn, "customer", terms))
        elif cu.has("refuse", "vague_commitment") and self._current_agreement() is not None:
            agreed = self._current_agreement()
            if not any(r.agreement == agreed.turn and r.answer for r in self.state.readbacks):
                self._withdraw(turn)


def track(
    turns: list[tuple[str, Understanding | CustomerUnderstanding]],
    today: date,
    *,
    third_party: bool = False,
) -> CallState:
    """The call state after every turn of a call (``(speaker, understanding)`` in order)."""
    tracker = CallTracker(today, third_party=third_party)
    for index, (speaker, understood) in enumerate(turns):
        if speaker == "agent":
            tracker.agent(index, understood)
        else:
            tracker.customer(index, understood)
    return tracker.state
