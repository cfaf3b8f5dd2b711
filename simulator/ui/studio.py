"""Trainer studio (训练师工作台): write, check and try persona and rubric files.

Every handler requires the trainer role on each request (the page hides itself from others, but
the handlers are also reachable through gradio's HTTP API). Nothing here touches the call
database: test calls and preflights run in memory against the unsaved text in the editor.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from simulator.accounts.auth import AccessDenied, Auth
from simulator.accounts.users import Users
from simulator.call import Call, CallEnded
from simulator.persona import PersonaError, parse_persona
from simulator.preflight import TABLE_HEADERS, preflight, rows_table
from simulator.services import Services
from simulator.studio_files import (
    FileStatus,
    StudioError,
    from_template,
    list_files,
    problems_with_lines,
    read_file,
    safe_name,
    save,
    validate,
)

__all__ = ["build", "broken_markdown", "StudioHandlers", "TrialState", "validation_markdown"]

KIND_LABELS = {"persona": "客户文件", "rubric": "评分标准"}


def _rubrics_dir() -> Path:
    from scoring.rubric import default_rubrics_dir

    return default_rubrics_dir()


@dataclass
class TrialState:
    """One trainer's test call against the unsaved persona, kept in ``gr.State``."""

    call: Call | None = None


def validation_markdown(text: str, problems: list[str], source: str) -> str:
    """The validation result for the editor: each problem with the field and its line."""
    if not problems:
        return "**校验通过**，可以保存。"
    lines = [f"**有 {len(problems)} 处问题：**"]
    for p in problems_with_lines(text, problems, source):
        where = f"第 {p.line} 行 " if p.line else ""
        lines.append(f"- {where}`{html.escape(p.field)}`：{html.escape(p.message)}")
    return "\n".join(lines)


_BROKEN_EFFECT = {
    "persona": "练习页暂不提供这些客户，其余客户照常可用",
    "rubric": "修正之前不能用它们评分，其余评分标准照常可用",
}


def broken_markdown(kind: str, files: list[FileStatus], per_file: int = 3) -> str:
    """A notice naming every file that does not load, with its first problems and their lines."""
    bad = [f for f in files if not f.ok]
    if not bad:
        return ""
    lines = [f"**有 {len(bad)} 个{KIND_LABELS[kind]}无法加载**，{_BROKEN_EFFECT[kind]}："]
    for f in bad:
        shown = [p.split(": ", 1)[1] if ": " in p else p for p in f.problems[:per_file]]
        more = f"（另有 {len(f.problems) - per_file} 处）" if len(f.problems) > per_file else ""
        detail = "；".join(html.escape(p) for p in shown)
        lines.append(f"- `{html.escape(f.path.name)}`：{detail}{more}")
    return "\n".join(lines)


class StudioHandlers:
    """The studio's handlers; each requires the trainer role.

    Args:
        services: the app's services (``personas_dir``).
        auth: sign-in and roles.
        rubrics_dir: the rubrics folder; ``CALLSIM_RUBRICS_DIR`` or the shipped one by default.

    """

    def __init__(self, services: Services, auth: Auth, rubrics_dir: Path | None = None):
        self.services = services
        self.auth = auth
        self._rubrics_dir = rubrics_dir

    def folder(self, kind: str) -> Path:
        """The folder a kind of file lives in."""
        if kind == "persona":
            return Path(self.services.personas_dir)
        return Path(self._rubrics_dir or _rubrics_dir())

    def _trainer(self, request: Any) -> None:
        try:
            self.auth.require(request, "trainer")
        except AccessDenied as exc:
            raise gr.Error(exc.message) from None

    def _source(self, kind: str, name: str) -> str:
        try:
            stem = safe_name(name)
        except StudioError:
            stem = "draft"
        return str(self.folder(kind) / f"{stem}.yaml")

    def listing(self, kind: str, request: Any) -> pd.DataFrame:
        """The files of a kind with their validation state."""
        self._trainer(request)
        rows = [
            [
                f.id,
                f.title,
                "有效" if f.ok else f"有 {len(f.problems)} 处问题",
                "" if f.ok else f.problems[0],
            ]
            for f in list_files(kind, self.folder(kind))
        ]
        return pd.DataFrame(rows, columns=["文件", "名称", "状态", "首个问题"])

    def broken(self, kind: str, request: Any) -> str:
        """Which files of a kind do not load and why; empty when all load."""
        self._trainer(request)
        return broken_markdown(kind, list_files(kind, self.folder(kind)))

    def open(self, kind: str, name: str, request: Any) -> str:
        """The text of one file."""
        self._trainer(request)
        try:
            return read_file(self.folder(kind) / f"{safe_name(name)}.yaml")
        except StudioError as exc:
            raise gr.Error(exc.problems[0]) from None

    def check(self, kind: str, name: str, text: str, request: Any) -> str:
        """Live validation of the editor's text."""
        self._trainer(request)
        if not (text or "").strip():
            return "在左侧编辑 YAML，这里会实时显示校验结果。"
        source = self._source(kind, name)
        return validation_markdown(text, validate(kind, text, source), source)

    def save(self, kind: str, name: str, text: str, request: Any) -> str:
        """Validate and save; the replaced version is kept."""
        self._trainer(request)
        try:
            saved = save(kind, self.folder(kind), name, text or "")
        except StudioError as exc:
            source = self._source(kind, name)
            return "**未保存。**\n\n" + validation_markdown(text or "", exc.problems, source)
        kept = (
            f"，旧版本已保留在 `{saved.previous.parent.name}/{saved.previous.name}`"
            if saved.previous
            else ""
        )
        return f"已保存到 `{saved.path.name}`{kept}。"

    def template(self, kind: str, base: str, new_name: str, request: Any) -> tuple[str, str]:
        """A new file's text from an existing one; returns (text, the new file name)."""
        self._trainer(request)
        try:
            return from_template(kind, self.folder(kind), base or "", new_name or ""), safe_name(
                new_name
            )
        except StudioError as exc:
            raise gr.Error(exc.problems[0]) from None

    def _draft(self, name: str, text: str):
        try:
            return parse_persona(text or "", "（编辑中）", persona_id=name or "draft")
        except PersonaError as exc:
            raise gr.Error("客户文件有问题，先修正再试：" + exc.problems[0]) from None

    def trial_start(self, name: str, text: str, state: TrialState, request: Any):
        """Dial the unsaved persona (nothing is stored)."""
        self._trainer(request)
        state.call = Call(self._draft(name, text), seed=random.randrange(1_000_000))
        opening = state.call.open()
        return [{"role": "assistant", "content": opening.text}], state, _mood(state.call)

    def trial_say(self, line: str, history: list, state: TrialState, request: Any):
        """One line in the test call."""
        self._trainer(request)
        if state.call is None:
            raise gr.Error("请先点“试打一通”。")
        try:
            reply = state.call.say(line or "")
        except CallEnded:
            raise gr.Error("通话已结束，请重新开始试打。") from None
        history = [
            *history,
            {"role": "user", "content": line or "（沉默）"},
            {"role": "assistant", "content": reply.text},
        ]
        return history, "", state, _mood(state.call)

    def preflight(self, name: str, text: str, seeds: float | None, request: Any) -> pd.DataFrame:
        """体检: the unsaved persona against the built-in agent styles."""
        self._trainer(request)
        n = max(1, min(int(seeds or 1), 5))
        rows = preflight(self._draft(name, text), tuple(range(n)))
        return pd.DataFrame(rows_table(rows), columns=TABLE_HEADERS)

    def calibrate(
        self, name: str, text: str, cases_dir: str, request: Any
    ) -> tuple[pd.DataFrame, str]:
        """Run a labelled calibration set against the unsaved rubric: agreement table + summary."""
        self._trainer(request)
        from scoring.calibration import (
            CalibrationError,
            calibration_roots,
            resolve_calibration_dir,
            run_calibration,
        )
        from scoring.rubric import parse_rubric

        source = self._source("rubric", name)
        problems = validate("rubric", text or "", source)
        if problems:
            raise gr.Error("评分标准有问题，先修正再校准：" + problems[0])
        roots = calibration_roots(self.folder("rubric"))
        folder = resolve_calibration_dir(cases_dir or "", roots)
        if folder is None:  # only the calibration area: a path box must not read the server
            places = "、".join(_shown(root) for root in roots)
            raise gr.Error(
                f"找不到校准集文件夹：{(cases_dir or '').strip()[:80]}。"
                f"校准集只能放在这些文件夹里（或其子文件夹）：{places}"
            )
        try:
            report = run_calibration(folder, parse_rubric(text, source))
        except (CalibrationError, OSError, ValueError) as exc:
            raise gr.Error(f"校准失败：{str(exc).splitlines()[0]}") from None
        table = pd.DataFrame(
            [
                [
                    s.criterion,
                    s.true_pos,
                    s.false_pos,
                    s.false_neg,
                    f"{s.precision:.2f}",
                    f"{s.recall:.2f}",
                ]
                for s in report.criteria
            ],
            columns=["评分项", "一致命中", "多判", "漏判", "精确率", "召回率"],
        )
        n = report.files
        lines = [
            f"校准集 {n} 个通话：还款约定判断准确率 {report.plan_correct / n:.2f}，"
            f"评级准确率 {report.band_correct / n:.2f}。",
            "**全部达标。**" if report.passed else "**未达标：**",
        ]
        lines += [f"- {html.escape(f)}" for f in report.failures]
        if report.mismatches:
            lines.append("不一致（前 10 条）：")
            lines += [f"- {html.escape(m)}" for m in report.mismatches[:10]]
        return table, "\n".join(lines)


def _shown(folder: Path) -> str:
    """A folder as a trainer should see it: relative to the project when inside it."""
    project = Path(__file__).resolve().parents[2]
    try:
        return str(folder.resolve().relative_to(project))
    except ValueError:
        return str(folder)


def _mood(call: Call) -> str:
    s = call.state
    ended = f"　通话已结束（{call.ended_by}）" if call.ended else ""
    return f"愤怒 {s['anger']} · 信任 {s['trust']} · 耐心 {s['patience']}{ended}"


def _editor(kind: str, h: StudioHandlers, head_outputs: list) -> None:
    """One tab: list, editor with live validation, save, templates; plus the kind's extras."""
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

    def load_list(k, request: gr.Request):
        try:  # on page load a non-trainer just gets nothing, not an error toast
            h.auth.require(request, "trainer")
        except AccessDenied:
            return gr.update(), gr.update()
        return h.listing(k, request), h.broken(k, request)

    head_outputs.append((load_list, kind_box, [listing, broken]))
    refresh.click(do_list, kind_box, listing).then(do_broken, kind_box, broken)
    open_btn.click(do_open, [kind_box, name], editor)

    def pick(df: pd.DataFrame, evt: gr.SelectData):
        return df.iloc[evt.index[0]]["文件"] if len(df) else gr.update()

    listing.select(pick, listing, name).then(do_open, [kind_box, name], editor)
    editor.change(
        do_check,
        [kind_box, name, editor],
        checked,
        show_progress="hidden",
        trigger_mode="always_last",
    )
    save_btn.click(do_save, [kind_box, name, editor], saved, api_name=f"studio_save_{kind}").then(
        do_list, kind_box, listing
    ).then(do_broken, kind_box, broken)
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


def build(
    services: Services, auth: Auth | None = None, rubrics_dir: Path | None = None
) -> gr.Blocks:
    """The studio page; ``auth`` defaults to the accounts in the services' database."""
    auth = auth or Auth(Users(services.store))
    h = StudioHandlers(services, auth, rubrics_dir)
    loaders: list = []
    with gr.Blocks() as page:
        head = gr.Markdown(auth.banner())
        with gr.Column(visible=False) as body:
            gr.Markdown("## 训练师工作台")
            with gr.Tabs():
                with gr.Tab("客户文件"):
                    _editor("persona", h, loaders)
                with gr.Tab("评分标准"):
                    _editor("rubric", h, loaders)
        gate = auth.page_gate("trainer")

        def on_load(request: gr.Request):
            user, notice = gate(request)
            return notice, gr.update(visible=user is not None)

        event = page.load(on_load, None, [head, body])
        for fn, kind_box, listing in loaders:
            event = event.then(fn, kind_box, listing)
    return page
