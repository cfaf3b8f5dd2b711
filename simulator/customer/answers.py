"""The customer's answers to the trainee's questions (a part of :class:`simulator.policy.Policy`).

Every question gets an answer from the persona's facts, or a refusal in character: the name
when the name is asked; ID digits only when asked for them and trusted; the reason, the
capacity and the date only once trust allows; the channel and whether the amount is right.
"""

from __future__ import annotations

from simulator.customer import offers
from simulator.customer.moves import Move, Plan
from simulator.persona import Archetype

__all__ = ["Answers"]


class Answers:
    """Answers in kind; mixed into the policy, whose state, persona and mood helpers they use."""

    def _identity(self, asked: str) -> Move:
        """Name when the name is asked; ID digits only when asked for, and only with trust."""
        s, b = self.state, self.persona.behaviour
        if asked == "name":
            s.name_confirmed = True
            if not s.introduced and s.anger >= 70:
                return Move("ask_who", question=asked)
            return Move("confirm_name", question=asked)
        cooperative = self.persona.archetype == Archetype.cooperative and s.trust >= 40
        if not (s.introduced or s.id_given or cooperative):
            return Move("ask_who", question=asked)
        if s.id_given or (s.trust >= b.trust_to_give_id and s.anger < 70):
            s.id_given = s.verified = s.name_confirmed = True
            s.revealed.add("identity")
            self._trust(5)
            return Move("verify_ok", reveals=("identity",), question=asked)
        return Move("verify_refuse", question=asked)

    def _reason_question(self) -> Move:
        s, b, arch = self.state, self.persona.behaviour, self.persona.archetype
        needed = b.trust_to_reveal + (10 if arch == Archetype.evasive else 0)
        if s.trust >= needed:
            s.revealed.add("reason")
            return Move("give_reason", reveals=("reason",), question="why_late")
        return Move("deflect_reason", question="why_late")

    def _amount_question(self) -> Move:
        s = self.state
        s.debt_discussed = True
        if self.facts.dispute and not s.dispute_registered:
            return Move("dispute", question="amount_right", objection="dispute")
        return Move("amount_ok", question="amount_right")

    def _when_question(self) -> Move:
        s, b = self.state, self.persona.behaviour
        if s.trust < b.trust_to_reveal or self.persona.archetype == Archetype.evasive:
            # An evasive customer answers "when" with 过两天 until pinned by concrete terms.
            situation = "vague_promise" if "vague_promise" in self.persona.lines else "deflect_when"
            return Move(situation, question="when_pay")
        s.revealed.add("capacity")
        if self.facts.can_pay_full and self.facts.lump_sum >= self._payable():
            plan = Plan(self._payable(), due_date=self._lump_date())
        elif self.facts.lump_sum:
            plan = Plan(offers.lump(self.facts.lump_sum), due_date=self._lump_date())
        else:
            monthly, months = self._instalments()
            plan = Plan(monthly, months=months)
        return Move("give_when", plan=plan, reveals=("capacity",), question="when_pay")

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
