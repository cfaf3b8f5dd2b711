"""SQLite storage for calls, turns and scores, through sqlite-utils.

Every turn is written and committed the moment it exists, so a process killed mid-call loses at
most the turn in flight. The app process owns the file; SQLite is set up the way its docs advise
for a server (https://www.sqlite.org/wal.html, https://www.sqlite.org/lang_transaction.html):

- WAL journal, ``synchronous=NORMAL`` (a killed process loses nothing committed; only a power
  cut can lose the last commit), ``busy_timeout`` so that a second process waits for the lock;
- every write transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock up front, so a
  second writer (the CLI beside a live app) waits out ``busy_timeout`` instead of failing with
  "database is locked" when its deferred read lock cannot be upgraded;
- migrations run inside one immediate transaction, so two processes can start at once;
- one connection per process, shared by gradio's worker threads behind a lock (sqlite-utils'
  ``Database`` is not thread-safe). Nothing else in the app opens the database file: closing any
  other descriptor of it would drop this process's POSIX locks (see "How To Corrupt An SQLite
  Database File", section 2.2), and the web server never serves the data folder.

A failed write raises :class:`StoreWriteError`, whose ``message`` says in Chinese what happened
(disk full, read-only folder, busy) so that a page can pause the call instead of showing a turn
that was never stored.
"""

from __future__ import annotations

import errno
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

from simulator.storage.schema import migrations

__all__ = ["BUSY_TIMEOUT_MS", "Store", "StoreError", "StoreWriteError", "default_data_dir"]

BUSY_TIMEOUT_MS = 15_000
"""How long a writer waits for another process's write lock before giving up (ms). A CLI
rescore of many calls holds the lock per call, well under this."""

DB_NAME = "callsim.db"


class StoreError(Exception):
    """A stored call could not be found or read, or the database could not be opened."""


class StoreWriteError(StoreError):
    """A write did not reach the database; nothing of it was stored.

    Attributes:
        message: a short Chinese sentence naming the cause and what to do; a page adds what
            it means there (the call pauses).
        reason: the database's own words, for the log.

    """

    def __init__(self, message: str, reason: str):
        super().__init__(f"{message} ({reason})")
        self.message = message
        self.reason = reason

    @classmethod
    def from_sqlite(cls, exc: BaseException) -> StoreWriteError:
        """Name what went wrong in words a trainee can act on."""
        text = str(exc)
        lowered = text.lower()
        if "full" in lowered or getattr(exc, "errno", None) == errno.ENOSPC:
            message = "保存失败：磁盘已满。请联系管理员腾出空间。"
        elif "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
            message = "保存失败：数据目录只读。请联系管理员检查数据目录的权限。"
        elif "locked" in lowered or "busy" in lowered:
            message = "保存失败：数据库正忙（另一个程序正在写入）。请稍后再试一次。"
        else:
            message = "保存失败：数据库写入出错。请稍后再试或联系管理员。"
        return cls(message, text)


def default_data_dir() -> Path:
    """``CALLSIM_DATA_DIR`` or ``./data``."""
    return Path(os.environ.get("CALLSIM_DATA_DIR") or "data")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Store:
    """The call database: ``<data_dir>/callsim.db``.

    Raises:
        StoreError: the folder cannot be created or the database cannot be opened or migrated
            (a read-only folder, a file that is not a database), with the path in the message.

    """

    def __init__(self, data_dir: str | Path | None = None):
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.path = self.data_dir / DB_NAME
        self._lock = threading.RLock()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the database {self.path}: {exc}") from None
        try:
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            self.db = Database(conn)
            self.migrate(migrations)
        except sqlite3.Error as exc:
            conn.close()
            hint = ""
            if "readonly" in str(exc).lower() or not os.access(self.data_dir, os.W_OK):
                hint = " (the data folder is read-only: set CALLSIM_DATA_DIR to a writable folder)"
            raise StoreError(f"cannot open the database {self.path}: {exc}{hint}") from None

    @contextmanager
    def write(self) -> Iterator[Database]:
        """A write transaction that holds SQLite's write lock from its first statement.

        Raises:
            StoreWriteError: the transaction did not commit (disk full, read-only, busy);
                nothing of it is stored.

        """
        with self._lock:
            conn = self.db.conn
            if conn.in_transaction:  # nested: a savepoint inside the outer transaction
                with self.db.atomic():
                    yield self.db
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreWriteError.from_sqlite(exc) from exc
            try:
                yield self.db
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise StoreWriteError.from_sqlite(exc) from exc
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    _write = write  # the name the other stores of this package used first

    @contextmanager
    def read(self) -> Iterator[Database]:
        """The database for reading, with the other threads of this process kept out."""
        with self._lock:
            yield self.db

    def migrate(self, migration_set: Migrations) -> None:
        """Apply a migration set's pending migrations; safe when several processes start at once.

        The whole set runs in one ``BEGIN IMMEDIATE`` transaction: a second process waits for
        the first to finish, then finds nothing pending.
        """
        with self.write() as db:
            migration_set.apply(db)

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

    def gaps(self, session_id: str) -> list[str]:
        """What makes a stored call incomplete (empty: every turn 0..n-1 is there and it ended).

        A call with a gap is never scored: a scorecard over missing turns would judge words
        that are not in the record.
        """
        row = self.session(session_id)
        problems = []
        idxs = [t["idx"] for t in row["turns"]]
        missing = sorted(set(range(max(idxs, default=-1) + 1)) - set(idxs))
        if missing:
            problems.append(f"turns {missing} are missing")
        if not row.get("ended_by"):
            problems.append("the call has not ended")
        return problems

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
