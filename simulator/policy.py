"""The customer's decisions: plain code over the persona's hidden facts and the call state.

The policy decides *what* the customer does this turn (answer, deflect, reveal, counter, accept,
refuse, confirm, hang up); ``simulator.render`` only says it. Keeping the decision here is what
keeps a hostile customer hostile and an unaffordable plan refused, whichever renderer speaks.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from simulator import callstate
from simulator.callstate import CallTracker
from simulator.persona import Archetype, Persona
from simulator.understand import Understanding, normalize
from simulator.understand.core import is_negated
from simulator.understand.customer import understand_customer
from simulator.understand.normalize import Normalized, normalize_with_map

__all__ = ["Move", "Plan", "CallState", "Policy"]

# Anger added by each violation before the persona's temper multiplies it.
VIOLATION_ANGER = {
    "threat": 30,
    "insult": 35,
    "impersonation": 25,
    "false_legal_claim": 25,
    "third_party_pressure": 30,
    "third_party_disclosure": 20,
    "induce_borrowing": 12,
    "illegitimate_fee": 15,
}
ABUSE = frozenset(VIOLATION_ANGER)
_MONTHLY = re.compile(r"每个?月|月供|一个月|每期")
RESPECT_TRUST = {
    "ask_reason": 6,
    "listen": 3,
    "apology": 4,
    "recording_notice": 2,
    "explain_consequence": 2,
    "self_intro": 5,
}


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


@dataclass
class CallState:
    """Everything the customer remembers about the call so far."""

    anger: float
    trust: float
    patience: float
    verified: bool = False
    introduced: bool = False
    revealed: set[str] = field(default_factory=set)
    accepted: Plan | None = None
    confirmed: bool = False
    dispute_registered: bool = False
    debt_discussed: bool = False
    abuse: int = 0
    warned: bool = False
    empathy_heard: int = 0
    pushed: int = 0
    turns: int = 0

    def snapshot(self) -> dict[str, int]:
        """The mood as whole numbers, for traces and storage."""
        return {
            "anger": round(self.anger),
            "trust": round(self.trust),
            "patience": round(self.patience),
        }


_NEAR_DENIAL = re.compile(r"[不没免无]")


def _affirmed(nm: Normalized, word: str) -> bool:
    """True if ``word`` occurs in the utterance other than under a denial."""
    start = nm.text.find(word)
    while word and start >= 0:
        near = nm.text[max(0, start - 3) : start]  # 不收服务费 / 免服务费 / 没有服务费
        if not (_NEAR_DENIAL.search(near) or is_negated(nm, start, start + len(word))):
            return True
        start = nm.text.find(word, start + 1)
    return False


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


class Policy:
    """Decides the customer's move for each agent utterance; deterministic for a seed."""

    def __init__(self, persona: Persona, *, today: date, seed: int = 0):
        self.persona = persona
        self.facts = persona.facts
        self.today = today
        self.rng = random.Random(seed)
        start = persona.start
        self.state = CallState(anger=start.anger, trust=start.trust, patience=start.patience)
        self._tracker = CallTracker(today, third_party=persona.archetype == Archetype.third_party)

    # --- the call as a whole (read-only this round) -------------------------------------------

    def observe(self, turn: int, speaker: str, text: str, u: Understanding | None = None) -> None:
        """Feed one stored turn of either speaker to the call state (:attr:`call`)."""
        if speaker == "agent":
            self._tracker.agent(turn, u or Understanding(text=text))
        else:
            self._tracker.customer(turn, understand_customer(text, today=self.today))

    @property
    def call(self) -> callstate.CallState:
        """Who is on the line, offers, agreements, read-backs, capacity — as the scorer sees them.

        Read-only: decisions do not use it yet (see issue #12's report for what they should).
        """
        return self._tracker.state

    # --- mood ---------------------------------------------------------------------------------

    def _anger(self, amount: float) -> None:
        s, b = self.state, self.persona.behaviour
        s.anger = _clamp(
            s.anger + (amount * b.temper if amount > 0 else amount * b.calm_with_respect)
        )

    def _trust(self, amount: float) -> None:
        s, b = self.state, self.persona.behaviour
        if amount > 0:
            amount *= b.warmth * (0.5 if s.anger > 60 else 1.0)
        s.trust = _clamp(s.trust + amount)

    def _patience(self, amount: float) -> None:
        self.state.patience = _clamp(self.state.patience + amount)

    # --- the decision -------------------------------------------------------------------------

    def decide(self, u: Understanding) -> Move:
        """Update the state from what the agent said and return the customer's move."""
        s, _b = self.state, self.persona.behaviour
        s.turns += 1
        self._patience(-2)
        if not u.text.strip():
            self._patience(-5)
            return self._maybe_give_up(Move("silence"))

        abusive = [a.name for a in u.acts if a.name in ABUSE]
        if abusive:
            return self._react_to_abuse(abusive, u)
        sore = self._sore_point(u.text)
        if sore:
            self._anger(sore)
            self._trust(-5)
            return self._angry_or_hangup()

        self._update_from_respect(u)
        if self.persona.archetype == Archetype.third_party:
            move = self._third_party(u)
        else:
            move = self._cardholder(u)
        if move.situation in ("filler", "ack") and s.patience < 30:
            move = replace(move, situation="impatient")
        return self._maybe_give_up(move)

    def _maybe_give_up(self, move: Move) -> Move:
        if self.state.patience <= 0 and not move.ends_call:
            return Move("hangup", ends_call="customer_hangup")
        return move

    def _react_to_abuse(self, abusive: list[str], u: Understanding) -> Move:
        s = self.state
        s.abuse += 1
        self._anger(max(VIOLATION_ANGER[name] for name in abusive) + 5 * (len(abusive) - 1))
        self._anger(self._sore_point(u.text))
        self._trust(-15)
        self._patience(-10)
        return self._angry_or_hangup()

    def _angry_or_hangup(self) -> Move:
        s, b = self.state, self.persona.behaviour
        if s.anger >= b.hangup_anger or s.abuse >= 3 or (s.warned and s.abuse >= 2):
            return Move("hangup", ends_call="customer_hangup")
        if s.anger >= b.hangup_anger - 15 or s.abuse >= 2:
            s.warned = True
            return Move("warn_hangup")
        return Move("angry")

    def _sore_point(self, text: str) -> float:
        """Anger from sore points the agent touched; a denied one (不收手续费) does not count."""
        nm = normalize_with_map(text)
        return sum(
            p.anger
            for p in self.facts.sore_points
            if any(_affirmed(nm, normalize(k)) for k in p.keywords)
        )

    def _update_from_respect(self, u: Understanding) -> None:
        s = self.state
        for name, gain in RESPECT_TRUST.items():
            if u.has(name):
                if name == "self_intro":
                    if s.introduced:
                        continue
                    s.introduced = True
                self._trust(gain)
        if u.has("apology", "greeting"):
            self._anger(-3)
        if u.has("empathy"):
            # Diminishing returns: the fifth "我理解" is worth a fifth of the first.
            s.empathy_heard += 1
            self._trust(10 / s.empathy_heard)
            self._anger(-8 / s.empathy_heard)
        if not u.acts:
            self._patience(-10)
        else:
            self._anger(-1)  # time and a civil exchange calm people a little

    # --- the person who answered is not the cardholder ---------------------------------------

    def _third_party(self, u: Understanding) -> Move:
        if u.has("state_debt", "offer_plan", "summarize_confirm", "explain_consequence"):
            self._anger(12)
            self._trust(-8)
            return Move("third_party_refuse")
        if u.has("leave_message"):
            return Move("third_party_message")
        if u.has("close"):
            return Move("close", ends_call="agent_end")
        if u.has("verify_identity", "ask_for_cardholder", "ask_reason", "ask_capacity"):
            return Move("third_party_out")
        if u.has("recording_notice") and "recording_ok" in self.persona.lines:
            return Move("recording_ok")
        if u.has("empathy", "apology"):
            return Move("soften")
        if u.has("self_intro", "greeting"):
            return Move("ack")  # they don't yet know whom the caller wants
        if u.has("listen"):
            return Move("filler")
        return Move("confused")

    # --- the cardholder ------------------------------------------------------------------------

    def _cardholder(self, u: Understanding) -> Move:
        s, b, arch = self.state, self.persona.behaviour, self.persona.archetype
        if u.has("meta_instruction"):
            self._patience(-8)
            return Move("confused")
        if u.has("register_dispute") and self.facts.dispute and not s.dispute_registered:
            s.dispute_registered = True
            self._trust(15)
            return Move("dispute_registered")
        if s.confirmed:
            return Move("close", ends_call="agreement")
        if s.accepted and (u.has("summarize_confirm") or self._same_plan(u)):
            s.confirmed = True
            return Move("confirm", plan=s.accepted)
        if u.has("offer_plan") or (u.has("summarize_confirm") and u.amounts):
            return self._consider_offer(u)
        if u.has("close"):
            return Move("close", ends_call="agent_end")
        if u.has("ask_capacity"):
            return self._capacity_question()
        if u.has("ask_reason"):
            if s.trust >= b.trust_to_reveal and arch != Archetype.evasive:
                s.revealed.add("reason")
                return Move("give_reason", reveals=("reason",))
            if arch == Archetype.evasive and s.trust >= b.trust_to_reveal + 10:
                s.revealed.add("reason")
                return Move("give_reason", reveals=("reason",))
            return Move("deflect_reason")
        if u.has("verify_identity", "ask_for_cardholder"):
            if s.verified:
                return Move("ack")
            if s.introduced or (arch == Archetype.cooperative and s.trust >= 40):
                s.verified = True
                s.revealed.add("identity")
                self._trust(5)
                return Move("verify_ok", reveals=("identity",))
            if s.anger >= 70:
                return Move("verify_refuse")
            return Move("ask_who")
        if u.has("state_debt"):
            first = not s.debt_discussed
            s.debt_discussed = True
            if self.facts.dispute and not s.dispute_registered and first:
                return Move("dispute")
            if first:
                return Move("acknowledge_debt")
        if u.has("explain_consequence"):
            return Move("consequence")
        if u.has("empathy"):
            return Move("soften")
        if u.has("recording_notice") and "recording_ok" in self.persona.lines:
            return Move("recording_ok")
        if u.has("self_intro", "greeting"):
            return Move(
                "greet_back" if "greet_back" in self.persona.lines and s.turns <= 2 else "ack"
            )
        if u.has("state_debt", "listen", "apology"):
            return Move("filler")
        return Move("confused")

    def _capacity_question(self) -> Move:
        s, b = self.state, self.persona.behaviour
        arch = self.persona.archetype
        needed = b.trust_to_reveal + (15 if arch == Archetype.evasive else 0)
        if s.trust >= needed:
            s.revealed.add("capacity")
            return Move("give_capacity", reveals=("capacity",))
        if arch == Archetype.evasive:
            return Move("vague_promise")
        return Move("deflect_capacity")

    # --- offers --------------------------------------------------------------------------------

    def _terms(self, u: Understanding) -> Plan | None:
        """Read the agent's offer as a plan; None when it has no amount or count at all."""
        debt = self.persona.brief.amount
        if self.facts.dispute and self.state.dispute_registered:
            debt -= self.facts.dispute.amount
        amount = max(u.amounts) if u.amounts else None
        months = u.months if u.months and u.months > 1 else None
        if amount is None:
            if u.full_payment:
                amount = debt
            elif u.minimum_payment and self.persona.brief.minimum_payment:
                amount = self.persona.brief.minimum_payment
        if months:
            if amount is None:
                amount = math.ceil(debt / months)
            elif amount >= debt * 0.8 and not _MONTHLY.search(u.text):  # "一万二分12期": the total
                amount = math.ceil(amount / months)
        if amount is None:
            return None
        return Plan(amount=amount, months=months, due_date=u.due_date, channel=u.channel)

    def _same_plan(self, u: Understanding) -> bool:
        terms = self._terms(u)
        accepted = self.state.accepted
        return bool(
            terms
            and accepted
            and terms.amount == accepted.amount
            and terms.months == accepted.months
        )

    def _consider_offer(self, u: Understanding) -> Move:
        terms = self._terms(u)
        evasive = self.persona.archetype == Archetype.evasive
        if terms is None or (evasive and not (terms.months or terms.due_date)):
            self._patience(-3)  # nothing concrete to say yes or no to
            return Move("vague_promise" if evasive else "filler")
        return self._decide_terms(terms)

    def _decide_terms(self, terms: Plan) -> Move:
        s, b, arch, f = self.state, self.persona.behaviour, self.persona.archetype, self.facts
        debt = self.persona.brief.amount
        if f.dispute and not s.dispute_registered:
            payable = debt - f.dispute.amount
            total = terms.amount * (terms.months or 1)
            if total > payable * 1.02:
                return Move("dispute")
        counter = self._counter(terms)
        if counter is None:  # affordable
            # People take their own numbers: an offer built on what they disclosed needs less trust.
            needed = b.trust_to_accept - (15 if "capacity" in s.revealed else 0)
            if s.trust >= needed and s.anger < 60:
                s.accepted = self._with_default_date(terms)
                s.pushed = 0
                return Move("accept", plan=s.accepted)
            self._trust(2)  # they listened; not yet enough
            return Move("refuse")
        s.pushed += 1
        self._patience(-6)
        if s.pushed >= 2:
            self._anger(6)
        if arch == Archetype.hardship and terms.amount * (terms.months or 1) >= debt:
            return Move("cannot_pay_full", plan=counter)
        if s.trust < b.trust_to_reveal - 10 and arch != Archetype.cooperative:
            return Move("refuse")
        s.revealed.add("capacity")
        return Move("counter", plan=counter, reveals=("capacity",))

    def _with_default_date(self, terms: Plan) -> Plan:
        if terms.due_date or terms.months:
            return terms
        return replace(terms, due_date=self._lump_date())

    def _lump_date(self) -> date:
        return self.today + timedelta(days=max(self.facts.lump_sum_in_days, 1))

    def _counter(self, terms: Plan) -> Plan | None:
        """None if the terms are affordable, else the customer's counter-offer."""
        f = self.facts
        debt = self.persona.brief.amount
        if f.dispute and self.state.dispute_registered:
            debt -= f.dispute.amount
        if terms.months:
            if terms.amount <= f.monthly_capacity and terms.months <= f.max_months:
                return None
            months = min(f.max_months, max(2, math.ceil(debt / f.monthly_capacity)))
            return Plan(
                amount=min(f.monthly_capacity, math.ceil(debt / months)),
                months=months,
                channel=terms.channel,
            )
        lump_date = self._lump_date()
        in_time = terms.due_date is None or terms.due_date >= lump_date
        if terms.amount <= f.lump_sum and in_time:
            if self.persona.archetype == Archetype.hardship and terms.amount >= debt:
                pass  # whatever is said, a hardship customer cannot clear it all at once
            else:
                return None
        if f.lump_sum and f.lump_sum < debt or f.can_pay_full:
            amount = min(f.lump_sum, terms.amount) if f.lump_sum else terms.amount
            return Plan(amount=amount, due_date=lump_date, channel=terms.channel)
        months = min(f.max_months, max(2, math.ceil(debt / f.monthly_capacity)))
        return Plan(amount=min(f.monthly_capacity, math.ceil(debt / months)), months=months)
