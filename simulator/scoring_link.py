"""Scoring stored calls: the bridge between the call database and the scorer.

A finished simulator call is scored with its outcome (plan and trace) so the scorer can
cross-check its own plan detection; every score is stored with the rubric's id and version,
and rescoring adds a row instead of overwriting.
"""

from __future__ import annotations

from typing import Any

from scoring import default_rubric, load_rubric, score
from simulator.storage import Store

__all__ = ["score_session", "rescore_all"]


def _rubric(rubric: str | None):
    return load_rubric(rubric) if rubric else default_rubric()


def score_session(store: Store, session_id: str, rubric: str | None = None) -> dict[str, Any]:
    """Score one stored call and store the scorecard; returns it."""
    loaded = _rubric(rubric)
    scorecard = score(store.transcript(session_id), loaded, store.outcome(session_id))
    store.add_score(session_id, scorecard)
    return scorecard


def rescore_all(store: Store, rubric: str | None = None) -> list[tuple[str, dict[str, Any]]]:
    """Rescore every ended call; earlier scores are kept."""
    loaded = _rubric(rubric)
    done = []
    for row in store.sessions(limit=1_000_000):
        if not row["ended_by"]:
            continue
        sid = row["id"]
        scorecard = score(store.transcript(sid), loaded, store.outcome(sid))
        store.add_score(sid, scorecard)
        done.append((sid, scorecard))
    return done
