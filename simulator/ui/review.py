"""Review page (主管复盘): filter the team's calls, replay one, comment, override, export.

Handlers are methods of :class:`ReviewHandlers`, each taking the ``gr.Request`` so the data rule
is applied on every call, including calls made through gradio's HTTP API: a manager sees every
call; anyone else sees only their own calls and cannot comment or override.

On the page, clicking a row of 通话列表 opens that call's detail, and an override, a comment, a
replayed turn and the JSON export apply to the call shown (kept in a ``gr.State``), never to a
call picked but not opened. The HTTP API names its call explicitly.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from simulator import labels
from simulator.accounts.auth import AccessDenied, Auth
from simulator.accounts.users import Users
from simulator.labels import Labels, labels_for
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
from simulator.ui.refuse import quiet_error, refusal
from simulator.ui.review_views import (
    TABLE_COLUMNS,
    call_heading,
    choice_label,
    history_frame,
    mood_chart,
    scorecard_markdown,
    scores_chart,
    voiced_choices,
)
from simulator.ui.review_views import table as table_of

__all__ = ["build", "ReviewHandlers", "TABLE_COLUMNS"]

PASSED_CHOICES = ["全部", "通过", "未通过"]


def _fail(exc: Exception) -> gr.Error:
    """The toast for a refusal already logged (access) or a call that does not exist."""
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, StoreError):
        message = "找不到这通电话。"
    return quiet_error(message)


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

    def _viewer(self, request: Any, action: str):
        try:
            return self.auth.user(request, action)
        except AccessDenied as exc:
            raise _fail(exc) from None

    def names(self) -> Labels:
        """Customers' and criteria's Chinese names as the files say now."""
        return labels_for(self.services)

    def rows(self, flt: CallFilter, request: Any) -> list[dict[str, Any]]:
        """The calls the caller may see under this filter."""
        viewer = self._viewer(request, "list calls")
        try:
            return call_rows(self.store, self.reviews, viewer, flt, self.names())
        except FilterError as exc:
            raise quiet_error(str(exc)) from None

    def detail(self, session_id: str, request: Any) -> dict[str, Any]:
        """One call, if the caller may see it."""
        viewer = self._viewer(request, "open a call")
        if not (session_id or "").strip():
            raise quiet_error("请先选择一通电话。")
        try:
            return call_detail(self.store, self.reviews, viewer, session_id)
        except AccessDenied as exc:
            raise refusal(exc.message, request, "open a call", call=session_id) from None
        except StoreError as exc:
            raise _fail(exc) from None

    def audio(self, session_id: str, turn: int | str | None, request: Any) -> str | None:
        """A copy of one turn's audio for the player (the caller must be allowed the call)."""
        if turn in (None, ""):
            return None
        d = self.detail(session_id, request)
        turns = d["session"]["turns"]
        idx = int(turn)
        if not 0 <= idx < len(turns) or not turns[idx].get("audio"):
            raise quiet_error("这一句没有录音。")
        source = (self.store.data_dir / turns[idx]["audio"]).resolve()
        if not source.is_relative_to(self.store.data_dir.resolve()) or not source.is_file():
            raise quiet_error("录音文件不存在。")
        # A copy on the media shelf: the data folder itself is never served.
        return str(self.services.media.hand_out(source))

    def comment(self, session_id: str, text: str, request: Any) -> list[dict[str, Any]]:
        """Add a manager's comment; returns the call's audit log."""
        try:
            user = self.auth.require(request, "manager", "comment")
            self.reviews.comment(session_id, user.name, text)
        except ReviewError as exc:
            raise refusal(str(exc), request, "comment", user.name, call=session_id) from None
        except (AccessDenied, StoreError) as exc:
            raise _fail(exc) from None
        return self.reviews.history(session_id)

    def override(
        self, session_id: str, overall: float | None, passed: bool, reason: str, request: Any
    ) -> list[dict[str, Any]]:
        """Override the score with a reason (audited); returns the call's audit log."""
        if not (session_id or "").strip():
            raise quiet_error("请先打开一通电话，再改分。")
        try:
            user = self.auth.require(request, "manager", "override")
            if overall is None:
                raise ReviewError("请填写新分数。")
            self.reviews.override(session_id, user.name, int(overall), bool(passed), reason)
        except ReviewError as exc:
            raise refusal(str(exc), request, "override", user.name, call=session_id) from None
        except (AccessDenied, StoreError) as exc:
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


def _filter(
    trainee, persona, date_from, date_to, score_min, score_max, violation, passed, sort, local=False
):
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
        include_local=bool(local),
    )


def build(services: Services, auth: Auth | None = None) -> gr.Blocks:
    """The review page; ``auth`` defaults to the accounts in the services' database."""
    auth = auth or Auth(Users(services.store))
    h = ReviewHandlers(services, auth)
    with gr.Blocks() as page:
        head = gr.Markdown(auth.banner())
        gr.Markdown("## 通话复盘")
        with gr.Tabs() as tabs:
            with gr.Tab("通话列表", id="calls"):
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
                    # Calls made before accounts existed are nobody's record: out unless asked.
                    local = gr.Checkbox(
                        False,
                        label=f"包含{labels.LOCAL_LABEL}的通话（未启用账号时所打）",
                        visible=auth.enabled,
                        elem_id="review-local",
                    )
                    search = gr.Button("筛选", variant="primary", elem_id="review-search")
                    export = gr.Button("导出 CSV", elem_id="review-export")
                count = gr.Markdown()
                table = gr.Dataframe(
                    pd.DataFrame(columns=TABLE_COLUMNS), interactive=False, elem_id="review-table"
                )
                csv_file = gr.File(label="导出的表格", elem_id="review-csv")
            with gr.Tab("通话详情", id="detail"):
                with gr.Row():
                    pick = gr.Dropdown(
                        [],
                        label="选择通话",
                        allow_custom_value=True,
                        scale=4,
                        elem_id="review-pick",
                    )
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
                    history_frame([]), label="复核记录", interactive=False, elem_id="review-audit"
                )
                with gr.Row():
                    json_btn = gr.Button("导出通话 JSON", elem_id="review-json")
                    json_file = gr.File(label="通话记录 JSON")
            with gr.Tab("团队概览", id="team"):
                over_time = gr.HTML(elem_id="review-over-time")
                with gr.Row():
                    top_violations = gr.Dataframe(label="最常见的违规", interactive=False)
                    pass_rate = gr.Dataframe(label="各客户通过率", interactive=False)
        # the id of the call whose detail is on screen: what override and comment apply to
        shown = gr.State("")
        # the HTTP API's endpoints name their call; this button is never shown, it only holds them
        api = gr.Button(visible=False)

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
            local,
        ]

        def refresh(tr, pe, d0, d1, lo, hi, vi, pa, so, lc=False, request: gr.Request = None):
            rows = h.rows(_filter(tr, pe, d0, d1, lo, hi, vi, pa, so, lc), request)
            figures = dashboard(rows)
            return (
                table_of(rows),
                f"共 {len(rows)} 通电话（* 表示主管改过分）",
                gr.update(choices=[choice_label(r) for r in rows]),
                scores_chart(figures["over_time"]),
                pd.DataFrame(figures["violations"], columns=["违规项", "通话数"]),
                pd.DataFrame(
                    figures["pass_rate"], columns=["客户", "已评分通话", "通过", "通过率"]
                ),
            )

        list_outputs = [table, count, pick, over_time, top_violations, pass_rate]

        def on_load(request: gr.Request):
            try:
                user = auth.user(request, "open page /review")
            except AccessDenied as exc:
                return (f"**{exc.message}**", *[gr.update()] * 4, gr.update(visible=False))
            everything = h.rows(CallFilter(include_local=True), request)
            people = sorted({(r["user_label"], r["user"]) for r in everything})
            personas_seen = sorted({(r["persona_name"], r["persona"]) for r in everything})
            kinds = sorted(
                {
                    (title, cid)
                    for r in everything
                    for title, cid in zip(r["violation_titles"], r["violations"], strict=True)
                }
            )
            header = auth.banner() or f"当前用户：**{user.name}**（{user.label}）"
            if not user.has("manager"):
                header += "　您只能查看自己的通话。"
            return (
                header,
                gr.update(choices=[("全部", "")] + people, value=""),
                gr.update(choices=[("全部", "")] + personas_seen, value=""),
                gr.update(choices=[("全部", "")] + kinds, value=""),
                gr.update(),
                gr.update(visible=user.has("manager")),
            )

        page.load(on_load, None, [head, trainee, persona, violation, sort, manager_box]).then(
            refresh, filters, list_outputs
        )
        search.click(refresh, filters, list_outputs, api_name="review_calls")

        def do_export(tr, pe, d0, d1, lo, hi, vi, pa, so, lc=False, request: gr.Request = None):
            return h.export_csv(_filter(tr, pe, d0, d1, lo, hi, vi, pa, so, lc), request)

        export.click(do_export, filters, csv_file, api_name="review_export")

        def select_row(df: pd.DataFrame, evt: gr.SelectData):
            row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
            return df.iloc[row]["通话编号"] if len(df) else None

        def open_call(session_id: str, request: gr.Request):
            d = h.detail(session_id, request)
            s, turns, names = d["session"], d["session"]["turns"], h.names()
            voiced = voiced_choices(turns)
            return (
                call_heading(s, names, len(voiced)),
                transcript_html(turns, d["scorecard"], names),
                gr.update(choices=voiced, value=voiced[0][1] if voiced else None),
                mood_chart(state_points(turns)),
                scorecard_markdown(d["scorecard"], d["score"], names),
                history_frame(d["history"]),
                d["score"]["overall"],
                bool(d["score"]["passed"]),
            )

        detail_outputs = [
            summary,
            transcript,
            turn_pick,
            chart,
            scorecard,
            audit,
            new_score,
            new_passed,
        ]

        def show_call(session_id: str, request: gr.Request):
            """Open a call on the page: its detail, and it becomes the call acted on."""
            return (*open_call(session_id, request), session_id, gr.Tabs(selected="detail"))

        page_open = [*detail_outputs, shown, tabs]
        # a row click opens the call, as 打开 does: never a picked call that is not on screen
        table.select(select_row, table, pick, api_name=False).success(
            show_call, pick, page_open, api_name=False
        )
        open_btn.click(show_call, pick, page_open, api_name=False)
        api.click(open_call, pick, detail_outputs, api_name="review_detail")

        def play(session_id: str, turn, request: gr.Request):
            return h.audio(session_id, turn, request)

        turn_pick.change(play, [shown, turn_pick], player, api_name=False)
        api.click(play, [pick, turn_pick], player, api_name="review_audio")

        def do_override(session_id, overall, ok, why, request: gr.Request):
            d = h.override(session_id, overall, ok, why, request)
            card = h.detail(session_id, request)
            markdown = scorecard_markdown(card["scorecard"], card["score"], h.names())
            return history_frame(d), markdown, ""

        override_btn.click(
            do_override,
            [shown, new_score, new_passed, reason],
            [audit, scorecard, reason],
            api_name=False,
        ).then(refresh, filters, list_outputs)
        api.click(
            do_override,
            [pick, new_score, new_passed, reason],
            [audit, scorecard, reason],
            api_name="review_override",
        )

        def do_comment(session_id, text, request: gr.Request):
            return history_frame(h.comment(session_id, text, request)), ""

        comment_btn.click(do_comment, [shown, comment], [audit, comment], api_name=False)
        api.click(do_comment, [pick, comment], [audit, comment], api_name="review_comment")

        def do_json(session_id, request: gr.Request):
            return h.export_json(session_id, request)

        json_btn.click(do_json, shown, json_file, api_name=False)
        api.click(do_json, pick, json_file, api_name="review_call_json")
    return page
