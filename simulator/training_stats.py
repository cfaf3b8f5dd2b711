"""Figures for the manager's dashboard: completion and pass rates, skills, weekly trends, CSV.

Every function takes the rows :meth:`simulator.training.Training.scored_calls` and
:meth:`~simulator.training.Training.all_progress` return and gives back plain rows with Chinese
column names, ready for a table, a gradio plot or a CSV file. A *skill* is one of the rubric's
dimensions (its average score) or one of its criteria (the share of calls where it was met).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import timedelta
from typing import Any

from simulator import clock, labels
from simulator.labels import Labels
from simulator.training import Progress

__all__ = [
    "TEAM_COLUMNS",
    "csv_text",
    "skill_rows",
    "team_rows",
    "trainee_call_rows",
    "weakest_skills",
    "weekly_rows",
]

TEAM_COLUMNS = ["学员", "任务数", "已完成", "完成率", "通话数", "通过数", "通过率", "平均分"]


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def team_rows(progress: list[Progress], calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per trainee: assignments done and calls passed (rates in percent)."""
    users = sorted({p.user for p in progress} | {c["user"] for c in calls})
    rows = []
    for user in users:
        mine = [p for p in progress if p.user == user]
        theirs = [c for c in calls if c["user"] == user]
        done = sum(1 for p in mine if p.done)
        passed = sum(1 for c in theirs if c["passed"])
        rows.append(
            {
                "学员": labels.user(user),
                "任务数": len(mine),
                "已完成": done,
                "完成率": _pct(done, len(mine)),
                "通话数": len(theirs),
                "通过数": passed,
                "通过率": _pct(passed, len(theirs)),
                "平均分": round(sum(c["overall"] for c in theirs) / len(theirs), 1)
                if theirs
                else None,
            }
        )
    return rows


def _skills_of(call: dict[str, Any], names: Labels) -> list[tuple[str, str, float]]:
    """(kind, skill, value 0-100) of one call: each dimension's score, each criterion met or not."""
    card = call["scorecard"]
    out = []
    for code, dim in (card.get("dimensions") or {}).items():
        if isinstance(dim, dict) and dim.get("score") is not None:
            out.append(("维度", labels.dimension(code), float(dim["score"])))
    for crit in card.get("criteria") or []:
        if crit.get("id"):
            out.append(("评分项", names.criterion(crit["id"], card), 100.0 * bool(crit["passed"])))
    return out


def skill_rows(
    calls: list[dict[str, Any]], names: Labels, by_trainee: bool = False
) -> list[dict[str, Any]]:
    """Each skill's mark across the calls: a dimension's average score, a criterion's rate met.

    With ``by_trainee`` there is one row per trainee and skill.
    """
    sums: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for call in calls:
        who = labels.user(call["user"]) if by_trainee else ""
        for kind, skill, value in _skills_of(call, names):
            sums[(who, kind, skill)].append(value)
    rows = []
    for (who, kind, skill), values in sorted(sums.items()):
        row = {
            "类型": kind,
            "技能": skill,
            "得分": round(sum(values) / len(values), 1),
            "通话数": len(values),
        }
        rows.append({"学员": who, **row} if by_trainee else row)
    return rows


def weakest_skills(calls: list[dict[str, Any]], names: Labels, n: int = 5) -> list[dict[str, Any]]:
    """The team's ``n`` criteria met least often (ties: the one seen in more calls first)."""
    rows = [r for r in skill_rows(calls, names) if r["类型"] == "评分项"]
    return sorted(rows, key=lambda r: (r["得分"], -r["通话数"], r["技能"]))[:n]


def weekly_rows(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per week (starting Monday, the deployment's calendar): calls, average, pass rate."""
    weeks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for call in calls:
        day = clock.local(call["started_at"]).date()
        weeks[(day - timedelta(days=day.weekday())).isoformat()].append(call)
    return [
        {
            "周": week,
            "通话数": len(group),
            "平均分": round(sum(c["overall"] for c in group) / len(group), 1),
            "通过率": _pct(sum(1 for c in group if c["passed"]), len(group)),
        }
        for week, group in sorted(weeks.items())
    ]


def trainee_call_rows(calls: list[dict[str, Any]], names: Labels) -> list[dict[str, Any]]:
    """One trainee's calls, one row each, with every dimension and criterion as a column."""
    rows = []
    for call in calls:
        row = {
            "学员": labels.user(call["user"]),
            "通话编号": call["id"],
            "开始时间": clock.shown(call["started_at"]),
            "客户": names.persona(call["persona"]),
            "随机种子": call["seed"],
            "得分": call["overall"],
            "结果": labels.verdict(call["passed"]),
        }
        for kind, skill, value in _skills_of(call, names):
            if kind == "维度":
                row[f"{skill}（分）"] = round(value)
            else:
                row[skill] = "达标" if value else "未达标"
        rows.append(row)
    return rows


def csv_text(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """Rows as CSV text; columns in first-seen order unless given. Write it as ``utf-8-sig``."""
    if columns is None:
        columns = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return buf.getvalue()
