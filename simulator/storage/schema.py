"""The call schema: calls, their turns and their scores, as registered sqlite-utils migrations.

Other parts of the app keep their own migration sets in the same file (accounts, reviews); each
set is applied through :meth:`simulator.storage.Store.migrate`, which two processes may run at
once.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

__all__ = ["migrations"]

migrations = Migrations("callsim")


@migrations()
def m001_sessions_turns(db: Database) -> None:
    """Create calls and their turns."""
    db["sessions"].create(
        {
            "id": str,
            "persona": str,
            "persona_version": str,
            "user": str,
            "seed": int,
            "started_at": str,
            "ended_at": str,
            "ended_by": str,
            "plan": str,
            "engine": str,
            "coach": int,
            "meta": str,
        },
        pk="id",
        not_null={"persona", "started_at"},
    )
    db["turns"].create(
        {
            "session_id": str,
            "idx": int,
            "speaker": str,
            "text": str,
            "created_at": str,
            "anger": int,
            "trust": int,
            "patience": int,
            "acts": str,
            "move": str,
            "engine": str,
            "audio": str,
            "meta": str,
        },
        pk=("session_id", "idx"),
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["sessions"].create_index(["user", "started_at"])


@migrations()
def m002_scores(db: Database) -> None:
    """Scores are kept, never overwritten: a rescore adds a row."""
    db["scores"].create(
        {
            "id": int,
            "session_id": str,
            "rubric_id": str,
            "rubric_version": str,
            "overall": int,
            "passed": int,
            "scorecard": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["scores"].create_index(["session_id", "id"])
