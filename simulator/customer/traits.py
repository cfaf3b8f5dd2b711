"""Behaviours on top of the archetype (``behaviour.traits``), a part of :class:`Policy`.

Each trait changes what the customer *does*, not only what they say:

- ``coached`` — a debt-relief agent told them what to demand: no plan is discussed before the
  trainee speaks of 个性化分期 / 停息挂账 / 协商还款; a consequence is met with the rules.
- ``complains`` — the first offence (abuse, a sore point, pressing an unaffordable plan twice)
  brings a warning that they will complain to the regulator; the next one ends the call.
- ``hard_of_hearing`` — an amount heard for the first time is heard wrong (ten times over) and
  said back; a long line without numbers is lost every other time, unless it asks something (the
  question at its end is caught).
- ``fraud_claim`` — the disputed charges are fraud: pressing for them angers, and once they are
  registered the card must be frozen (挂失 / 冻结) before any plan.
- ``multi_bank`` — the first plan they could keep is played off against the other banks: they
  ask for the longest plan (``max_months``), and take it.
- ``pretends_relative`` — the cardholder says they are a relative, until asked about their
  identity again, politely, with trust earned; then they admit it and talk as the cardholder.
"""

from __future__ import annotations

import re

from simulator.customer.moves import Move, Plan
from simulator.customer.numbers import round_down, round_up
from simulator.customer.sore_points import affirmed
from simulator.persona import Trait
from simulator.understand import Understanding, normalize
from simulator.understand.normalize import normalize_with_map

__all__ = ["FREEZE", "RELIEF", "Traits"]

RELIEF = re.compile(r"个性化分期|停息挂账|停息|挂账|协商还款|协商分期|延期还款|减免|长期分期")
"""Words with which the trainee takes up a coached customer's demand."""
FREEZE = re.compile(r"冻结|挂失|止付|换卡|停卡|锁卡|换一张")
"""Words with which the trainee secures a card the customer says was used by fraud."""
_OFFERS = ("offer_plan", "summarize_confirm", "ask_capacity")
_NOT_OFFERS = ("amount_right", "repeat", "name", "id_digits", "channel")
"""Questions that are answered as asked even when the line also reads like an offer."""


class Traits:
    """Trait behaviours; mixed into the policy, whose state, persona and helpers they use."""

    def _has_trait(self, trait: Trait) -> bool:
        return trait in self.persona.behaviour.traits

    def _said(self, u: Understanding, pattern: re.Pattern[str]) -> bool:
        """The pattern occurs in the line other than under a denial."""
        nm = normalize_with_map(u.text)
        return any(affirmed(nm, normalize(m.group())) for m in pattern.finditer(nm.text))

    # --- before the archetype decides ---------------------------------------------------------

    def _trait_move(self, u: Understanding) -> Move | None:
        """A move a trait makes instead of the archetype's, or None."""
        s = self.state
        if self._has_trait(Trait.coached):
            explains = u.has("explain_consequence") and not (u.amounts or u.months or u.due_date)
            if self._said(u, RELIEF):
                s.relief_heard = True
            elif explains:
                return Move("cite_rules")  # 征信、违约金: the rules are quoted back
            elif not s.relief_heard and self._terms_put(u) and self._offered_or_asked(u):
                self._patience(-4)
                s.relief_demands += 1
                if s.relief_demands > 3:  # asked three times and ignored: last warning
                    self._anger(5)
                    return self._holding(Move("warn_hangup"), u)
                return self._holding(Move("demand_relief"), u)
        if self._has_trait(Trait.fraud_claim):
            if self._said(u, FREEZE) and not s.card_frozen:
                s.card_frozen = True
                if not u.has(*_OFFERS, "register_dispute"):
                    return Move("soften")  # 卡冻上了: what they were waiting to hear
            if s.dispute_registered and not s.card_frozen and u.has(*_OFFERS):
                if not self._offered_or_asked(u):
                    return None
                return self._holding(Move("demand_freeze"), u)
        if self._has_trait(Trait.hard_of_hearing):
            move = self._hearing(u)
            if move is not None:
                return move
        return None

    def _terms_put(self, u: Understanding) -> bool:
        """An offer, or terms said back for a yes (12月11号之前把两千打进来，我没记岔吧？).

        Not the plan they already took said back: that is checked (不对，是二十四期), not held
        out against.
        """
        said_back = self._terms(u) is not None and self._reads_back(u)
        if said_back and self.state.accepted is not None:
            return False
        return u.has(*_OFFERS) or said_back

    def _offered_or_asked(self, u: Understanding) -> bool:
        """Whether a customer holding out meets this line with their demand.

        Yes when terms are put (每月一千五……用哪个还？ too), or when nothing is asked that is
        answered as asked (请问是本人吗 / 数对吗 / 用什么还).
        """
        terms = u.has("offer_plan", "summarize_confirm") and self._terms(u) is not None
        terms = terms and not self._debt_only(u)  # 您欠九千六，对吧？ states the debt
        return terms or not self._asked(*_NOT_OFFERS)

    def _hearing(self, u: Understanding) -> Move | None:
        s = self.state
        if "capacity" in s.revealed:  # what they said themselves they hear right
            s.heard_amounts |= {self.facts.monthly_capacity, self.facts.lump_sum}
        if s.proposed is not None:
            s.heard_amounts.add(s.proposed.amount)
        if u.amounts and u.has("offer_plan", "summarize_confirm"):
            new = [a for a in u.amounts if a not in s.heard_amounts]
            s.heard_amounts.update(u.amounts)
            checking = s.accepted is not None and u.has("summarize_confirm")  # her notebook
            if new and not checking and not self._asked(*_NOT_OFFERS):
                terms = self._terms(u)
                if terms is not None:
                    misheard = Plan(round_down(terms.amount * 10), terms.months, terms.due_date)
                    return Move("mishear_amount", plan=misheard)
            return None
        long = len(u.text.strip()) >= 28 and not u.amounts
        s.long_lines += long
        if long and s.long_lines % 2 == 0 and not self.question:
            return Move("didnt_hear")  # a question at its end is caught: 身份证？后四位……
        return None

    def _trait_on_topic(self, u: Understanding) -> bool:
        """The line takes up what a trait asks for (个性化分期, 冻结), act or no act."""
        return (self._has_trait(Trait.coached) and self._said(u, RELIEF)) or (
            self._has_trait(Trait.fraud_claim) and self._said(u, FREEZE)
        )

    # --- a pretended relative ------------------------------------------------------------------

    def _pretending(self) -> bool:
        return self._has_trait(Trait.pretends_relative) and self.state.pretending

    def _pretender_admits(self) -> Move | None:
        """Asked again who they are, politely and trusted: 好吧，我就是本人."""
        s, b = self.state, self.persona.behaviour
        if not self._asked("name", "id_digits", "is_in", "who_are_you"):
            return None
        s.identity_pressed += 1
        if s.identity_pressed >= 2 and s.trust >= b.trust_to_reveal and s.anger < 60:
            s.pretending = False
            s.name_confirmed = True
            return Move("admit_cardholder", question=self.question[0].kind)
        return None

    # --- offers ---------------------------------------------------------------------------------

    def _play_banks(self, terms: Plan) -> Move | None:
        """The first plan they could keep, played off against the other banks' longer ones."""
        s, f = self.state, self.facts
        if not self._has_trait(Trait.multi_bank) or s.banks_played:
            return None
        if terms.months and terms.months >= f.max_months:
            return None
        s.banks_played = True
        months = f.max_months
        monthly = min(round_up(-(-self._payable() // months)), f.monthly_capacity)
        s.proposed = Plan(monthly, months=months, due_date=terms.due_date, channel=terms.channel)
        s.revealed.add("capacity")
        return Move("play_banks", plan=s.proposed, reveals=("capacity",))

    def _fraud_pressed(self) -> Move | None:
        """Pressed to pay charges they say were fraud: anger, and the police named."""
        s = self.state
        if not self._has_trait(Trait.fraud_claim):
            return None
        s.fraud_pushes += 1
        if s.fraud_pushes < 2:
            return None
        self._anger(12)
        self._trust(-5)
        return Move("fraud_insist", objection="dispute")

    # --- offences ------------------------------------------------------------------------------

    def _complaint(self) -> Move | None:
        """A customer who complains: a warning at the first offence, a complaint at the next."""
        s = self.state
        if not self._has_trait(Trait.complains):
            return None
        if s.complaint_warned:
            return Move("complaint_hangup", ends_call="customer_hangup")
        s.complaint_warned = True
        return Move("threaten_complaint")
