"""One pass over a transcript: what each turn does, by the rubric's criteria.

For each agent turn the acts from :func:`simulator.understand.understand` and the rubric's own
patterns decide which criteria it touches (a *hit*, with the quote that triggered it). The call
facts the built-in checks need (who answered, when identity was confirmed, what the customer
disclosed) are worked out here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from scoring.rubric import Applies, Kind, Rubric
from scoring.text import Folded, denied_at, fold, quote_around
from simulator.understand import Understanding, understand
from simulator.understand.customer import CustomerUnderstanding, understand_customer

__all__ = ["Call", "Hit", "Turn", "analyse", "compiled"]


@dataclass(frozen=True)
class Hit:
    """A criterion touched by one turn."""

    turn: int
    quote: str


@dataclass(frozen=True)
class Turn:
    """One turn with what the scorer found in it."""

    index: int
    speaker: str
    text: str
    folded: Folded
    understanding: Understanding | None
    """Agent turns only."""
    hits: dict[str, Hit]
    """Criterion id → the first evidence in this turn (agent turns only)."""
    void: bool = False
    """Addressed to the scorer: earns nothing, though its violations still count."""
    customer: CustomerUnderstanding | None = None
    """Customer turns only: the customer's acts and slots."""


@dataclass(frozen=True)
class Call:
    """A transcript analysed against one rubric."""

    turns: tuple[Turn, ...]
    started_at: datetime
    third_party_from: int | None
    """First turn from which the person on the phone is known not to be the cardholder."""
    verified_at: int | None
    """Customer turn that confirmed the cardholder's identity."""
    dispute_at: int | None
    """Customer turn that disputed a charge."""

    def agent_turns(self) -> list[Turn]:
        """The trainee's turns, in order."""
        return [t for t in self.turns if t.speaker == "agent"]

    def first_hit(self, criterion_id: str, credit: bool = True) -> Hit | None:
        """The first turn evidencing a criterion (void turns earn no credit)."""
        for turn in self.turns:
            hit = turn.hits.get(criterion_id)
            if hit and not (credit and turn.void):
                return hit
        return None

    def applies(self, applies: Applies, plan_discussed: bool) -> bool:
        """Whether a criterion with this ``applies`` condition is scored in this call."""
        return {
            Applies.always: True,
            Applies.cardholder: self.third_party_from is None,
            Applies.third_party: self.third_party_from is not None,
            Applies.dispute: self.dispute_at is not None,
            Applies.plan_discussed: plan_discussed,
        }[applies]


@lru_cache(maxsize=256)
def compiled(pattern_list: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation for a list of patterns (None for an empty list)."""
    if not pattern_list:
        return None
    return re.compile("|".join(f"(?:{p})" for p in pattern_list))


@lru_cache(maxsize=65536)
def _understand(text: str, today: date) -> Understanding:
    return understand(text, today=today)


@dataclass(frozen=True)
class _Matcher:
    """One criterion's turn-level detection, compiled once per rubric."""

    id: str
    acts: tuple[str, ...]
    patterns: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    guard_denials: bool


_MATCHERS: dict[int, tuple[Rubric, tuple[_Matcher, ...]]] = {}


def _matchers(rubric: Rubric) -> tuple[_Matcher, ...]:
    cached = _MATCHERS.get(id(rubric))
    if cached is not None and cached[0] is rubric:
        return cached[1]
    matchers = tuple(
        _Matcher(
            c.id,
            tuple(c.detect.acts),
            compiled(tuple(c.detect.patterns)),
            compiled(tuple(c.detect.unless)),
            c.kind == Kind.prohibited,
        )
        for c in rubric.criteria
        if c.detect.acts or c.detect.patterns
    )
    if len(_MATCHERS) > 64:
        _MATCHERS.clear()
    _MATCHERS[id(rubric)] = (rubric, matchers)  # keeps the rubric alive, so its id stays unique
    return matchers


def _turn_hits(folded: Folded, u: Understanding, matchers: tuple[_Matcher, ...]) -> dict[str, str]:
    hits: dict[str, str] = {}
    acts = {act.name: act.quote for act in u.acts}
    text = folded.text
    for m in matchers:
        if m.unless is not None and m.unless.search(text):
            continue
        quote = next((acts[name] for name in m.acts if name in acts), None)
        if quote is None and m.patterns is not None:
            for found in m.patterns.finditer(text):
                if found.end() == found.start():
                    continue
                if m.guard_denials and denied_at(folded, found.start(), found.end()):
                    continue
                quote = quote_around(folded, found.start(), found.end())
                break
        if quote is not None:
            hits[m.id] = quote
    return hits


def _voiding_ids(rubric: Rubric) -> set[str]:
    return {c.id for c in rubric.criteria if c.detect.params.get("voids_turn")}


def analyse(transcript: dict, rubric: Rubric, archetype: str | None = None) -> Call:
    """Analyse a validated transcript (see :func:`scoring.transcript.validate_transcript`)."""
    started = datetime.fromisoformat(transcript["started_at"])
    today = started.date()
    voiding = _voiding_ids(rubric)
    matchers = _matchers(rubric)
    turns: list[Turn] = []
    third_party_from = 0 if archetype == "third_party" else None
    verified_at = dispute_at = None
    asked_identity = False
    verify_ids = _ids_for(rubric, "verify_identity")
    for i, raw in enumerate(transcript["turns"]):
        text = raw["text"]
        folded = fold(text)
        if raw["speaker"] == "agent":
            u = _understand(text, today)
            found = _turn_hits(folded, u, matchers)
            hits = {cid: Hit(turn=i, quote=quote) for cid, quote in found.items()}
            void = bool(voiding & hits.keys())
            if not void and (verify_ids & hits.keys() or u.has("verify_identity")):
                asked_identity = True
            turns.append(Turn(i, "agent", text, folded, u, hits, void))
            continue
        cu = understand_customer(text, today=today)
        if third_party_from is None and cu.has("not_cardholder"):
            third_party_from = i
        if (
            verified_at is None
            and asked_identity
            and third_party_from is None
            and cu.has("confirm_identity")
        ):
            verified_at = i
        if dispute_at is None and cu.has("dispute"):
            dispute_at = i
        turns.append(Turn(i, "customer", text, folded, None, {}, customer=cu))
    if third_party_from is not None:
        verified_at = None
    return Call(tuple(turns), started, third_party_from, verified_at, dispute_at)


def _ids_for(rubric: Rubric, act: str) -> set[str]:
    """Criteria whose detection includes this act (their hits count as that act)."""
    return {c.id for c in rubric.criteria if act in c.detect.acts}
