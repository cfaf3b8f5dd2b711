"""The customer's answers to the trainee's questions (a part of :class:`simulator.policy.Policy`).

Every question gets an answer from the persona's facts, or a refusal in character: a relative
says who they are and when the cardholder is back (the same time every time); the name
when the name is asked; ID digits only when asked for them and trusted; the reason, the
capacity and the date only once trust allows; the channel and whether the amount is right.
"""

from __future__ import annotations

import re
from dataclasses import replace

from simulator.customer import offers
from simulator.customer.moves import Move, Plan
from simulator.customer.questions import on_topic_question
from simulator.customer.reading import closes
from simulator.persona import Archetype
from simulator.understand import Understanding, parse_amounts

__all__ = ["Answers"]

_OPEN = re.compile(r"多少|几|什么|啥|哪|怎么|如何")
"""How much / when / how asked openly: not a guess put for a yes or no."""


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
            if "vague_promise" in self.persona.lines:  # 过两天吧。回头我就去还。
                return Move("vague_promise", question="when_pay", lead=(Move("vague_when"),))
            return Move("deflect_when", question="when_pay")
        s.revealed.add("capacity")
        f = self.facts
        undisputed = self.persona.brief.amount - f.dispute.amount if f.dispute else None
        if f.can_pay_full and f.lump_sum >= self._payable():
            plan = Plan(self._payable(), due_date=self._lump_date())
        elif undisputed and f.lump_sum >= undisputed:  # all of their own spending, to the yuan
            plan = Plan(undisputed, due_date=self._lump_date())
        elif self.facts.lump_sum:
            plan = Plan(offers.lump(self.facts.lump_sum), due_date=self._lump_date())
        else:
            monthly, months = self._instalments()
            plan = Plan(monthly, months=months)
        if s.accepted is None:
            s.proposed = plan  # their own terms: a read-back of them is checked against them
        return Move("give_when", plan=plan, reveals=("capacity",), question="when_pay")

    def _agreed_answer(self, asked: str) -> Move:
        """A question on the plan once agreed is answered from it (channel, or when and how much)."""
        if asked == "channel":
            return Move("give_channel", question=asked)
        return Move("give_when", plan=self.state.accepted, question=asked)

    def _reveals_when(self) -> bool:
        """Asked when, they would name the date and the sum (trusted enough, not evasive)."""
        s, b = self.state, self.persona.behaviour
        return s.trust >= b.trust_to_reveal and self.persona.archetype != Archetype.evasive

    def _capacity_question(self) -> Move:
        s, arch = self.state, self.persona.archetype
        if self._reveals_capacity():
            s.revealed.add("capacity")
            return Move("give_capacity", reveals=("capacity",))
        if arch == Archetype.evasive:  # 多少我现在说不好。有钱了我肯定还。
            return Move("vague_promise", question="capacity", lead=(Move("vague_capacity"),))
        return Move("deflect_capacity")

    def _capacity_guess(self, u: Understanding) -> Move | None:
        """一个月一千二应该拿得出来吧？ — a guess at how much they can pay, put for a yes or no.

        Answered with their own figure: a sum they can manage is confirmed (一千二可以), one
        beyond them corrected with what they can (两千可不行。我一个月最多一千). Not terms with a
        count or a date (an offer), nor the debt stated, nor a read-back of their own sum.
        """
        s = self.state
        quote = next((q.quote for q in self.question if q.kind == "capacity"), None)
        if quote is None or _OPEN.search(quote) or not u.amounts or s.accepted:
            return None
        if (u.months and u.months > 1) or u.due_date or u.full_payment:
            return None
        guess = (parse_amounts(quote) or list(u.amounts))[-1]
        if guess >= self.persona.brief.amount * 0.95 or (s.proposed and s.proposed.amount == guess):
            return None
        if guess <= self.facts.monthly_capacity and self._reveals_capacity():
            s.revealed.add("capacity")  # said they can manage it: an offer of it is their own
            return Move("guess_fits", plan=Plan(guess), question="capacity")
        move = replace(self._capacity_question(), question="capacity")
        if move.situation != "give_capacity":
            return move  # not trusted yet: 多少我现在说不好
        return replace(move, lead=(Move("guess_too_high", plan=Plan(guess)),))

    def _reveals_capacity(self) -> bool:
        s, b = self.state, self.persona.behaviour
        needed = b.trust_to_reveal + (15 if self.persona.archetype == Archetype.evasive else 0)
        return s.trust >= needed

    # --- the person who answered is not the cardholder ---------------------------------------

    def _third_party(self, u: Understanding) -> Move:
        s = self.state
        asked = self._asked("who_are_you", "relation", "when_back", "name", "id_digits", "repeat")
        about_him = self._asked("repeat", "when_back", "who_are_you", "relation", "leave_message")
        confirms = u.has("summarize_confirm") and not (about_him and self._terms(u) is None)
        if u.has("state_debt", "explain_consequence") or confirms or self._offers(u):
            self._anger(12)
            self._trust(-8)
            return Move("third_party_refuse", question=asked)
        if asked == "repeat":
            return Move("repeat", question=asked)
        if asked in ("who_are_you", "relation"):
            s.told_relation = True
            return Move("third_party_who", question=asked)
        if asked == "when_back":
            return Move("third_party_back", question=asked)
        if self._asked("is_in"):
            s.told_relation = True
            return Move("third_party_out", question="is_in")
        if self._asked("leave_message"):
            return Move("third_party_message", question="leave_message")
        if asked == "id_digits":
            s.told_relation = True  # 我又不是他: never the cardholder's identity
            return Move("third_party_not_me", question=asked)
        if asked == "name":
            s.told_relation = True  # 他不在，我是他妈妈
            return Move("third_party_out", question=asked)
        if self._asked("why_late", "capacity", "when_pay", "channel", "amount_right"):
            return Move("third_party_refuse", question=self.question[0].kind)
        if u.has("leave_message"):
            return Move("third_party_message")
        if closes(u, bool(self.question)):
            return Move("close", ends_call="agent_end")
        if u.has("verify_identity", "ask_for_cardholder", "ask_reason", "ask_capacity"):
            return Move("third_party_out", question=asked)
        if u.has("recording_notice") and "recording_ok" in self.persona.lines:
            return Move("recording_ok")
        if u.has("empathy", "apology"):
            return Move("soften")
        if u.has("self_intro", "greeting"):
            return Move("ack")  # they don't yet know whom the caller wants
        if on_topic_question(u.text):
            return Move("clarify")  # asked something not understood: 你问的是哪个？
        if u.has("listen"):
            return Move("filler")
        return Move("confused")
