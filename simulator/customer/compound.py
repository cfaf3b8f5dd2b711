"""Every question of a line gets its answer (a part of :class:`simulator.policy.Policy`).

A trainee often asks two things at once (请问是陈先生本人吗？身份证后四位多少？ / 每月能拿出多少，
最早什么时候能还？ / 那就按您说的……行吧？用哪个还？). The policy decides the customer's move for
the line as a whole; this part then adds, for each question that move leaves unanswered, the
answer the customer would give to it alone — or, when the move is the customer holding out for
something first (停息挂账, 冻卡), a refusal of that question in character, said before it.
"""

from __future__ import annotations

from dataclasses import replace

from simulator.customer.moves import TERMS_SITUATIONS, Move
from simulator.persona import Archetype
from simulator.understand import Understanding

__all__ = ["Compound", "HOLDING_OUT", "NO_PARTS"]

NO_PARTS = frozenset(
    {
        "angry",
        "warn_hangup",
        "hangup",
        "confused",
        "clarify",
        "didnt_hear",
        "mishear_amount",
        "silence",
        "contradiction",
        "close",
        "threaten_complaint",
        "complaint_hangup",
        "repeat",
    }
)
"""Moves said alone: an outburst, a line not heard, a goodbye, the last line said again."""

HOLDING_OUT = frozenset({"demand_relief", "demand_freeze", "cite_rules", "fraud_insist"})
"""Moves of a customer who will not talk terms until something else is done: the questions on
money they leave aside are refused (多少先不说), not answered."""

HOLDABLE = frozenset({"capacity", "when_pay", "why_late", "channel", "amount_right"})
"""Questions a customer holding out refuses; the others (name, ID) they still answer."""

MAX_PARTS = 2
"""At most this many answers are added to a move: a reply, not a recital."""


class Compound:
    """Adds the answers to a line's other questions; mixed into the policy."""

    def _complete(self, move: Move) -> Move:
        """``move`` with the answers (``also``) or refusals (``lead``) its line still lacks."""
        if move.ends_call or move.situation in NO_PARTS or not self.question:
            return move
        answered = set(move.answers)
        lead: list[Move] = []
        also: list[Move] = []
        for q in self.question:
            if q.kind in answered or q.kind == "repeat" or len(lead) + len(also) >= MAX_PARTS:
                continue
            if q.kind == "amount_right" and move.situation in TERMS_SITUATIONS:
                continue  # 对吧？ after terms asks about the terms, not the debt
            if move.situation in HOLDING_OUT:
                if q.kind in HOLDABLE:
                    lead.append(Move(f"hold_{q.kind}", question=q.kind))
                    answered.add(q.kind)
                    continue
            part = self._answer_alone(q.kind)
            if part is not None and part.situation == move.situation:  # one 我尽量 is enough
                part = part.lead[0] if part.lead else None
            if part is None:
                continue
            answered |= part.answers
            also.append(part)
        if not lead and not also:
            return move
        return replace(move, lead=(*move.lead, *lead), also=(*move.also, *also))

    def _holding(self, move: Move, u: Understanding) -> Move:
        """``move`` of a customer holding out, led by a refusal of the terms or questions put.

        每月三千一，分十二期，可以吗？— 这个方案我不接受。先给我停息挂账。
        """
        lead = []
        terms = self._terms(u)
        if terms is not None:  # read back as if agreed: 不对，这个我可没答应
            checking = not self.state.accepted and (
                self._reads_back(u) or u.has("summarize_confirm")
            )
            said = [p for p in (self.state.proposed, self._disclosed_lump(u)) if p is not None]
            own = next((p for p in said if not self._differs(terms, p)), None)
            if checking and own is not None:
                lead.append(Move("hold_own", plan=own))  # 数是我说的，可是……
            else:
                lead.append(Move("not_agreed" if checking else "hold_offer"))
        for q in self.question:
            if q.kind in HOLDABLE and len(lead) < MAX_PARTS:
                lead.append(Move(f"hold_{q.kind}", question=q.kind))
        return replace(move, lead=(*lead, *move.lead)) if lead else move

    def _answer_alone(self, kind: str) -> Move | None:
        """The move that answers ``kind`` asked on its own, or None (nothing to add)."""
        third_party = self.persona.archetype == Archetype.third_party or self._pretending()
        if third_party:
            return self._third_party_answer(kind)
        if kind == "name":
            self.state.name_confirmed = True
            return Move("confirm_name", question="name")
        if kind == "id_digits":
            return self._identity("id_digits")
        if kind == "why_late":
            return self._reason_question()
        if kind == "capacity":
            return replace(self._capacity_question(), question="capacity")
        if kind == "when_pay":
            return self._when_question()
        if kind == "channel":
            return Move("give_channel", question="channel")
        if kind == "amount_right":
            return self._amount_question()
        return None

    def _third_party_answer(self, kind: str) -> Move | None:
        if kind in ("who_are_you", "relation"):
            self.state.told_relation = True
            return Move("third_party_who", question=kind)
        if kind == "when_back":
            return Move("third_party_back", question=kind)
        if kind == "leave_message":
            return Move("third_party_message", question=kind)
        if kind in ("is_in", "name"):
            return Move("third_party_out", question=kind)
        if kind == "id_digits":
            return Move("third_party_not_me", question=kind)
        return None
