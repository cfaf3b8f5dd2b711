"""The scorer: a pure function from a transcript (and the simulator's outcome) to a scorecard.

Same input, same scorecard: nothing here reads the clock, the environment or a random source.
The scorecard is the JSON of DESIGN.md, with a few additions a reader needs (``band``, each
criterion's ``kind`` and ``title``, and the plan's ``agreed``/``confirmed``/``success`` and, when
the simulator's outcome was given, ``simulator_agrees`` with a ``note``).
"""

from __future__ import annotations

from scoring.analysis import Call, analyse
from scoring.checks import Result, evaluate_check
from scoring.plan import Plan, cross_check, find_plan
from scoring.rubric import Criterion, Kind, LoadedRubric, Severity
from scoring.transcript import validate_transcript

__all__ = ["score"]

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
    hits = [(t.index, t.hits[c.id].quote) for t in call.agent_turns() if c.id in t.hits]
    if d.check == "disclosure_before_verification":
        events = _ids(d.params.get("event", []))
        limit = call.verified_at if call.verified_at is not None else len(call.turns)
        tp = call.third_party_from if call.third_party_from is not None else len(call.turns)
        hits = [
            (t.index, next(t.hits[e].quote for e in events if e in t.hits))
            for t in call.agent_turns()
            if events & t.hits.keys() and t.index < limit and t.index < tp
        ] + [h for h in hits if h[0] < limit]
    elif d.check == "third_party_disclosure":
        if call.third_party_from is None:
            return Result(0, 0, applicable=False)
        events = _ids(d.params.get("event", []))
        start = call.third_party_from
        hits = [
            (t.index, next(t.hits[e].quote for e in events | {c.id} if e in t.hits))
            for t in call.agent_turns()
            if (events | {c.id}) & t.hits.keys() and t.index >= start
        ]
    hits = sorted(dict(hits).items())
    return Result(0, 0, violations=tuple(hits))


def _ids(value: str | list[str]) -> set[str]:
    return {value} if isinstance(value, str) else set(value)


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


def _plan_json(plan: Plan, success: bool) -> dict:
    turn = plan.confirmed_at if plan.confirmed_at is not None else plan.agreed_at
    out = {
        "reached": plan.reached,
        "amount": plan.amount if plan.agreed else None,
        "months": plan.months if plan.agreed else None,
        "due_date": plan.due_date.isoformat() if plan.agreed and plan.due_date else None,
        "channel": plan.channel if plan.agreed else None,
        "turn": turn,
        "agreed": plan.agreed,
        "confirmed": plan.confirmed_at is not None,
        "success": success,
        "capacity": plan.capacity,
    }
    if plan.vague_at is not None and not plan.agreed:
        out["vague_promise_turn"] = plan.vague_at
    return out


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
    plan_params = next(
        (c.detect.params for c in model.criteria if c.detect.check == "plan_reached"), {}
    )
    plan = find_plan(
        call,
        _ids(plan_params.get("offer", [])),
        _ids(plan_params.get("summary", [])),
        _ids(plan_params.get("debt", [])),
    )
    plan_discussed = plan.proposed_at is not None
    for c in model.criteria:
        if c.kind == Kind.required_step:
            results[c.id] = _required(c, call, {x.id: x.title for x in model.criteria})
        elif c.kind == Kind.quality:
            results[c.id] = evaluate_check(c, call, plan, critical, prohibited_ids)

    earned = dict.fromkeys(DIMENSIONS, 0.0)
    maximum = dict.fromkeys(DIMENSIONS, 0.0)
    penalty = dict.fromkeys(DIMENSIONS, 0.0)
    violations, cards = [], []
    for c in model.criteria:
        r = results[c.id]
        if not r.applicable or not call.applies(c.detect.applies, plan_discussed):
            continue
        dim = c.dimension.value
        if c.kind == Kind.prohibited:
            fired = bool(r.violations)
            if fired:
                penalty[dim] += c.points
            for turn, quote in r.violations:
                violations.append(
                    {
                        "criterion": c.id,
                        "severity": c.severity.value,
                        "turn": turn,
                        "quote": quote,
                        "source": c.source,
                    }
                )
            cards.append(
                _card(c, not fired, -c.points if fired else 0, 0, r.violations, r.note, fired)
            )
            continue
        earned[dim] += r.points
        maximum[dim] += r.max_points
        passed = r.points >= r.max_points
        cards.append(_card(c, passed, r.points, r.max_points, r.evidence, r.note, not passed))

    dimensions = {}
    for dim in DIMENSIONS:
        base = 100.0 * earned[dim] / maximum[dim] if maximum[dim] else 100.0
        dimensions[dim] = {"score": round(max(0.0, base - penalty[dim]))}
    if critical:
        dimensions["compliance"]["score"] = 0
    weights = model.weights
    w = {"compliance": weights.compliance, "empathy": weights.empathy, "outcome": weights.outcome}
    overall = round(sum(dimensions[d]["score"] * w[d] for d in DIMENSIONS) / sum(w.values()))
    passed = overall >= model.pass_mark and not critical
    weak = any(c["kind"] == "quality" and c["points"] < c["max_points"] / 2 for c in cards)
    plan_missing = call.third_party_from is None and not (plan.reached and not critical)
    clean = not violations and not weak and not plan_missing
    violations.sort(key=lambda v: (v["turn"] is not None, v["turn"] or 0, v["criterion"]))

    plan_json = _plan_json(plan, plan.reached and not critical)
    if critical and plan.reached:
        plan_json["note"] = "还款约定是在严重违规之后达成的，不算成功。"
    if outcome is not None:
        agrees, note = cross_check(plan, outcome)
        plan_json["simulator_agrees"] = agrees
        if note:
            plan_json["note"] = "；".join(filter(None, [plan_json.get("note"), note]))
    return {
        "overall": overall,
        "passed": passed,
        "band": _band(overall, critical, clean, rubric),
        "rubric": {"id": rubric.id, "version": rubric.version},
        "dimensions": dimensions,
        "violations": violations,
        "criteria": cards,
        "plan": plan_json,
    }


def _card(
    c: Criterion,
    passed: bool,
    points: float,
    max_points: int,
    evidence,
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
        "evidence": [{"turn": turn, "quote": quote} for turn, quote in evidence],
        "advice": advice,
    }


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 1)
