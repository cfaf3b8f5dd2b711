"""What the review page shows, as plain functions: calls table, detail, dashboard, exports.

Every function takes the viewer and applies the data rule itself: a manager sees every call; anyone
else sees only the calls stored under their own name. The page and the HTTP API call these same
functions, so hiding a page is never the only guard.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from simulator import clock, labels
from simulator.accounts.auth import AccessDenied
from simulator.accounts.users import User
from simulator.labels import Labels
from simulator.review_store import ReviewStore
from simulator.storage import Store, StoreError

__all__ = [
    "CSV_COLUMNS",
    "CallFilter",
    "SORTS",
    "call_rows",
    "call_detail",
    "rows_csv",
    "transcript_html",
    "state_points",
    "dashboard",
    "FilterError",
]

SORTS = {
    "时间（新→旧）": ("started_at", True),
    "时间（旧→新）": ("started_at", False),
    "分数（高→低）": ("overall", True),
    "分数（低→高）": ("overall", False),
    "学员": ("user", False),
    "客户": ("persona", False),
}

CSV_COLUMNS = [
    ("id", "通话编号"),
    ("user_label", "学员"),
    ("persona_name", "客户"),
    ("started", "开始时间"),
    ("ended", "结束方式"),
    ("n_turns", "轮数"),
    ("computed_overall", "系统评分"),
    ("computed_passed", "系统判定通过"),
    ("overall", "最终评分"),
    ("passed", "最终通过"),
    ("overridden", "主管改分"),
    ("violation_titles", "违规项"),
    ("rubric", "评分标准"),
    ("persona_version", "客户文件版本"),
]


class FilterError(ValueError):
    """A filter value the page cannot use (a malformed date, min above max)."""


def _parse_day(value: str | None, label: str) -> date | None:
    if not value or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise FilterError(f"{label}格式应为 2026-11-20。") from None


def _local_day(started_at: str) -> date:
    """The day a call was made, in the deployment's time zone."""
    try:
        return clock.local(started_at).date()
    except ValueError:
        return _parse_day(started_at, "开始时间")


@dataclass(frozen=True)
class CallFilter:
    """What the manager narrowed the table to; empty fields do not filter."""

    trainee: str | None = None
    persona: str | None = None
    date_from: str | None = None
    """First day included, ``YYYY-MM-DD``: a day in the deployment's zone (``CALLSIM_TZ``)."""
    date_to: str | None = None
    """Last day included."""
    score_min: float | None = None
    score_max: float | None = None
    violation: str | None = None
    """A criterion id: only calls with that violation."""
    passed: bool | None = None
    sort: str = "时间（新→旧）"
    include_local: bool = False
    """Also list calls made without accounts (user ``local``, shown as 本地模式). They are
    left out by default once accounts exist: they are nobody's training record."""

    def check(self) -> tuple[date | None, date | None]:
        """The parsed dates.

        Raises:
            FilterError: a date is malformed or a range is upside down.

        """
        start, end = _parse_day(self.date_from, "开始日期"), _parse_day(self.date_to, "结束日期")
        if start and end and start > end:
            raise FilterError("开始日期晚于结束日期。")
        if self.score_min is not None and self.score_max is not None:
            if self.score_min > self.score_max:
                raise FilterError("最低分高于最高分。")
        if self.sort not in SORTS:
            raise FilterError(f"未知的排序方式：{self.sort}")
        return start, end


_ROWS_SQL = """
    select s.id, s.user, s.persona, s.persona_version, s.started_at, s.ended_by,
      (select count(*) from turns t where t.session_id = s.id) as n_turns,
      c.overall, c.passed, c.scorecard, c.rubric_id, c.rubric_version
    from sessions s
    left join scores c on c.id = (select max(id) from scores x where x.session_id = s.id)
    {where}
"""


def _all_rows(
    store: Store, reviews: ReviewStore, viewer: User, names: Labels
) -> list[dict[str, Any]]:
    where, params = "", []
    if not viewer.has("manager"):
        where, params = "where s.user = ?", [viewer.name]
    with store._lock:
        raw = [dict(r) for r in store.db.query(_ROWS_SQL.format(where=where), params)]
    overrides = reviews.latest_overrides()
    rows = []
    for r in raw:
        card = json.loads(r.pop("scorecard")) if r.get("scorecard") else None
        over = overrides.get(r["id"])
        computed_passed = None if r["passed"] is None else bool(r["passed"])
        found = sorted({v["criterion"] for v in (card or {}).get("violations", [])})
        rows.append(
            {
                **r,
                "user_label": labels.user(r["user"]),
                "persona_name": names.persona(r["persona"]),
                "started": clock.shown(r["started_at"]),
                "ended": labels.ending(r["ended_by"]),
                "computed_overall": r["overall"],
                "computed_passed": computed_passed,
                "overall": over["after_overall"] if over else r["overall"],
                "passed": bool(over["after_passed"]) if over else computed_passed,
                "overridden": bool(over),
                "violations": found,
                "violation_titles": [names.criterion(c, card) for c in found],
                "rubric": names.rubric_title(r["rubric_id"], r["rubric_version"])
                if r["rubric_id"]
                else "",
            }
        )
    return rows


def call_rows(
    store: Store,
    reviews: ReviewStore,
    viewer: User,
    flt: CallFilter | None = None,
    names: Labels | None = None,
) -> list[dict[str, Any]]:
    """The calls the viewer may see, filtered and sorted.

    ``names`` supplies customers' and criteria's Chinese names (ids stand in without it).
    Calls of the no-accounts user are left out unless the filter asks for them or the viewer
    is that user.

    Raises:
        FilterError: a filter value is malformed.

    """
    flt = flt or CallFilter()
    start, end = flt.check()
    keep_local = flt.include_local or labels.LOCAL_USER in (viewer.name, flt.trainee)
    out = []
    for row in _all_rows(store, reviews, viewer, names or Labels.of_rubrics()):
        day = _local_day(row["started_at"])
        if row["user"] == labels.LOCAL_USER and not keep_local:
            continue
        if flt.trainee and row["user"] != flt.trainee:
            continue
        if flt.persona and row["persona"] != flt.persona:
            continue
        if (start and day < start) or (end and day > end):
            continue
        score = row["overall"]
        if flt.score_min is not None and (score is None or score < flt.score_min):
            continue
        if flt.score_max is not None and (score is None or score > flt.score_max):
            continue
        if flt.violation and flt.violation not in row["violations"]:
            continue
        if flt.passed is not None and row["passed"] is not flt.passed:
            continue
        out.append(row)
    key, reverse = SORTS[flt.sort]
    # Unscored calls sort last either way.
    present = [r for r in out if r[key] is not None]
    missing = [r for r in out if r[key] is None]
    present.sort(key=lambda r: (_sort_value(r, key), r["id"]), reverse=reverse)
    return present + missing


def _sort_value(row: dict[str, Any], key: str) -> Any:
    """What a column sorts by: times by the instant (stored offsets differ), names as shown."""
    if key == "started_at":
        try:
            return clock.local(row[key]).timestamp()
        except ValueError:
            return 0.0
    return row[key]


def rows_csv(rows: list[dict[str, Any]]) -> str:
    """The table as CSV with Chinese headers (the file adds a BOM so Excel reads UTF-8)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([label for _, label in CSV_COLUMNS])
    for row in rows:
        values = []
        for key, _ in CSV_COLUMNS:
            value = row.get(key)
            if isinstance(value, bool):
                value = "是" if value else "否"
            elif isinstance(value, list):
                value = "；".join(value)
            values.append("" if value is None else value)
        writer.writerow(values)
    return buf.getvalue()


def call_detail(
    store: Store, reviews: ReviewStore, viewer: User, session_id: str
) -> dict[str, Any]:
    """One call for the review page: row, turns, scorecard, effective score, audit log.

    Raises:
        AccessDenied: the viewer is neither a manager nor the trainee who made the call.
        StoreError: no such call.

    """
    session_id = (session_id or "").strip()
    if not session_id:
        raise StoreError("请先选择一通电话。")
    hidden = AccessDenied("找不到这通电话，或您无权查看。")
    try:
        row = store.session(session_id)
    except StoreError:
        if not viewer.has("manager"):
            raise hidden from None  # same answer as another's call: ids cannot be probed
        raise
    if not viewer.has("manager") and row["user"] != viewer.name:
        raise hidden
    computed = reviews.computed(session_id)
    return {
        "session": row,
        "transcript": store.transcript(session_id),
        "scorecard": computed["scorecard"] if computed else None,
        "score": reviews.effective(session_id),
        "history": reviews.history(session_id),
    }


def transcript_html(
    turns: list[dict[str, Any]], scorecard: dict[str, Any] | None, names: Labels | None = None
) -> str:
    """The transcript as HTML, violating turns highlighted; every text is escaped (inert).

    Turns are counted from 1 (第1句) as on the practice page; violations are named by their
    Chinese title and severity, with the rule they rest on.
    """
    names = names or Labels.of_rubrics()
    esc = html.escape
    by_turn: dict[int, list[dict]] = defaultdict(list)
    call_level = []
    for v in (scorecard or {}).get("violations", []):
        if v.get("turn") is None:
            call_level.append(v)
        else:
            by_turn[int(v["turn"])].append(v)
    parts = ['<div class="callsim-transcript">']
    for v in call_level:
        parts.append(
            f'<div class="cs-call-violation">⚠ 整通电话：{esc(names.violation(v, scorecard))}'
            f" {esc(labels.quote(v.get('quote')))}"
            f" 依据：{esc(names.source(v.get('criterion'), str(v.get('source', '')), scorecard))}"
            "</div>"
        )
    for i, turn in enumerate(turns):
        who = "学员" if turn["speaker"] == "agent" else "客户"
        hits = by_turn.get(i, [])
        style = "background:#fde2e1;border-left:4px solid #d33;" if hits else ""
        audio = "（有录音）" if turn.get("audio") else ""
        parts.append(
            f'<div class="cs-turn" data-turn="{i}" style="padding:4px 8px;margin:2px 0;{style}">'
            f"<b>{labels.turn(i)} · {who}{audio}</b>：{esc(turn['text'] or '（沉默）')}"
        )
        for v in hits:
            parts.append(
                f'<div class="cs-violation" style="color:#a00;font-size:90%">'
                f"违规：{esc(names.violation(v, scorecard))}"
                f" 依据：{esc(names.source(v.get('criterion'), str(v.get('source', '')), scorecard))}"
                "</div>"
            )
        parts.append("</div>")
    parts.append("</div>")
    return "\n".join(parts)


def state_points(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The customer's mood per customer turn, long form: ``turn``, ``metric`` (Chinese), ``value``."""
    labels = {"anger": "愤怒", "trust": "信任", "patience": "耐心"}
    points = []
    for turn in turns:
        if turn["speaker"] != "customer":
            continue
        for key, label in labels.items():
            if turn.get(key) is not None:
                points.append({"turn": turn["idx"], "metric": label, "value": turn[key]})
    return points


def dashboard(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Team figures: scores over time, most frequent violations, pass rate per persona.

    ``over_time`` rows have ``time`` (ISO, in the deployment's zone), ``trainee`` (as shown),
    ``score``; the two tables have Chinese headers and name criteria and customers in Chinese.
    """
    over_time = [
        {
            "time": clock.local(r["started_at"]).isoformat(timespec="seconds"),
            "trainee": r.get("user_label") or labels.user(r["user"]),
            "score": r["overall"],
        }
        for r in sorted(rows, key=lambda r: _sort_value(r, "started_at"))
        if r["overall"] is not None
    ]
    counts: Counter[str] = Counter()
    for r in rows:
        counts.update(r.get("violation_titles") or r["violations"])
    violations = [{"违规项": k, "通话数": n} for k, n in counts.most_common(10)]
    per_persona: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        if r["passed"] is not None:
            per_persona[r.get("persona_name") or r["persona"]].append(r["passed"])
    pass_rate = [
        {
            "客户": p,
            "已评分通话": len(v),
            "通过": sum(v),
            "通过率": f"{100 * sum(v) / len(v):.0f}%",
        }
        for p, v in sorted(per_persona.items())
    ]
    return {"over_time": over_time, "violations": violations, "pass_rate": pass_rate}
