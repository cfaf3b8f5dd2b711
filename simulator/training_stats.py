"""Figures for the manager's dashboard: completion and pass rates, skills, weekly trends, files.

Every function takes the rows :meth:`simulator.training.Training.scored_calls` and
:meth:`~simulator.training.Training.all_progress` return and gives back plain rows with Chinese
column names, ready for a table, a gradio plot, a CSV file or an Excel workbook. A *skill* is one
of the rubric's dimensions (its average score) or one of its criteria (the share of calls where
it was met). A missing figure (no calls yet) is an empty cell in both files, never ``nan``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from simulator import clock, labels
from simulator.labels import Labels
from simulator.training import Progress

__all__ = [
    "PROGRESS_COLUMNS",
    "TEAM_COLUMNS",
    "csv_text",
    "missing",
    "progress_rows",
    "skill_rows",
    "team_rows",
    "trainee_call_rows",
    "weakest_skills",
    "weekly_rows",
    "write_xlsx",
]

TEAM_COLUMNS = [
    "学员",
    "任务数",
    "已完成",
    "完成率",
    "通话数",
    "通过数",
    "通过率",
    "平均分",
    "已认证",
]


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def team_rows(progress: list[Progress], calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per trainee: assignments done and calls passed (rates in percent).

    An assignment asking for certification counts as done only once certified; 已认证 is its
    own figure, ``x/y`` of the trainee's assignments that ask for it (— when none does).
    """
    users = sorted({p.user for p in progress} | {c["user"] for c in calls})
    rows = []
    for user in users:
        mine = [p for p in progress if p.user == user]
        theirs = [c for c in calls if c["user"] == user]
        done = sum(1 for p in mine if p.done)
        passed = sum(1 for c in theirs if c["passed"])
        with_cert = [p for p in mine if p.assignment.cert_calls > 0]
        certified = sum(1 for p in with_cert if p.certified)
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
                "已认证": f"{certified}/{len(with_cert)}" if with_cert else "—",
            }
        )
    return rows


PROGRESS_COLUMNS = [
    "任务",
    "学员",
    "客户",
    "该客户进度",
    "已评分通话",
    "通过次数",
    "最好成绩",
    "及格分",
    "截止日期",
    "任务状态",
    "认证",
]


def progress_rows(
    progress: list[Progress], names: Labels, today: date | None = None
) -> list[dict[str, Any]]:
    """Who did what on each assignment: one row per trainee and assigned customer.

    ``该客户进度`` and ``任务状态`` are 未开始 / 进行中 / 已通过 / 未通过 as the trainee's 我的任务
    shows them; the rows come soonest due first, then by task, trainee and customer.
    """
    rows = []
    ordered = sorted(progress, key=lambda p: (p.assignment.due, p.assignment.id, p.user))
    for p in ordered:
        a = p.assignment
        status = p.status(today)
        for pp in p.personas:
            cert = ""
            if a.cert_calls:
                cert = f"{min(pp.cert_passed, a.cert_calls)}/{a.cert_calls}"
            rows.append(
                {
                    "任务": a.title,
                    "学员": labels.user(p.user),
                    "客户": names.persona(pp.persona),
                    "该客户进度": p.persona_status(pp, today),
                    "已评分通话": pp.calls,
                    "通过次数": pp.passed,
                    "最好成绩": pp.best,
                    "及格分": a.pass_mark,
                    "截止日期": a.due,
                    "任务状态": status,
                    "认证": cert or "—",
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
    """One row per week (starting Monday, the deployment's calendar): calls, average, pass rate.

    Every week from the first call's to the last call's is listed: a week without calls is a
    row with 0 calls and no average or pass rate, so a chart shows it as a gap in time.
    """
    weeks: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for call in calls:
        day = clock.local(call["started_at"]).date()
        weeks[day - timedelta(days=day.weekday())].append(call)
    if not weeks:
        return []
    first, last = min(weeks), max(weeks)
    rows = []
    for n in range((last - first).days // 7 + 1):
        week = first + timedelta(weeks=n)
        group = weeks.get(week, [])
        rows.append(
            {
                "周": week.isoformat(),
                "通话数": len(group),
                "平均分": round(sum(c["overall"] for c in group) / len(group), 1)
                if group
                else None,
                "通过率": _pct(sum(1 for c in group if c["passed"]), len(group)),
            }
        )
    return rows


def trainee_call_rows(calls: list[dict[str, Any]], names: Labels) -> list[dict[str, Any]]:
    """One trainee's calls, one row each, with every dimension and criterion as a column.

    A criterion reads as on the review page (:func:`simulator.labels.criterion_result`):
    未违规 / 违规 for a prohibited act, 通过 / 未通过 for the others.
    """
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
        card = call["scorecard"]
        for crit in card.get("criteria") or []:
            if crit.get("id"):
                row[names.criterion(crit["id"], card)] = labels.criterion_result(crit)
        rows.append(row)
    return rows


def missing(value: Any) -> bool:
    """True for a figure that does not exist: None, or the NaN a table puts in its place."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _columns(rows: list[dict[str, Any]], columns: list[str] | None) -> list[str]:
    if columns is not None:
        return columns
    found: list[str] = []
    for row in rows:
        found.extend(k for k in row if k not in found)
    return found


def csv_text(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """Rows as CSV text; columns in first-seen order unless given. Write it as ``utf-8-sig``.

    A missing value (None or NaN) is an empty cell.
    """
    columns = _columns(rows, columns)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if missing(row.get(c)) else row.get(c) for c in columns])
    return buf.getvalue()


def write_xlsx(
    path: Path, sheets: dict[str, tuple[list[dict[str, Any]], list[str] | None]]
) -> Path:
    """Write an Excel workbook: one sheet per entry, ``name → (rows, columns or None)``.

    Headers are the Chinese column names, in bold and frozen; numbers stay numbers; a missing
    value is an empty cell. Sheet names lose the characters Excel refuses and are cut to 31.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, (rows, columns) in sheets.items():
        sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "Sheet")
        columns = _columns(rows, columns)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([None if missing(row.get(c)) else row.get(c) for c in columns])
        sheet.freeze_panes = "A2"
        for i, column in enumerate(columns, 1):
            longest = max([len(str(column))] + [len(str(r.get(column) or "")) for r in rows])
            # a Chinese character is about two Latin ones wide in Excel's default font
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(60, 4 + 2 * longest)
    book.save(path)
    return path
