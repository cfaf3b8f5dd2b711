"""SQLite storage for calls, turns and scores, through sqlite-utils.

Every turn is written and committed the moment it exists, so a process killed mid-call loses at
most the turn in flight. The database runs in WAL mode and one connection is shared by Gradio's
worker threads behind a lock (sqlite-utils' ``Database`` is not thread-safe by itself).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

__all__ = ["Store", "default_data_dir", "StoreError"]

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


class StoreError(Exception):
    """A stored call could not be found or read."""


def default_data_dir() -> Path:
    """``CALLSIM_DATA_DIR`` or ``./data``."""
    return Path(os.environ.get("CALLSIM_DATA_DIR") or "data")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Store:
    """The call database: ``<data_dir>/callsim.db``."""

    def __init__(self, data_dir: str | Path | None = None):
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.data_dir / "callsim.db"
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        # WAL + NORMAL survives a killed process (only a power cut can lose the last commit).
        conn.execute("PRAGMA synchronous=NORMAL")
        self.db = Database(conn)
        self._lock = threading.RLock()
        with self._lock:
            migrations.apply(self.db)

    @contextmanager
    def _write(self) -> Iterator[Database]:
        with self._lock, self.db.atomic():
            yield self.db

    def close(self) -> None:
        """Close the connection."""
        self.db.conn.close()

    # --- sessions -----------------------------------------------------------------------------

    def new_session(
        self,
        *,
        persona: str,
        persona_version: str,
        started_at: str,
        seed: int,
        user: str = "local",
        engine: str = "scripted",
        coach: bool = False,
        meta: dict[str, Any] | None = None,
    ) -> str:
        """Create a call and return its id."""
        session_id = uuid.uuid4().hex[:12]
        with self._write() as db:
            db["sessions"].insert(
                {
                    "id": session_id,
                    "persona": persona,
                    "persona_version": persona_version,
                    "user": user,
                    "seed": seed,
                    "started_at": started_at,
                    "engine": engine,
                    "coach": int(coach),
                    "meta": json.dumps(meta or {}, ensure_ascii=False),
                }
            )
        return session_id

    def add_turn(
        self,
        session_id: str,
        idx: int,
        speaker: str,
        text: str,
        *,
        state: dict[str, int] | None = None,
        acts: list[str] | None = None,
        move: str | None = None,
        engine: str | None = None,
        audio: str | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        """Write one turn and commit it at once."""
        state = state or {}
        with self._write() as db:
            db["turns"].insert(
                {
                    "session_id": session_id,
                    "idx": idx,
                    "speaker": speaker,
                    "text": text,
                    "created_at": _now(),
                    "anger": state.get("anger"),
                    "trust": state.get("trust"),
                    "patience": state.get("patience"),
                    "acts": json.dumps(acts or [], ensure_ascii=False),
                    "move": move,
                    "engine": engine,
                    "audio": audio,
                    "meta": json.dumps(meta or {}, ensure_ascii=False),
                }
            )

    def set_turn_audio(self, session_id: str, idx: int, audio: str) -> None:
        """Record where a turn's audio was stored (relative to the data dir)."""
        with self._write() as db:
            db["turns"].update((session_id, idx), {"audio": audio})

    def end_session(self, session_id: str, ended_by: str, plan: dict | None) -> None:
        """Mark a call as ended, with the plan reached if any."""
        with self._write() as db:
            db["sessions"].update(
                session_id,
                {
                    "ended_at": _now(),
                    "ended_by": ended_by,
                    "plan": json.dumps(plan, ensure_ascii=False) if plan else None,
                },
            )

    def session(self, session_id: str) -> dict[str, Any]:
        """One call's row with its turns (``turns``) decoded.

        Raises:
            StoreError: no call has that id.

        """
        with self._lock:
            rows = list(self.db.query("select * from sessions where id = ?", [session_id]))
            if not rows:
                raise StoreError(f"no call with id {session_id!r} in {self.path}")
            row = _decode_session(rows[0])
            row["turns"] = [
                _decode_turn(t)
                for t in self.db.query(
                    "select * from turns where session_id = ? order by idx", [session_id]
                )
            ]
        return row

    def sessions(self, user: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Calls, newest first, with their turn count and latest score."""
        sql = """
            select s.*, (select count(*) from turns t where t.session_id = s.id) as n_turns,
              (select overall from scores c where c.session_id = s.id order by c.id desc limit 1)
                as overall,
              (select passed from scores c where c.session_id = s.id order by c.id desc limit 1)
                as passed
            from sessions s {where} order by s.started_at desc, s.rowid desc limit ?
        """
        params: list[Any] = []
        where = ""
        if user is not None:
            where = "where s.user = ?"
            params.append(user)
        params.append(limit)
        with self._lock:
            return [_decode_session(r) for r in self.db.query(sql.format(where=where), params)]

    def transcript(self, session_id: str) -> dict[str, Any]:
        """The transcript JSON of DESIGN.md for one call."""
        row = self.session(session_id)
        return {
            "persona": row["persona"],
            "started_at": row["started_at"],
            "turns": [{"speaker": t["speaker"], "text": t["text"]} for t in row["turns"]],
        }

    def outcome(self, session_id: str) -> dict[str, Any]:
        """What the simulator knows about a call, for cross-checking the scorer."""
        row = self.session(session_id)
        return {
            "ended_by": row["ended_by"],
            "plan": row["plan"],
            "persona_archetype": row["meta"].get("archetype"),
            "trace": [
                {
                    "turn": t["idx"],
                    "anger": t["anger"],
                    "trust": t["trust"],
                    "patience": t["patience"],
                    "acts": t["acts"],
                }
                for t in row["turns"]
                if t["speaker"] == "customer"
            ],
        }

    # --- scores -------------------------------------------------------------------------------

    def add_score(self, session_id: str, scorecard: dict[str, Any]) -> int:
        """Store a scorecard; earlier ones for the same call are kept."""
        with self._write() as db:
            table = db["scores"]
            table.insert(
                {
                    "session_id": session_id,
                    "rubric_id": scorecard["rubric"]["id"],
                    "rubric_version": scorecard["rubric"]["version"],
                    "overall": scorecard["overall"],
                    "passed": int(bool(scorecard["passed"])),
                    "scorecard": json.dumps(scorecard, ensure_ascii=False),
                    "created_at": _now(),
                }
            )
            return table.last_pk

    def scores(self, session_id: str) -> list[dict[str, Any]]:
        """Every scorecard stored for a call, oldest first."""
        with self._lock:
            rows = list(
                self.db.query("select * from scores where session_id = ? order by id", [session_id])
            )
        for row in rows:
            row["scorecard"] = json.loads(row["scorecard"])
        return rows


def _decode_session(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    row["plan"] = json.loads(row["plan"]) if row.get("plan") else None
    row["meta"] = json.loads(row["meta"]) if row.get("meta") else {}
    return row


def _decode_turn(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    row["acts"] = json.loads(row["acts"]) if row.get("acts") else []
    row["meta"] = json.loads(row["meta"]) if row.get("meta") else {}
    return row
