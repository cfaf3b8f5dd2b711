"""The customer's decisions: plain code over the persona's hidden facts and the call state.

The policy decides *what* the customer does this turn (answer, deflect, reveal, counter, accept,
refuse, confirm, hang up); ``simulator.render`` only says it. Keeping the decision here is what
keeps a hostile customer hostile and an unaffordable plan refused, whichever renderer speaks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date

from simulator import callstate
from simulator.callstate import CallTracker
from simulator.customer.answers import Answers
from simulator.customer.compound import Compound
from simulator.customer.memory import Memory
from simulator.customer.mood import CALM_BELOW, calming
from simulator.customer.moves import TERMS_SITUATIONS, Move, Plan
from simulator.customer.negotiation import Negotiation
from simulator.customer.questions import Question, ask, is_question, on_topic_question
from simulator.customer.reading import (
    DISPUTE_WORDS,
    NOT_AGREED,
    Reading,
    announces_more,
    closes,
)
from simulator.customer.sore_points import SorePoints
from simulator.customer.traits import Traits
from simulator.persona import Archetype, Persona, Trait
from simulator.understand import Understanding
from simulator.understand.customer import understand_customer

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
RESPECT_TRUST = {
    "ask_reason": 6,
    "listen": 3,
    "apology": 4,
    "recording_notice": 2,
    "explain_consequence": 2,
    "self_intro": 5,
}


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
    respect_streak: int = 0
    """Respectful trainee turns in a row (abuse resets it): what lets anger fall faster."""
    name_confirmed: bool = False
    id_given: bool = False
    told_relation: bool = False
    """A third party said who they are to the cardholder."""
    proposed: Plan | None = None
    """The customer's own last counter-offer (a read-back of it is checked against it)."""
    # What the traits (simulator.customer.traits) remember.
    relief_heard: bool = False
    relief_demands: int = 0
    card_frozen: bool = False
    heard_amounts: set[int] = field(default_factory=set)
    long_lines: int = 0
    pretending: bool = False
    identity_pressed: int = 0
    banks_played: bool = False
    fraud_pushes: int = 0
    complaint_warned: bool = False

    def snapshot(self) -> dict[str, int]:
        """The mood as whole numbers, for traces and storage."""
        return {
            "anger": round(self.anger),
            "trust": round(self.trust),
            "patience": round(self.patience),
        }


def _clamp(value: float) -> float:
    return max(0.0, min(100.0, value))


_NOTHING_SAID = frozenset({"filler", "ack", "impatient", "wait", "close", "silence", "confused"})
"""Moves that answer nothing: a customer leaving says only goodbye in their place."""


class Policy(Answers, Compound, Negotiation, Reading, SorePoints, Traits):
    """Decides the customer's move for each agent utterance; deterministic for a seed.

    The answers to questions (:class:`~simulator.customer.answers.Answers`) and the weighing of
    offers (:class:`~simulator.customer.negotiation.Negotiation`) live in their own modules.
    """

    def __init__(self, persona: Persona, *, today: date, seed: int = 0):
        self.persona = persona
        self.facts = persona.facts
        self.today = today
        self.rng = random.Random(seed)
        start = persona.start
        self.state = CallState(anger=start.anger, trust=start.trust, patience=start.patience)
        self.state.pretending = Trait.pretends_relative in persona.behaviour.traits
        self._tracker = CallTracker(today, third_party=persona.archetype == Archetype.third_party)
        self.memory = Memory()
        """The trainee's promises so far (我们不会联系您家人), to hold them to."""
        self.question: tuple[Question, ...] = ()
        """The questions the last agent line asked (for traces and the renderer)."""

    # --- the call as a whole (read-only) -------------------------------------------

    def observe(self, turn: int, speaker: str, text: str, u: Understanding | None = None) -> None:
        """Feed one stored turn of either speaker to the call state (:attr:`call`)."""
        if speaker == "agent":
            self._tracker.agent(turn, u or Understanding(text=text))
        else:
            self._tracker.customer(turn, understand_customer(text, today=self.today))

    @property
    def call(self) -> callstate.CallState:
        """Who is on the line, offers, agreements, read-backs, capacity — as the scorer sees them.

        Read-only. Decisions consult its read-backs (a read-back it saw is checked against the
        agreement); renderers get it for the LLM prompt's summary of the call so far.
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
        s = self.state
        s.turns += 1
        self._patience(-2)
        # the cardholder pretending to be a relative hears 她几点回来 as a relative would
        third_party = self.persona.archetype == Archetype.third_party or self._pretending()
        self.question = ask(
            u, names=(self.persona.brief.name,), third_party=third_party, previous=self.question
        )
        if not u.text.strip():
            self._patience(-5)
            return self._maybe_give_up(Move("silence"))

        touched, spared = self._sore_topics(u)
        broken = self.memory.broken(u, s.turns, touched)
        self.memory.note(u, s.turns, spared)
        abusive = self._abuse(u)
        if abusive:
            return self._with_recall(self._react_to_abuse(abusive, u), broken)
        sore = self._sore_point(u)
        if sore:
            s.respect_streak = 0
            self._anger(sore)
            self._trust(-5)
            return self._with_recall(self._angry_or_hangup(), broken)

        self._update_from_respect(u)
        move = self._trait_move(u)
        if move is None and self._pretending():
            move = self._pretender_admits() or self._third_party(u)
        if move is None:
            move = self._third_party(u) if third_party else self._cardholder(u)
        if move.situation in ("filler", "ack") and s.patience < 30:
            move = replace(move, situation="impatient")
        return self._maybe_give_up(self._complete(move), u)

    def _abuse(self, u: Understanding) -> list[str]:
        """The violations in the line; the example layer's alone do not count in a question.

        ``您是他什么人？`` resembles a disclosure to the example layer; asked with no rule-found
        violation, it is the question the customer answers, not an offence.
        """
        found = [a for a in u.acts if a.name in ABUSE]
        if found and all(a.source == "example" for a in found) and self._only_asks(u):
            # 钱打算咋还？网银还是支付宝？ resembles a fee demand to the example layer alone,
            # 那你这个钱什么时候能凑齐？ an insult, 从哪个卡转过来？ a threat: a line that only asks
            # the call's questions, with no violation the rules found, is the question.
            return []
        return [a.name for a in found]

    def _with_recall(self, move: Move, broken) -> Move:
        """An angry reaction that names the promise the trainee just broke."""
        if broken is None or move.ends_call:
            return move
        return replace(move, situation="contradiction", recalls=broken.promise)

    def _maybe_give_up(self, move: Move, u: Understanding | None = None) -> Move:
        """Out of patience, the customer hangs up, but corrects wrong terms read back first.

        Terms put on record wrongly cost the customer money: 不对，是5号 is said even by one
        who hangs up on the next line, and so is 这个我可没答应 to terms never agreed (said
        before the hang-up, in the same reply).
        """
        if move.situation == "correct_readback":
            return move
        if self.state.patience <= 0 and not move.ends_call:
            s = self.state
            # calm, they answer what was asked before they go: 对，就这样。我这边还有事，先挂了
            said = ()
            if move.situation not in _NOTHING_SAID:  # the renderer says one level of parts
                said = (*move.lead, replace(move, lead=(), also=()), *move.also)
            if s.confirmed and s.anger < CALM_BELOW:  # agreed, calm, and done: 行，就这么定了
                return Move("close", ends_call="agreement", lead=said)
            if s.anger < CALM_BELOW:  # out of patience, not angry: not 我投诉你们去
                move = Move("busy_hangup", ends_call="customer_hangup", lead=said)
            else:
                # 不对，这个我可没答应。 before hanging up on terms read back never agreed
                kept = tuple(m for m in move.lead if m.situation == "not_agreed")
                move = Move("hangup", ends_call="customer_hangup", lead=kept)
        if move.ends_call == "customer_hangup" and u is not None and self._reads_back_unagreed(u):
            if not any(m.situation == "not_agreed" for m in move.lead):
                move = replace(move, lead=(Move("not_agreed"), *move.lead))
        return move

    def _reads_back_unagreed(self, u: Understanding) -> bool:
        """The line reads back as agreed terms the customer never agreed to."""
        if self.state.accepted is not None or self._terms(u) is None:
            return False
        return self._reads_back(u) or self._puts_terms(u)

    def _react_to_abuse(self, abusive: list[str], u: Understanding) -> Move:
        s = self.state
        s.abuse += 1
        s.respect_streak = 0
        self._anger(max(VIOLATION_ANGER[name] for name in abusive) + 5 * (len(abusive) - 1))
        self._anger(self._sore_point(u))
        self._trust(-15)
        self._patience(-10)
        return self._angry_or_hangup()

    def _angry_or_hangup(self) -> Move:
        s, b = self.state, self.persona.behaviour
        hang = s.anger >= b.hangup_anger or s.abuse >= 3 or (s.warned and s.abuse >= 2)
        complaint = self._complaint()
        if complaint is not None:
            return Move("complaint_hangup", ends_call="customer_hangup") if hang else complaint
        if hang:
            return Move("hangup", ends_call="customer_hangup")
        if s.anger >= b.hangup_anger - 15 or s.abuse >= 2:
            s.warned = True
            return Move("warn_hangup")
        return Move("angry")

    def _update_from_respect(self, u: Understanding) -> None:
        s = self.state
        for name, gain in RESPECT_TRUST.items():
            if u.has(name):
                if name == "self_intro":
                    if s.introduced:
                        continue
                    s.introduced = True
                self._trust(gain)
        if u.has("empathy"):
            # Diminishing returns: the fifth "我理解" is worth a fifth of the first.
            s.empathy_heard += 1
            self._trust(10 / s.empathy_heard)
        on_topic = u.acts or self.question or u.denied or self._trait_on_topic(u)
        if not on_topic and not on_topic_question(u.text):
            self._patience(-10)  # a question or a promise is on topic even without an act
        calm = calming(
            u,
            streak=s.respect_streak,
            empathy_heard=s.empathy_heard,
            behaviour=self.persona.behaviour,
        )
        s.respect_streak = calm.streak
        s.anger = _clamp(s.anger - calm.amount)

    def _asked(self, *kinds: str) -> str | None:
        """The first question of these kinds the last agent line asked."""
        return next((q.kind for q in self.question if q.kind in kinds), None)

    # --- the cardholder ------------------------------------------------------------------------

    def _cardholder(self, u: Understanding) -> Move:
        s = self.state
        meta = [a for a in u.acts if a.name == "meta_instruction"]
        if meta and self._asked("repeat") and all(a.source == "example" for a in meta):
            meta = []  # 你说什么？ looks like 不管我说什么… to the example layer alone
        if meta:
            self._patience(-8)
            return Move("confused")
        # 登记 of terms or with a question (你先定个日子，我好登记) is not the dispute registered
        noted = self._terms_logged(u) or (self.question and not DISPUTE_WORDS.search(u.text))
        registers = u.has("register_dispute") and not noted
        if registers and self.facts.dispute and not s.dispute_registered:
            s.dispute_registered = True
            self._trust(15)
            return Move("dispute_registered")
        if s.confirmed:  # agreed and read back: a question on the plan is answered from it
            # read back once more, asked or declared (我这边为您提交还款计划：…)
            if (self._puts_terms(u) or self._restates(u)) and self._terms(u) is not None:
                if self._differs(self._terms(u), s.accepted):
                    return Move("correct_readback", plan=s.accepted, objection="readback")
                return Move("confirm", plan=s.accepted)
            asked = self._asked("when_pay", "capacity", "channel")
            if asked:
                return self._agreed_answer(asked)
            if not (self.question or is_question(u.text)):
                if closes(u, False):
                    return Move("close", ends_call="agreement")
                if announces_more(u.text):
                    return Move("wait")  # 我录一下，录完再跟您对一遍: waited for
                # 妥了！钱到账了会有短信: heard; the trainee ends the call, or their patience does
                return Move("ack")
            if u.has("close"):
                return Move("close", ends_call="agreement")
            # another question after the agreement is answered as any other
        if self._asked("repeat") and self._terms(u) is None:
            return Move("repeat", question="repeat")  # 啊？你说啥？ — said again, not re-decided
        guessed = self._capacity_guess(u)  # 一个月一千二拿得出来吧？ — their own figure
        if guessed is not None:
            return guessed
        readback = (
            u.has("summarize_confirm")
            or self._readback_now()
            or self._puts_terms(u)
            or self._restates(u)  # 好，一千每月，12月2号头一笔，就这么定。 — said back
        )
        if readback and self._terms(u) is None and self._asked("amount_right"):
            readback = False  # 最后确认一下，欠款金额您还有疑问吗？ asks about the sum, no terms
        asked = self._asked("when_pay", "channel")
        if s.accepted and asked and self._terms(u) is None and not self._asked("capacity"):
            return self._agreed_answer(asked)  # 那到时候您几号还？ — from the plan agreed
        if s.accepted and readback:
            terms = self._terms(u)
            first = terms is not None and self._first_instalment(terms, u)
            if terms is not None and not first and self._differs(terms, s.accepted):
                return Move("correct_readback", plan=s.accepted, objection="readback")
            s.confirmed = True
            return Move("confirm", plan=s.accepted)
        if s.accepted and self._same_plan(u):
            s.confirmed = True
            return Move("confirm", plan=s.accepted)
        if not s.accepted and not s.proposed and readback and self._reads_back(u):
            s.proposed = self._disclosed_lump(u)  # 我说的是11月30号先还一千五 — said, not agreed
        if not s.accepted and s.proposed and readback:
            move = self._readback_of_own_terms(u)
            if move is not None:
                return move
        if self._asked("repeat"):
            return Move("repeat", question="repeat")
        if self._asked("amount_right"):
            return self._amount_question()
        concrete = self._terms(u) is not None
        explains = u.has("explain_consequence") and not (u.amounts or u.months or u.due_date)
        if not concrete and self._asked("capacity", "when_pay", "channel"):
            pass  # 您什么时候能先还一部分？ asks; it offers nothing to weigh
        elif self._asks_openly(u):
            pass  # 欠款一万二，一个月能还多少？ — the sum is what is owed; the question is asked
        elif explains and not u.full_payment:
            pass  # 违约金是最低还款未还部分的5%: how fees work, not an offer
        elif (
            self._offers(u)
            or u.full_payment
            or (u.has("summarize_confirm") and u.amounts)
            # 每月一千四，三期，12月2号首期，行不行？ — terms without a verb; not the debt stated
            or (concrete and self._bare_terms(u, readback))
        ):
            claimed = self._claims_agreed(u) and not s.accepted
            move = self._consider_offer(u)
            refused = move.situation in NOT_AGREED or move.objection == "dispute"
            if refused and self._reads_back(u) and not s.accepted:
                move = replace(move, lead=(Move("not_agreed"), *move.lead))  # 我可没答应这个
            elif move.situation == "accept" and claimed:
                # 照刚才谈的，您是答应了…: never agreed, though they take the terms now
                move = replace(move, lead=(Move("not_agreed_yet"), *move.lead))
            if move.situation not in TERMS_SITUATIONS:
                return move  # 那笔不是我刷的: the channel asked too is added as a part of its own
            asked = self._asked("channel", "when_pay")
            return replace(move, question=move.question or asked)
        if closes(u, bool(self.question)):
            return Move("close", ends_call="agent_end")
        if self._asked("leave_message") and s.name_confirmed and len(self.question) == 1:
            return Move("i_am_cardholder", question="leave_message")  # 让他回电话 — 我就是他
        third_party_questions = ("who_are_you", "relation", "when_back", "is_in", "leave_message")
        money = ("capacity", "when_pay", "channel", "why_late", "amount_right")
        if self._asked(*third_party_questions) and not self._asked("id_digits", "name", *money):
            s.name_confirmed = True  # 您是他什么人？ — 我就是他本人
            return Move("i_am_cardholder", question=self.question[0].kind)
        identity = self._asked("id_digits") or self._asked("name")
        if identity:
            return self._identity(identity)
        if self._asked("capacity") and self._asked("when_pay") and self._reveals_when():
            return self._when_question()  # 每月多少，哪天开始？ — one answer says both
        if self._asked("capacity"):
            return replace(self._capacity_question(), question="capacity")
        if self._asked("when_pay"):
            return self._when_question()
        if self._asked("channel"):
            return Move("give_channel", question="channel")
        if self._asked("why_late"):
            return self._reason_question()
        if u.has("ask_capacity"):
            return self._capacity_question()
        if u.has("ask_reason"):
            return self._reason_question()
        if u.has("verify_identity", "ask_for_cardholder"):
            return self._identity("name")
        if u.has("state_debt"):
            first = not s.debt_discussed
            s.debt_discussed = True
            if self.facts.dispute and not s.dispute_registered and first:
                return Move("dispute", objection="dispute")
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
        if on_topic_question(u.text) and not u.has("offer_plan", "summarize_confirm"):
            return Move("clarify")  # asked something not understood: 你是问什么？
        if u.has("state_debt", "listen", "apology"):
            return Move("filler")
        if u.denied:  # 我们不会联系您家人的: a reassurance, heard
            return Move("ack")
        return Move("confused")
