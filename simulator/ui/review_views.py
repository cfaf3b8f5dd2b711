"""What the review page shows, as pure functions of its data: table, headings, scorecard, charts.

Everything a manager reads is in Chinese and named through :mod:`simulator.labels` (the same
names as the practice page and the CSV), with times in the deployment's zone (:mod:`simulator.clock`).
Quotes and names typed by people are escaped: the page renders Markdown and HTML.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

import pandas as pd

from simulator import clock, labels
from simulator.labels import Labels
from simulator.ui.charts import line_chart

__all__ = [
    "AUDIT_COLUMNS",
    "TABLE_COLUMNS",
    "call_heading",
    "choice_label",
    "history_frame",
    "mood_chart",
    "scorecard_markdown",
    "scores_chart",
    "table",
    "voiced_choices",
]

TABLE_COLUMNS = [
    "通话编号",
    "开始时间",
    "学员",
    "客户",
    "结束方式",
    "轮数",
    "分数",
    "通过",
    "违规项",
]
AUDIT_COLUMNS = ["时间", "操作人", "操作", "内容/理由"]


def _nowrap(text: str) -> str:
    """A short cell kept on one line beside the long quote and basis columns."""
    return f'<span style="white-space:nowrap">{html.escape(text)}</span>'


def _yes(value: bool | None) -> str:
    return "—" if value is None else ("是" if value else "否")


def table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The calls table (``TABLE_COLUMNS``); ``*`` marks a score a manager changed."""
    data = [
        [
            r["id"],
            clock.shown(r["started_at"]),
            r["user_label"],
            r["persona_name"],
            r["ended"],
            r["n_turns"],
            "—" if r["overall"] is None else f"{r['overall']}{'*' if r['overridden'] else ''}",
            _yes(r["passed"]),
            "、".join(r["violation_titles"]),
        ]
        for r in rows
    ]
    return pd.DataFrame(data, columns=TABLE_COLUMNS)


def choice_label(r: dict[str, Any]) -> tuple[str, str]:
    """(label, id) of a call in the 选择通话 dropdown."""
    score = "未评分" if r["overall"] is None else f"{r['overall']} 分"
    when = clock.shown(r["started_at"])
    return f"{when} · {r['user_label']} · {r['persona_name']} · {score}", r["id"]


def voiced_choices(turns: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """(label, turn index) of every turn with a recording, for the replay dropdown."""
    return [
        (
            f"{labels.turn(t['idx'])} {'学员' if t['speaker'] == 'agent' else '客户'}："
            f"{t['text'][:20]}",
            t["idx"],
        )
        for t in turns
        if t.get("audio")
    ]


def call_heading(session: dict[str, Any], names: Labels, voiced: int) -> str:
    """The heading of one opened call: trainee, customer, time, length, how it ended."""
    turns = session["turns"]
    who = html.escape(labels.user(session.get("user")))
    customer = html.escape(names.persona(session["persona"]))
    return (
        f"### 通话 {session['id']}\n学员 **{who}** · 客户 **{customer}**"
        f"（客户资料版本 `{session['persona_version']}`）· "
        f"{clock.shown(session['started_at'])} · {len(turns)} 句 · 有录音 {voiced} 句 · "
        f"{labels.ending(session.get('ended_by'))}"
    )


def scorecard_markdown(card: dict[str, Any] | None, score: dict[str, Any], names: Labels) -> str:
    """The scorecard and the effective score as Markdown (quotes escaped).

    One row per criterion, as on the practice page: title, result, points, the words quoted
    (times as :func:`simulator.labels.quote` shows them) and 依据, the Chinese rule the rubric
    cites for it.
    """
    if not card:
        return "这通电话还没有评分。"
    lines = [
        f"**系统评分：{score['computed_overall']}**（{labels.verdict(score['computed_passed'])}）"
    ]
    if score["overridden"]:
        o = score["override"]
        lines.append(
            f"**主管改分：{o['after_overall']}**（{labels.verdict(bool(o['after_passed']))}），"
            f"{html.escape(o['author'])} 于 {clock.shown(o['created_at'])}："
            f"{html.escape(o['reason'])}"
        )
    dims = card.get("dimensions", {})
    lines.append(
        " ｜ ".join(
            f"{labels.dimension(k)} {dims[k].get('score')}" for k in labels.DIMENSIONS if k in dims
        )
    )
    rubric = card.get("rubric", {})
    title_of = names.rubric_title(rubric.get("id"), rubric.get("version"))
    lines.append(f"评分标准：{html.escape(title_of)}")
    rows = [
        "| 评分项 | 结果 | 得分 | 原话 | 依据 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for c in card.get("criteria", []):
        quotes = "；".join(
            f"{labels.turn(e.get('turn'))} {html.escape(labels.quote(e.get('quote')))}"
            for e in c.get("evidence", [])
        )
        title = html.escape(names.criterion(c.get("id"), card))
        basis = html.escape(names.source(c.get("id"), str(c.get("source") or ""), card))
        rows.append(
            f"| {title} | {_nowrap(labels.criterion_result(c))} "
            f"| {_nowrap(labels.criterion_points(c))} "
            f"| {quotes.replace('|', '｜')} | {basis.replace('|', '｜')} |"
        )
    return "\n\n".join(lines) + "\n\n" + "\n".join(rows)


def history_frame(history: list[dict[str, Any]]) -> pd.DataFrame:
    """A call's comments and overrides, oldest first (``AUDIT_COLUMNS``)."""
    data = []
    for h in history:
        if h["kind"] == "override":
            what = (
                f"改分 {h['before_overall']}→{h['after_overall']}，"
                f"通过 {_yes(bool(h['before_passed']))}→{_yes(bool(h['after_passed']))}"
            )
            text = h["reason"]
        else:
            what, text = "评语", h["comment"]
        data.append([clock.shown(h["created_at"]), h["author"], what, text])
    return pd.DataFrame(data, columns=AUDIT_COLUMNS)


def mood_chart(points: list[dict[str, Any]]) -> str:
    """The customer's anger, trust and patience per sentence, as SVG."""
    series: dict[str, list[tuple[float, float]]] = {}
    for p in points:
        series.setdefault(p["metric"], []).append((p["turn"] + 1, p["value"]))
    return "<b>客户情绪变化（按句序）</b>" + line_chart(series, empty="这通电话没有情绪记录。")


def scores_chart(points: list[dict[str, Any]]) -> str:
    """Each trainee's scores over time, as SVG."""
    series: dict[str, list[tuple[float, float]]] = {}
    stamps = {}
    for p in points:
        at = datetime.fromisoformat(p["time"])
        stamps[at.timestamp()] = at.strftime("%m-%d")
        series.setdefault(p["trainee"], []).append((at.timestamp(), p["score"]))
    ticks = sorted(stamps)
    shown = {t: stamps[t] for t in ticks[:: max(1, len(ticks) // 6)] + ticks[-1:]}
    return "<b>学员分数变化</b>" + line_chart(series, x_labels=shown, empty="还没有评过分的通话。")
