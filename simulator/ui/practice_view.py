"""What the practice page shows for a :class:`~simulator.ui.call_flow.CallView`.

:func:`outputs` turns a view into the updates of the page's components, in the order of its
``outs`` list; :func:`silence_after` is the breath fed to the streaming player after a sentence.
"""

from __future__ import annotations

import io
import wave
from typing import Any

import gradio as gr

from simulator.ui.call_flow import CallView, PracticeState
from simulator.ui.scorecard import messages as transcript_messages
from simulator.ui.scorecard import missed_markdown, mood_frame, scorecard_markdown, violation_rows

__all__ = ["ENCODER_WAIT_S", "PAUSE_S", "notice_markdown", "outputs", "silence_after"]


PAUSE_S = 0.25
"""Silence fed to the streaming player after each sentence: a breath between sentences, and
what pushes the sentence's last AAC frames out of gradio's encoder (it holds back ~0.1 s)."""
ENCODER_WAIT_S = 0.08
"""gradio's encoder collects only the frames ready 5 ms after a chunk; the pause comes this much
later, so that the sentence itself goes out to the player with it rather than a sentence late."""


def silence_after(after: bytes) -> bytes:
    """``PAUSE_S`` of silence as WAV, at the rate of the clip it follows when that is a WAV."""
    rate, channels = 24000, 1  # edge-tts MP3
    try:
        with wave.open(io.BytesIO(after)) as w:
            rate, channels = w.getframerate(), w.getnchannels()
    except (wave.Error, EOFError):
        pass
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * channels * int(rate * PAUSE_S))
    return buf.getvalue()


def notice_markdown(text: str) -> str:
    """A notice as the page's warning line (empty when there is none)."""
    return f"> ⚠ {text}" if text else ""


def _hints(view: CallView) -> str:
    if not view.hints:
        return ""
    return "#### 教练提示\n" + "\n".join(f"- {h}" for h in view.hints)


def _title(state: PracticeState) -> str:
    if state.call is None:
        return ""
    b = state.call.loaded.persona.brief
    return (
        f"### 正在与 {b.name} 通话\n逾期 {b.amount:,} 元 · {b.days_overdue} 天 · "
        f"卡尾号 {b.card_last4}" + (" · 教练模式" if state.coach else "")
    )


_RESULT_EMPTY = ("", [], "", None, [], "")
"""The result column's components (scorecard, violations, missed steps, mood, transcript,
context) emptied, in the order ``_outputs`` appends them for a finished call."""


def outputs(
    state: PracticeState,
    view: CallView,
    n: int,
    clear_text: bool = False,
    streaming: bool = False,
) -> tuple[Any, ...]:
    """Component updates for a view, in the order of the page's ``outs`` list (``n`` long).

    ``clear_text`` empties the text box (the line was sent, or a new call began); a spoken
    turn leaves it alone, in case the trainee has started typing. ``streaming``: the player
    is a streaming one, fed a sentence's audio at a time (and left alone between them).
    """
    skip = gr.skip()
    if streaming:
        audio = view.chunk if view.chunk is not None else skip
    else:
        audio = view.audio if view.phase == "call" else None
    if view.phase == "setup":
        out = [state, gr.Column(visible=True), gr.Column(visible=False)]
        out += [gr.Column(visible=False), notice_markdown(view.notice)]
        return (*out, *([skip] * (n - len(out))))
    in_call = view.phase == "call"
    out = [
        state,
        gr.Column(visible=False),
        gr.Column(visible=in_call),
        gr.Column(visible=not in_call),
        notice_markdown(view.notice),
        view.messages,
        audio,
        view.status,
        _hints(view),
        state.started_clock or 0,
        gr.Timer(active=in_call),
        view.unsent if view.unsent else ("" if in_call and clear_text else skip),
        None,
        _title(state),
    ]
    if in_call:
        # The result column is hidden during a call. Plain empty values cost gradio far less
        # than gr.skip(), which makes it rebuild each skipped component and its API schema
        # (~8 ms for a Chatbot; ~45 ms of CPU per turn before this).
        return (*out, *_RESULT_EMPTY[: n - len(out)])
    session = view.session or {}
    turns = session.get("turns", [])
    ending = session.get("ended_by")
    notice = view.notice or ("客户挂断了电话。" if ending == "customer_hangup" else "")
    out[4] = notice_markdown(notice)
    out += [
        scorecard_markdown(view.scorecard, ending, saved=session.get("complete", True)),
        violation_rows(view.scorecard),
        missed_markdown(view.scorecard),
        mood_frame(turns),
        transcript_messages(turns),
        "",
    ]
    return tuple(out)
