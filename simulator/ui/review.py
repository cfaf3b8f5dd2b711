"""Review page (主管复盘): filter the team's calls, replay one, comment, override, export.

Handlers are methods of :class:`ReviewHandlers`, each taking the ``gr.Request`` so the data rule
is applied on every call, including calls made through gradio's HTTP API: a manager sees every
call; anyone else sees only their own calls and cannot comment or override.
"""

from __future__ import annotations

import html
import json
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from simulator.accounts.auth import AccessDenied, Auth
from simulator.accounts.users import Users
from simulator.review_data import (
    SORTS,
    CallFilter,
    FilterError,
    call_detail,
    call_rows,
    dashboard,
    rows_csv,
    state_points,
    transcript_html,
)
from simulator.review_store import ReviewError, ReviewStore
from simulator.services import Services
from simulator.storage import StoreError
from simulator.ui.charts import line_chart

__all__ = ["build", "ReviewHandlers", "TABLE_COLUMNS"]

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
PASSED_CHOICES = ["全部", "通过", "未通过"]
DIMENSIONS = {"compliance": "合规", "empathy": "共情", "outcome": "还款方案"}


def _fail(exc: Exception) -> gr.Error:
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, StoreError):
        message = "找不到这通电话。"
    return gr.Error(message)


def _yes(value: bool | None) -> str:
    return "—" if value is None else ("是" if value else "否")


def _table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    data = [
        [
            r["id"],
            r["started_at"][:16].replace("T", " "),
            r["user"],
            r["persona"],
            r["ended"],
            r["n_turns"],
            "—" if r["overall"] is None else f"{r['overall']}{'*' if r['overridden'] else ''}",
            _yes(r["passed"]),
            "、".join(r["violations"]),
        ]
        for r in rows
    ]
    return pd.DataFrame(data, columns=TABLE_COLUMNS)


def _choice_label(r: dict[str, Any]) -> tuple[str, str]:
    score = "未评分" if r["overall"] is None else f"{r['overall']} 分"
    return (
        f"{r['started_at'][:16].replace('T', ' ')} · {r['user']} · {r['persona']} · {score}",
        r["id"],
    )


def scorecard_markdown(card: dict[str, Any] | None, score: dict[str, Any]) -> str:
    """The scorecard and the effective score as Markdown (quotes escaped)."""
    if not card:
        return "这通电话还没有评分。"
    lines = [
        f"**系统评分：{score['computed_overall']}**（{'通过' if score['computed_passed'] else '未通过'}）"
    ]
    if score["overridden"]:
        o = score["override"]
        lines.append(
            f"**主管改分：{o['after_overall']}**（{'通过' if o['after_passed'] else '未通过'}），"
            f"{html.escape(o['author'])} 于 {o['created_at']}：{html.escape(o['reason'])}"
        )
    dims = card.get("dimensions", {})
    lines.append(" ｜ ".join(f"{DIMENSIONS.get(k, k)} {v.get('score')}" for k, v in dims.items()))
    rubric = card.get("rubric", {})
    lines.append(f"评分标准：`{rubric.get('id')}` 版本 `{rubric.get('version')}`")
    table = ["| 评分项 | 结果 | 得分 | 依据 |", "| --- | --- | --- | --- |"]
    for c in card.get("criteria", []):
        quotes = "；".join(
            f"#{e.get('turn')} {html.escape(str(e.get('quote', '')))}"
            for e in c.get("evidence", [])
        )
        mark = "通过" if c.get("passed") else "未通过"
        table.append(
            f"| {html.escape(str(c['id']))} | {mark} | {c.get('points')}/{c.get('max_points')} "
            f"| {quotes.replace('|', '｜')} |"
        )
    return "\n\n".join(lines) + "\n\n" + "\n".join(table)


def _history_frame(history: list[dict[str, Any]]) -> pd.DataFrame:
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
        data.append([h["created_at"], h["author"], what, text])
    return pd.DataFrame(data, columns=["时间", "操作人", "操作", "内容/理由"])


def mood_chart(points: list[dict[str, Any]]) -> str:
    """The customer's anger, trust and patience per turn, as SVG."""
    series: dict[str, list[tuple[float, float]]] = {}
    for p in points:
        series.setdefault(p["metric"], []).append((p["turn"], p["value"]))
    return "<b>客户情绪变化（按轮次）</b>" + line_chart(series, empty="这通电话没有情绪记录。")


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


class ReviewHandlers:
    """The page's handlers; each checks the caller on every request.

    Args:
        services: the app's services (the call database lives in ``services.store``).
        auth: sign-in and roles.

    """

    def __init__(self, services: Services, auth: Auth):
        self.services = services
        self.store = services.store
        self.auth = auth
        self.reviews = ReviewStore(services.store)

    def _viewer(self, request: Any):
        try:
            return self.auth.user(request)
        except AccessDenied as exc:
            raise _fail(exc) from None

    def rows(self, flt: CallFilter, request: Any) -> list[dict[str, Any]]:
        """The calls the caller may see under this filter."""
        try:
            return call_rows(self.store, self.reviews, self._viewer(request), flt)
        except FilterError as exc:
            raise gr.Error(str(exc)) from None

    def detail(self, session_id: str, request: Any) -> dict[str, Any]:
        """One call, if the caller may see it."""
        try:
            return call_detail(self.store, self.reviews, self._viewer(request), session_id)
        except (AccessDenied, StoreError) as exc:
            raise _fail(exc) from None

    def audio(self, session_id: str, turn: int | str | None, request: Any) -> str | None:
        """A copy of one turn's audio for the player (the caller must be allowed the call)."""
        if turn in (None, ""):
            return None
        d = self.detail(session_id, request)
        turns = d["session"]["turns"]
        idx = int(turn)
        if not 0 <= idx < len(turns) or not turns[idx].get("audio"):
            raise gr.Error("这一句没有录音。")
        source = (self.store.data_dir / turns[idx]["audio"]).resolve()
        if not source.is_relative_to(self.store.data_dir.resolve()) or not source.is_file():
            raise gr.Error("录音文件不存在。")
        # A copy on the media shelf: the data folder itself is never served.
        return str(self.services.media.hand_out(source))

    def comment(self, session_id: str, text: str, request: Any) -> list[dict[str, Any]]:
        """Add a manager's comment; returns the call's audit log."""
        try:
            user = self.auth.require(request, "manager")
            self.reviews.comment(session_id, user.name, text)
        except (AccessDenied, ReviewError, StoreError) as exc:
            raise _fail(exc) from None
        return self.reviews.history(session_id)

    def override(
        self, session_id: str, overall: float | None, passed: bool, reason: str, request: Any
    ) -> list[dict[str, Any]]:
        """Override the score with a reason (audited); returns the call's audit log."""
        try:
            user = self.auth.require(request, "manager")
            if overall is None:
                raise ReviewError("请填写新分数。")
            self.reviews.override(session_id, user.name, int(overall), bool(passed), reason)
        except (AccessDenied, ReviewError, StoreError) as exc:
            raise _fail(exc) from None
        return self.reviews.history(session_id)

    def export_csv(self, flt: CallFilter, request: Any) -> str:
        """Write the filtered table to a CSV file; returns its path."""
        rows = self.rows(flt, request)
        out = Path(tempfile.mkdtemp(prefix="callsim-export-")) / "通话列表.csv"
        out.write_text(rows_csv(rows), encoding="utf-8-sig")
        return str(out)

    def export_json(self, session_id: str, request: Any) -> str:
        """Write one call's transcript JSON (DESIGN.md format) to a file; returns its path."""
        d = self.detail(session_id, request)
        out = Path(tempfile.mkdtemp(prefix="callsim-export-")) / f"{d['session']['id']}.json"
        out.write_text(json.dumps(d["transcript"], ensure_ascii=False, indent=2), encoding="utf-8")
        return str(out)


def _filter(trainee, persona, date_from, date_to, score_min, score_max, violation, passed, sort):
    return CallFilter(
        trainee=trainee or None,
        persona=persona or None,
        date_from=date_from or None,
        date_to=date_to or None,
        # 0 and 100 are the fields' defaults: they mean "no bound" (unscored calls stay listed)
        score_min=None if score_min in (None, 0) else score_min,
        score_max=None if score_max in (None, 100) else score_max,
        violation=violation or None,
        passed={"通过": True, "未通过": False}.get(passed),
        sort=sort or "时间（新→旧）",
    )


def build(services: Services, auth: Auth | None = None) -> gr.Blocks:
    """The review page; ``auth`` defaults to the accounts in the services' database."""
    auth = auth or Auth(Users(services.store))
    h = ReviewHandlers(services, auth)
    with gr.Blocks() as page:
        head = gr.Markdown(auth.banner())
        gr.Markdown("## 通话复盘")
        with gr.Tabs():
            with gr.Tab("通话列表"):
                with gr.Row():
                    trainee = gr.Dropdown([], label="学员", allow_custom_value=True)
                    persona = gr.Dropdown([], label="客户", allow_custom_value=True)
                    date_from = gr.Textbox(label="开始日期", placeholder="2026-11-01")
                    date_to = gr.Textbox(label="结束日期", placeholder="2026-11-30")
                with gr.Row():
                    score_min = gr.Number(0, label="最低分", minimum=0, maximum=100)
                    score_max = gr.Number(100, label="最高分", minimum=0, maximum=100)
                    violation = gr.Dropdown([], label="违规类型", allow_custom_value=True)
                    passed = gr.Radio(PASSED_CHOICES, value="全部", label="是否通过")
                    sort = gr.Dropdown(list(SORTS), value="时间（新→旧）", label="排序")
                with gr.Row():
                    search = gr.Button("筛选", variant="primary", elem_id="review-search")
                    export = gr.Button("导出 CSV", elem_id="review-export")
                count = gr.Markdown()
                table = gr.Dataframe(
                    pd.DataFrame(columns=TABLE_COLUMNS), interactive=False, elem_id="review-table"
                )
                csv_file = gr.File(label="导出的表格", elem_id="review-csv")
            with gr.Tab("通话详情"):
                with gr.Row():
                    pick = gr.Dropdown([], label="选择通话", allow_custom_value=True, scale=4)
                    open_btn = gr.Button("打开", variant="primary", elem_id="review-open", scale=1)
                summary = gr.Markdown(elem_id="review-summary")
                with gr.Row():
                    with gr.Column(scale=3):
                        transcript = gr.HTML(elem_id="review-transcript")
                    with gr.Column(scale=2):
                        turn_pick = gr.Dropdown(
                            [], label="回放哪一句", elem_id="review-turn", allow_custom_value=True
                        )
                        player = gr.Audio(
                            label="录音回放",
                            type="filepath",
                            interactive=False,
                            elem_id="review-audio",
                        )
                        chart = gr.HTML(elem_id="review-mood")
                scorecard = gr.Markdown(elem_id="review-scorecard")
                with gr.Group(visible=True) as manager_box:
                    gr.Markdown("### 主管复核（改分不会覆盖系统评分，所有操作留痕）")
                    with gr.Row():
                        new_score = gr.Number(label="新分数", minimum=0, maximum=100, precision=0)
                        new_passed = gr.Checkbox(label="判定通过")
                        reason = gr.Textbox(label="改分理由（必填）", elem_id="review-reason")
                        override_btn = gr.Button("确认改分", elem_id="review-override")
                    with gr.Row():
                        comment = gr.Textbox(label="评语", scale=4)
                        comment_btn = gr.Button("添加评语", scale=1)
                audit = gr.Dataframe(
                    _history_frame([]), label="复核记录", interactive=False, elem_id="review-audit"
                )
                with gr.Row():
                    json_btn = gr.Button("导出通话 JSON", elem_id="review-json")
                    json_file = gr.File(label="通话记录 JSON")
            with gr.Tab("团队概览"):
                over_time = gr.HTML(elem_id="review-over-time")
                with gr.Row():
                    top_violations = gr.Dataframe(label="最常见的违规", interactive=False)
                    pass_rate = gr.Dataframe(label="各客户通过率", interactive=False)

        filters = [
            trainee,
            persona,
            date_from,
            date_to,
            score_min,
            score_max,
            violation,
            passed,
            sort,
        ]

        def refresh(tr, pe, d0, d1, lo, hi, vi, pa, so, request: gr.Request):
            rows = h.rows(_filter(tr, pe, d0, d1, lo, hi, vi, pa, so), request)
            figures = dashboard(rows)
            return (
                _table(rows),
                f"共 {len(rows)} 通电话（* 表示主管改过分）",
                gr.update(choices=[_choice_label(r) for r in rows]),
                scores_chart(figures["over_time"]),
                pd.DataFrame(figures["violations"], columns=["违规项", "通话数"]),
                pd.DataFrame(
                    figures["pass_rate"], columns=["客户", "已评分通话", "通过", "通过率"]
                ),
            )

        list_outputs = [table, count, pick, over_time, top_violations, pass_rate]

        def on_load(request: gr.Request):
            try:
                user = auth.user(request)
            except AccessDenied as exc:
                return (f"**{exc.message}**", *[gr.update()] * 4, gr.update(visible=False))
            everything = h.rows(CallFilter(), request)
            names = sorted({r["user"] for r in everything})
            personas_seen = sorted({r["persona"] for r in everything})
            kinds = sorted({v for r in everything for v in r["violations"]})
            header = auth.banner() or f"当前用户：**{user.name}**（{user.label}）"
            if not user.has("manager"):
                header += "　您只能查看自己的通话。"
            return (
                header,
                gr.update(choices=[("全部", "")] + names, value=""),
                gr.update(choices=[("全部", "")] + personas_seen, value=""),
                gr.update(choices=[("全部", "")] + kinds, value=""),
                gr.update(),
                gr.update(visible=user.has("manager")),
            )

        page.load(on_load, None, [head, trainee, persona, violation, sort, manager_box]).then(
            refresh, filters, list_outputs
        )
        search.click(refresh, filters, list_outputs, api_name="review_calls")

        def do_export(tr, pe, d0, d1, lo, hi, vi, pa, so, request: gr.Request):
            return h.export_csv(_filter(tr, pe, d0, d1, lo, hi, vi, pa, so), request)

        export.click(do_export, filters, csv_file, api_name="review_export")

        def select_row(df: pd.DataFrame, evt: gr.SelectData):
            row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
            return df.iloc[row]["通话编号"] if len(df) else None

        table.select(select_row, table, pick)

        def open_call(session_id: str, request: gr.Request):
            d = h.detail(session_id, request)
            s, turns = d["session"], d["session"]["turns"]
            voiced = [
                (
                    f"#{t['idx']} {'学员' if t['speaker'] == 'agent' else '客户'}：{t['text'][:20]}",
                    t["idx"],
                )
                for t in turns
                if t.get("audio")
            ]
            head_md = (
                f"### 通话 {s['id']}\n学员 **{html.escape(s['user'] or '')}** · 客户 "
                f"`{s['persona']}`（文件版本 `{s['persona_version']}`）· {s['started_at']} · "
                f"{len(turns)} 轮 · 有录音 {len(voiced)} 句"
            )
            return (
                head_md,
                transcript_html(turns, d["scorecard"]),
                gr.update(choices=voiced, value=voiced[0][1] if voiced else None),
                mood_chart(state_points(turns)),
                scorecard_markdown(d["scorecard"], d["score"]),
                _history_frame(d["history"]),
                d["score"]["overall"],
                bool(d["score"]["passed"]),
            )

        open_btn.click(
            open_call,
            pick,
            [summary, transcript, turn_pick, chart, scorecard, audit, new_score, new_passed],
            api_name="review_detail",
        )

        def play(session_id: str, turn, request: gr.Request):
            return h.audio(session_id, turn, request)

        turn_pick.change(play, [pick, turn_pick], player, api_name="review_audio")

        def do_override(session_id, overall, ok, why, request: gr.Request):
            d = h.override(session_id, overall, ok, why, request)
            card = h.detail(session_id, request)
            return _history_frame(d), scorecard_markdown(card["scorecard"], card["score"]), ""

        override_btn.click(
            do_override,
            [pick, new_score, new_passed, reason],
            [audit, scorecard, reason],
            api_name="review_override",
        ).then(refresh, filters, list_outputs)

        def do_comment(session_id, text, request: gr.Request):
            return _history_frame(h.comment(session_id, text, request)), ""

        comment_btn.click(do_comment, [pick, comment], [audit, comment], api_name="review_comment")

        def do_json(session_id, request: gr.Request):
            return h.export_json(session_id, request)

        json_btn.click(do_json, pick, json_file, api_name="review_call_json")
    return page
