"""Practice page: pick a customer and talk to them by text."""

from __future__ import annotations

import random
from dataclasses import dataclass

import gradio as gr

from simulator.call import Call
from simulator.persona import ARCHETYPE_LABELS, LoadedPersona
from simulator.services import Services

__all__ = ["build", "PracticeState"]


@dataclass
class PracticeState:
    """One trainee's page: the call in progress, if any."""

    call: Call | None = None


def _choices(personas: dict[str, LoadedPersona]) -> list[tuple[str, str]]:
    return [
        (
            f"{lp.persona.name} · {ARCHETYPE_LABELS[lp.persona.archetype]} · "
            f"{'★' * lp.persona.difficulty}",
            pid,
        )
        for pid, lp in personas.items()
    ]


def brief_markdown(loaded: LoadedPersona) -> str:
    """The public brief a trainee reads before dialling."""
    b = loaded.persona.brief
    lines = [
        f"### {b.name}",
        f"- 卡号尾号：{b.card_last4}",
        f"- 逾期金额：{b.amount:,} 元",
        f"- 逾期天数：{b.days_overdue} 天",
    ]
    if b.minimum_payment:
        lines.append(f"- 最低还款额：{b.minimum_payment:,} 元")
    if b.note:
        lines.append(f"- 备注：{b.note}")
    return "\n".join(lines)


def start_call(services: Services, persona_id: str, seed: float | None, state: PracticeState):
    """Dial the chosen customer: the opening line appears in the transcript."""
    personas = services.personas()
    if persona_id not in personas:
        raise gr.Error("请先选择一位客户。")
    seed_value = int(seed) if seed not in (None, "") else random.randrange(1_000_000)
    call = Call(personas[persona_id], seed=seed_value, store=services.store)
    state.call = call
    opening = call.open()
    history = [{"role": "assistant", "content": opening.text}]
    return history, state, "通话中，请说话。"


def send(services: Services, text: str, history: list, state: PracticeState):
    """The trainee's typed line and the customer's reply."""
    call = state.call
    if call is None or call.ended:
        raise gr.Error("请先点“开始通话”。")
    reply = call.say(text or "")
    history = [
        *history,
        {"role": "user", "content": text or "（沉默）"},
        {"role": "assistant", "content": reply.text},
    ]
    status = "等待您说话"
    if call.ended:
        status = {
            "agreement": "通话结束：已达成还款计划",
            "customer_hangup": "客户挂断了电话",
            "agent_end": "通话结束",
        }.get(call.ended_by, "通话结束")
    return history, "", state, status


def hang_up(state: PracticeState):
    """The trainee ends the call."""
    if state.call and not state.call.ended:
        state.call.hang_up()
    return state, "通话结束"


def build(services: Services) -> gr.Blocks:
    """The practice page."""
    personas = services.personas()
    with gr.Blocks() as page:
        state = gr.State(PracticeState())
        gr.Markdown("## 催收通话练习")
        with gr.Row():
            with gr.Column(scale=1):
                persona = gr.Dropdown(_choices(personas), label="选择客户")
                brief = gr.Markdown()
                seed = gr.Number(label="随机种子（考试时固定）", precision=0)
                start = gr.Button("开始通话", variant="primary")
                end = gr.Button("挂断", variant="stop")
                status = gr.Textbox(label="状态", interactive=False)
            with gr.Column(scale=2):
                chat = gr.Chatbot(label="通话记录", height=480)
                text = gr.Textbox(label="您说", placeholder="输入您要说的话，回车发送")
        persona.change(
            lambda pid: brief_markdown(services.personas()[pid]) if pid else "",
            persona,
            brief,
        )
        start.click(
            lambda pid, s, st: start_call(services, pid, s, st),
            [persona, seed, state],
            [chat, state, status],
        )
        text.submit(
            lambda t, h, st: send(services, t, h, st),
            [text, chat, state],
            [chat, text, state, status],
        )
        end.click(hang_up, state, [state, status])
    return page
