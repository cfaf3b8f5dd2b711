"""One tab of the trainer studio: file list, YAML editor with live checks, kept versions.

Also saving, 恢复此版本, templates, and the kind's extras (a test call and a preflight for
personas, calibration for rubrics). The handlers are :class:`simulator.ui.studio.StudioHandlers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import gradio as gr
import pandas as pd

from simulator.call import Call
from simulator.preflight import TABLE_HEADERS

if TYPE_CHECKING:
    from simulator.ui.studio import StudioHandlers

__all__ = ["KIND_LABELS", "TrialState", "editor_tab"]

KIND_LABELS = {"persona": "客户文件", "rubric": "评分标准"}


@dataclass
class TrialState:
    """One trainer's test call against the unsaved persona, kept in ``gr.State``."""

    call: Call | None = None


def editor_tab(kind: str, h: StudioHandlers, head_outputs: list) -> None:
    """One tab: list, editor with live validation, save, versions, templates; the kind's extras.

    ``head_outputs`` collects (function, input, outputs) for the page to run once it has checked
    the trainer on load.
    """
    label = KIND_LABELS[kind]
    kind_box = gr.State(kind)
    listing = gr.Dataframe(label=f"{label}列表", interactive=False, elem_id=f"studio-{kind}-list")
    broken = gr.Markdown(elem_id=f"studio-{kind}-broken")
    with gr.Row():
        name = gr.Textbox(label="文件名（不含 .yaml）", elem_id=f"studio-{kind}-name", scale=2)
        open_btn = gr.Button("打开", scale=1)
        refresh = gr.Button("刷新列表", scale=1)
    with gr.Row():
        base = gr.Textbox(label="模板（已有文件名）", scale=2)
        new_btn = gr.Button("从模板新建", scale=1)
    with gr.Row():
        with gr.Column(scale=3):
            editor = gr.Code(
                language="yaml",
                label=f"{label} YAML",
                lines=28,
                max_lines=36,
                elem_id=f"studio-{kind}-yaml",
            )
        with gr.Column(scale=2):
            checked = gr.Markdown(
                "在左侧编辑 YAML，这里会实时显示校验结果。", elem_id=f"studio-{kind}-check"
            )
            save_btn = gr.Button("保存", variant="primary", elem_id=f"studio-{kind}-save")
            saved = gr.Markdown(elem_id=f"studio-{kind}-saved")
            with gr.Group():
                version = gr.Dropdown(
                    [],
                    label="历史版本（每次保存前的文件都会保留）",
                    elem_id=f"studio-{kind}-version",
                )
                with gr.Row():
                    look_btn = gr.Button("载入编辑器查看", size="sm")
                    restore_btn = gr.Button(
                        "恢复此版本", size="sm", variant="stop", elem_id=f"studio-{kind}-restore"
                    )

    def do_list(k, request: gr.Request):
        return h.listing(k, request)

    def do_open(k, n, request: gr.Request):
        return h.open(k, n, request)

    def do_check(k, n, t, request: gr.Request):
        return h.check(k, n, t, request)

    def do_save(k, n, t, request: gr.Request):
        return h.save(k, n, t, request)

    def do_template(k, b, n, request: gr.Request):
        return h.template(k, b, n, request)

    def do_broken(k, request: gr.Request):
        return h.broken(k, request)

    def do_versions(k, n, request: gr.Request):
        choices = h.versions(k, n, request)
        return gr.update(choices=choices, value=choices[0][1] if choices else None)

    def do_look(k, n, v, request: gr.Request):
        return h.version_text(k, n, v, request)

    def do_restore(k, n, v, request: gr.Request):
        return h.restore(k, n, v, request)

    def load_list(k, request: gr.Request):
        if not h.auth.may(request, "trainer"):  # the page gate has said why (and logged it)
            return gr.update(), gr.update()
        return h.listing(k, request), h.broken(k, request)

    head_outputs.append((load_list, kind_box, [listing, broken]))
    refresh.click(do_list, kind_box, listing).then(do_broken, kind_box, broken)
    open_btn.click(do_open, [kind_box, name], editor).then(do_versions, [kind_box, name], version)
    look_btn.click(do_look, [kind_box, name, version], editor)
    restore_btn.click(
        do_restore, [kind_box, name, version], [editor, saved], api_name=f"studio_restore_{kind}"
    ).then(do_versions, [kind_box, name], version).then(do_list, kind_box, listing).then(
        do_broken, kind_box, broken
    )

    def pick(df: pd.DataFrame, evt: gr.SelectData):
        return df.iloc[evt.index[0]]["文件"] if len(df) else gr.update()

    listing.select(pick, listing, name).then(do_open, [kind_box, name], editor).then(
        do_versions, [kind_box, name], version
    )
    editor.change(
        do_check,
        [kind_box, name, editor],
        checked,
        show_progress="hidden",
        trigger_mode="always_last",
    )
    save_btn.click(do_save, [kind_box, name, editor], saved, api_name=f"studio_save_{kind}").then(
        do_list, kind_box, listing
    ).then(do_broken, kind_box, broken).then(do_versions, [kind_box, name], version)
    new_btn.click(do_template, [kind_box, base, name], [editor, name])

    if kind == "persona":
        with gr.Accordion("试打一通（用编辑中的版本，不保存记录）", open=False):
            state = gr.State(TrialState())
            with gr.Row():
                trial_btn = gr.Button("试打一通", elem_id="studio-trial")
                mood = gr.Markdown()
            chat = gr.Chatbot(label="试打记录", height=320)
            say = gr.Textbox(label="您说", placeholder="输入后回车")

            def do_trial(n, t, st, request: gr.Request):
                return h.trial_start(n, t, st, request)

            def do_say(line, hist, st, request: gr.Request):
                return h.trial_say(line, hist, st, request)

            trial_btn.click(do_trial, [name, editor, state], [chat, state, mood])
            say.submit(do_say, [say, chat, state], [chat, say, state, mood])
        with gr.Accordion("体检：对几种坐席风格各打一通", open=False):
            with gr.Row():
                seeds = gr.Number(1, label="每种风格打几通", minimum=1, maximum=5, precision=0)
                check_btn = gr.Button("开始体检", elem_id="studio-preflight")
            table = gr.Dataframe(
                headers=TABLE_HEADERS, interactive=False, elem_id="studio-preflight-table"
            )

            def do_preflight(n, t, s, request: gr.Request):
                return h.preflight(n, t, s, request)

            check_btn.click(do_preflight, [name, editor, seeds], table, api_name="studio_preflight")
    else:
        with gr.Accordion("校准：用标注好的通话检验评分标准", open=False):
            with gr.Row():
                cases = gr.Textbox(label="校准集文件夹", placeholder="tests/calibration")
                cal_btn = gr.Button("运行校准")
            agreement = gr.Dataframe(label="一致性", interactive=False, elem_id="studio-agreement")
            summary = gr.Markdown()

            def do_calibrate(n, t, c, request: gr.Request):
                return h.calibrate(n, t, c, request)

            cal_btn.click(do_calibrate, [name, editor, cases], [agreement, summary])
