"""The training programme: groups of trainees, assignments, and each trainee's progress on them.

A trainer assigns customers (personas) to trainees or to a group, with a due date and a pass mark.
Nothing is ticked off by hand: progress is read from the calls the trainee made and the scores
they got (a manager's override counts as the score), so an assignment can never disagree with
the call history.

A call counts for an assignment when it was made by the trainee on an assigned customer, on or
after the day the assignment was made, and it ended and was scored. It *passes* when its score
passed and reached the assignment's pass mark. A customer is done once one call on it passes and,
when the assignment asks for certification, once it is certified too: an assignment with
certification is never 已通过 (complete) before it is certified.

Certification, when the assignment asks for it (``cert_calls`` > 0), is ``cert_calls`` passed calls
on each assigned customer played with the assignment's ``cert_seed`` — a seed none of the assignees
had used when it was made, so the customer's variant is one they have not practised. It stays
unseen: the seed is never shown to a trainee, a certification call is started only from 我的任务
(:meth:`Training.certification_seed`, then :meth:`Training.record_certification`), only calls
started there count, and practice refuses the seed (:meth:`Training.check_practice_seed`).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from simulator import clock
from simulator.review_store import ReviewStore
from simulator.storage import Store

__all__ = [
    "Assignment",
    "PersonaProgress",
    "Progress",
    "RESERVED_SEED",
    "STATUSES",
    "Training",
    "TrainingError",
    "personas_of_difficulty",
]

migrations = Migrations("callsim_training")

NOT_STARTED, IN_PROGRESS, PASSED, FAILED = "未开始", "进行中", "已通过", "未通过"
STATUSES = (NOT_STARTED, IN_PROGRESS, PASSED, FAILED)
"""How an assignment (or one customer of it) stands, in the words a trainee reads."""


@migrations()
def m001_groups_assignments(db: Database) -> None:
    """Create groups, their members and assignments."""
    db["training_groups"].create({"name": str, "created_at": str}, pk="name")
    db["training_members"].create(
        {"group_name": str, "user": str},
        pk=("group_name", "user"),
        foreign_keys=[("group_name", "training_groups", "name")],
    )
    db["assignments"].create(
        {
            "id": int,
            "title": str,
            "created_by": str,
            "created_at": str,
            "personas": str,  # JSON list of persona ids
            "trainees": str,  # JSON list of user names
            "group_name": str,
            "due": str,  # YYYY-MM-DD, the deployment's calendar
            "pass_mark": int,
            "cert_calls": int,
            "cert_seed": int,
        },
        pk="id",
        not_null={"title", "created_by", "created_at", "personas", "due", "pass_mark"},
    )


@migrations()
def m002_certification_calls(db: Database) -> None:
    """Remember which calls were started as certification attempts."""
    db["certification_calls"].create(
        {"session_id": str, "assignment_id": int, "user": str, "persona": str, "created_at": str},
        pk="session_id",
        foreign_keys=[("assignment_id", "assignments", "id")],
    )


RESERVED_SEED = "这个随机种子留给认证考核，练习时不能使用；认证请到「我的任务」开始。"
"""Why practice refuses a certification seed (the seed itself is not repeated to the trainee)."""


class TrainingError(ValueError):
    """An assignment or group that cannot be saved; the message is Chinese, for the page."""


@dataclass(frozen=True)
class Assignment:
    """One stored assignment."""

    id: int
    title: str
    created_by: str
    created_at: str
    """ISO time with offset; calls before this day do not count."""
    personas: tuple[str, ...]
    trainees: tuple[str, ...]
    """Trainees named one by one (a group's members are added when progress is read)."""
    group_name: str | None
    due: str
    pass_mark: int
    cert_calls: int
    """Passed calls needed per customer on the certification seed; 0 = no certification."""
    cert_seed: int | None


@dataclass(frozen=True)
class PersonaProgress:
    """How one trainee stands on one assigned customer."""

    persona: str
    calls: int
    """Scored calls that count for the assignment."""
    passed: int
    best: int | None
    """Best score, None before any scored call."""
    cert_passed: int
    """Passed calls played with the certification seed."""


@dataclass(frozen=True)
class Progress:
    """One trainee's standing on one assignment."""

    assignment: Assignment
    user: str
    personas: tuple[PersonaProgress, ...] = field(default_factory=tuple)

    @property
    def practised(self) -> bool:
        """Every assigned customer has a passed call (certification aside)."""
        return all(p.passed for p in self.personas)

    @property
    def certified(self) -> bool:
        """Certification asked for and reached on every customer."""
        a = self.assignment
        return a.cert_calls > 0 and all(p.cert_passed >= a.cert_calls for p in self.personas)

    @property
    def done(self) -> bool:
        """Complete: every customer passed and, when certification is asked for, certified."""
        return self.practised and (self.assignment.cert_calls <= 0 or self.certified)

    def persona_done(self, pp: PersonaProgress) -> bool:
        """One customer passed and, when certification is asked for, certified."""
        cert = self.assignment.cert_calls
        return bool(pp.passed) and (cert <= 0 or pp.cert_passed >= cert)

    def overdue(self, today: date | None = None) -> bool:
        """Not done and the due day has passed."""
        today = today or clock.now().date()
        return not self.done and date.fromisoformat(self.assignment.due) < today

    @property
    def started(self) -> bool:
        """At least one scored call counts for the assignment."""
        return any(p.calls for p in self.personas)

    def status(self, today: date | None = None) -> str:
        """The assignment as a person reads it, one of ``STATUSES``.

        未开始 before any scored call, 进行中 while open, 已通过 once every customer is passed
        (and certified, when the assignment asks for it), 未通过 when the due day passed first.
        """
        if self.done:
            return PASSED
        if self.overdue(today):
            return FAILED
        return IN_PROGRESS if self.started else NOT_STARTED

    def persona_status(self, pp: PersonaProgress, today: date | None = None) -> str:
        """One customer of the assignment, in the same four words."""
        if self.persona_done(pp):
            return PASSED
        if date.fromisoformat(self.assignment.due) < (today or clock.now().date()):
            return FAILED
        return IN_PROGRESS if pp.calls else NOT_STARTED


def personas_of_difficulty(personas: dict[str, Any], level: int) -> list[str]:
    """The ids of the loaded personas of one difficulty (1-5), sorted."""
    return sorted(pid for pid, lp in personas.items() if lp.persona.difficulty == level)


def _row_to_assignment(row: dict[str, Any]) -> Assignment:
    return Assignment(
        id=row["id"],
        title=row["title"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        personas=tuple(json.loads(row["personas"])),
        trainees=tuple(json.loads(row["trainees"] or "[]")),
        group_name=row["group_name"],
        due=row["due"],
        pass_mark=row["pass_mark"],
        cert_calls=row["cert_calls"] or 0,
        cert_seed=row["cert_seed"],
    )


class Training:
    """Groups, assignments and progress in the call database.

    Args:
        store: the call database; its connection and lock are shared.

    """

    def __init__(self, store: Store):
        self.store = store
        self.reviews = ReviewStore(store)
        store.migrate(migrations)

    # --- groups -------------------------------------------------------------------------------

    def set_group(self, name: str, members: list[str]) -> None:
        """Create a group or replace its members.

        Raises:
            TrainingError: no name.

        """
        name = (name or "").strip()
        if not name:
            raise TrainingError("小组名称不能为空。")
        members = sorted({m.strip() for m in members if m and m.strip()})
        with self.store.write() as db:
            db["training_groups"].upsert(
                {"name": name, "created_at": clock.now().isoformat()}, pk="name"
            )
            db.execute("delete from training_members where group_name = ?", [name])
            db["training_members"].insert_all({"group_name": name, "user": m} for m in members)

    def groups(self) -> dict[str, list[str]]:
        """Group name → its members, sorted."""
        with self.store.read() as db:
            out: dict[str, list[str]] = {
                r["name"]: [] for r in db.query("select name from training_groups order by name")
            }
            for r in db.query("select * from training_members order by user"):
                out.setdefault(r["group_name"], []).append(r["user"])
        return out

    # --- assignments --------------------------------------------------------------------------

    def assign(
        self,
        *,
        title: str,
        created_by: str,
        personas: list[str],
        due: str,
        pass_mark: int,
        trainees: list[str] | None = None,
        group: str | None = None,
        cert_calls: int = 0,
        created_at: str | None = None,
    ) -> Assignment:
        """Save an assignment; with certification, pick a seed none of its trainees has used.

        Raises:
            TrainingError: no title, customer or trainee; a bad or past due date (before the day
                the assignment is made, in the deployment's calendar); a bad pass mark; an
                unknown group.

        """
        title = (title or "").strip()
        trainees = sorted({t.strip() for t in (trainees or []) if t and t.strip()})
        group = (group or "").strip() or None
        if not title:
            raise TrainingError("任务名称不能为空。")
        if not personas:
            raise TrainingError("请至少选择一位客户（或一个难度）。")
        try:
            due_day = date.fromisoformat(str(due).strip()[:10])
        except ValueError:
            raise TrainingError(
                f"截止日期「{due}」不是有效日期，请写成 2026-12-31 的格式。"
            ) from None
        made = clock.local(created_at) if created_at else clock.now()
        if due_day < made.date():
            raise TrainingError(
                f"截止日期 {due_day.isoformat()} 已经过去（今天是 {made.date().isoformat()}），"
                "请选择今天或以后的日期。"
            )
        try:
            pass_mark = int(pass_mark)
        except (TypeError, ValueError):
            raise TrainingError("及格分必须是 0 到 100 的整数。") from None
        if not 0 <= pass_mark <= 100:
            raise TrainingError("及格分必须是 0 到 100 的整数。")
        if group and group not in self.groups():
            raise TrainingError(f"没有名为「{group}」的小组。")
        if not trainees and not group:
            raise TrainingError("请选择学员或小组。")
        try:
            cert_calls = int(cert_calls or 0)
        except (TypeError, ValueError):
            raise TrainingError("认证所需通过次数必须是 0 或正整数。") from None
        if cert_calls < 0:
            raise TrainingError(
                f"认证所需通过次数不能是负数（现在是 {cert_calls}）；填 0 表示不认证。"
            )
        seed = None
        if cert_calls:
            users = set(trainees) | set(self.groups().get(group, []) if group else [])
            seed = self._unseen_seed(users)
        row = {
            "title": title,
            "created_by": created_by,
            "created_at": created_at or made.isoformat(timespec="seconds"),
            "personas": json.dumps(sorted(set(personas)), ensure_ascii=False),
            "trainees": json.dumps(trainees, ensure_ascii=False),
            "group_name": group,
            "due": due_day.isoformat(),
            "pass_mark": pass_mark,
            "cert_calls": cert_calls,
            "cert_seed": seed,
        }
        with self.store.write() as db:
            row["id"] = db["assignments"].insert(row).last_rowid
        return _row_to_assignment(row)

    def _unseen_seed(self, users: set[str]) -> int:
        """A seed from 1000-9999 that none of ``users`` has played a call with."""
        marks = ",".join("?" * len(users)) or "''"
        with self.store.read() as db:
            used = {
                r["seed"]
                for r in db.query(
                    f"select distinct seed from sessions where user in ({marks})", sorted(users)
                )
            }
        rng = random.SystemRandom()
        while True:
            seed = rng.randint(1000, 9999)
            if seed not in used:
                return seed

    def assignments(self) -> list[Assignment]:
        """Every assignment, newest first."""
        with self.store.read() as db:
            rows = list(db.query("select * from assignments order by id desc"))
        return [_row_to_assignment(r) for r in rows]

    def assignees(self, a: Assignment) -> list[str]:
        """The trainees an assignment reaches: those named plus its group's current members."""
        members = self.groups().get(a.group_name, []) if a.group_name else []
        return sorted(set(a.trainees) | set(members))

    def assigned_to(self, user: str) -> list[Assignment]:
        """The assignments that reach one trainee, soonest due first."""
        mine = [a for a in self.assignments() if user in self.assignees(a)]
        return sorted(mine, key=lambda a: (a.due, a.id))

    # --- certification ------------------------------------------------------------------------

    def certification_seed(self, assignment_id: int, user: str, persona: str) -> int:
        """The seed to dial one certification call with, after checking it is the user's to make.

        Raises:
            TrainingError: no such assignment, no certification in it, not assigned to the
                user, or the customer is not one of its customers.

        """
        a = next((x for x in self.assignments() if x.id == int(assignment_id)), None)
        if a is None or user not in self.assignees(a):
            raise TrainingError("没有找到布置给您的这项任务。")
        if not a.cert_calls or a.cert_seed is None:
            raise TrainingError(f"任务「{a.title}」不需要认证。")
        if persona not in a.personas:
            raise TrainingError(f"任务「{a.title}」里没有这位客户。")
        return a.cert_seed

    def record_certification(
        self, session_id: str, assignment_id: int, user: str, persona: str
    ) -> None:
        """Mark a call, started from 我的任务, as a certification attempt (only these count)."""
        row = {
            "session_id": session_id,
            "assignment_id": int(assignment_id),
            "user": user,
            "persona": persona,
            "created_at": clock.now().isoformat(timespec="seconds"),
        }
        with self.store.write() as db:
            db["certification_calls"].insert(row, replace=True)

    def _certification_sessions(self) -> dict[int, set[str]]:
        """Assignment id → the ids of the calls started as its certification attempts."""
        out: dict[int, set[str]] = {}
        with self.store.read() as db:
            for r in db.query("select session_id, assignment_id from certification_calls"):
                out.setdefault(r["assignment_id"], set()).add(r["session_id"])
        return out

    def reserved_seeds(self, user: str, persona: str) -> set[int]:
        """Certification seeds of the user's assignments that include this customer."""
        return {
            a.cert_seed
            for a in self.assigned_to(user)
            if a.cert_calls and a.cert_seed is not None and persona in a.personas
        }

    def check_practice_seed(self, user: str, persona: str, seed: int | None) -> None:
        """Refuse a practice call on a certification's variant, so it stays unseen.

        Raises:
            TrainingError: ``seed`` is the certification seed of one of the user's assignments
                with this customer (``RESERVED_SEED``).

        """
        if seed is not None and int(seed) in self.reserved_seeds(user, persona):
            raise TrainingError(RESERVED_SEED)

    # --- progress -----------------------------------------------------------------------------

    def scored_calls(self, user: str | None = None) -> list[dict[str, Any]]:
        """Ended, scored calls with their effective score (an override wins), oldest first.

        Each row: ``id``, ``user``, ``persona``, ``seed``, ``started_at``, ``overall``,
        ``passed`` (bool) and ``scorecard`` (the latest computed one, decoded).
        """
        sql = """
            select s.id, s.user, s.persona, s.seed, s.started_at, c.overall, c.passed, c.scorecard
            from sessions s join scores c on c.id =
              (select max(id) from scores x where x.session_id = s.id)
            where s.ended_by is not null {mine} order by s.started_at, s.rowid
        """
        params = [user] if user is not None else []
        with self.store.read() as db:
            rows = [
                dict(r) for r in db.query(sql.format(mine="and s.user = ?" if user else ""), params)
            ]
        overrides = self.reviews.latest_overrides()
        for row in rows:
            row["scorecard"] = json.loads(row["scorecard"])
            over = overrides.get(row["id"])
            if over:
                row["overall"], row["passed"] = over["after_overall"], over["after_passed"]
            row["passed"] = bool(row["passed"])
        return rows

    def progress(
        self,
        a: Assignment,
        user: str,
        calls: list[dict] | None = None,
        certified: dict[int, set[str]] | None = None,
    ) -> Progress:
        """One trainee's standing on an assignment, from their scored calls.

        Only calls started as certification attempts (:meth:`record_certification`) on the
        certification seed count towards certification.
        """
        calls = self.scored_calls(user) if calls is None else calls
        attempts = (self._certification_sessions() if certified is None else certified).get(
            a.id, set()
        )
        since = clock.local(a.created_at).date()
        counted = [
            c
            for c in calls
            if c["user"] == user
            and c["persona"] in a.personas
            and clock.local(c["started_at"]).date() >= since
        ]
        per = []
        for pid in a.personas:
            mine = [c for c in counted if c["persona"] == pid]
            ok = [c for c in mine if c["passed"] and c["overall"] >= a.pass_mark]
            per.append(
                PersonaProgress(
                    persona=pid,
                    calls=len(mine),
                    passed=len(ok),
                    best=max((c["overall"] for c in mine), default=None),
                    cert_passed=sum(
                        1
                        for c in ok
                        if a.cert_seed is not None
                        and c["seed"] == a.cert_seed
                        and c["id"] in attempts
                    ),
                )
            )
        return Progress(assignment=a, user=user, personas=tuple(per))

    def progress_of(self, user: str) -> list[Progress]:
        """A trainee's standing on every assignment that reaches them."""
        calls, certified = self.scored_calls(user), self._certification_sessions()
        return [self.progress(a, user, calls, certified) for a in self.assigned_to(user)]

    def all_progress(self) -> list[Progress]:
        """Every assignee's standing on every assignment (for the manager's dashboard)."""
        calls, certified = self.scored_calls(), self._certification_sessions()
        return [
            self.progress(a, user, calls, certified)
            for a in self.assignments()
            for user in self.assignees(a)
        ]
