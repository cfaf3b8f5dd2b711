"""Calls left open end as 未完成 (``abandoned``) and are scored as such.

A call stays open in the database until someone ends it. When the trainee closes the tab, or
says nothing for ``CALLSIM_IDLE_MINUTES`` (30 by default), nobody will: the :class:`Sweeper`
closes it, stores the end, and scores what was said (a call in which the trainee never spoke is
closed unscored, as on the page). It runs when the app starts, every minute on a background
thread, and when a trainee's practice page loads; a closed tab is noticed through gradio's
``unload`` event and closed after a short grace period, in case the browser only lost its
connection for a moment.

A page that still holds a swept call finds out at its next action (:func:`stored_ending`) and
shows the result instead of taking the turn.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from simulator.storage import Store, StoreError

__all__ = [
    "ABANDONED",
    "GRACE_S",
    "caught_up",
    "IdleError",
    "Sweeper",
    "close_call",
    "idle_minutes",
    "open_calls",
    "stored_ending",
]

log = logging.getLogger(__name__)

ABANDONED = "abandoned"
DEFAULT_IDLE_MINUTES = 30.0
GRACE_S = 60.0
"""How long a call waits after its tab went away before it is closed (a reconnect keeps it)."""
INTERVAL_S = 60.0
"""How often the background thread looks for idle calls."""


class IdleError(ValueError):
    """``CALLSIM_IDLE_MINUTES`` is not a positive number."""


def idle_minutes() -> float:
    """``CALLSIM_IDLE_MINUTES``: minutes without a turn before an open call is closed.

    Raises:
        IdleError: not a positive number.

    """
    raw = (os.environ.get("CALLSIM_IDLE_MINUTES") or "").strip()
    if not raw:
        return DEFAULT_IDLE_MINUTES
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise IdleError(f"CALLSIM_IDLE_MINUTES={raw!r} is not a positive number of minutes")
    return value


def _now() -> datetime:
    return datetime.now(UTC)


def _when(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@dataclass(frozen=True)
class OpenCall:
    """A call with no end stored."""

    id: str
    user: str | None
    last: datetime | None
    """When its latest turn was stored (None: no turn yet)."""
    agent_turns: int


_OPEN_SQL = """
    select s.id, s.user, max(t.created_at) as last,
      coalesce(sum(t.speaker = 'agent'), 0) as agent_turns
    from sessions s left join turns t on t.session_id = s.id
    where s.ended_by is null {and_user}
    group by s.id
"""


def open_calls(store: Store, user: str | None = None) -> list[OpenCall]:
    """Calls with no end stored (one trainee's, or everyone's)."""
    and_user, params = ("and s.user = ?", [user]) if user is not None else ("", [])
    with store.read() as db:
        rows = list(db.query(_OPEN_SQL.format(and_user=and_user), params))
    return [OpenCall(r["id"], r["user"], _when(r["last"]), int(r["agent_turns"])) for r in rows]


def stored_ending(store: Store, session_id: str) -> str | None:
    """How the stored call ended (``abandoned`` once swept), None while it is open."""
    with store.read() as db:
        rows = list(db.query("select ended_by from sessions where id = ?", [session_id]))
    return rows[0]["ended_by"] if rows else None


def caught_up(store: Store, call: Any) -> bool:
    """True when a page's open ``Call`` was closed meanwhile by a sweep (idle, or tab gone).

    The in-memory call is then marked ended too, so nothing more is said into it and its end
    is never stored over the sweeper's.
    """
    if call is None or call.ended or not call.session_id:
        return False
    try:
        ended = stored_ending(store, call.session_id)
    except StoreError:
        return False
    if ended is None:
        return False
    call.ended_by = ended
    return True


def close_call(store: Store, session_id: str, rubric: str | None = None) -> bool:
    """End an open call as ``abandoned`` and score it when the trainee said something.

    Returns False when the call had already ended (by anyone): nothing is changed.
    """
    stamp = _now().isoformat(timespec="milliseconds")
    with store.write() as db:
        cursor = db.execute(
            "update sessions set ended_by = ?, ended_at = ? where id = ? and ended_by is null",
            [ABANDONED, stamp, session_id],
        )
        closed = cursor.rowcount == 1
    if not closed:
        return False
    call = next((c for c in open_calls_including(store, session_id)), None)
    if call is not None and call.agent_turns:
        try:
            from simulator.scoring_link import score_session

            score_session(store, session_id, rubric)
        except StoreError as exc:  # a turn is missing: such a call is never scored
            log.warning("abandoned call %s not scored: %s", session_id, exc)
        except Exception:  # the scorer itself failed: a real fault
            log.exception("scoring abandoned call %s failed", session_id)
    log.info("call %s closed as abandoned", session_id)
    return True


def open_calls_including(store: Store, session_id: str) -> list[OpenCall]:
    """One call's activity whatever its state (for :func:`close_call`)."""
    sql = _OPEN_SQL.replace("where s.ended_by is null {and_user}", "where s.id = ?")
    with store.read() as db:
        rows = list(db.query(sql, [session_id]))
    return [OpenCall(r["id"], r["user"], _when(r["last"]), int(r["agent_turns"])) for r in rows]


class Sweeper:
    """Closes the calls nobody will end: idle ones, and those whose tab went away.

    Args:
        store: the call database.
        rubric: the rubric finished calls are scored with (None: the default).
        idle: minutes without a turn before a call is closed (``CALLSIM_IDLE_MINUTES``).

    """

    def __init__(self, store: Store, rubric: str | None = None, idle: float | None = None):
        self.store = store
        self.rubric = rubric
        self.idle = timedelta(minutes=idle if idle is not None else idle_minutes())
        self._empty_since: dict[str, datetime] = {}
        self._tabs: dict[str, str] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._timers: set[threading.Timer] = set()

    @classmethod
    def for_services(cls, services: Any) -> Sweeper:
        """A sweeper over the app's database and scoring rubric."""
        return cls(services.store, getattr(services, "rubric", None))

    def sweep(self, user: str | None = None, now: datetime | None = None) -> list[str]:
        """Close every open call (of ``user``, or everyone's) idle for too long; their ids."""
        now = now or _now()
        closed = []
        for call in open_calls(self.store, user):
            last = call.last
            if last is None:  # no turn stored yet (being dialled, or dialling failed)
                with self._lock:
                    last = self._empty_since.setdefault(call.id, now)
            if now - last >= self.idle and close_call(self.store, call.id, self.rubric):
                closed.append(call.id)
        with self._lock:
            for sid in closed:
                self._empty_since.pop(sid, None)
        return closed

    def track(self, tab: str | None, session_id: str | None) -> None:
        """Note the call a browser tab (gradio's ``session_hash``) has open."""
        if tab and session_id:
            with self._lock:
                self._tabs[tab] = session_id

    def tab_closed(self, tab: str | None, grace_s: float | None = None) -> None:
        """The tab went away: close its call after ``grace_s`` unless a turn arrives meanwhile."""
        with self._lock:
            session_id = self._tabs.pop(tab or "", None)
        if session_id is None:
            return
        left = _now()
        timer = threading.Timer(
            GRACE_S if grace_s is None else grace_s, self._close_if_quiet, (session_id, left)
        )
        timer.daemon = True
        with self._lock:
            if self._stop.is_set():
                return
            self._timers.add(timer)
        timer.start()

    def _close_if_quiet(self, session_id: str, left: datetime) -> None:
        with self._lock:
            self._timers.discard(threading.current_thread())  # this timer, now running
        try:
            [call] = open_calls_including(self.store, session_id) or [None]
            if call is None or stored_ending(self.store, session_id):
                return
            if call.last is None or call.last <= left:
                close_call(self.store, session_id, self.rubric)
        except sqlite3.ProgrammingError:  # the database closed first (shutdown): the call
            # stays open and the next start's sweep closes it once idle
            log.info("call %s left open: the database closed before its tab's grace", session_id)
        except Exception:  # a real fault
            log.exception("closing call %s after its tab closed failed", session_id)

    def start(self, interval_s: float = INTERVAL_S) -> threading.Thread:
        """Sweep now, then every ``interval_s`` on a daemon thread until :meth:`stop`."""

        def run() -> None:
            while True:
                try:
                    closed = self.sweep()
                    if closed:
                        log.info("closed %d idle call(s) as abandoned", len(closed))
                except Exception:  # a fault in one sweep: the next one tries again
                    log.exception("sweeping idle calls failed")
                if self._stop.wait(interval_s):
                    return

        thread = threading.Thread(target=run, name="callsim-sweeper", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """End the background thread after its current sweep; drop the tab closings pending."""
        self._stop.set()
        with self._lock:
            timers, self._timers = self._timers, set()
        for timer in timers:
            timer.cancel()
