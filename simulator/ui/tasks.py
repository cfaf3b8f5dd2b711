"""我的任务: a trainee's assignments (due, done, best score) and their certification calls.

Progress comes from the trainee's own scored calls (:mod:`simulator.training`); the page only
shows it. The handler asks :class:`~simulator.accounts.auth.Auth` who is calling on every request,
so each person sees only their own tasks, through the page and through gradio's HTTP API alike.
A certification is played on a variant of the customer the trainee has never practised: its
seed is never shown, the call is dialled here with it (typed, through the practice call's own
functions in :mod:`simulator.ui.call_flow`) and only calls started here count. A certification
call whose tab closes is closed as 未完成 by the :class:`~simulator.sweeper.Sweeper` after the
same short grace period as a practice call.
"""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from simulator import clock, labels
from simulator.accounts.auth import AccessDenied, Auth
from simulator.labels import Labels, labels_for
from simulator.services import Services
from simulator.sweeper import Sweeper
from simulator.training import STATUSES, Progress, Training, TrainingError
from simulator.ui import call_flow
from simulator.ui.call_flow import PracticeState
from simulator.ui.refuse import quiet_error

__all__ = ["build", "certification_choices", "start_certification", "tasks_html"]

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
            f"<div>认证：在本页下方「认证考核」开始认证通话（客户的一个您没练过的版本），"
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
    with_cert = [p for p in progress if p.assignment.cert_calls > 0]
    certified = sum(1 for p in with_cert if p.certified)
    cert = f"已认证 {certified}/{len(with_cert)} 项。" if with_cert else ""
    summary = (
        f"<p id='tasks-summary'>共 {len(progress)} 项任务：待完成 {len(progress) - done} 项，"
        f"已完成 {done} 项。{cert}</p>"
    )
    return summary + "".join(task_html(p, names) for p in ordered)


def certification_choices(progress: list[Progress], names: Labels) -> list[tuple[str, str]]:
    """(label, ``assignment id:persona``) of each certification still to pass."""
    out = []
    for p in progress:
        a = p.assignment
        if not a.cert_calls:
            continue
        for pp in p.personas:
            if pp.cert_passed < a.cert_calls:
                label = (
                    f"{a.title} · {names.persona(pp.persona)}（{pp.cert_passed}/{a.cert_calls}）"
                )
                out.append((label, f"{a.id}:{pp.persona}"))
    return out


def _result_line(view: call_flow.CallView) -> str:
    card = view.scorecard
    if not card:
        return view.notice or "认证通话已结束。"
    verdict = labels.verdict(card.get("passed"))
    return f"认证通话已结束：**{card.get('overall')} 分，{verdict}**。任务进度已更新。"


def start_certification(
    services: Services,
    training: Training,
    sweeper: Sweeper,
    user: str,
    choice: str | None,
    tab: str | None,
) -> tuple[PracticeState, call_flow.CallView]:
    """Dial the certification call ``choice`` (``assignment id:persona``) for ``user``.

    The call is recorded as a certification call and tracked under the browser tab ``tab``, so
    the sweeper closes it when the tab goes away, as it does a practice call.

    Raises:
        TrainingError: no such certification for this trainee (in Chinese).

    """
    aid, _, persona = (choice or "").partition(":")
    if not aid.isdigit() or not persona:
        raise TrainingError("请先选择一个认证项目。")
    seed = training.certification_seed(int(aid), user, persona)
    new, view = call_flow.start(services, PracticeState(), persona, seed=seed, user=user)
    if new.call is not None:
        training.record_certification(new.call.session_id, int(aid), user, persona)
        sweeper.track(tab, new.call.session_id)
    return new, view


def build(services: Services, auth: Auth, sweeper: Sweeper | None = None) -> gr.Blocks:
    """The page; shows the signed-in person's own assignments and their certification calls.

    ``sweeper`` closes the certification calls this page leaves open (a closed tab, idle).
    """
    training = Training(services.store)
    sweeper = sweeper or Sweeper.for_services(services)
    with gr.Blocks() as page:
        head = gr.Markdown(auth.banner())
        gr.Markdown("## 我的任务")
        body = gr.HTML(elem_id="tasks-body")
        refresh = gr.Button("刷新", elem_id="tasks-refresh", size="sm")
        with gr.Column(visible=False, elem_id="cert-box") as cert_box:
            gr.Markdown(
                "### 认证考核\n认证通话用的是这位客户的一个您没练过的版本，只能在这里开始"
                "（练习页不提供）。打字说话，说完点“挂断”即评分。"
            )
            with gr.Row():
                pick = gr.Dropdown([], label="认证项目", elem_id="cert-pick", scale=4)
                start = gr.Button("开始认证通话", variant="primary", elem_id="cert-start", scale=1)
            chat = gr.Chatbot(label="认证通话", elem_id="cert-chat", height=320)
            voice = gr.Audio(label="客户的声音", autoplay=True, interactive=False)
            with gr.Row():
                said = gr.Textbox(label="您说", elem_id="cert-text", scale=4)
                send = gr.Button("发送", elem_id="cert-send", scale=1)
                end = gr.Button("挂断", variant="stop", elem_id="cert-end", scale=1)
            notice = gr.Markdown(elem_id="cert-notice")
        state = gr.State(PracticeState())

        def show(request: gr.Request):
            try:
                user = auth.user(request, "open page /tasks")
            except AccessDenied as exc:
                return f"**{exc.message}**", "", gr.update(visible=False), gr.update()
            sweeper.sweep(user=user.name)  # this trainee's calls left idle end as 未完成
            top = auth.banner() or f"当前用户：**{user.name}**（{user.label}）"
            progress, names = training.progress_of(user.name), labels_for(services)
            choices = certification_choices(progress, names)
            return (
                top,
                tasks_html(progress, names),
                gr.update(visible=bool(choices)),
                gr.update(choices=choices, value=choices[0][1] if choices else None),
            )

        page.load(show, None, [head, body, cert_box, pick], api_name="my_tasks")
        refresh.click(show, None, [head, body, cert_box, pick], api_name=False)

        def dial(choice: str | None, st: PracticeState, request: gr.Request):
            try:
                user = auth.user(request, "start a certification call")
            except AccessDenied as exc:
                raise quiet_error(exc.message) from None
            if st.call is not None and not st.call.ended:
                raise quiet_error("认证通话还在进行中，请先挂断。")
            tab = getattr(request, "session_hash", None)
            try:
                new, view = start_certification(services, training, sweeper, user.name, choice, tab)
            except TrainingError as exc:
                raise quiet_error(str(exc)) from None
            if new.call is None:  # not dialled: say why, stay on the choice
                return st, [], None, view.notice
            return new, view.messages, view.audio, view.notice or "认证通话已接通。"

        start.click(dial, [pick, state], [state, chat, voice, notice], api_name=False)

        def talk(text: str, st: PracticeState):
            if st.call is None or st.call.ended:
                return st, gr.update(), None, text, "请先开始认证通话。"
            new, view = call_flow.say(services, st, text)
            if view.phase == "result":
                return new, view.messages, view.audio, "", _result_line(view)
            return new, view.messages, view.audio, view.unsent or "", view.notice

        send.click(talk, [said, state], [state, chat, voice, said, notice], api_name=False)
        said.submit(talk, [said, state], [state, chat, voice, said, notice], api_name=False)

        def hang_up(st: PracticeState, request: gr.Request):
            if st.call is None:
                return st, gr.update(), "还没有开始认证通话。"
            new, view = call_flow.hang_up(services, st)
            return new, view.messages, _result_line(view)

        end.click(hang_up, state, [state, chat, notice], api_name=False).then(
            show, None, [head, body, cert_box, pick], api_name=False
        )

        def on_unload(request: gr.Request):
            sweeper.tab_closed(getattr(request, "session_hash", None))

        # gradio keeps only the app's own unload listeners (a nested Blocks' are dropped)
        (gr.context.Context.root_block or page).unload(on_unload)
    return page
