"""Scoring stored calls: the bridge between the call database and the scorer.

A finished simulator call is scored with its outcome (plan and trace) so the scorer can
cross-check its own plan detection; every score is stored with the rubric's id and version,
and rescoring adds a row instead of overwriting. With ``CALLSIM_JUDGE=1`` and an LLM
configured, the LLM judge's view of the quality criteria is stored beside the rules' result.
"""

from __future__ import annotations

import os
from typing import Any

from scoring import default_rubric, load_rubric, score, score_with_judge
from scoring.rubric import LoadedRubric
from simulator.storage import Store, StoreError

__all__ = ["score_session", "rescore_all", "judge_enabled"]

# A finished call waits for its scorecard: the judge gets less time than on the command line.
JUDGE_BUDGET_S = 20.0


def judge_enabled() -> bool:
    """True when ``CALLSIM_JUDGE`` asks for the LLM judge on finished calls."""
    return os.environ.get("CALLSIM_JUDGE", "").strip().lower() in ("1", "on", "true")


def _rubric(rubric: str | None) -> LoadedRubric:
    return load_rubric(rubric) if rubric else default_rubric()


def _scorer(store: Store):
    if not judge_enabled():
        return score
    from scoring.judge import llm_judge
    from simulator.llm.settings import LLMSettings

    judge_fn = llm_judge(
        LLMSettings.from_env(), cache_dir=store.data_dir / "judge_cache", budget_s=JUDGE_BUDGET_S
    )
    return lambda transcript, rubric, outcome: score_with_judge(
        transcript, rubric, outcome, judge_fn=judge_fn
    )


def score_session(store: Store, session_id: str, rubric: str | None = None) -> dict[str, Any]:
    """Score one stored call and store the scorecard; returns it.

    Raises:
        StoreError: the call is not stored whole (a turn missing, not ended): not scored.

    """
    gaps = store.gaps(session_id)
    if gaps:
        raise StoreError(f"call {session_id} is not stored whole ({'; '.join(gaps)}): not scored")
    scorecard = _scorer(store)(
        store.transcript(session_id), _rubric(rubric), store.outcome(session_id)
    )
    store.add_score(session_id, scorecard)
    return scorecard


def rescore_all(store: Store, rubric: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    """Rescore every ended call; earlier scores are kept."""
    loaded, scorer = _rubric(rubric), _scorer(store)
    done = []
    for row in store.sessions(limit=1_000_000):
        if not row["ended_by"] or store.gaps(row["id"]):
            continue
        sid = row["id"]
        scorecard = scorer(store.transcript(sid), loaded, store.outcome(sid))
        store.add_score(sid, scorecard)
        done.append((sid, scorecard))
    return done
