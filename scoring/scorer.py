"""The scorer: a pure function from a transcript (and the simulator's outcome) to a scorecard.

Same input, same scorecard: nothing here reads the clock, the environment or a random source.
The scorecard is the JSON of DESIGN.md, with additions a reader needs and no key renamed:
``band``; each criterion's ``kind`` and ``title``; each dimension's ``earned``, ``max_points``,
``deducted``, ``criteria`` and ``how`` (how its score was computed); ``method`` (the rules in
words, and what a critical violation does); a ``readback_mismatch`` violation's ``detail`` (the
fields that differ); and the plan's ``agreed``/``confirmed``/``success``, ``steps`` (the turn of
offer, agreement, read-back and confirmation), ``readback``, ``vague``/``vague_fields``,
``amount_range``, ``capacity`` (``capacity_range`` when said as a range, ``capacity_approx``), ``disputed_amount``,
``applies`` (False, with ``not_applicable: third_party``, when the person on the line is not the
cardholder: plan criteria do not apply) and, when the simulator's outcome was given,
``simulator_agrees`` with a ``note``; the plan's ``readback`` also gives the read-back's
``terms`` as said and, when they differ from the agreement, ``detail``.

Where each flag and credit came from (:mod:`scoring.evidence`), on every violation and every
``criteria[].evidence`` entry, all optional (older scorecards have none):
``found_by`` — ``rule`` | ``example`` | ``llm`` | ``call_state``; ``act`` — the act of
``understand`` behind it; ``rule`` — ``<act>#<n>`` (pattern *n* of the act's lexicon),
``<act>/slots``, ``rubric:<criterion>#<n>`` (the rubric's own pattern *n*) or
``call_state:<what>``; for ``example``: ``example`` (the nearest labelled ``train`` line
carrying the act), ``example_source`` (where that line is in the corpus, ``threat.jsonl:12``)
and ``similarity`` (cosine, 0–1); ``probability`` — the example layer's
P(act) when it was consulted.
"""

from __future__ import annotations

from typing import Any

from scoring.analysis import Call, analyse
from scoring.checks import Result, evaluate_check
from scoring.evidence import from_state
from scoring.plan import cross_check, plan_json, readback_differences
from scoring.rubric import Criterion, Kind, LoadedRubric, Severity
from scoring.transcript import validate_transcript
from simulator.callplan import PlanState

__all__ = ["dimension_entry", "score"]

DIMENSIONS = ("compliance", "empathy", "outcome")


def _prohibited(c: Criterion, call: Call) -> Result:
    d = c.detect
    if d.check == "contact_time":
        start = d.params.get("start", "22:00")
        end = d.params.get("end", "08:00")
        local = call.started_at.strftime("%H:%M")
        quiet = local >= start or local < end if start > end else start <= local < end
        if quiet:
            quote = f"通话开始于当地时间 {local}（{call.started_at.isoformat()}）"
            return Result(0, 0, violations=((None, quote),))
        return Result(0, 0)
    hits = [(t.index, t.hits[c.id].quote) for t in call.turns_touching(c.id)]
    if d.check == "disclosure_before_verification":
        events = _ordered(d.params.get("event", []))
        limit = call.verified_at if call.verified_at is not None else len(call.turns)
        hits = [
            (t.index, next(t.hits[e].quote for e in events if e in t.hits))
            for t in call.agent_turns()
            if t.index < limit
            and not t.hits.keys().isdisjoint(events)
            and call.state.audience(t.index).who != "third_party"
        ] + [h for h in hits if h[0] < limit]
    elif d.check == "third_party_disclosure":
        if call.third_party_from is None:
            return Result(0, 0, applicable=False)
        events = (c.id, *_ordered(d.params.get("event", [])))
        hits = [
            (t.index, next(t.hits[e].quote for e in events if e in t.hits))
            for t in call.agent_turns()
            if not t.hits.keys().isdisjoint(events)
            and call.state.audience(t.index).who == "third_party"
        ]
    elif d.check == "readback_mismatch":
        return _readback_mismatch(call)
    hits = sorted(dict(hits).items())
    return Result(0, 0, violations=tuple(hits))


def _readback_mismatch(call: Call) -> Result:
    """Every read-back that stated other terms than the customer had agreed, with the fields."""
    found, details = [], {}
    for rb in call.state.readbacks:
        if rb.agreement is None or rb.matches:
            continue
        agreed = next(a for a in call.state.agreements if a.turn == rb.agreement)
        plan = PlanState(terms=agreed.terms, agreement=agreed.turn, readback=rb)
        found.append((rb.turn, call.turns[rb.turn].text[:60]))
        details[rb.turn] = readback_differences(plan)
    return Result(0, 0, violations=tuple(found), extra={"details": details})


_STATE_CHECKS = {"readback_mismatch": "readback_mismatch", "contact_time": "contact_time"}
"""Checks that judge the call as a whole: their findings come from the call state."""


def _evidence_ids(c: Criterion) -> tuple[str, ...]:
    """The criteria whose hits can be a violation's evidence: its own, then its events'."""
    event = c.detect.params.get("event", [])
    return (c.id, *([event] if isinstance(event, str) else event))


def _found(
    call: Call, c: Criterion, turn: int | None, quote: str, ids: tuple[str, ...]
) -> dict[str, Any]:
    """Where the evidence at ``turn`` came from (:mod:`scoring.evidence`): {} when unknown."""
    if c.detect.check in _STATE_CHECKS:
        return from_state(_STATE_CHECKS[c.detect.check])
    if turn is None:
        return {}
    hits = call.turns[turn].hits
    for cid in ids:
        hit = hits.get(cid)
        if hit is not None and hit.quote == quote:
            return hit.found
    return {}


def _with_found(call: Call, c: Criterion, pairs, ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """Evidence entries ``{turn, quote}`` with where each came from, when known."""
    return [
        {"turn": turn, "quote": quote, **_found(call, c, turn, quote, ids)} for turn, quote in pairs
    ]


def _ordered(value: str | list[str]) -> tuple[str, ...]:
    """Criterion ids in the rubric's order (a set's order would change between processes)."""
    return (value,) if isinstance(value, str) else tuple(value)


def _required(c: Criterion, call: Call, titles: dict[str, str]) -> Result:
    hit = call.first_hit(c.id)
    if hit is None:
        return Result(0, c.points)
    evidence = ((hit.turn, hit.quote),)
    late = []
    for other in c.detect.after:
        before = call.first_hit(other)
        if before is None or before.turn > hit.turn:
            late.append(titles.get(other, other))
    n = c.detect.within_agent_turns
    if n is not None:
        agent_indexes = [t.index for t in call.agent_turns()][:n]
        if hit.turn not in agent_indexes:
            return Result(
                c.points / 2,
                c.points,
                evidence,
                note=f"做到了，但太晚：应在开场的前 {n} 句话内完成。",
            )
    if late:
        return Result(
            c.points / 2,
            c.points,
            evidence,
            note="做到了，但顺序不对：应先完成前置步骤（" + "、".join(late) + "）。",
        )
    return Result(c.points, c.points, evidence)


def _band(overall: float, critical: bool, clean: bool, loaded: LoadedRubric) -> str:
    bands = loaded.model.bands
    if critical or overall < bands.medium:
        return "low"
    if overall >= bands.high and (clean or not bands.high_needs_clean_call):
        return "high"
    return "medium"


def score(transcript: dict, rubric: LoadedRubric, outcome: dict | None = None) -> dict:
    """Score one transcript against a rubric.

    Args:
        transcript: The transcript JSON of DESIGN.md (validated here).
        rubric: A loaded rubric (:func:`scoring.load_rubric`).
        outcome: The simulator's outcome when the call came from it (``ended_by``, ``plan``,
            ``trace``, ``persona_archetype``); its plan is cross-checked, never trusted blindly.

    Returns:
        The scorecard JSON (see the module docstring).

    Raises:
        TranscriptError: the transcript is malformed.
    """
    transcript = validate_transcript(transcript)
    model = rubric.model
    archetype = (outcome or {}).get("persona_archetype")
    call = analyse(transcript, model, archetype)
    prohibited_ids = {c.id for c in model.criteria if c.kind == Kind.prohibited}

    results: dict[str, Result] = {}
    for c in model.criteria:
        if c.kind == Kind.prohibited:
            results[c.id] = _prohibited(c, call)
    critical = any(
        results[c.id].violations for c in model.criteria if c.severity == Severity.critical
    )
    plan = call.state.plan
    plan_discussed = bool(call.state.offers or call.state.agreements) and not (
        plan.third_party or call.state.line.who == "third_party"
    )  # no plan is expected of a third party, nor its read-back
    titles = {x.id: x.title for x in model.criteria}
    for c in model.criteria:
        if c.kind == Kind.required_step:
            results[c.id] = _required(c, call, titles)
        elif c.kind == Kind.quality:
            results[c.id] = evaluate_check(c, call, critical, prohibited_ids)

    tally = {dim: {"earned": 0.0, "max": 0.0, "deducted": 0.0, "ids": []} for dim in DIMENSIONS}
    violations, cards = [], []
    for c in model.criteria:
        r = results[c.id]
        if not r.applicable or not call.applies(c.detect.applies, plan_discussed):
            continue
        dim = tally[c.dimension.value]
        dim["ids"].append(c.id)
        if c.kind == Kind.prohibited:
            fired = bool(r.violations)
            if fired:
                dim["deducted"] += c.points
            details = r.extra.get("details", {})
            found_ids = _evidence_ids(c)
            for turn, quote in r.violations:
                entry = {
                    "criterion": c.id,
                    "severity": c.severity.value,
                    "turn": turn,
                    "quote": quote,
                    "source": c.source,
                    **_found(call, c, turn, quote, found_ids),
                }
                if turn in details:
                    entry["detail"] = details[turn]
                violations.append(entry)
            evidence = _with_found(call, c, r.violations, found_ids)
            cards.append(_card(c, not fired, -c.points if fired else 0, 0, evidence, r.note, fired))
            continue
        dim["earned"] += r.points
        dim["max"] += r.max_points
        passed = r.points >= r.max_points
        evidence = _with_found(call, c, r.evidence, (c.id,))
        cards.append(_card(c, passed, r.points, r.max_points, evidence, r.note, not passed))

    dimensions = {
        dim: dimension_entry(
            dim,
            tally[dim]["earned"],
            tally[dim]["max"],
            tally[dim]["deducted"],
            tally[dim]["ids"],
            critical,
        )
        for dim in DIMENSIONS
    }
    weights = model.weights
    w = {"compliance": weights.compliance, "empathy": weights.empathy, "outcome": weights.outcome}
    overall = round(sum(dimensions[d]["score"] * w[d] for d in DIMENSIONS) / sum(w.values()))
    passed = overall >= model.pass_mark and not critical
    weak = any(c["kind"] == "quality" and c["points"] < c["max_points"] / 2 for c in cards)
    plan_missing = call.state.line.who != "third_party" and not (plan.reached and not critical)
    clean = not violations and not weak and not plan_missing
    violations.sort(key=lambda v: (v["turn"] is not None, v["turn"] or 0, v["criterion"]))

    plan_out = plan_json(call.state, plan.reached and not critical)
    if critical and plan.reached:
        plan_out["note"] = "还款约定是在严重违规之后达成的，不算成功。"
    elif plan.readback is not None and not plan.readback.matches:
        plan_out["note"] = f"复述与约定不一致：{readback_differences(plan)}。"
    elif plan.vague:
        plan_out["note"] = f"约定不具体（{plan.terms.describe()}），不算达成。"
    if outcome is not None:
        agrees, note = cross_check(plan, outcome)
        plan_out["simulator_agrees"] = agrees
        if note:
            plan_out["note"] = "；".join(filter(None, [plan_out.get("note"), note]))
    return {
        "overall": overall,
        "passed": passed,
        "band": _band(overall, critical, clean, rubric),
        "rubric": {"id": rubric.id, "version": rubric.version},
        "dimensions": dimensions,
        "violations": violations,
        "criteria": cards,
        "plan": plan_out,
        "method": _method(model, critical),
    }


def dimension_entry(
    dim: str, earned: float, maximum: float, deducted: float, ids: list[str], critical: bool
) -> dict:
    """One dimension's score and how it was computed (the scorecard's ``dimensions.<dim>``).

    Args:
        dim: ``compliance``, ``empathy`` or ``outcome``.
        earned: Points earned on the dimension's applicable steps and quality criteria.
        maximum: Their maximum.
        deducted: Points of the dimension's prohibited criteria that fired.
        ids: The criteria that applied in this call.
        critical: A critical violation was found (compliance is then 0).

    """
    base = 100.0 * earned / maximum if maximum else 100.0
    score_ = round(max(0.0, base - deducted))
    how = (
        f"已得 {_num(earned)} / 适用满分 {_num(maximum)} × 100 = {_num(round(base, 1))}"
        if maximum
        else "本次通话没有适用的计分项，记 100"
    )
    if deducted:
        how += f"，扣除违规 {_num(deducted)} 分"
    zeroed = critical and dim == "compliance"
    if zeroed:
        score_ = 0
        how += "；出现严重违规，合规记 0 分"
    return {
        "score": score_,
        "earned": _num(earned),
        "max_points": int(maximum),
        "deducted": _num(deducted),
        "criteria": list(ids),
        "how": how,
    }


def _method(model, critical: bool) -> dict:
    """How the scorecard is computed, in the words the trainee reads (and the README's)."""
    w = model.weights
    total = w.compliance + w.empathy + w.outcome
    return {
        "dimension": "各维度得分 = 适用项已得分 ÷ 适用项满分 × 100，再减去该维度违规项的扣分（最低 0）；"
        "不适用的项（如第三方接听时的还款约定）不计入。",
        "overall": f"总分 = 合规×{w.compliance / total:.2f} + 沟通与共情×{w.empathy / total:.2f} + "
        f"还款结果×{w.outcome / total:.2f}；{model.pass_mark} 分及以上且无严重违规为通过。",
        "critical": "任何一项严重违规：合规记 0 分、本次通话不通过、评级为低；还款约定即使达成也不算成功"
        "（达成约定与方案可负担两项不得分）；沟通与共情照常计分。",
        "critical_found": critical,
        "plan": "还款约定须依次做到：提出条件、客户同意、坐席逐项复述且与同意的条件一致、客户确认；"
        "金额为范围、只说“一部分”或日期含糊（过两天、下周、年前）都不算达成。",
    }


def _card(
    c: Criterion,
    passed: bool,
    points: float,
    max_points: int,
    evidence: list[dict[str, Any]],
    note: str,
    show_advice: bool,
) -> dict:
    advice = ""
    if show_advice:
        advice = f"{note}{c.advice}" if note else c.advice
    return {
        "id": c.id,
        "title": c.title,
        "dimension": c.dimension.value,
        "kind": c.kind.value,
        "passed": passed,
        "points": _num(points),
        "max_points": max_points,
        "evidence": evidence,
        "advice": advice,
    }


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 1)
