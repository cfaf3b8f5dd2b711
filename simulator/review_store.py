"""Managers' comments and score overrides, kept as an audit log beside the computed scores.

An override never touches the ``scores`` table: it is a new row here saying who changed the score,
when, why, and what it was before and after. The score a page shows is the latest override if any,
else the latest computed score; both stay visible.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from simulator.storage import Store, StoreError

__all__ = ["ReviewStore", "ReviewError"]

migrations = Migrations("callsim_review")


@migrations()
def m001_reviews(db: Database) -> None:
    """Create the audit log of comments and overrides."""
    db["reviews"].create(
        {
            "id": int,
            "session_id": str,
            "kind": str,  # "comment" | "override"
            "author": str,
            "created_at": str,
            "comment": str,
            "reason": str,
            "before_overall": int,
            "before_passed": int,
            "after_overall": int,
            "after_passed": int,
        },
        pk="id",
        not_null={"session_id", "kind", "author", "created_at"},
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["reviews"].create_index(["session_id", "id"])


class ReviewError(ValueError):
    """A comment or override that cannot be recorded (empty reason, score out of range)."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ReviewStore:
    """Comments and overrides in the call database.

    Args:
        store: the call database; its connection and lock are shared.

    """

    def __init__(self, store: Store):
        self.store = store
        store.migrate(migrations)

    def _exists(self, session_id: str) -> None:
        with self.store._lock:
            if not list(self.store.db.query("select 1 from sessions where id = ?", [session_id])):
                raise StoreError(f"no call with id {session_id!r} in {self.store.path}")

    def computed(self, session_id: str) -> dict[str, Any] | None:
        """The latest computed score row (``overall``, ``passed``, ``scorecard``), or None."""
        rows = self.store.scores(session_id)
        return rows[-1] if rows else None

    def effective(self, session_id: str) -> dict[str, Any]:
        """The score to show: ``overall``, ``passed``, ``overridden`` and the computed values."""
        computed = self.computed(session_id)
        result = {
            "computed_overall": computed["overall"] if computed else None,
            "computed_passed": bool(computed["passed"]) if computed else None,
            "overridden": False,
            "override": None,
        }
        result["overall"], result["passed"] = result["computed_overall"], result["computed_passed"]
        overrides = [r for r in self.history(session_id) if r["kind"] == "override"]
        if overrides:
            last = overrides[-1]
            result.update(
                overall=last["after_overall"],
                passed=bool(last["after_passed"]),
                overridden=True,
                override=last,
            )
        return result

    def latest_overrides(self) -> dict[str, dict[str, Any]]:
        """The latest override of every call that has one, by call id."""
        sql = """
            select r.* from reviews r
            where r.kind = 'override'
              and r.id = (select max(id) from reviews x
                          where x.session_id = r.session_id and x.kind = 'override')
        """
        with self.store._lock:
            return {r["session_id"]: dict(r) for r in self.store.db.query(sql)}

    def history(self, session_id: str) -> list[dict[str, Any]]:
        """Every comment and override of a call, oldest first."""
        with self.store._lock:
            return [
                dict(r)
                for r in self.store.db.query(
                    "select * from reviews where session_id = ? order by id", [session_id]
                )
            ]

    def comment(self, session_id: str, author: str, text: str) -> dict[str, Any]:
        """Record a manager's comment on a call.

        Raises:
            ReviewError: the comment is empty.
            StoreError: no such call.

        """
        text = (text or "").strip()
        if not text:
            raise ReviewError("评语不能为空。")
        self._exists(session_id)
        return self._insert(
            {"session_id": session_id, "kind": "comment", "author": author, "comment": text}
        )

    def override(
        self, session_id: str, author: str, overall: int, passed: bool, reason: str
    ) -> dict[str, Any]:
        """Record a score override with its reason; the computed score is kept as it was.

        Raises:
            ReviewError: no reason, a score outside 0-100, or the call was never scored.
            StoreError: no such call.

        """
        reason = (reason or "").strip()
        if not reason:
            raise ReviewError("修改分数必须填写理由。")
        try:
            overall = int(overall)
        except (TypeError, ValueError):
            raise ReviewError("新分数必须是 0 到 100 的整数。") from None
        if not 0 <= overall <= 100:
            raise ReviewError("新分数必须是 0 到 100 的整数。")
        self._exists(session_id)
        before = self.effective(session_id)
        if before["computed_overall"] is None:
            raise ReviewError("这通电话还没有系统评分，无法修改。")
        return self._insert(
            {
                "session_id": session_id,
                "kind": "override",
                "author": author,
                "reason": reason,
                "before_overall": before["overall"],
                "before_passed": int(bool(before["passed"])),
                "after_overall": overall,
                "after_passed": int(bool(passed)),
            }
        )

    def _insert(self, row: dict[str, Any]) -> dict[str, Any]:
        row = {**row, "created_at": _now()}
        with self.store._write() as db:
            db["reviews"].insert(row)
            row["id"] = db["reviews"].last_pk
        return row
