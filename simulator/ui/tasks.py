"""我的任务: a trainee's assignments — what is due, what is done, the best score per customer.

Progress comes from the trainee's own scored calls (:mod:`simulator.training`); the page only
shows it. The handler asks :class:`~simulator.accounts.auth.Auth` who is calling on every request,
so each person sees only their own tasks, through the page and through gradio's HTTP API alike.
"""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from simulator import clock
from simulator.accounts.auth import AccessDenied, Auth
from simulator.labels import Labels, labels_for
from simulator.services import Services
from simulator.training import STATUSES, Progress, Training

__all__ = ["build", "tasks_html"]

NONE_YET = "暂时没有布置给您的任务。"
STATUS_COLORS = dict(zip(STATUSES, ("#6b7280", "#1d4ed8", "#15803d", "#b91c1c"), strict=True))
"""未开始 grey, 进行中 blue, 已通过 green, 未通过 red."""


def _cell(text: Any) -> str:
    return f"<td style='padding:4px 10px'>{html.escape(str(text))}</td>"


def task_html(p: Progress, names: Labels) -> str:
    """One assignment as a card: title, status, due day, pass mark, a row per customer."""
    a = p.assignment
    status = p.status()
    color = STATUS_COLORS[status]
    cert = ""
    if a.cert_calls:
        state = "已认证" if p.certified else "未认证"
        cert = (
            f"<div>认证：在「通话练习」页把随机种子填为 <b>{a.cert_seed}</b>，"
            f"每位客户通过 {a.cert_calls} 通即可认证（{state}）。</div>"
        )
    rows = "".join(
        "<tr>"
        + _cell(names.persona(pp.persona))
        + _cell(pp.calls)
        + _cell("—" if pp.best is None else pp.best)
        + _cell(p.persona_status(pp))
        + (_cell(f"{min(pp.cert_passed, a.cert_calls)}/{a.cert_calls}") if a.cert_calls else "")
        + "</tr>"
        for pp in p.personas
    )
    head = "".join(
        f"<th style='text-align:left;padding:4px 10px'>{h}</th>"
        for h in ["客户", "已评分通话", "最好成绩", "本任务"]
        + (["认证进度"] if a.cert_calls else [])
    )
    return (
        f"<div class='cs-task' style='border:1px solid #e5e7eb;border-radius:8px;"
        f"padding:10px 14px;margin:8px 0'>"
        f"<div style='font-size:16px'><b>{html.escape(a.title)}</b> "
        f"<span style='color:{color}'>【{status}】</span></div>"
        f"<div>截止日期：{html.escape(a.due)}　及格分：{a.pass_mark}　"
        f"布置人：{html.escape(a.created_by)}　布置时间：{clock.shown(a.created_at)}</div>"
        f"{cert}<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


def tasks_html(progress: list[Progress], names: Labels) -> str:
    """All of a trainee's assignments: a count of due and done, then the open ones first."""
    if not progress:
        return f"<p>{NONE_YET}</p>"
    done = sum(1 for p in progress if p.done)
    ordered = sorted(progress, key=lambda p: (p.done, p.assignment.due))
    summary = f"<p id='tasks-summary'>共 {len(progress)} 项任务：待完成 {len(progress) - done} 项，已完成 {done} 项。</p>"
    return summary + "".join(task_html(p, names) for p in ordered)


def build(services: Services, auth: Auth) -> gr.Blocks:
    """The page; shows the signed-in person's own assignments."""
    training = Training(services.store)
    with gr.Blocks() as page:
        head = gr.Markdown(auth.banner())
        gr.Markdown("## 我的任务")
        body = gr.HTML(elem_id="tasks-body")
        refresh = gr.Button("刷新", elem_id="tasks-refresh", size="sm")

        def show(request: gr.Request):
            try:
                user = auth.user(request, "open page /tasks")
            except AccessDenied as exc:
                return f"**{exc.message}**", ""
            top = auth.banner() or f"当前用户：**{user.name}**（{user.label}）"
            return top, tasks_html(training.progress_of(user.name), labels_for(services))

        page.load(show, None, [head, body], api_name="my_tasks")
        refresh.click(show, None, [head, body], api_name=False)
    return page
