"""One pass over a transcript: what each turn does, by the rubric's criteria.

For each agent turn the acts from :func:`simulator.understand.understand` and the rubric's own
patterns decide which criteria it touches (a *hit*, with the quote that triggered it). The call
facts the built-in checks need (who answered, when identity was confirmed, what the customer
disclosed) are worked out here once.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import regex

from scoring import evidence
from scoring.rubric import Applies, Kind, Rubric
from scoring.text import Folded, denied_at, fold, quote_around
from simulator.callstate import CallState, CallTracker
from simulator.understand import Understanding, understand
from simulator.understand.acts import Act
from simulator.understand.customer import CustomerUnderstanding, understand_customer
from simulator.understand.examples import prepare

log = logging.getLogger(__name__)

__all__ = ["Call", "Hit", "Turn", "analyse", "compiled"]


@dataclass(frozen=True)
class Hit:
    """A criterion touched by one turn, and what found it."""

    turn: int
    quote: str
    act: Act | None = None
    """The act of ``understand`` that evidences the criterion, with its ``source`` (a rule, the
    nearest labelled example, the LLM classifier); None when the rubric's own pattern or the
    call state found it."""
    rule: str = ""
    """Without an act: ``rubric:<criterion>#<n>`` (the rubric's pattern *n*) or
    ``call_state:<what>`` (an offer or read-back worked out from both speakers' turns)."""

    @property
    def found(self) -> dict[str, Any]:
        """The scorecard's evidence fields for this hit (see :mod:`scoring.evidence`)."""
        if self.act is not None:
            return evidence.from_act(self.act)
        if self.rule.startswith("rubric:"):
            criterion, _, number = self.rule[7:].rpartition("#")
            return evidence.from_pattern(criterion, int(number))
        if self.rule.startswith("call_state:"):
            return evidence.from_state(self.rule[11:])
        return {}


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
    state: CallState
    """The call as a whole: who was on the line, offers, agreements, read-backs, capacity."""
    agents: tuple[Turn, ...] = ()
    """The trainee's turns, in order."""
    touched: dict[str, tuple[Turn, ...]] = field(default_factory=dict)
    """Criterion id → the agent turns that touch it, in order."""

    def agent_turns(self) -> tuple[Turn, ...]:
        """The trainee's turns, in order."""
        return self.agents

    def turns_touching(self, criterion_id: str) -> tuple[Turn, ...]:
        """The agent turns with a hit for this criterion, in order."""
        return self.touched.get(criterion_id, ())

    def first_hit(self, criterion_id: str, credit: bool = True) -> Hit | None:
        """The first turn evidencing a criterion (void turns earn no credit)."""
        for turn in self.touched.get(criterion_id, ()):
            if not (credit and turn.void):
                return turn.hits[criterion_id]
        return None

    def applies(self, applies: Applies, plan_discussed: bool) -> bool:
        """Whether a criterion with this ``applies`` condition is scored in this call."""
        return {
            Applies.always: True,
            Applies.cardholder: self.state.line.who != "third_party",
            Applies.third_party: self.third_party_from is not None,
            Applies.dispute: self.dispute_at is not None,
            Applies.plan_discussed: plan_discussed,
        }[applies]


MATCH_BUDGET_S = 0.05
"""Longest one rubric pattern may search one turn (seconds). A pattern that takes longer is
skipped for that turn and logged: a trainer's slow regex costs a turn's budget, never the app
(``scoring.safe_regex`` refuses the slow shapes it can recognise at load)."""


@lru_cache(maxsize=256)
def compiled(pattern_list: tuple[str, ...]) -> regex.Pattern[str] | None:
    """One alternation for a list of patterns (None for an empty list).

    Compiled with the ``regex`` package, whose searches take a ``timeout``.
    """
    if not pattern_list:
        return None
    return regex.compile("|".join(f"(?:{p})" for p in pattern_list))


_SLOW: set[str] = set()


def _too_slow(criterion: str) -> None:
    if criterion not in _SLOW:
        _SLOW.add(criterion)
        log.warning(
            "rubric criterion %s: a pattern took over %.0f ms on one turn; skipped there",
            criterion,
            MATCH_BUDGET_S * 1000,
        )


@lru_cache(maxsize=65536)
def _understand(text: str, today: date) -> Understanding:
    return understand(text, today=today)


@dataclass(frozen=True)
class _Matcher:
    """One criterion's turn-level detection, compiled once per rubric."""

    id: str
    acts: tuple[str, ...]
    patterns: regex.Pattern[str] | None
    parts: tuple[regex.Pattern[str], ...]
    """Each pattern alone, to name the one that matched (``rubric:<id>#<n>``)."""
    unless: regex.Pattern[str] | None
    guard_denials: bool


_Found = tuple[str, Act | None, str]
"""A criterion's evidence in one utterance: (quote, act, rule); see :class:`Hit`."""

TURN_CACHE = 65536
"""Utterances whose criterion hits each rubric remembers (their texts are the keys)."""


class _RubricMatch:
    """A rubric's matchers, and what they found in each utterance already seen.

    Which criteria an utterance touches depends only on its words and the call's date (through
    ``understand``), so scoring a call again, or another call with the same lines, costs a
    dictionary look-up per turn.
    """

    def __init__(self, rubric: Rubric):
        self.rubric = rubric  # keeps the rubric alive, so its id stays unique
        self.matchers = tuple(
            _Matcher(
                c.id,
                tuple(c.detect.acts),
                compiled(tuple(c.detect.patterns)),
                tuple(regex.compile(p) for p in c.detect.patterns),
                compiled(tuple(c.detect.unless)),
                c.kind == Kind.prohibited,
            )
            for c in rubric.criteria
            if c.detect.acts or c.detect.patterns
        )
        self.voiding = frozenset(c.id for c in rubric.criteria if c.detect.params.get("voids_turn"))
        self.verify_ids = _ids_for(rubric, "verify_identity") | _ids_for(
            rubric, "ask_for_cardholder"
        )
        self.offer_ids, self.summary_ids, self.debt_ids = _plan_ids(rubric)
        self._seen: OrderedDict[tuple[str, date], dict[str, _Found]] = OrderedDict()

    def unseen(self, texts: list[str], today: date) -> list[str]:
        """Those of ``texts`` whose hits are not cached yet."""
        return [text for text in texts if (text, today) not in self._seen]

    def hits(self, text: str, today: date) -> dict[str, _Found]:
        """Criterion id → evidence, for one agent utterance (shared: do not modify)."""
        key = (text, today)
        found = self._seen.get(key)
        if found is None:
            found, whole = _turn_hits(fold(text), _understand(text, today), self.matchers)
            if whole:  # a pattern cut short by its time budget is tried again next time
                self._seen[key] = found
                if len(self._seen) > TURN_CACHE:
                    self._seen.popitem(last=False)
        return found


_MATCHERS: dict[int, _RubricMatch] = {}


def _matchers(rubric: Rubric) -> _RubricMatch:
    cached = _MATCHERS.get(id(rubric))
    if cached is not None and cached.rubric is rubric:
        return cached
    if len(_MATCHERS) > 64:
        _MATCHERS.clear()
    made = _MATCHERS[id(rubric)] = _RubricMatch(rubric)
    return made


def _understood_against(folded: Folded, u: Understanding, m: _Matcher, start: int) -> bool:
    """The understanding read the words at ``start`` as a denied or dismissed form of the act.

    ``您也别琢磨着去借网贷来还``: ``understand`` put induce_borrowing in ``denied``; a rubric
    pattern over the same clause must not bring it back. Acts are compared by clause: the
    denied act's quote is the clause it was denied in.
    """
    against = [a for a in u.denied if a.name in m.acts]
    against += [a for a in u.extra.get("overruled", ()) if a.name in m.acts]
    if not against:
        return False
    at = folded.origin[start]
    for act in against:
        begin = folded.original.find(act.quote)
        if begin >= 0 and begin <= at < begin + len(act.quote):
            return True
    return False


def _pattern_hit(folded: Folded, u: Understanding, m: _Matcher) -> _Found | None:
    """The first match of a criterion's patterns that the understanding does not read away."""
    text = folded.text
    for found in m.patterns.finditer(text, timeout=MATCH_BUDGET_S):
        start, end = found.start(), found.end()
        if end == start:
            continue
        if m.guard_denials:
            if denied_at(folded, start, end, m.acts):
                continue
            if m.acts and _understood_against(folded, u, m, start):
                continue
        number = next(
            (
                n
                for n, part in enumerate(m.parts)
                if part.match(text, start, timeout=MATCH_BUDGET_S)
            ),
            0,
        )
        return quote_around(folded, start, end), None, f"rubric:{m.id}#{number}"
    return None


def _turn_hits(
    folded: Folded, u: Understanding, matchers: tuple[_Matcher, ...]
) -> tuple[dict[str, _Found], bool]:
    """Which criteria one agent utterance touches: by its acts first, else by rubric patterns.

    A prohibited criterion's pattern is read like the act it stands beside: not under a denial
    in its clause (with that act's own denial cues), and not where ``understand`` denied or
    overruled the act — one understanding decides.

    Returns:
        The hits, and False when a pattern ran out of its time budget (the hits may miss one).

    """
    whole = True
    hits: dict[str, _Found] = {}
    acts: dict[str, Act] = {}
    for act in u.acts:
        acts.setdefault(act.name, act)
    text = folded.text
    for m in matchers:
        try:
            if m.unless is not None and m.unless.search(text, timeout=MATCH_BUDGET_S):
                continue
            act = next((acts[name] for name in m.acts if name in acts), None)
            if act is not None:
                hits[m.id] = (act.quote, act, "")
            elif m.patterns is not None:
                found = _pattern_hit(folded, u, m)
                if found is not None:
                    hits[m.id] = found
        except TimeoutError:
            _too_slow(m.id)
            whole = False
    return hits, whole


def analyse(transcript: dict, rubric: Rubric, archetype: str | None = None) -> Call:
    """Analyse a validated transcript (see :func:`scoring.transcript.validate_transcript`).

    The call state (:class:`simulator.callstate.CallState`) is built here, turn by turn, from
    both speakers' acts; the rubric's own evidence for asking identity, offering, reading back
    and stating the debt (``plan_reached``'s ``offer`` / ``summary`` / ``debt`` params) counts
    as those acts.
    """
    started = datetime.fromisoformat(transcript["started_at"])
    today = started.date()
    match = _matchers(rubric)
    voiding = match.voiding
    turns: list[Turn] = []
    tracker = CallTracker(today, third_party=archetype == "third_party")
    verify_ids, debt_ids = match.verify_ids, match.debt_ids
    offer_ids, summary_ids = match.offer_ids, match.summary_ids
    agent = [raw["text"] for raw in transcript["turns"] if raw["speaker"] == "agent"]
    prepare(match.unseen(agent, today))  # the encoder's lines of the call, in one batch
    for i, raw in enumerate(transcript["turns"]):
        text = raw["text"]
        folded = fold(text)
        if raw["speaker"] == "agent":
            u = _understand(text, today)
            hits = {
                cid: Hit(i, quote, act, rule)
                for cid, (quote, act, rule) in match.hits(text, today).items()
            }
            void = bool(voiding & hits.keys())
            tracker.agent(
                i,
                u,
                asks_identity=bool(verify_ids & hits.keys()),
                offer=bool(offer_ids & hits.keys()),
                readback=bool(summary_ids & hits.keys()),
                debt=bool(debt_ids & hits.keys()),
                void=void,
            )
            turns.append(Turn(i, "agent", text, folded, u, hits, void))
            continue
        cu = understand_customer(text, today=today)
        tracker.customer(i, cu)
        turns.append(Turn(i, "customer", text, folded, None, {}, customer=cu))
    state = tracker.state
    _credit_state(turns, state, offer_ids, summary_ids)
    agents = tuple(t for t in turns if t.speaker == "agent")
    touched: dict[str, list[Turn]] = {}
    for turn in agents:
        for cid in turn.hits:
            touched.setdefault(cid, []).append(turn)
    return Call(
        tuple(turns),
        started,
        state.third_party_from,
        state.verified_at,
        state.dispute_at,
        state,
        agents,
        {cid: tuple(ts) for cid, ts in touched.items()},
    )


def _credit_state(
    turns: list[Turn], state: CallState, offer_ids: set[str], summary_ids: set[str]
) -> None:
    """Credit the rubric's offer and read-back criteria for every offer and read-back found.

    ``跟您核对一下：每月还2200，一共10期`` is a read-back with or without ``对吗``.
    """
    found = [(o.turn, offer_ids, "offer") for o in state.offers if o.by == "agent"]
    found += [(r.turn, summary_ids, "readback") for r in state.readbacks]
    for index, ids, what in found:
        turn = turns[index]
        for cid in ids - turn.hits.keys():
            quote = quote_around(turn.folded, 0, len(turn.folded.text))
            turn.hits[cid] = Hit(index, quote, rule=f"call_state:{what}")


def _plan_ids(rubric: Rubric) -> tuple[set[str], set[str], set[str]]:
    """The criteria whose evidence counts as an offer, a read-back and a debt statement."""
    params = next(
        (c.detect.params for c in rubric.criteria if c.detect.check == "plan_reached"), {}
    )

    def ids(value: str | list[str] | None) -> set[str]:
        return {value} if isinstance(value, str) else set(value or ())

    return ids(params.get("offer")), ids(params.get("summary")), ids(params.get("debt"))


def _ids_for(rubric: Rubric, act: str) -> set[str]:
    """Criteria whose detection includes this act (their hits count as that act)."""
    return {c.id for c in rubric.criteria if act in c.detect.acts}
