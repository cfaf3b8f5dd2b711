"""The LLM judge beside the rules' scorecard: shown next to it, never changing it.

:func:`score_with_judge` runs the rules' scorer, asks the judge, and :func:`attach_judge` adds
the judge's result per ``quality`` criterion plus a top-level ``judge`` entry. Violations,
``passed``, the plan and the dimension scores stay the rules' — they are the official score.
Every item is checked again here against the rules' card, so a ``judge_fn`` other than
:func:`scoring.judge.judge` is held to the same limits.
"""

from __future__ import annotations

import json
from typing import Any

from scoring.judge import JudgeFn
from scoring.rubric import Applies, Kind, LoadedRubric

__all__ = ["attach_judge", "recompute", "score_with_judge"]


def _quoted(ev: Any, turns: list[str] | None) -> bool:
    """An evidence entry names a turn and quotes it (checked when the turns are known)."""
    if not isinstance(ev, dict) or not isinstance(ev.get("quote"), str):
        return False
    turn, quote = ev.get("turn"), "".join(ev["quote"].split())
    if isinstance(turn, bool) or not isinstance(turn, int) or not quote:
        return False
    return turns is None or (0 <= turn < len(turns) and quote in turns[turn])


def _valid_item(item: Any, card: dict[str, Any], turns: list[str] | None) -> bool:
    """Re-check an item against the rules' card: any judge_fn is held to the same limits."""
    if not isinstance(item, dict) or not isinstance(item.get("passed"), bool):
        return False
    points, evidence = item.get("points"), item.get("evidence")
    if isinstance(points, bool) or not isinstance(points, int | float):
        return False
    if not 0 <= points <= card["max_points"] or not isinstance(evidence, list) or not evidence:
        return False
    return all(_quoted(ev, turns) for ev in evidence)


def attach_judge(
    card: dict[str, Any],
    verdict: Any,
    rubric: LoadedRubric,
    transcript: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A copy of the rules' scorecard with the judge's result beside each quality criterion.

    Only ``criteria[i]["judge"]`` (quality criteria) and a top-level ``"judge"`` are added:
    violations, ``passed``, the plan and the dimension scores stay the rules'. ``judge.adjusted``
    is what the empathy dimension, the total and the band would be with the judge's empathy
    points — shown for comparison only. With ``transcript``, every quote must occur in the turn
    it names (spacing ignored), or the item is refused.
    """
    turns = None
    if transcript is not None:
        turns = ["".join(str(t.get("text", "")).split()) for t in transcript["turns"]]
    card = json.loads(json.dumps(card))  # a deep copy; the rules' card is left as it was
    verdict = verdict if isinstance(verdict, dict) else {"error": "judge returned no result"}
    error = verdict.get("error")
    error = str(error)[:200] if error else None
    if not error and (verdict.get("rubric") or {}).get("version", rubric.version) != rubric.version:
        error = "judge result is for another rubric version"
    quality = {c["id"]: c for c in card["criteria"] if c["kind"] == Kind.quality.value}
    items: dict[str, dict[str, Any]] = {}
    for item in [] if error else verdict.get("criteria") or []:
        cid = item.get("id") if isinstance(item, dict) else None
        if cid in quality and cid not in items and _valid_item(item, quality[cid], turns):
            items[cid] = item
    dropped = {
        str(d.get("id")): str(d.get("why"))
        for d in verdict.get("dropped") or []
        if isinstance(d, dict)
    }
    for cid, c in quality.items():
        item = items.get(cid)
        if item is not None:
            c["judge"] = {
                "passed": item["passed"],
                "points": item["points"],
                "max_points": c["max_points"],
                "evidence": [{"turn": e["turn"], "quote": e["quote"]} for e in item["evidence"]],
                "reason": str(item.get("reason", ""))[:300],
            }
        else:
            why = error or (f"answer item dropped: {dropped[cid]}" if cid in dropped else None)
            c["judge"] = {"error": why or "not rated by the judge"}
    empathy = {
        cid: i["points"] for cid, i in items.items() if quality[cid]["dimension"] == "empathy"
    }
    card["judge"] = {
        "model": verdict.get("model"),
        "cached": bool(verdict.get("cached")),
        "error": error,
        "dropped": [{"id": k, "why": v} for k, v in dropped.items()],
        "adjusted": recompute(card, rubric, empathy) if empathy else None,
    }
    return card


def recompute(
    card: dict[str, Any], rubric: LoadedRubric, points: dict[str, float]
) -> dict[str, Any]:
    """The scorer's totals again from a card, with some criteria's points replaced.

    Violations, critical failure and the plan are the card's; with ``points`` empty this gives
    back the card's own dimension scores, total, pass and band.
    """
    from scoring.scorer import dimension_entry  # the scorer imports nothing from here

    model = rubric.model
    dims = ("compliance", "empathy", "outcome")
    earned, maximum, penalty = (dict.fromkeys(dims, 0.0) for _ in range(3))
    ids: dict[str, list[str]] = {d: [] for d in dims}
    weak = False
    for c in card["criteria"]:
        dim = c["dimension"]
        ids[dim].append(c["id"])
        if c["kind"] == Kind.prohibited.value:
            penalty[dim] -= c["points"]
            continue
        got = points.get(c["id"], c["points"])
        earned[dim] += got
        maximum[dim] += c["max_points"]
        weak |= c["kind"] == Kind.quality.value and got < c["max_points"] / 2
    critical = any(v["severity"] == "critical" for v in card["violations"])
    entries = {
        d: dimension_entry(d, earned[d], maximum[d], penalty[d], ids[d], critical) for d in dims
    }
    scores = {d: entries[d]["score"] for d in dims}
    w = model.weights
    weights = {"compliance": w.compliance, "empathy": w.empathy, "outcome": w.outcome}
    overall = round(sum(scores[d] * weights[d] for d in dims) / sum(weights.values()))
    shown = {c["id"] for c in card["criteria"]}
    third_party = any(
        c.id in shown for c in model.criteria if c.detect.applies == Applies.third_party
    )
    clean = not card["violations"] and not weak and (third_party or card["plan"]["success"])
    bands = model.bands
    if critical or overall < bands.medium:
        band = "low"
    elif overall >= bands.high and (clean or not bands.high_needs_clean_call):
        band = "high"
    else:
        band = "medium"
    return {
        "dimensions": entries,
        "overall": overall,
        "passed": overall >= model.pass_mark and not critical,
        "band": band,
    }


def score_with_judge(
    transcript: dict[str, Any],
    rubric: LoadedRubric,
    outcome: dict[str, Any] | None = None,
    *,
    judge_fn: JudgeFn,
) -> dict[str, Any]:
    """The rules' scorecard with the judge's result beside it (see :func:`attach_judge`).

    The rules run first; whatever the judge does — fail, time out, raise, answer nonsense — the
    rules' scorecard comes back, with ``judge.error`` saying what went wrong.

    Raises:
        TranscriptError: the transcript is malformed (before the judge is asked).

    """
    from scoring.scorer import score

    card = score(transcript, rubric, outcome)
    try:
        verdict = judge_fn(transcript, rubric)
    except Exception as exc:  # the judge is optional: the rules' result must survive it
        verdict = {"error": f"judge unavailable: {type(exc).__name__}: {exc}"}
    return attach_judge(card, verdict, rubric, transcript)
