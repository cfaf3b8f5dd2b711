"""The practice call as plain functions: dial, talk, hang up, score, try again.

Each function takes the trainee's :class:`PracticeState` and returns a new one with a
:class:`CallView` of what the page should show. They call only :class:`Services`, know nothing
about Gradio components, and never raise for anything a trainee or a backend can cause: a bad
input or a failed backend becomes a short Chinese notice and the call goes on.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from simulator import clock
from simulator.call import Call, CallEnded
from simulator.coach import hints
from simulator.persona import LoadedPersona
from simulator.services import PAUSED, Exchange, Heard, Services, Spoken, TurnEvent
from simulator.storage import StoreError, StoreWriteError
from simulator.sweeper import ABANDONED, caught_up
from simulator.ui import cards

__all__ = [
    "CallView",
    "INTERRUPTED",
    "PracticeState",
    "STATUS",
    "cut_off",
    "hang_up",
    "listen",
    "listen_streaming",
    "parse_call_time",
    "retry",
    "retry_streaming",
    "say",
    "say_streaming",
    "start",
    "start_streaming",
    "user_of",
]

log = logging.getLogger(__name__)

STATUS = {
    "idle": "未开始",
    "recognising": "识别中…",
    "speaking": "对方说话中…",
    "waiting": "等待您说话",
    "ended": "通话已结束",
}
"""The call status line, by phase (the page's audio player turns speaking into waiting)."""

BROKEN = "系统刚才出了点问题，这句话没有处理成功。请再说一遍，或者直接打字。"
SWEPT = "这通电话很久没有说话（或页面曾关闭），已按“未完成”结束并评分。"


@dataclass(frozen=True)
class PracticeState:
    """One trainee's page (kept per browser session in ``gr.State``)."""

    call: Call | None = None
    """The call in progress or just finished."""
    persona_id: str | None = None
    seed: int | None = None
    started_at: datetime | None = None
    """A call time fixed for an exam; None dials at the current time."""
    coach: bool = False
    started_clock: float | None = None
    """``time.time()`` when the call started, for the call timer."""
    scorecard: dict[str, Any] | None = None
    session: dict[str, Any] | None = None
    """The finished call as stored (with its turns), once it has ended."""


@dataclass(frozen=True)
class CallView:
    """What the page shows after an action."""

    phase: str
    """``setup`` (choosing a customer), ``call`` (talking) or ``result`` (the scorecard)."""
    messages: list[dict[str, str]] = field(default_factory=list)
    audio: str | None = None
    """The customer's latest line as an audio file to play now."""
    chunk: bytes | None = None
    """Streaming pages: the next sentence of the customer's reply, to play after the last one."""
    status: str = STATUS["idle"]
    notice: str = ""
    hints: tuple[str, ...] = ()
    scorecard: dict[str, Any] | None = None
    session: dict[str, Any] | None = None
    unsent: str | None = None
    """The trainee's words that could not be stored, to put back in the text box."""


def user_of(request: Any) -> str:
    """The signed-in trainee's name from a ``gr.Request``, or ``local`` without sign-in."""
    return getattr(request, "username", None) or "local"


def parse_call_time(text: str | None) -> datetime | None:
    """An exam's fixed call time: ``2026-11-20 14:30`` in ``CALLSIM_TZ``, or ISO 8601.

    Raises:
        ValueError: with a Chinese message saying the expected form.

    """
    text = (text or "").strip()
    if not text:
        return None
    for form in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:  # a wall-clock time is the deployment's (CALLSIM_TZ), whatever the server's zone
            return clock.local(datetime.strptime(text, form))
        except ValueError:
            pass
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"通话时间“{text}”看不懂，请写成 2026-11-20 14:30 这样的格式。") from None
    # an ISO time keeps the offset it states: the contact-hour rule reads the local time it gives
    return when if when.tzinfo is not None else clock.local(when)


INTERRUPTED = "（被您打断）"
"""Shown after a customer line the trainee spoke over (the stored text ends at the cut)."""


def _messages(call: Call) -> list[dict[str, str]]:
    from simulator.ui.scorecard import messages

    shown = messages(call.turns)
    for turn, message in zip(call.turns, shown, strict=True):  # one message per turn
        if turn.meta.get("interrupted"):
            message["content"] += INTERRUPTED
    return shown


def _coach(state: PracticeState) -> tuple[str, ...]:
    if not state.coach or state.call is None or state.call.ended:
        return ()
    return tuple(h.text for h in hints(state.call.turns))


def _in_call(
    state: PracticeState,
    audio: Path | None,
    notice: str | None = None,
    *,
    speaking: bool | None = None,
    unsent: str | None = None,
) -> CallView:
    assert state.call is not None
    if speaking is None:
        speaking = audio is not None
    return CallView(
        phase="call",
        messages=_messages(state.call),
        audio=str(audio) if audio else None,
        status=STATUS["speaking"] if speaking else STATUS["waiting"],
        notice=notice or "",
        hints=_coach(state),
        unsent=unsent,
    )


def _speaking(state: PracticeState, upto: int, said: str, chunk: bytes | None) -> CallView:
    """The call while the customer's reply is still arriving: the turns before it, then it."""
    from simulator.ui.scorecard import messages

    assert state.call is not None
    shown = messages(state.call.turns[:upto]) + [{"role": "assistant", "content": said}]
    return CallView(
        phase="call",
        messages=shown,
        chunk=chunk,
        status=STATUS["speaking"],
        hints=_coach(state),
    )


def _dial_args(
    services: Services,
    persona_id: str | None,
    seed: int | float | None,
    call_time: str | None,
) -> tuple[LoadedPersona, int, datetime | None] | CallView:
    """The persona, seed and call time to dial, or the setup view saying what is wrong."""
    personas = services.personas()
    if persona_id and persona_id not in personas:
        broken = [
            p for p in services.persona_problems() if Path(p.split(": ", 1)[0]).stem == persona_id
        ]
        if broken:  # a trainer's edit broke this customer's file since the page loaded
            return CallView("setup", notice=cards.unavailable_markdown(broken))
    if not persona_id or persona_id not in personas:
        return CallView("setup", notice="请先选择一位客户。")
    try:
        started_at = parse_call_time(call_time)
    except ValueError as exc:
        return CallView("setup", notice=str(exc))
    seed_value = int(seed) if seed not in (None, "") else random.randrange(1_000_000)
    return personas[persona_id], seed_value, started_at


def _dialled(
    call: Call, persona_id: str | None, seed: int, started_at: Any, coach: bool
) -> PracticeState:
    """The page's state once a call is up (what 再练一次 needs to dial it again)."""
    return PracticeState(
        call=call,
        persona_id=persona_id,
        seed=seed,
        started_at=started_at,
        coach=coach,
        started_clock=time.time(),
    )


UNREACHABLE = "这位客户暂时无法接通，请换一位客户或稍后再试。"


def start(
    services: Services,
    state: PracticeState,
    persona_id: str | None,
    *,
    seed: int | float | None = None,
    call_time: str | None = None,
    coach: bool = False,
    user: str = "local",
) -> tuple[PracticeState, CallView]:
    """Dial the chosen customer; the opening line comes back with its audio."""
    args = _dial_args(services, persona_id, seed, call_time)
    if isinstance(args, CallView):
        return state, args
    loaded, seed_value, started_at = args
    try:
        call, _, audio = services.start_call(
            loaded, seed=seed_value, started_at=started_at, user=user, coach=coach
        )
    except StoreWriteError as exc:  # nothing can be stored: no call to take part in
        log.warning("could not store a new call: %s", exc.reason)
        return state, CallView("setup", notice=exc.message)
    except Exception:  # a broken persona or renderer: say so, stay on the choice
        log.exception("could not start a call with %s", persona_id)
        return state, CallView("setup", notice=UNREACHABLE)
    new = _dialled(call, persona_id, seed_value, started_at, coach)
    return new, _in_call(new, audio)


def start_streaming(
    services: Services,
    state: PracticeState,
    persona_id: str | None,
    *,
    seed: int | float | None = None,
    call_time: str | None = None,
    coach: bool = False,
    user: str = "local",
) -> Iterator[tuple[PracticeState, CallView]]:
    """Like :func:`start`, with the opening line played sentence by sentence as it is written.

    Yields the call at once (the customer is picking up), a view per sentence with its audio
    ``chunk``, and the call waiting for the trainee (or still speaking while audio plays).
    """
    args = _dial_args(services, persona_id, seed, call_time)
    if isinstance(args, CallView):
        yield state, args
        return
    loaded, seed_value, started_at = args
    try:
        call, events = services.start_call_streaming(
            loaded, seed=seed_value, started_at=started_at, user=user, coach=coach
        )
    except StoreWriteError as exc:  # nothing can be stored: no call to take part in
        log.warning("could not store a new call: %s", exc.reason)
        yield state, CallView("setup", notice=exc.message)
        return
    except Exception:  # a broken persona or renderer: say so, stay on the choice
        log.exception("could not start a call with %s", persona_id)
        yield state, CallView("setup", notice=UNREACHABLE)
        return
    new = _dialled(call, persona_id, seed_value, started_at, coach)
    yield new, _in_call(new, None, speaking=True)
    yield from _reply_views(services, new, events, upto=0)


def _reply_views(
    services: Services, state: PracticeState, events: Iterator[TurnEvent], *, upto: int
) -> Iterator[tuple[PracticeState, CallView]]:
    """Views of a reply arriving sentence by sentence; the call view (or the result) at the end.

    ``upto`` is how many turns precede the reply (the trainee's turn, once heard, moves it).
    """
    call = state.call
    assert call is not None
    said, voiced, notice, unsent = "", False, None, None
    try:
        for event in events:
            if isinstance(event, Heard):  # the trainee's words are stored: show them now
                upto = event.agent.idx + 1
                yield state, _in_call(state, None, speaking=True)
            elif isinstance(event, Spoken):
                said += event.text
                voiced = voiced or event.clip is not None
                chunk = event.clip.data if event.clip is not None else None
                yield state, _speaking(state, upto, said, chunk)
            else:
                notice, unsent = event.notice, event.unsent
    except CallEnded:
        yield _finish(services, state)
        return
    except StoreWriteError as exc:  # the reply was heard but not stored: the call pauses
        log.warning("call %s: a reply could not be stored: %s", call.session_id, exc.reason)
        notice, voiced = exc.message + PAUSED, False
    except Exception:  # a bug in one turn must not end the call: the trainee tries again
        log.exception("streamed turn failed in call %s", call.session_id)
        notice, voiced = BROKEN, False
    if call.ended:
        yield _finish(services, state, notice=notice)
        return
    # Still speaking while the last sentence plays; the page's player says when it ends.
    yield state, _in_call(state, None, notice, speaking=voiced, unsent=unsent)


def retry(
    services: Services, state: PracticeState, user: str = "local"
) -> tuple[PracticeState, CallView]:
    """The same customer, seed and call time again (再练一次)."""
    return start(services, state, state.persona_id, **_same_again(state, user))


def retry_streaming(
    services: Services, state: PracticeState, user: str = "local"
) -> Iterator[tuple[PracticeState, CallView]]:
    """Like :func:`retry`, with the opening line streamed."""
    return start_streaming(services, state, state.persona_id, **_same_again(state, user))


def _same_again(state: PracticeState, user: str) -> dict[str, Any]:
    """The settings of the last call, to dial it again."""
    return {
        "seed": state.seed,
        "call_time": state.started_at.isoformat() if state.started_at else None,
        "coach": state.coach,
        "user": user,
    }


def _turn(
    services: Services, state: PracticeState, text: str | None, recording: str | None
) -> tuple[PracticeState, CallView]:
    call = state.call
    if call is None:
        return state, CallView("setup", notice="请先选择客户，再点“开始通话”。")
    if call.ended or caught_up(services.store, state.call):
        return _finish(services, state)
    try:
        exchange = services.take_turn(call, text=text, recording=recording)
    except CallEnded:
        return _finish(services, state)
    except Exception:  # a bug in one turn must not end the call: the trainee tries again
        log.exception("turn failed in call %s", call.session_id)
        exchange = Exchange(None, None, notice=BROKEN)
    if call.ended:
        return _finish(services, state, notice=exchange.notice)
    return state, _in_call(state, exchange.audio, exchange.notice, unsent=exchange.unsent)


def say(services: Services, state: PracticeState, text: str) -> tuple[PracticeState, CallView]:
    """The trainee's typed line and the customer's reply."""
    if not (text or "").strip():
        if state.call is not None and not state.call.ended:
            return state, _in_call(state, None, "请先输入要说的话，再发送。")
    return _turn(services, state, text or "", None)


def listen(
    services: Services, state: PracticeState, recording: str | None
) -> tuple[PracticeState, CallView]:
    """The trainee's recorded line: recognised, then answered like a typed one."""
    if not recording:
        if state.call is not None and not state.call.ended:
            return state, _in_call(state, None, "没有收到录音，请再录一次，或者直接打字。")
        return _turn(services, state, None, None)
    return _turn(services, state, None, recording)


def _turn_streaming(
    services: Services, state: PracticeState, text: str | None, recording: str | None
) -> Iterator[tuple[PracticeState, CallView]]:
    call = state.call
    if call is None:
        yield state, CallView("setup", notice="请先选择客户，再点“开始通话”。")
        return
    if call.ended or caught_up(services.store, state.call):
        yield _finish(services, state)
        return
    events = services.take_turn_streaming(call, text=text, recording=recording)
    yield from _reply_views(services, state, events, upto=len(call.turns))


def say_streaming(
    services: Services, state: PracticeState, text: str
) -> Iterator[tuple[PracticeState, CallView]]:
    """Like :func:`say`, with the reply played sentence by sentence as the model writes it."""
    if not (text or "").strip() and state.call is not None and not state.call.ended:
        yield state, _in_call(state, None, "请先输入要说的话，再发送。")
        return
    yield from _turn_streaming(services, state, text or "", None)


def listen_streaming(
    services: Services, state: PracticeState, recording: str | None
) -> Iterator[tuple[PracticeState, CallView]]:
    """Like :func:`listen`, with the reply played sentence by sentence."""
    if not recording and state.call is not None and not state.call.ended:
        yield state, _in_call(state, None, "没有收到录音，请再录一次，或者直接打字。")
        return
    yield from _turn_streaming(services, state, None, recording or None)


def cut_off(services: Services, state: PracticeState, played: str | None) -> CallView | None:
    """The trainee spoke over the customer: keep only what the customer had said.

    ``played`` is the page's report of the reply's playback when it was stopped (see
    :mod:`simulator.voice.barge`). Returns the call's view with the line cut, or None when
    there is nothing to cut (no call, nothing was playing, the line had been said whole).
    """
    from simulator.voice.barge import cut_reply, parse_played

    heard = parse_played(played)
    call = state.call
    if heard is None or call is None or call.ended:
        return None
    try:
        cut = cut_reply(call, services.store, *heard)
    except StoreWriteError as exc:  # the whole line stays stored; the call goes on
        log.warning("call %s: a cut-off reply could not be stored: %s", call.session_id, exc)
        return None
    if cut is None:
        return None
    return _in_call(state, None, speaking=False)


def hang_up(services: Services, state: PracticeState) -> tuple[PracticeState, CallView]:
    """The trainee ends the call; the scorecard follows."""
    if state.call is None:
        return state, CallView("setup", notice="还没有开始通话。")
    caught_up(services.store, state.call)
    return _finish(services, state)


def _stored_whole(services: Services, call: Call) -> bool:
    """True when every turn of the call and its end are in the database."""
    if not call.session_id or call.paused:
        return False
    try:
        return not services.store.gaps(call.session_id)
    except StoreError:
        return False


def _latest_score(services: Services, session_id: str | None) -> dict[str, Any] | None:
    """The call's latest stored scorecard, if any."""
    try:
        scores = services.store.scores(session_id) if session_id else []
    except StoreError:
        return None
    return scores[-1]["scorecard"] if scores else None


def _finish(
    services: Services, state: PracticeState, notice: str | None = None
) -> tuple[PracticeState, CallView]:
    """End and score the call (once), and show the result."""
    call = state.call
    assert call is not None
    scorecard = state.scorecard
    try:
        call.hang_up()  # stored first: a call that cannot be ended stays open, and says why
    except StoreWriteError as exc:
        log.warning("call %s could not be ended: %s", call.session_id, exc.reason)
        return state, _in_call(state, None, f"{exc.message}通话还没有结束，稍后再点“挂断”。")
    if state.session is None and not any(t.speaker == "agent" for t in call.turns):
        # nothing the trainee said: nothing to score
        notice = notice or "您还没有说话，这通电话不评分。"
    elif state.session is None and call.ended_by == ABANDONED:  # the sweeper has scored it
        notice = notice or SWEPT
        scorecard = _latest_score(services, call.session_id)
    elif state.session is None:  # not yet scored: a second click on 挂断 must not rescore
        try:
            scorecard = services.finish_call(call)
        except Exception:  # the scorer is missing or broken: the call itself is stored
            log.exception("scoring call %s failed", call.session_id)
            scorecard = None
    session = state.session
    if session is None and call.session_id:
        try:
            session = services.store.session(call.session_id)
        except StoreError:
            log.exception("finished call %s is not in the store", call.session_id)
    if session is None:  # a call kept in memory only
        session = {
            "id": call.session_id,
            "ended_by": call.ended_by,
            "turns": [
                {"idx": t.idx, "speaker": t.speaker, "text": t.text, "state": t.state}
                for t in call.turns
            ],
        }
    complete = _stored_whole(services, call)
    session = {**session, "complete": complete}
    if scorecard is None:
        notice = notice or ("评分暂时失败，通话已保存。" if complete else "评分暂时失败。")
    new = replace(state, scorecard=scorecard, session=session)
    view = CallView(
        phase="result",
        messages=_messages(call),
        status=STATUS["ended"],
        notice=notice or "",
        scorecard=scorecard,
        session=session,
    )
    return new, view
