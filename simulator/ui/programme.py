"""培训计划: trainers assign, keep groups and follow progress; managers read the dashboard.

Two tabs, each shown only to its role (布置任务 for trainers, 主管看板 for managers); anyone else
(a trainee) reads 这一页只对培训师和主管开放 and a link to 我的任务, and the refusal is one line in
the operators' log. Hiding is courtesy: the handlers check the role on every request. The
dashboard's figures come from :mod:`simulator.training_stats`; exports are CSV (with a BOM so
Excel reads UTF-8) or Excel workbooks, with Chinese headers and empty cells for missing figures.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from simulator import clock, labels, oplog
from simulator.accounts.auth import AccessDenied, Auth
from simulator.accounts.users import Users
from simulator.labels import labels_for
from simulator.services import Services
from simulator.training import Training, TrainingError, personas_of_difficulty
from simulator.training_stats import (
    PROGRESS_COLUMNS,
    TEAM_COLUMNS,
    csv_text,
    progress_rows,
    skill_rows,
    team_rows,
    trainee_call_rows,
    weakest_skills,
    weekly_rows,
    write_xlsx,
)
from simulator.ui.cards import stars
from simulator.ui.charts import line_chart, short_labels
from simulator.ui.refuse import quiet_error, refusal

__all__ = ["build"]

ASSIGNED_COLUMNS = [
    "编号",
    "任务",
    "客户",
    "学员",
    "小组",
    "截止日期",
    "及格分",
    "认证",
    "已完成",
    "已认证",
]
DIFFICULTIES = [("不按难度（用上面勾选的客户）", 0)] + [(stars(n), n) for n in range(1, 6)]


STAFF_ONLY = "这一页只对培训师和主管开放。"
TO_MY_TASKS = "您的任务请到 [我的任务](tasks) 查看。"
FORMATS = {"csv": "CSV", "xlsx": "Excel"}
"""Export formats: file suffix → button word."""
SKILL_COLUMNS = ["类型", "技能", "得分", "通话数"]


def _export_path(name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix="callsim-export-")) / name


def _write_csv(name: str, text: str) -> str:
    out = _export_path(name)
    out.write_text(text, encoding="utf-8-sig")
    return str(out)


def _format(kind: str) -> str:
    if kind not in FORMATS:
        raise quiet_error(f"未知的导出格式：{kind}（可选 csv、xlsx）")
    return kind


def weeks_chart(weeks: pd.DataFrame) -> str:
    """每周平均分与通过率 as an SVG line chart on a time axis of weeks.

    Each week with calls is a marker with its value; a week without calls keeps its place on
    the axis, marked 0 通, and the line breaks there instead of joining across it.
    """
    series: dict[str, list[tuple[float, float]]] = {"平均分": [], "通过率": []}
    ticks: dict[float, str] = {}
    notes: dict[float, str] = {}
    records = weeks.to_dict("records")
    first = date.fromisoformat(records[0]["周"]) if records else None
    for row in records:
        i = (date.fromisoformat(row["周"]) - first).days / 7
        ticks[i] = f"{row['周'][5:]} 起"
        calls = row.get("通话数")
        notes[i] = f"{int(calls)} 通" if calls == calls and calls is not None else ""
        for key in series:
            if row.get(key) is not None and row[key] == row[key]:  # NaN: no figure that week
                series[key].append((i, float(row[key])))
    return "<b>每周平均分与通过率（%）</b>" + line_chart(
        series, x_labels=ticks, x_notes=notes, gap=1, empty="还没有评过分的通话。"
    )


def skills_frame(skills: pd.DataFrame) -> pd.DataFrame:
    """The skills table for the bar chart: names cut short enough to stand apart on the axis."""
    frame = skills.copy()
    short = short_labels(list(frame["技能"]))
    frame["全称"] = frame["技能"]
    frame["技能"] = [short[n] for n in frame["技能"]]
    return frame


class ProgrammeHandlers:
    """The page's handlers; each checks the caller's role first.

    Args:
        services: the app's services (the database is ``services.store``).
        auth: sign-in and roles.

    """

    def __init__(self, services: Services, auth: Auth):
        self.services = services
        self.auth = auth
        self.training = Training(services.store)

    def _require(self, request: Any, role: str, action: str):
        try:
            return self.auth.require(request, role, action)
        except AccessDenied as exc:  # already logged by Auth
            raise quiet_error(exc.message) from None

    def choices(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(customers, trainees) as (label, value) pairs for the pickers, easiest customer first."""
        cast = sorted(
            self.services.personas().items(),
            key=lambda kv: (kv[1].persona.difficulty, kv[1].persona.name),
        )
        customers = [(f"{lp.persona.name} {stars(lp.persona.difficulty)}", pid) for pid, lp in cast]
        return customers, [(labels.user(t), t) for t in self.trainees()]

    def trainees(self) -> list[str]:
        """Names of the accounts holding the trainee role (the local user without accounts)."""
        if not self.auth.enabled:
            return [labels.LOCAL_USER]
        return sorted(u.name for u in Users(self.services.store).all_users() if u.has("trainee"))

    def assigned_frame(self) -> pd.DataFrame:
        """Every assignment as a table, newest first, with how many of its trainees are done."""
        names = labels_for(self.services)
        done: dict[int, list[bool]] = {}
        certified: dict[int, list[bool]] = {}
        for p in self.training.all_progress():
            done.setdefault(p.assignment.id, []).append(p.done)
            certified.setdefault(p.assignment.id, []).append(p.certified)
        rows = [
            [
                a.id,
                a.title,
                "、".join(names.persona(p) for p in a.personas),
                "、".join(labels.user(t) for t in a.trainees),
                a.group_name or "",
                a.due,
                a.pass_mark,
                f"每位客户需通过 {a.cert_calls} 通" if a.cert_calls else "—",
                f"{sum(done.get(a.id, []))}/{len(done.get(a.id, []))} 人",
                f"{sum(certified.get(a.id, []))}/{len(certified.get(a.id, []))} 人"
                if a.cert_calls
                else "—",
            ]
            for a in self.training.assignments()
        ]
        return pd.DataFrame(rows, columns=ASSIGNED_COLUMNS)

    def progress_frame(self, trainer: str | None = None) -> pd.DataFrame:
        """Who did what on the assignments ``trainer`` gave (everyone's when None)."""
        progress = [
            p
            for p in self.training.all_progress()
            if trainer is None or p.assignment.created_by == trainer
        ]
        return pd.DataFrame(
            progress_rows(progress, labels_for(self.services)), columns=PROGRESS_COLUMNS
        )

    def my_progress(self, request: Any) -> pd.DataFrame:
        """The calling trainer's view of progress on the assignments they gave."""
        user = self._require(request, "trainer", "read assignment progress")
        return self.progress_frame(user.name)

    def assign(self, request: Any, **fields: Any) -> str:
        """Save an assignment; a difficulty level replaces the ticked customers with that level's."""
        user = self._require(request, "trainer", "create an assignment")
        level = int(fields.pop("difficulty") or 0)
        if level:
            fields["personas"] = personas_of_difficulty(self.services.personas(), level)
            if not fields["personas"]:
                message = f"没有难度为 {stars(level)} 的客户。"
                raise refusal(message, request, "create an assignment", user.name)
        try:
            a = self.training.assign(created_by=user.name, **fields)
        except TrainingError as exc:
            title = fields.get("title")
            raise refusal(
                str(exc), request, "create an assignment", user.name, title=title
            ) from None
        who = "、".join(self.training.assignees(a))
        return f"已布置「{a.title}」：{len(a.personas)} 位客户，学员 {who}，截止 {a.due}。"

    def save_group(self, request: Any, name: str, members: list[str]) -> pd.DataFrame:
        """Create or replace a group; returns the groups table."""
        user = self._require(request, "trainer", "save a group")
        try:
            self.training.set_group(name, members or [])
        except TrainingError as exc:
            raise refusal(str(exc), request, "save a group", user.name, group=name) from None
        return self.groups_frame()

    def groups_frame(self) -> pd.DataFrame:
        """Groups and their members."""
        rows = [[g, "、".join(m)] for g, m in self.training.groups().items()]
        return pd.DataFrame(rows, columns=["小组", "成员"])

    def calls(self) -> list[dict[str, Any]]:
        """Scored calls for the dashboard; no-accounts calls stay out once accounts exist."""
        calls = self.training.scored_calls()
        if self.auth.enabled:
            calls = [c for c in calls if c["user"] != labels.LOCAL_USER]
        return calls

    def dashboard(self, request: Any) -> dict[str, pd.DataFrame]:
        """The dashboard's tables (team, skills, weakest, weeks, skills per trainee)."""
        self._require(request, "manager", "open the training dashboard")
        calls, names = self.calls(), labels_for(self.services)
        progress = [
            p
            for p in self.training.all_progress()
            if p.user != labels.LOCAL_USER or not self.auth.enabled
        ]
        return {
            "team": pd.DataFrame(team_rows(progress, calls), columns=TEAM_COLUMNS),
            "skills": pd.DataFrame(skill_rows(calls, names), columns=SKILL_COLUMNS),
            "weakest": pd.DataFrame(weakest_skills(calls, names), columns=SKILL_COLUMNS),
            "weeks": pd.DataFrame(weekly_rows(calls), columns=["周", "通话数", "平均分", "通过率"]),
            "by_trainee": pd.DataFrame(
                skill_rows(calls, names, by_trainee=True),
                columns=["学员", "类型", "技能", "得分", "通话数"],
            ),
        }

    def export_team(self, request: Any, kind: str = "csv") -> str:
        """The team table and each trainee's skill marks: one CSV file, or a two-sheet workbook."""
        kind = _format(kind)
        d = self.dashboard(request)
        team, by_trainee = d["team"].to_dict("records"), d["by_trainee"].to_dict("records")
        if kind == "xlsx":
            sheets = {
                "各学员完成率与通过率": (team, TEAM_COLUMNS),
                "各学员各项技能": (by_trainee, None),
            }
            return str(write_xlsx(_export_path("团队培训报表.xlsx"), sheets))
        text = csv_text(team, TEAM_COLUMNS) + "\n" + csv_text(by_trainee)
        return _write_csv("团队培训报表.csv", text)

    def export_trainee(self, request: Any, trainee: str, kind: str = "csv") -> str:
        """One trainee's calls with every skill, as a CSV file or a workbook."""
        kind = _format(kind)
        self._require(request, "manager", "export a trainee's report")
        if not trainee:
            raise quiet_error("请先选择一位学员。")
        rows = trainee_call_rows(
            [c for c in self.calls() if c["user"] == trainee], labels_for(self.services)
        )
        if kind == "xlsx":
            out = _export_path(f"学员报表_{trainee}.xlsx")
            return str(write_xlsx(out, {labels.user(trainee): (rows, None)}))
        return _write_csv(f"学员报表_{trainee}.csv", csv_text(rows))


def build(services: Services, auth: Auth) -> gr.Blocks:
    """The page: 布置任务 for trainers, 主管看板 for managers, nothing of either for anyone else."""
    h = ProgrammeHandlers(services, auth)
    # The choices known at start are also what gradio's HTTP API accepts; a load refreshes them.
    start_customers, start_people = h.choices()
    with gr.Blocks() as page:
        head = gr.Markdown(auth.banner(), elem_id="programme-head")
        gr.Markdown("## 培训计划")
        with gr.Column(visible=False) as body, gr.Tabs():
            with gr.Tab("布置任务", visible=False) as assign_tab:
                title = gr.Textbox(label="任务名称", elem_id="assign-title")
                personas = gr.CheckboxGroup(
                    start_customers, label="客户", elem_id="assign-personas"
                )
                difficulty = gr.Dropdown(DIFFICULTIES, value=0, label="或按难度选一组客户")
                with gr.Row():
                    trainees = gr.CheckboxGroup(
                        start_people, label="学员", elem_id="assign-trainees"
                    )
                    # custom values pass gradio's check: the handler names an unknown one
                    group = gr.Dropdown(label="或布置给小组", choices=[], allow_custom_value=True)
                with gr.Row():
                    due = gr.Textbox(label="截止日期（如 2026-12-31）", elem_id="assign-due")
                    pass_mark = gr.Number(80, label="及格分", precision=0, elem_id="assign-mark")
                    cert_calls = gr.Number(0, label="认证所需通过次数（0 为不认证）", precision=0)
                assign_btn = gr.Button("布置任务", variant="primary", elem_id="assign-save")
                assign_msg = gr.Markdown(elem_id="assign-msg")
                assigned = gr.Dataframe(label="已布置的任务", interactive=False, elem_id="assigned")
                with gr.Row():
                    gr.Markdown("### 学员进度（我布置的任务）")
                    progress_btn = gr.Button(
                        "刷新进度", size="sm", elem_id="assign-progress-refresh"
                    )
                progress = gr.Dataframe(
                    pd.DataFrame(columns=PROGRESS_COLUMNS),
                    label="谁做了什么：每位学员、每位客户一行",
                    interactive=False,
                    wrap=True,
                    elem_id="assign-progress",
                )
                with gr.Accordion("小组", open=False):
                    with gr.Row():
                        group_name = gr.Textbox(label="小组名称")
                        group_members = gr.CheckboxGroup(start_people, label="成员")
                    group_btn = gr.Button("保存小组")
                    groups = gr.Dataframe(label="小组", interactive=False)
            with gr.Tab("主管看板", visible=False) as board_tab:
                team = gr.Dataframe(
                    label="各学员完成率与通过率（%）", interactive=False, elem_id="board-team"
                )
                with gr.Row():
                    pass_plot = gr.BarPlot(
                        x="学员",
                        y="通过率",
                        title="通过率（%）",
                        y_lim=[0, 100],
                        elem_id="board-pass",
                    )
                    done_plot = gr.BarPlot(
                        x="学员",
                        y="完成率",
                        title="任务完成率（%）",
                        y_lim=[0, 100],
                        elem_id="board-done",
                    )
                weakest = gr.Dataframe(
                    label="团队最薄弱的技能", interactive=False, elem_id="board-weakest"
                )
                skill_plot = gr.BarPlot(
                    x="技能",
                    y="得分",
                    color="类型",
                    y_lim=[0, 100],
                    # long criterion titles are cut (全称 in the tooltip) and set at an angle
                    x_label_angle=-40,
                    tooltip=["全称", "得分", "通话数"],
                    height=380,
                    sort="y",
                    title="各项技能得分（维度为平均分，评分项为达标率）",
                    elem_id="board-skills",
                )
                week_plot = gr.HTML(elem_id="board-weeks")
                by_trainee = gr.Dataframe(label="各学员各项技能", interactive=False)
                with gr.Row():
                    team_btn = gr.Button("导出团队 CSV", elem_id="board-export-team")
                    team_xlsx = gr.Button("导出团队 Excel", elem_id="board-export-team-xlsx")
                    who = gr.Dropdown(
                        label="学员", choices=[], allow_custom_value=True, elem_id="board-who"
                    )
                    one_btn = gr.Button("导出该学员 CSV", elem_id="board-export-one")
                    one_xlsx = gr.Button("导出该学员 Excel", elem_id="board-export-one-xlsx")
                export_file = gr.File(label="导出文件", elem_id="board-file")

        def show_board(request: gr.Request):
            d = h.dashboard(request)
            users = sorted({c["user"] for c in h.calls()})
            return (
                d["team"],
                d["team"].fillna(0),
                d["team"].fillna(0),
                d["weakest"],
                skills_frame(d["skills"]),
                weeks_chart(d["weeks"]),
                d["by_trainee"],
                gr.update(choices=[(labels.user(u), u) for u in users]),
            )

        board_outputs = [
            team,
            pass_plot,
            done_plot,
            weakest,
            skill_plot,
            week_plot,
            by_trainee,
            who,
        ]
        trainer_outputs = [
            personas,
            trainees,
            group,
            due,
            assigned,
            progress,
            group_members,
            groups,
        ]

        def on_load(request: gr.Request):
            hidden = gr.update(visible=False)
            untouched = [gr.update()] * (len(trainer_outputs) + len(board_outputs))
            try:
                user = auth.user(request, "open page /programme")
            except AccessDenied as exc:
                return (f"**{exc.message}**", hidden, hidden, hidden, *untouched)
            is_trainer, is_manager = user.has("trainer"), user.has("manager")
            if not (is_trainer or is_manager):
                oplog.refused(user.name, "open page /programme", STAFF_ONLY)
                return (f"**{STAFF_ONLY}**\n\n{TO_MY_TASKS}", hidden, hidden, hidden, *untouched)
            top = auth.banner() or f"当前用户：**{user.name}**（{user.label}）"
            persona_choices, people = h.choices()
            trainer = [gr.update()] * len(trainer_outputs)
            if is_trainer:
                trainer = [
                    gr.update(choices=persona_choices),
                    gr.update(choices=people),
                    gr.update(choices=list(h.training.groups())),
                    (clock.now().date() + timedelta(days=7)).isoformat(),
                    h.assigned_frame(),
                    h.progress_frame(user.name),
                    gr.update(choices=people),
                    h.groups_frame(),
                ]
            board = show_board(request) if is_manager else [gr.update()] * len(board_outputs)
            return (
                top,
                gr.update(visible=True),
                gr.update(visible=is_trainer),
                gr.update(visible=is_manager),
                *trainer,
                *board,
            )

        page.load(
            on_load,
            None,
            [head, body, assign_tab, board_tab, *trainer_outputs, *board_outputs],
            api_name=False,
        )

        def do_assign(ti, pe, di, tr, gr_name, du, pm, cc, request: gr.Request):
            message = h.assign(
                request,
                title=ti,
                personas=pe or [],
                difficulty=di,
                trainees=tr,
                group=gr_name,
                due=du,
                pass_mark=pm,
                cert_calls=cc,
            )
            return message, h.assigned_frame(), h.my_progress(request)

        assign_btn.click(
            do_assign,
            [title, personas, difficulty, trainees, group, due, pass_mark, cert_calls],
            [assign_msg, assigned, progress],
            api_name="assign",
        )

        def do_progress(request: gr.Request):
            return h.my_progress(request)

        progress_btn.click(do_progress, None, progress, api_name="assignment_progress")

        def do_group(name, members, request: gr.Request):
            table = h.save_group(request, name, members)
            return table, gr.update(choices=list(h.training.groups()))

        group_btn.click(do_group, [group_name, group_members], [groups, group], api_name="group")

        def do_team(request: gr.Request):
            return h.export_team(request)

        def do_team_xlsx(request: gr.Request):
            return h.export_team(request, "xlsx")

        def do_one(trainee, request: gr.Request):
            return h.export_trainee(request, trainee)

        def do_one_xlsx(trainee, request: gr.Request):
            return h.export_trainee(request, trainee, "xlsx")

        team_btn.click(do_team, None, export_file, api_name="export_team")
        team_xlsx.click(do_team_xlsx, None, export_file, api_name="export_team_xlsx")
        one_btn.click(do_one, who, export_file, api_name="export_trainee")
        one_xlsx.click(do_one_xlsx, who, export_file, api_name="export_trainee_xlsx")
    return page
