"""Practice page: pick a customer, talk by voice or by text, read the scorecard, try again.

The page has three phases in one tab (choose a customer, the call, the result) and a second tab
with the trainee's own history. Handlers are short: they read the trainee from the request,
call :mod:`simulator.ui.call_flow` and turn its :class:`CallView` into component updates
(:mod:`simulator.ui.practice_view`); what the browser does alone is in
:mod:`simulator.ui.practice_js`. All per-trainee data lives in a :class:`PracticeState` in
``gr.State``; nothing is global.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import gradio as gr

from simulator.services import Services
from simulator.sweeper import Sweeper
from simulator.training import Training, TrainingError
from simulator.ui import call_flow, cards, history
from simulator.ui.call_flow import STATUS, CallView, PracticeState, user_of
from simulator.ui.practice_js import (
    AUDIO_DONE_JS,
    CLOCK_JS,
    HEARD_JS,
    SCROLL_TO_MARK_JS,
    SENT_JS,
)
from simulator.ui.practice_view import ENCODER_WAIT_S, notice_markdown, outputs, silence_after
from simulator.ui.refuse import refusal
from simulator.ui.scorecard import messages as transcript_messages
from simulator.ui.scorecard import mood_plot, turn_context, violations_table
from simulator.voice import vad
from simulator.voice.live import BARGE_IN_JS, TRACK_MEDIA_JS, hear_chunk
from simulator.voice.serving import MIC_CHECK_JS, mic_state

__all__ = ["build", "PracticeState"]


def build(services: Services, sweeper: Sweeper | None = None) -> gr.Blocks:
    """The practice page and the trainee's history, as one Blocks.

    ``sweeper`` closes the calls this page leaves open (a closed tab, a trainee gone idle).
    """
    sweeper = sweeper or Sweeper.for_services(services)
    # One broken file never hides the good ones: the page offers those and names the others.
    personas, broken = services.personas(), cards.unavailable_markdown(services.persona_problems())
    streaming = services.streams_replies
    mic_now = mic_state(services.asr)  # no recogniser: the microphone is off before the call
    with gr.Blocks() as page:
        state = gr.State(PracticeState())
        t0 = gr.Number(value=0, visible=False)
        timer = gr.Timer(1.0, active=False)
        with gr.Tabs():
            with gr.Tab("练习"):
                notice = gr.Markdown(elem_id="notice")
                # Why there is no microphone: said by the server (no recogniser) or, on load,
                # by the browser (not https, permission denied, no device).
                mic_help = gr.Markdown(
                    notice_markdown(f"{mic_now.message}（{mic_now.reason}）")
                    if not mic_now.on
                    else "",
                    elem_id="mic-help",
                )
                with gr.Column(visible=True) as setup_col:
                    gr.Markdown("## 选择一位客户\n先读客户资料，再开始通话。")
                    gr.Markdown(broken, visible=bool(broken))
                    picks: list[tuple[gr.Button, str]] = []
                    items = cards.ordered(personas)
                    for row_start in range(0, len(items), 3):
                        with gr.Row(equal_height=True):
                            for pid, lp in items[row_start : row_start + 3]:
                                with gr.Column(variant="panel", min_width=240):
                                    gr.Markdown(cards.card_markdown(lp))
                                    picks.append((gr.Button("选这位", size="sm"), pid))
                    with gr.Row():
                        level = gr.Dropdown(
                            cards.difficulty_choices(), value=0, label="按难度随机", scale=2
                        )
                        random_btn = gr.Button("随机选一位", scale=1)
                        persona = gr.Dropdown(
                            cards.choices(personas), value=None, label="已选客户", scale=3
                        )
                    brief = gr.Markdown(cards.brief_markdown(None))
                    coach = gr.Checkbox(label="教练模式：通话中给出提示（会记录在本次通话里）")
                    with gr.Accordion("考试设置：固定通话时间和随机种子", open=False):
                        with gr.Row():
                            call_time = gr.Textbox(
                                label="通话时间", placeholder="例如 2026-11-20 14:30，留空为现在"
                            )
                            seed = gr.Number(label="随机种子（留空为随机）", precision=0)
                    start_btn = gr.Button("开始通话", variant="primary", elem_id="start-call")
                with gr.Column(visible=False) as call_col:
                    with gr.Row(equal_height=True):
                        call_title = gr.Markdown()
                        clock = gr.Textbox(
                            "00:00", label="通话时长", interactive=False, elem_id="clock", scale=0
                        )
                        status = gr.Textbox(
                            STATUS["idle"], label="状态", interactive=False, elem_id="status"
                        )
                    with gr.Row():
                        with gr.Column(scale=3):
                            chat = gr.Chatbot(
                                label="通话记录",
                                height=420,
                                elem_id="transcript",
                                buttons=["copy_all"],
                            )
                            text = gr.Textbox(
                                label="打字说话",
                                placeholder="输入您要说的话，按回车发送",
                                elem_id="say-text",
                            )
                            with gr.Row():
                                send_btn = gr.Button("发送", elem_id="send")
                                hang_btn = gr.Button("挂断", variant="stop", elem_id="hang-up")
                        with gr.Column(scale=2):
                            mic = gr.Audio(
                                sources=["microphone"],
                                type="filepath",
                                format="wav",
                                label="说话：点录音开始，说完点停止，自动发送",
                                elem_id="mic",
                                visible=mic_now.on,
                            )
                            # Hands-free: talk, pause, and the turn is sent (Silero VAD).
                            live_mic = gr.Audio(
                                sources=["microphone"],
                                streaming=True,
                                type="numpy",
                                label="免提：点录制后直接说，说完停顿一下自动发送，可以打断客户",
                                elem_id="mic-live",
                                visible=mic_now.on and vad.available(),
                            )
                            ear = gr.State(None)
                            live_heard = gr.Textbox(visible=False, elem_id="live-heard")
                            barge = gr.Number(visible=False, elem_id="barge")
                            # How far the customer's reply had played when it was cut off.
                            cut = gr.Textbox(visible=False, elem_id="barge-cut")
                            # With a model writing the replies, each sentence plays as it
                            # arrives (HLS through ffmpeg); the offline lines play whole.
                            reply_audio = gr.Audio(
                                label="客户的声音",
                                type="filepath",
                                autoplay=True,
                                interactive=False,
                                streaming=streaming,
                                elem_id="reply-audio",
                            )
                            coach_md = gr.Markdown(elem_id="coach")
                with gr.Column(visible=False) as result_col:
                    score_md = gr.Markdown(elem_id="scorecard")
                    with gr.Row():
                        again_btn = gr.Button("再练一次", variant="primary", elem_id="again")
                        other_btn = gr.Button("换一位客户", elem_id="other")
                    violations = violations_table(
                        "违规（点一行，在通话记录里查看那句话）", elem_id="violations"
                    )
                    context_md = gr.Markdown(elem_id="violation-context")
                    missed_md = gr.Markdown(elem_id="missed")
                    with gr.Row():
                        mood = mood_plot(elem_id="mood")
                        result_chat = gr.Chatbot(
                            label="通话记录",
                            height=380,
                            elem_id="result-transcript",
                            buttons=["copy_all"],
                        )
            history.build_tab(services)

        outs = [state, setup_col, call_col, result_col, notice, chat, reply_audio, status]
        outs += [coach_md, t0, timer, text, mic, call_title, score_md, violations, missed_md]
        outs += [mood, result_chat, context_md]
        n = len(outs)

        def show(pair: tuple[PracticeState, CallView], clear_text: bool = False):
            return outputs(pair[0], pair[1], n, clear_text)

        training = Training(services.store)

        def reserved(pid, seed_v, request: gr.Request) -> None:
            """Refuse a practice call on a certification's unseen variant (toast + one log line)."""
            try:
                training.check_practice_seed(user_of(request), pid, seed_v)
            except TrainingError as exc:
                raise refusal(str(exc), request, "practise a certification variant") from None

        def on_start(pid, seed_v, when, coach_v, st, request: gr.Request):
            reserved(pid, seed_v, request)
            return show(
                call_flow.start(
                    services,
                    st,
                    pid,
                    seed=seed_v,
                    call_time=when,
                    coach=bool(coach_v),
                    user=user_of(request),
                ),
                clear_text=True,
            )

        def on_say(line: str, st: PracticeState) -> tuple[Any, ...]:
            return show(call_flow.say(services, st, line), clear_text=True)

        # --- streaming replies: the same actions, one update per sentence ------------------
        typing = (outs.index(text), outs.index(mic))

        def stream_views(pairs, clear_text: bool = False) -> Iterator[tuple[Any, ...]]:
            """Updates for views as they come; only the first touches the text box and mic."""
            for i, (st, view) in enumerate(pairs):
                out = list(outputs(st, view, n, clear_text and i == 0, streaming=True))
                if i and view.phase == "call":  # the trainee may be typing or recording again
                    for k in typing:
                        out[k] = gr.skip()
                yield tuple(out)
                if view.chunk is not None:
                    time.sleep(ENCODER_WAIT_S)
                    tick: list[Any] = [gr.skip()] * n
                    tick[outs.index(reply_audio)] = silence_after(view.chunk)
                    yield tuple(tick)

        def on_start_stream(pid, seed_v, when, coach_v, st, request: gr.Request):
            reserved(pid, seed_v, request)
            pairs = call_flow.start_streaming(
                services,
                st,
                pid,
                seed=seed_v,
                call_time=when,
                coach=bool(coach_v),
                user=user_of(request),
            )
            yield from stream_views(pairs, clear_text=True)

        def on_say_stream(line: str, st: PracticeState) -> Iterator[tuple[Any, ...]]:
            yield from stream_views(call_flow.say_streaming(services, st, line), clear_text=True)

        def on_listen_stream(recording: str | None, st: PracticeState):
            yield from stream_views(call_flow.listen_streaming(services, st, recording))

        def on_retry_stream(st: PracticeState, request: gr.Request):
            pairs = call_flow.retry_streaming(services, st, user=user_of(request))
            yield from stream_views(pairs, clear_text=True)

        def on_listen(recording: str | None, st: PracticeState) -> tuple[Any, ...]:
            return show(call_flow.listen(services, st, recording))

        def on_hang_up(st: PracticeState):
            return show(call_flow.hang_up(services, st))

        def on_retry(st: PracticeState, request: gr.Request):
            return show(call_flow.retry(services, st, user=user_of(request)), clear_text=True)

        def on_other(st: PracticeState):
            return show((PracticeState(coach=st.coach), CallView("setup")))

        def on_violation(st: PracticeState, evt: gr.SelectData):
            turns = (st.session or {}).get("turns", [])
            found = (st.scorecard or {}).get("violations", [])
            row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
            if not isinstance(row, int) or not 0 <= row < len(found):
                return gr.skip(), ""
            turn = found[row].get("turn")
            return transcript_messages(turns, highlight=turn), turn_context(turns, turn)

        def on_pick_random(lv):
            pid = cards.pick_random(services.personas(), int(lv or 0))
            return pid if pid else gr.skip()

        def on_persona(pid):
            chosen = services.personas().get(pid) if pid else None
            return cards.brief_markdown(chosen)

        # Calls this page leaves open end as 未完成: its tab closing (after a grace period), or
        # the trainee's older calls gone idle, swept when their page loads.
        def on_dialled(st: PracticeState, request: gr.Request):
            sweeper.track(getattr(request, "session_hash", None), st.call and st.call.session_id)

        def on_load(request: gr.Request):
            sweeper.sweep(user=user_of(request))

        def on_unload(request: gr.Request):
            sweeper.tab_closed(getattr(request, "session_hash", None))

        if streaming:  # chosen once, when the page is built
            on_start, on_say = on_start_stream, on_say_stream
            on_listen, on_retry = on_listen_stream, on_retry_stream

        # 选这位 sets the choice in the browser at once: a round trip to the server could still
        # be on its way when 开始通话 is clicked, which then read the empty choice.
        for button, pid in picks:
            button.click(None, None, persona, js=f"() => {json.dumps(pid)}")
        random_btn.click(on_pick_random, level, persona, api_name="pick_random")
        persona.change(on_persona, persona, brief, api_visibility="private")
        start_btn.click(
            on_start, [persona, seed, call_time, coach, state], outs, api_name="start_call"
        ).then(on_dialled, state, None, api_visibility="private")
        # The typed line is answered in ~0.1 s: the status flips in the browser, at no cost.
        # Likewise "识别中" once a recording stops (a gr.skip() update per output costs the
        # server ~50 ms of CPU; this costs it nothing).
        for trigger in (text.submit, send_btn.click):
            trigger(None, None, status, js=SENT_JS, api_visibility="private")
        mic.stop_recording(None, None, status, js=HEARD_JS, api_visibility="private")
        text.submit(on_say, [text, state], outs, api_name="say")
        send_btn.click(on_say, [text, state], outs, api_visibility="private")
        mic.stop_recording(on_listen, [mic, state], outs, api_name="listen")

        def on_live(chunk, ear_now, st: PracticeState):
            call = st.call if st.call is not None and not st.call.ended else None
            early = (lambda wav: services.recognise_early(call, wav)) if call else None
            ear_now, done, started = hear_chunk(ear_now, chunk, on_pause=early)
            return ear_now, done or gr.skip(), time.time() if started else gr.skip()

        live_mic.stream(
            on_live, [live_mic, ear, state], [ear, live_heard, barge], stream_every=0.25,
            api_visibility="private",
        )  # fmt: skip
        barge.change(None, None, cut, js=BARGE_IN_JS, api_visibility="private")

        def on_cut(played: str, st: PracticeState):
            view = call_flow.cut_off(services, st, played)
            if view is None:
                return gr.skip(), gr.skip()
            return view.messages, view.status

        cut.change(
            on_cut, [cut, state], [chat, status], api_visibility="private", show_progress="hidden"
        )
        live_heard.change(None, None, status, js=HEARD_JS, api_visibility="private")
        live_heard.change(  # the status says 识别中; no overlay over a page the trainee talks to
            on_listen, [live_heard, state], outs, api_visibility="private", show_progress="hidden"
        )
        hang_btn.click(on_hang_up, state, outs, api_name="hang_up")
        again_btn.click(on_retry, state, outs, api_name="retry").then(
            on_dialled, state, None, api_visibility="private"
        )
        other_btn.click(on_other, state, outs, api_visibility="private")
        violations.select(
            on_violation, state, [result_chat, context_md], api_visibility="private"
        ).then(None, js=SCROLL_TO_MARK_JS)
        timer.tick(None, t0, clock, js=CLOCK_JS, api_visibility="private")
        reply_audio.stop(None, status, status, js=AUDIO_DONE_JS, api_visibility="private")
        if mic_now.on:  # the browser says when it withholds the microphone (http, denied, none)
            page.load(None, None, mic_help, js=MIC_CHECK_JS, api_visibility="private")

        page.load(on_load, None, None, api_visibility="private")
        page.load(None, js=TRACK_MEDIA_JS, api_visibility="private")  # for barge-in
        # gradio keeps only the app's own unload listeners (a nested Blocks' are dropped)
        (gr.context.Context.root_block or page).unload(on_unload)
    return page
