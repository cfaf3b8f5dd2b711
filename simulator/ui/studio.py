"""Trainer studio (训练师工作台): write, check and try persona and rubric files.

Every handler requires the trainer role on each request (the page hides itself from others, but
the handlers are also reachable through gradio's HTTP API). Nothing here touches the call
database: test calls and preflights run in memory against the unsaved text in the editor.
Problems are worded in Chinese at their line and field (:mod:`simulator.studio_messages`);
replaced versions are kept in the data folder, where 恢复此版本 brings one back.
"""

from __future__ import annotations

import html
import random
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from simulator import clock, labels
from simulator.accounts.auth import AccessDenied, Auth
from simulator.accounts.users import Users
from simulator.call import Call, CallEnded
from simulator.persona import PersonaError, parse_persona
from simulator.preflight import TABLE_HEADERS, preflight, rows_table
from simulator.services import Services
from simulator.studio_files import (
    Problem,
    StudioError,
    Version,
    from_template,
    keep_dir,
    list_files,
    read_file,
    restore,
    safe_name,
    save,
    validate,
    version_list,
)
from simulator.studio_messages import (
    calibration_line,
    file_problems,
    first_problem,
    studio_problems,
)
from simulator.ui.refuse import quiet_error, refusal
from simulator.ui.studio_editor import KIND_LABELS, TrialState, editor_tab

__all__ = [
    "build",
    "broken_markdown",
    "StudioHandlers",
    "TrialState",
    "validation_markdown",
    "version_labels",
]


def _rubrics_dir() -> Path:
    from scoring.rubric import default_rubrics_dir

    return default_rubrics_dir()


def validation_markdown(problems: list[Problem], file: str = "") -> str:
    """The validation result for the editor: each problem in Chinese with its file, line and field.

    Args:
        problems: the problems, empty when the text is valid.
        file: the file name the text is saved as (``hostile_zhang.yaml``); named on every line,
            so the live check and the save message point at the same place.

    """
    if not problems:
        return "**校验通过**，可以保存。"
    named = f"`{html.escape(file)}` " if file else ""
    lines = [f"**{named}有 {len(problems)} 处问题：**"]
    for p in problems:
        where = f"{named}第 {p.line} 行 " if p.line else named
        field = "" if p.field.startswith("(") else f"`{html.escape(p.field)}`："
        lines.append(f"- {where}{field}{html.escape(p.message)}")
    return "\n".join(lines)


_BROKEN_EFFECT = {
    "persona": "练习页暂不提供这些客户，其余客户照常可用",
    "rubric": "修正之前不能用它们评分，其余评分标准照常可用",
}


def broken_markdown(kind: str, bad: dict[Path, list[Problem]], per_file: int = 3) -> str:
    """A notice naming every file that does not load, with its first problems and their lines."""
    if not bad:
        return ""
    lines = [f"**有 {len(bad)} 个{KIND_LABELS[kind]}无法加载**，{_BROKEN_EFFECT[kind]}："]
    for path, problems in bad.items():
        shown = [first_problem([p]) for p in problems[:per_file]] or ["无法加载"]
        more = f"（另有 {len(problems) - per_file} 处）" if len(problems) > per_file else ""
        detail = "；".join(html.escape(p) for p in shown)
        lines.append(f"- `{html.escape(path.name)}`：{detail}{more}")
    return "\n".join(lines)


def version_labels(kept: list[Version]) -> list[tuple[str, str]]:
    """(label, id) of kept versions: ``2026-11-30 09:22:31 保存前的版本``, to the second.

    Two saves in the same second still read apart: those listed after the first are numbered
    （2）,（3）….
    """
    out, seen = [], {}
    for v in kept:
        when = clock.local(v.saved_at).strftime("%Y-%m-%d %H:%M:%S")
        seen[when] = seen.get(when, 0) + 1
        count = f"（{seen[when]}）" if seen[when] > 1 else ""
        out.append((f"{when} 保存前的版本{count}", v.id))
    return out


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

    def keep(self, kind: str) -> Path:
        """Where replaced versions of a kind are kept: the data folder, outside the work tree."""
        return keep_dir(self.services.store.data_dir, kind)

    def _trainer(self, request: Any, action: str = "use the studio") -> str:
        """The trainer's name; anyone else gets a toast (the refusal is logged by ``require``)."""
        try:
            return self.auth.require(request, "trainer", action).name
        except AccessDenied as exc:
            raise quiet_error(exc.message) from None

    def _broken(self, kind: str) -> dict[Path, list[Problem]]:
        """The files of a kind that do not load, with their problems in Chinese."""
        return {
            f.path: file_problems(kind, f.path)
            for f in list_files(kind, self.folder(kind))
            if not f.ok
        }

    @staticmethod
    def _file(name: str) -> str:
        """The file name the editor's text is saved as; empty for a name that cannot be one."""
        try:
            return f"{safe_name(name)}.yaml"
        except StudioError:
            return ""

    def _source(self, kind: str, name: str) -> str:
        try:
            stem = safe_name(name)
        except StudioError:
            stem = "draft"
        return str(self.folder(kind) / f"{stem}.yaml")

    def listing(self, kind: str, request: Any) -> pd.DataFrame:
        """The files of a kind with their validation state."""
        self._trainer(request)
        bad = self._broken(kind)
        rows = [
            [
                f.id,
                f.title,
                "有效" if f.ok else f"有 {len(bad.get(f.path) or f.problems)} 处问题",
                "" if f.ok else first_problem(bad.get(f.path, [])),
            ]
            for f in list_files(kind, self.folder(kind))
        ]
        return pd.DataFrame(rows, columns=["文件", "名称", "状态", "首个问题"])

    def broken(self, kind: str, request: Any) -> str:
        """Which files of a kind do not load and why; empty when all load."""
        self._trainer(request)
        return broken_markdown(kind, self._broken(kind))

    def open(self, kind: str, name: str, request: Any) -> str:
        """The text of one file."""
        self._trainer(request)
        try:
            return read_file(self.folder(kind) / f"{safe_name(name)}.yaml")
        except StudioError as exc:
            raise quiet_error(exc.problems[0]) from None

    def check(self, kind: str, name: str, text: str, request: Any) -> str:
        """Live validation of the editor's text."""
        self._trainer(request)
        if not (text or "").strip():
            return "在左侧编辑 YAML，这里会实时显示校验结果。"
        return validation_markdown(self.problems(kind, name, text), self._file(name))

    def problems(self, kind: str, name: str, text: str) -> list[Problem]:
        """The editor text's problems in Chinese (the English check is the final word)."""
        source = self._source(kind, name)
        english = validate(kind, text or "", source)
        if not english:
            return []
        return studio_problems(kind, text or "", source) or [
            Problem("(整个文件)", f"有 {len(english)} 处问题，无法加载", None)
        ]

    def save(self, kind: str, name: str, text: str, request: Any) -> str:
        """Validate and save; the replaced version is kept in the data folder."""
        who = self._trainer(request, f"save a {kind} file")
        try:
            saved = save(kind, self.folder(kind), name, text or "", self.keep(kind))
        except StudioError as exc:
            try:
                problems = self.problems(kind, safe_name(name), text)
            except StudioError as bad_name:
                problems = [Problem("(文件名)", bad_name.problems[0], None)]
            # the text is fine: the file's place is not (a folder or a dead link by that name)
            problems = problems or [Problem("(文件)", p, None) for p in exc.problems]
            refusal(first_problem(problems), request, f"save a {kind} file", who, file=name)
            return "**未保存。**\n\n" + validation_markdown(problems, self._file(name))
        kept = "，旧版本已保留（可在“历史版本”里恢复）" if saved.previous else ""
        return f"已保存到 `{saved.path.name}`{kept}。"

    def versions(self, kind: str, name: str, request: Any) -> list[tuple[str, str]]:
        """(label, id) of the kept versions of a file, newest first."""
        self._trainer(request)
        try:
            kept = version_list(self.folder(kind), name, self.keep(kind))
        except StudioError:
            return []
        return version_labels(kept)

    def version_text(self, kind: str, name: str, version: str, request: Any) -> str:
        """A kept version's text, to read in the editor (nothing is saved)."""
        self._trainer(request)
        kept = {v.id: v for v in version_list(self.folder(kind), name, self.keep(kind))}
        if version not in kept:
            raise quiet_error("请先选择一个历史版本。")
        return read_file(kept[version].path)

    def restore(self, kind: str, name: str, version: str, request: Any) -> tuple[str, str]:
        """Save a kept version back (the current one is kept in turn); (text, message)."""
        who = self._trainer(request, f"restore a {kind} file")
        if not version:
            raise quiet_error("请先选择一个历史版本。")
        try:
            text, saved = restore(kind, self.folder(kind), name, version, self.keep(kind))
        except StudioError as exc:
            problems = [Problem("(历史版本)", p, None) for p in exc.problems]
            refusal(exc.problems[0], request, f"restore a {kind} file", who, file=name)
            return gr.update(), "**未恢复。**\n\n" + validation_markdown(problems)
        kept = "，恢复前的版本也已保留" if saved.previous else ""
        return text, f"已恢复 `{saved.path.name}` 到所选版本{kept}。"

    def template(self, kind: str, base: str, new_name: str, request: Any) -> tuple[str, str]:
        """A new file's text from an existing one; returns (text, the new file name)."""
        self._trainer(request)
        try:
            return from_template(kind, self.folder(kind), base or "", new_name or ""), safe_name(
                new_name
            )
        except StudioError as exc:
            raise quiet_error(exc.problems[0]) from None

    def _draft(self, name: str, text: str):
        try:
            return parse_persona(text or "", "（编辑中）", persona_id=name or "draft")
        except PersonaError:
            first = first_problem(studio_problems("persona", text or "", "draft.yaml"))
            raise quiet_error("客户文件有问题，先修正再试：" + first) from None

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
            raise quiet_error("请先点“试打一通”。")
        try:
            reply = state.call.say(line or "")
        except CallEnded:
            raise quiet_error("通话已结束，请重新开始试打。") from None
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
        if validate("rubric", text or "", source):
            first = first_problem(self.problems("rubric", name, text))
            raise quiet_error("评分标准有问题，先修正再校准：" + first)
        roots = calibration_roots(self.folder("rubric"))
        folder = resolve_calibration_dir(cases_dir or "", roots)
        if folder is None:  # only the calibration area: a path box must not read the server
            places = "、".join(_shown(root) for root in roots)
            raise quiet_error(
                f"找不到校准集文件夹：{(cases_dir or '').strip()[:80]}。"
                f"校准集只能放在这些文件夹里（或其子文件夹）：{places}"
            )
        try:
            rubric = parse_rubric(text, source)
            report = run_calibration(folder, rubric)
        except (CalibrationError, OSError, ValueError) as exc:
            raise quiet_error(f"校准失败：{str(exc).splitlines()[0]}") from None
        titles = {c.id: c.title for c in rubric.model.criteria}
        table = pd.DataFrame(
            [
                [
                    titles.get(s.criterion, s.criterion),
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
        lines += [f"- {html.escape(calibration_line(f, titles))}" for f in report.failures]
        if report.mismatches:
            lines.append("不一致（前 10 条）：")
            lines += [
                f"- {html.escape(calibration_line(m, titles))}" for m in report.mismatches[:10]
            ]
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
    ended = f"　通话已结束（{labels.ending(call.ended_by)}）" if call.ended else ""
    return f"愤怒 {s['anger']} · 信任 {s['trust']} · 耐心 {s['patience']}{ended}"


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
                    editor_tab("persona", h, loaders)
                with gr.Tab("评分标准"):
                    editor_tab("rubric", h, loaders)
        gate = auth.page_gate("trainer", "/studio")

        def on_load(request: gr.Request):
            user, notice = gate(request)
            return notice, gr.update(visible=user is not None)

        event = page.load(on_load, None, [head, body])
        for fn, kind_box, listing in loaders:
            event = event.then(fn, kind_box, listing)
    return page
