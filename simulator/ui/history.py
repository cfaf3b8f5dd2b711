"""A trainee's own past calls: a table, a trend of scores, and any one call reopened read-only.

Only the calls of the signed-in trainee are listed or reopened; asking for someone else's call
by id gets the same answer as asking for one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr
import pandas as pd

from simulator import clock, labels
from simulator.services import Services
from simulator.storage import StoreError
from simulator.ui.call_flow import user_of
from simulator.ui.scorecard import (
    messages,
    missed_markdown,
    mood_frame,
    mood_plot,
    scorecard_markdown,
    violation_rows,
    violations_table,
)

__all__ = [
    "HISTORY_HEADERS",
    "Reopened",
    "build_tab",
    "history_rows",
    "reopen",
    "trend_frame",
]

HISTORY_HEADERS = ["编号", "时间", "客户", "结束方式", "总分", "结果"]


@dataclass(frozen=True)
class Reopened:
    """A past call as stored, ready to show read-only."""

    session: dict[str, Any]
    """The stored call with its turns."""
    scorecard: dict[str, Any] | None
    """The latest scorecard, or None if it was never scored."""
    persona_name: str


def _names(services: Services) -> dict[str, str]:
    """Customers' display names by persona id (a broken file costs only its name)."""
    return dict(labels.labels_for(services).personas)


def _when(started_at: str | None) -> str:
    return clock.shown(started_at, default="")


def history_rows(services: Services, user: str) -> list[list[Any]]:
    """The trainee's calls, newest first, one row per call (see ``HISTORY_HEADERS``)."""
    names = _names(services)
    rows = []
    for s in services.store.sessions(user=user):
        overall = s.get("overall")
        verdict = labels.verdict(None if overall is None else bool(s.get("passed")))
        rows.append(
            [
                s["id"],
                _when(s.get("started_at")),
                names.get(s["persona"], s["persona"]),
                labels.ending(s.get("ended_by")),
                "—" if overall is None else overall,
                verdict,
            ]
        )
    return rows


def trend_frame(services: Services, user: str) -> pd.DataFrame:
    """Overall scores of the trainee's scored calls, oldest first, for a line chart."""
    scored = [s for s in services.store.sessions(user=user) if s.get("overall") is not None]
    scored.reverse()
    return pd.DataFrame(
        [{"第几次": i, "总分": int(s["overall"])} for i, s in enumerate(scored, start=1)],
        columns=["第几次", "总分"],
    )


def reopen(services: Services, user: str, session_id: str) -> Reopened:
    """One of the trainee's own past calls.

    Raises:
        LookupError: no call of this trainee has that id (a Chinese message).

    """
    try:
        session = services.store.session(session_id)
    except StoreError:
        session = None
    if session is None or session.get("user") != user:
        raise LookupError(f"找不到编号为 {session_id} 的通话记录。")
    scores = services.store.scores(session_id)
    scorecard = scores[-1]["scorecard"] if scores else None
    name = _names(services).get(session["persona"], session["persona"])
    return Reopened(session=session, scorecard=scorecard, persona_name=name)


def build_tab(services: Services) -> None:
    """The 我的记录 tab: the trainee's calls, a trend chart, and one call reopened read-only.

    Must be called inside a ``gr.Tabs``; the tab refreshes each time it is opened.
    """
    with gr.Tab("我的记录") as tab:
        with gr.Row():
            gr.Markdown("## 我的练习记录\n点表格里的一行，查看那通电话（只读）。")
            refresh = gr.Button("刷新", scale=0)
        trend = gr.LinePlot(
            x="第几次", y="总分", title="总分趋势", y_lim=[0, 100], x_axis_format="d"
        )
        table = gr.Dataframe(
            headers=HISTORY_HEADERS, interactive=False, label="我的通话", elem_id="history"
        )
        with gr.Column(visible=False) as detail:
            title = gr.Markdown()
            score = gr.Markdown(elem_id="history-scorecard")
            found = violations_table()
            missed = gr.Markdown()
            with gr.Row():
                mood = mood_plot()
                chat = gr.Chatbot(label="通话记录（只读）", height=380, buttons=["copy_all"])

    def on_open(request: gr.Request):
        user = user_of(request)
        return history_rows(services, user), trend_frame(services, user), gr.Column(visible=False)

    def on_reopen(request: gr.Request, evt: gr.SelectData):
        row = evt.row_value or []
        try:
            past = reopen(services, user_of(request), str(row[0]) if row else "")
        except LookupError as exc:
            return gr.Column(visible=True), f"> ⚠ {exc}", "", [], "", mood_frame([]), []
        s = past.session
        when = _when(s.get("started_at"))
        ending = s.get("ended_by")
        head = f"### {when} · {past.persona_name}" + (" · 教练模式" if s.get("coach") else "")
        return (
            gr.Column(visible=True),
            head,
            scorecard_markdown(past.scorecard, ending)
            if ending
            else "这通电话没有正常结束，没有评分。",
            [  # the night-call quote's time as every other time is shown
                [*row[:3], labels.quote(row[3]), *row[4:]] for row in violation_rows(past.scorecard)
            ],
            missed_markdown(past.scorecard),
            mood_frame(s["turns"]),
            messages(s["turns"]),
        )

    outs = [table, trend, detail]
    tab.select(on_open, None, outs, api_name="history")
    refresh.click(on_open, None, outs, api_visibility="private")
    table.select(
        on_reopen,
        None,
        [detail, title, score, found, missed, mood, chat],
        api_visibility="private",
    )
