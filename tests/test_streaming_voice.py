"""Streaming to voice: the customer starts speaking before the model has finished writing.

Against the real local OpenAI-compatible server of ``tests/fake_openai.py`` (real sockets, the
real openai client) with a TTS stand-in of the ``TTS`` protocol that records when each sentence
reached it; real SQLite, the real personas, the real policy.
"""

from __future__ import annotations

import io
import math
import threading
import time
import wave
from datetime import datetime

import pytest

from simulator.persona import load_personas
from simulator.services import Exchange, Heard, Services, Spoken
from simulator.storage import Store
from simulator.ui import call_flow
from simulator.ui.call_flow import STATUS, PracticeState
from simulator.voice import Clip, NoneTTS, Prosody, TTSError
from simulator.voice.asr import NoneASR
from simulator.voice.clips import join_clips
from tests.conftest import PERSONAS_DIR
from tests.fake_openai import FakeOpenAI, Reply, time_bound  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("time_bound")

AT = datetime.fromisoformat("2026-11-28T10:00:00+08:00")
INTRO = "您好，我是招商银行信用卡中心的小李，工号1024，本次通话会录音。"
OPENING = "喂，哪位？"
SLOW_REPLY = "嗯，你好。我这边有点忙。你有什么事就说吧。"
SENTENCES = ["嗯，你好。", "我这边有点忙。", "你有什么事就说吧。"]
FIRST_TOKEN_S = 0.3
TOKENS_PER_S = 10.0
WANG = load_personas(PERSONAS_DIR)["cooperative_wang"]


def tone_wav(seconds: float, rate: int = 16000) -> bytes:
    """A short tone as 16-bit mono PCM WAV."""
    frames = b"".join(
        int(6000 * math.sin(2 * math.pi * 330 * i / rate)).to_bytes(2, "little", signed=True)
        for i in range(int(rate * seconds))
    )
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return buf.getvalue()


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as w:
        return w.getnframes() / w.getframerate()


class StandInTTS:
    """A TTS of the ``TTS`` protocol: 0.2 s of tone per sentence, after ``delay_s``.

    Records each sentence with the time it arrived; raises ``TTSError`` from the sentence
    number ``fail_from`` on.
    """

    name = "stand-in"

    def __init__(self, delay_s: float = 0.05, fail_from: int | None = None, seconds: float = 0.2):
        self.delay_s = delay_s
        self.fail_from = fail_from
        self.seconds = seconds
        self.arrived: list[tuple[str, float]] = []
        self._lock = threading.Lock()

    def synthesize(self, text: str, voice, prosody: Prosody | None = None) -> Clip | None:
        """A clip for ``text``, or ``TTSError`` once told to fail."""
        with self._lock:
            self.arrived.append((text, time.monotonic()))
            n = len(self.arrived)
        if self.fail_from is not None and n >= self.fail_from:
            raise TTSError("stand-in TTS told to fail")
        time.sleep(self.delay_s)
        return Clip(tone_wav(self.seconds), "wav", self.name)


@pytest.fixture
def server(monkeypatch):
    """The fake model server, configured as the app's LLM through the environment."""
    with FakeOpenAI() as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        monkeypatch.setenv("CALLSIM_LLM_MODEL", "fake-model")
        yield srv


def make_services(data_dir, *, engine: str, tts=None) -> Services:
    return Services(
        store=Store(data_dir),
        personas_dir=PERSONAS_DIR,
        tts=tts or StandInTTS(),
        asr=NoneASR(),  # typed turns only
        engine=engine,
    )


def timed(events):
    """Each event with the monotonic time it came out."""
    return [(event, time.monotonic()) for event in events]


def test_the_first_sentence_is_heard_before_the_model_has_finished(server, data_dir):
    tts = StandInTTS()
    services = make_services(data_dir, engine="llm", tts=tts)
    server.push(
        Reply(OPENING),
        Reply(SLOW_REPLY, first_token_s=FIRST_TOKEN_S, tokens_per_s=TOKENS_PER_S),
    )
    call, _, _ = services.start_call(WANG, seed=1, started_at=AT)
    started = time.monotonic()
    out = timed(services.take_turn_streaming(call, text=INTRO))
    asked_at = server.requests[-1].at
    last_token_at = asked_at + FIRST_TOKEN_S + (len(SLOW_REPLY) - 1) / TOKENS_PER_S

    kinds = [type(e).__name__ for e, _ in out]
    assert kinds == ["Heard", "Spoken", "Spoken", "Spoken", "Exchange"]
    spoken = [e for e, _ in out if isinstance(e, Spoken)]
    assert [s.text for s in spoken] == SENTENCES and [s.index for s in spoken] == [0, 1, 2]
    first_audio_at = out[1][1]
    # The first clip is out a whole second before the model writes its last token ...
    assert first_audio_at < last_token_at - 1.0, (first_audio_at - started, last_token_at - started)
    # ... and each sentence reached the TTS while the model was still writing the next.
    arrivals = [t for _, t in tts.arrived[-3:]]
    assert arrivals[0] < arrivals[1] - 0.3 < arrivals[2] - 0.6
    assert out[-1][1] >= last_token_at - 0.05  # the turn ends only when the model has

    exchange = out[-1][0]
    assert isinstance(exchange, Exchange) and exchange.notice is None
    assert exchange.customer.text == SLOW_REPLY
    assert exchange.customer.engine == "llm:fake-model"
    stored = Store(data_dir).session(call.session_id)["turns"]
    assert [t["speaker"] for t in stored] == ["customer", "agent", "customer"]
    assert stored[2]["text"] == SLOW_REPLY and stored[2]["engine"] == "llm:fake-model"
    kept = data_dir / stored[2]["audio"]
    # The page plays a copy handed out for it; the kept file stays in the data folder.
    assert kept.exists() and exchange.audio.read_bytes() == kept.read_bytes()
    assert not exchange.audio.is_relative_to(data_dir)
    assert wav_seconds(kept.read_bytes()) == pytest.approx(0.6, abs=0.01)  # three clips, whole


def test_the_trainee_is_stored_before_the_customer_answers(server, data_dir):
    services = make_services(data_dir, engine="llm")
    server.push(Reply(OPENING), Reply(SLOW_REPLY, first_token_s=FIRST_TOKEN_S))
    call, _, _ = services.start_call(WANG, seed=1, started_at=AT)
    events = services.take_turn_streaming(call, text=INTRO)
    heard = next(events)
    assert isinstance(heard, Heard) and heard.agent.text == INTRO
    turns = Store(data_dir).session(call.session_id)["turns"]
    assert [t["speaker"] for t in turns] == ["customer", "agent"]  # no customer line yet
    assert list(events)[-1].customer.text == SLOW_REPLY


def test_the_offline_lines_are_one_clip_exactly_as_before(data_dir):
    tts = StandInTTS(delay_s=0)
    services = make_services(data_dir, engine="scripted", tts=tts)
    call, events = services.start_call_streaming(WANG, seed=1, started_at=AT)
    opening = list(events)
    assert [type(e) for e in opening] == [Spoken, Exchange]
    assert opening[0].text == opening[1].customer.text == call.turns[0].text
    out = list(services.take_turn_streaming(call, text=INTRO))
    assert [type(e) for e in out] == [Heard, Spoken, Exchange]
    spoken, exchange = out[1], out[2]
    assert spoken.text == exchange.customer.text and exchange.customer.engine == "scripted"
    assert exchange.audio.read_bytes() == spoken.clip.data  # the one clip, kept as it is

    # The same call, buffered, says the same thing: nothing changed offline.
    again = make_services(data_dir / "again", engine="scripted", tts=StandInTTS(delay_s=0))
    twin, _, _ = again.start_call(WANG, seed=1, started_at=AT)
    assert twin.turns[0].text == call.turns[0].text
    assert again.take_turn(twin, text=INTRO).customer.text == exchange.customer.text


def test_a_reply_is_stored_whole_when_the_page_stops_listening(server, data_dir):
    services = make_services(data_dir, engine="llm")
    server.push(Reply(OPENING), Reply(SLOW_REPLY, first_token_s=0.1, tokens_per_s=40))
    call, _, _ = services.start_call(WANG, seed=1, started_at=AT)
    events = services.take_turn_streaming(call, text=INTRO)
    for event in events:
        if isinstance(event, Spoken):
            break
    events.close()  # the browser went away after the first sentence
    store = Store(data_dir)
    deadline = time.monotonic() + 10
    while len(store.session(call.session_id)["turns"]) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    customer = store.session(call.session_id)["turns"][2]
    assert customer["text"] == SLOW_REPLY and customer["engine"] == "llm:fake-model"
    deadline = time.monotonic() + 5
    while not store.session(call.session_id)["turns"][2]["audio"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (data_dir / store.session(call.session_id)["turns"][2]["audio"]).exists()


def test_a_voice_that_fails_mid_reply_leaves_the_text_and_a_notice(server, data_dir):
    tts = StandInTTS(delay_s=0, fail_from=3)  # opening ok, first sentence ok, then down
    services = make_services(data_dir, engine="llm", tts=tts)
    server.push(Reply(OPENING), Reply(SLOW_REPLY))
    call, _, _ = services.start_call(WANG, seed=1, started_at=AT)
    out = list(services.take_turn_streaming(call, text=INTRO))
    spoken = [e for e in out if isinstance(e, Spoken)]
    assert [s.clip is not None for s in spoken] == [True, False, False]
    exchange = out[-1]
    assert exchange.customer.text == SLOW_REPLY and "语音合成暂时不可用" in exchange.notice
    assert wav_seconds(exchange.audio.read_bytes()) == pytest.approx(0.2, abs=0.01)
    assert len(tts.arrived) == 3  # after the failure the rest was not even tried


def test_a_dead_model_falls_back_to_the_offline_line_and_is_still_spoken(server, data_dir):
    server.push(Reply(OPENING))  # then the script is exhausted: every request is HTTP 500
    services = make_services(data_dir, engine="llm")
    call, _, _ = services.start_call(WANG, seed=1, started_at=AT)
    call.renderer.budget_s = 1.0
    out = list(services.take_turn_streaming(call, text=INTRO))
    exchange = out[-1]
    assert exchange.customer.engine.startswith("scripted (fallback: HTTP 500")
    said = "".join(e.text for e in out if isinstance(e, Spoken))
    assert said == exchange.customer.text and exchange.audio.exists()


def test_join_clips_makes_one_file_per_turn(tmp_path):
    a, b = Clip(tone_wav(0.2), "wav", "x"), Clip(tone_wav(0.3), "wav", "x")
    assert wav_seconds(join_clips([a, b]).data) == pytest.approx(0.5, abs=0.01)
    assert join_clips([]) is None and join_clips([a]) is a
    mp3s = [Clip(b"\xff\xfb1", "mp3", "edge"), Clip(b"\xff\xfb2", "mp3", "edge")]
    assert join_clips(mp3s).data == b"\xff\xfb1\xff\xfb2"
    other_rate = Clip(tone_wav(0.3, rate=22050), "wav", "espeak")
    mixed = join_clips([a, other_rate])  # re-encoded by ffmpeg into one WAV
    assert mixed.backend == "x+espeak"
    assert wav_seconds(mixed.data) == pytest.approx(0.5, abs=0.05)


# --- the practice page's streaming handlers ---------------------------------------------------


def test_page_streams_the_reply_and_ends_waiting_for_the_trainee(server, data_dir):
    services = make_services(data_dir, engine="llm")
    server.push(Reply(OPENING), Reply(SLOW_REPLY, tokens_per_s=40))
    views = list(call_flow.start_streaming(services, PracticeState(), "cooperative_wang", seed=1))
    state, first = views[-1]
    assert first.phase == "call" and first.messages[0]["content"] == OPENING
    views = list(call_flow.say_streaming(services, state, INTRO))
    shown = [v for _, v in views]
    assert shown[0].messages[-1] == {"role": "user", "content": INTRO}  # before the reply
    assert shown[0].status == STATUS["speaking"]
    chunks = [v.chunk for v in shown if v.chunk is not None]
    assert len(chunks) == 3  # one audio chunk per sentence, to play as it arrives
    growing = [
        v.messages[-1]["content"] for v in shown[1:] if v.messages[-1]["role"] == "assistant"
    ]
    assert growing[0] == SENTENCES[0] and growing[-1] == SLOW_REPLY
    final = shown[-1]
    assert final.messages[-1] == {"role": "assistant", "content": SLOW_REPLY}
    assert final.status == STATUS["speaking"]  # the page's player turns it to waiting at the end


def test_page_streaming_without_voice_says_waiting_at_once(data_dir):
    services = make_services(data_dir, engine="scripted", tts=NoneTTS())
    views = list(call_flow.start_streaming(services, PracticeState(), "cooperative_wang", seed=1))
    state, view = views[-1]
    assert view.status == STATUS["waiting"] and all(v.chunk is None for _, v in views)
    state, view = list(call_flow.say_streaming(services, state, INTRO))[-1]
    assert view.status == STATUS["waiting"] and len(view.messages) == 3


# --- the page in a real browser ---------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"

PLAYER_JS = """() => { const a = document.querySelector('#reply-audio audio');
  return a ? {src: a.currentSrc || a.src, t: a.currentTime} : null }"""


@pytest.mark.browser
@pytest.mark.slow
def test_the_browser_plays_the_reply_before_the_model_has_finished(server, data_dir):
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing (browser tests always run when CI is set)")
        pytest.skip(f"no {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright

    from tests.fixtures.server import serve

    server.push(Reply(OPENING))
    server.responder = lambda body: Reply(SLOW_REPLY, first_token_s=FIRST_TOKEN_S, tokens_per_s=5)
    services = make_services(data_dir, engine="llm", tts=StandInTTS(seconds=1.0))
    store = Store(data_dir)
    with serve(services) as url, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
        )
        page = browser.new_page()
        page.goto(url)
        page.locator("#start-call").wait_for(timeout=20_000)
        page.get_by_role("button", name="选这位").first.click()
        page.locator("#start-call").click()
        status = page.locator("#status textarea, #status input").first
        expect(status).to_have_value("等待您说话", timeout=15_000)  # the opening has played
        opening_src = page.evaluate(PLAYER_JS)["src"]

        box = page.locator("#say-text textarea")
        box.fill(INTRO)
        box.press("Enter")
        deadline = time.monotonic() + 15
        playing_early = None
        while time.monotonic() < deadline:
            player = page.evaluate(PLAYER_JS)
            if player and player["src"] != opening_src and player["t"] > 0:
                [row] = store.sessions()
                playing_early = len(store.session(row["id"])["turns"]) < 3
                break
            time.sleep(0.1)
        # The reply was audible while the model was still writing it (not yet stored).
        assert playing_early is True
        expect(page.locator("#transcript")).to_contain_text(SLOW_REPLY, timeout=15_000)
        expect(status).to_have_value("等待您说话", timeout=15_000)
        browser.close()
    store.close()
