"""What a finished call looks like on the page: transcript, scorecard, and the mood chart.

Pure functions from stored data (the scorecard JSON of DESIGN.md and the call's turns) to what
Gradio components show: chat messages, Markdown, table rows and a chart frame. The practice page
and the history view use the same functions, so a reopened call reads like a fresh one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from scoring.evidence import describe
from scoring.plan_words import (
    NOT_APPLICABLE,
    applies,
    plan_note,
    plan_status,
    plan_steps,
    plan_terms,
)
from simulator import labels

__all__ = [
    "DIMENSION_LABELS",
    "SEVERITY_LABELS",
    "ENDING_LABELS",
    "VIOLATION_HEADERS",
    "messages",
    "mood_frame",
    "plan_markdown",
    "plan_text",
    "scorecard_markdown",
    "missed_markdown",
    "violation_rows",
    "turn_context",
]

# The one table of labels (simulator.labels), under the names this module always exported.
DIMENSION_LABELS = labels.DIMENSIONS
SEVERITY_LABELS = labels.SEVERITIES
ENDING_LABELS = labels.ENDINGS
VIOLATION_HEADERS = ["句序", "严重程度", "问题", "原话", "依据"]


def _turn_fields(turn: Any) -> tuple[int, str, str]:
    """(idx, speaker, text) of a ``Turn`` or a stored turn row."""
    if isinstance(turn, Mapping):
        return int(turn["idx"]), str(turn["speaker"]), str(turn["text"])
    return turn.idx, turn.speaker, turn.text


def messages(turns: Iterable[Any], highlight: int | None = None) -> list[dict[str, str]]:
    """Chatbot messages for a call: the trainee on the right, the customer on the left.

    Args:
        turns: ``Turn`` objects or stored turn rows, in order.
        highlight: a turn index to mark (a violation the trainee clicked).

    """
    out = []
    for turn in turns:
        idx, speaker, text = _turn_fields(turn)
        shown = text or "（沉默）"
        if idx == highlight:
            shown = f"<mark>⚠ 第{idx + 1}句：{shown}</mark>"
        out.append({"role": "user" if speaker == "agent" else "assistant", "content": shown})
    return out


def turn_context(turns: Sequence[Any], idx: int | None, around: int = 1) -> str:
    """Markdown quoting one turn with its neighbours, the flagged line in bold."""
    if idx is None:
        return "这一条针对整通电话（例如拨打时间），不对应某一句话。"
    lines = []
    for turn in turns:
        t_idx, speaker, text = _turn_fields(turn)
        if abs(t_idx - idx) > around:
            continue
        who = "您" if speaker == "agent" else "客户"
        line = f"第{t_idx + 1}句 · {who}：{text or '（沉默）'}"
        lines.append(f"> **{line}**" if t_idx == idx else f"> {line}")
    return "\n>\n".join(lines) if lines else f"没有找到第{idx + 1}句。"


def mood_frame(turns: Iterable[Any]) -> pd.DataFrame:
    """The customer's anger and trust after each of their lines, for a line chart."""
    rows = []
    for turn in turns:
        idx, speaker, _ = _turn_fields(turn)
        if speaker != "customer":
            continue
        state = turn.get("state") if isinstance(turn, Mapping) else turn.state
        if isinstance(turn, Mapping) and state is None:
            state = {k: turn.get(k) for k in ("anger", "trust")}
        for key, label in (("anger", "愤怒"), ("trust", "信任")):
            value = (state or {}).get(key)
            if value is not None:
                rows.append({"句序": idx + 1, "指标": label, "数值": int(value)})
    return pd.DataFrame(rows, columns=["句序", "指标", "数值"])


def plan_text(plan: Mapping[str, Any] | None) -> str:
    """The plan in one Chinese line: reached with its terms, or why not."""
    if not plan:
        return "未达成还款计划"
    if not applies(plan):  # a third party answered: no plan was to be made with them
        return NOT_APPLICABLE
    if not plan.get("reached", True) or not plan.get("amount"):
        status = plan_status(plan)
        if status == "未达成":
            return "未达成还款计划"
        terms = plan_terms(plan) if plan.get("agreed") else ""
        return status + (f"；客户同意的条件：{terms}" if terms else "")
    parts = []
    if plan.get("months"):
        parts.append(f"每月 {plan['amount']:,} 元，分 {plan['months']} 期")
    else:
        parts.append(f"还款 {plan['amount']:,} 元")
    if plan.get("due_date"):
        parts.append(f"{'首次' if plan.get('months') else ''}还款日 {plan['due_date']}")
    if plan.get("channel"):
        parts.append(f"通过{plan['channel']}")
    where = f"（第{plan['turn'] + 1}句）" if plan.get("turn") is not None else ""
    text = "已达成：" + "，".join(parts) + where
    if plan.get("success") is False:
        text += "，但在严重违规之后，不计为成功"
    return text


def plan_markdown(plan: Mapping[str, Any] | None) -> str:
    """The plan's steps as a Markdown table (提出条件 → 客户同意 → 坐席复述 → 客户确认).

    Each step with its turn; a read-back that does not match the agreement is flagged with the
    fields that differ. "" for a scorecard without steps (stored before they existed, or no
    terms were ever on the table).
    """
    rows = plan_steps(plan)
    if not rows:
        return ""
    lines = ["| 步骤 | 句序 | 说明 |", "| --- | --- | --- |"]
    lines += [f"| {word} | {where} | {_cell(note)} |" for word, where, note in rows]
    note = plan_note(plan)
    if note:
        lines += ["", f"说明：{note}"]
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "｜").replace("\n", " ")


def scorecard_markdown(
    scorecard: Mapping[str, Any] | None, ended_by: str | None = None, *, saved: bool = True
) -> str:
    """The headline of the scorecard: overall, pass or fail, the three dimensions, the plan.

    ``saved`` says whether every turn and the end of the call are in the database; the page
    says "已完整保存" only then.
    """
    ending = ENDING_LABELS.get(ended_by or "", "")
    if scorecard is None:
        stored = (
            "通话已完整保存，可以稍后在“我的记录”里查看，或请培训师重新评分。"
            if saved
            else "这通电话没有完整保存（保存时出错），因此不评分。请联系管理员检查数据目录。"
        )
        return "## 暂时无法评分\n" + stored + (f"\n\n通话结束方式：{ending}" if ending else "")
    verdict = "通过" if scorecard.get("passed") else "未通过"
    dims = scorecard.get("dimensions", {})
    header = "| " + " | ".join(DIMENSION_LABELS.values()) + " |"
    values = "| " + " | ".join(str(dims.get(k, {}).get("score", "—")) for k in DIMENSION_LABELS)
    lines = [
        f"## 总分 {scorecard.get('overall', '—')} · {verdict}",
        "",
        header,
        "| " + " | ".join(":-:" for _ in DIMENSION_LABELS) + " |",
        values + " |",
        "",
        f"**还款计划**：{plan_text(scorecard.get('plan'))}",
    ]
    steps = plan_markdown(scorecard.get("plan"))
    if steps:
        lines += ["", steps]
    if ending:
        lines.append(f"\n**通话结束方式**：{ending}")
    return "\n".join(lines)


def violation_rows(
    scorecard: Mapping[str, Any] | None, names: labels.Labels | None = None
) -> list[list[Any]]:
    """One table row per violation: turn (1-based, or 整通电话), severity, criterion, quote, source.

    The quote cell also says what found the words (a rule, a labelled example and how alike,
    the LLM classifier, the call record), when the scorecard says.

    ``names`` gives criterion titles and citations from the rubric file as it is now (a
    corrected citation reaches old scorecards); without it the scorecard's own are shown.
    """
    if not scorecard:
        return []
    names = names or labels.Labels.of_rubrics()
    rows = []
    for v in scorecard.get("violations", []):
        cid = v.get("criterion")
        rows.append(
            [
                labels.turn(v.get("turn")),
                labels.severity(v.get("severity")),
                names.criterion(cid, scorecard),
                _quote_with_basis(v),
                names.source(cid, v.get("source", ""), scorecard),
            ]
        )
    return rows


def _quote_with_basis(entry: Mapping[str, Any]) -> str:
    """The words said, and beside them what found them (识别依据：规则 threat#3 / 与例句「…」相似).

    A scorecard stored before violations said where they came from shows the words alone.
    """
    quote = labels.quote(entry.get("quote", ""))
    found = describe(entry)
    if entry.get("detail"):
        found = f"{found}；{entry['detail']}" if found else str(entry["detail"])
    return f"{quote}\n（识别依据：{found}）" if found else quote


def missed_markdown(scorecard: Mapping[str, Any] | None) -> str:
    """The steps not done (points lost) with the rubric's advice for each."""
    if not scorecard:
        return ""
    violated = {v.get("criterion") for v in scorecard.get("violations", [])}
    missed = [
        c
        for c in scorecard.get("criteria", [])
        if not c.get("passed") and c.get("id") not in violated
    ]
    if not missed:
        return "### 未做到的步骤\n全部做到了，很好。"
    lines = ["### 未做到的步骤与建议"]
    for c in missed:
        name = c.get("title") or c.get("id", "")
        dim = DIMENSION_LABELS.get(c.get("dimension", ""), "")
        points = f"{c.get('points', 0)}/{c.get('max_points', 0)} 分"
        advice = c.get("advice") or ""
        lines.append(f"- **{name}**（{dim}，{points}）" + (f"：{advice}" if advice else ""))
    return "\n".join(lines)


def violations_table(label: str = "违规", **kwargs: Any) -> Any:
    """The violations table of a scorecard (turn, severity, problem, words, source)."""
    import gradio as gr

    return gr.Dataframe(
        headers=VIOLATION_HEADERS,
        interactive=False,
        label=label,
        wrap=True,
        column_widths=["9%", "9%", "16%", "30%", "36%"],
        **kwargs,
    )


def mood_plot(**kwargs: Any) -> Any:
    """The customer's anger and trust over the call (fed by :func:`mood_frame`)."""
    import gradio as gr

    return gr.LinePlot(
        x="句序",
        y="数值",
        color="指标",
        title="客户情绪：愤怒与信任",
        y_lim=[0, 100],
        x_axis_format="d",
        **kwargs,
    )
