"""The microphone in a real headless Chromium: the offline recogniser, and when there is no mic.

Chromium's fake microphone plays a WAV made by the project's own offline voice; nothing here
needs a network. Skips without ``/usr/bin/chromium`` unless ``CI`` is set, where it must run.
"""

from __future__ import annotations

import io
import os
import time
import wave
from pathlib import Path

import pytest

from simulator.voice import build_tts
from simulator.voice.asr import NoneASR, WhisperASR
from simulator.voice.roundtrip import cer
from tests.fixtures.fakes import make_services
from tests.fixtures.server import serve

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SAID = "您好，我是信用卡中心的小王。"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason="no /usr/bin/chromium (browser tests always run when CI is set)",
    ),
]


def utterance_wav(path: Path, text: str = SAID, pause: float = 2.0) -> Path:
    """``text`` in the offline voice, then ``pause`` seconds of silence (the fake mic loops)."""
    from simulator.persona import Voice
    from simulator.voice.espeak import EspeakTTS

    clip = EspeakTTS().synthesize(text, Voice(espeak_variant="m3"))
    with wave.open(io.BytesIO(clip.data)) as w:
        rate, frames = w.getframerate(), w.readframes(w.getnframes())
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames + b"\0\0" * int(rate * pause))
    return path


def chromium(p, wav: Path, *extra: str):
    return p.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            "--no-sandbox",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}",
            "--disable-background-networking",
            "--autoplay-policy=no-user-gesture-required",
            *extra,
        ],
    )


def dial(page, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    expect(page.locator("#start-call")).to_be_visible(timeout=30_000)
    card = page.locator(".panel, [class*=panel]").filter(has_text="王丽娟").first
    card.get_by_role("button", name="选这位").click()
    page.locator("#start-call").click()
    expect(page.locator("#transcript .message, #transcript [data-testid=bot]").first).to_be_visible(
        timeout=30_000
    )


def test_a_spoken_line_is_recognised_offline_and_answered_in_audio(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    asr = WhisperASR()
    if asr.probe():
        pytest.skip(f"no offline recogniser: {asr.probe()}")
    asr.warm()
    services = make_services(
        tmp_path / "data", asr=asr, tts=build_tts("espeak", cache_dir=tmp_path / "tts")
    )
    wav = utterance_wav(tmp_path / "said.wav")
    with wave.open(str(wav)) as w:
        seconds = w.getnframes() / w.getframerate()
    with sync_playwright() as p, serve(services) as url:
        browser = chromium(p, wav)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        dial(page, url)
        expect(page.locator("#mic")).to_be_visible()
        mic = page.locator("#mic")
        mic.get_by_role("button", name="录制").click()
        # The fake microphone loops its file from the browser's start: two loops hold one whole
        # sentence wherever the recording begins.
        page.wait_for_timeout(int(seconds * 2000))
        mic.get_by_role("button", name="停止").click()
        transcript = page.locator("#transcript")
        said = page.locator("#transcript [data-testid=user]").filter(has_text="信用卡")
        expect(said.first).to_be_visible(timeout=60_000)
        [row] = services.store.sessions()
        turns = services.store.session(row["id"])["turns"]
        assert turns[1]["speaker"] == "agent" and "信用卡" in turns[1]["text"]
        expect(transcript).to_contain_text(turns[-1]["text"], timeout=30_000)
        # the customer's answer, in audio, is in the player
        expect(page.locator("#reply-audio audio[src]").first).to_be_attached(timeout=30_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "voice-offline-turn.png"), full_page=True)
        browser.close()


def test_with_no_recogniser_the_microphone_is_off_before_the_call(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    services = make_services(tmp_path / "data", asr=NoneASR("CALLSIM_ASR=none"))
    with sync_playwright() as p, serve(services) as url:
        browser = chromium(p, utterance_wav(tmp_path / "said.wav"))
        page = browser.new_page(locale="zh-CN")
        page.goto(url)
        expect(page.locator("#mic-help")).to_contain_text("麦克风已关闭", timeout=30_000)
        expect(page.locator("#mic-help")).to_contain_text("CALLSIM_ASR=none")
        dial(page, url)
        expect(page.locator("#mic")).to_be_hidden()
        expect(page.locator("#say-text textarea")).to_be_visible()
        browser.close()


def test_over_plain_http_from_another_machine_the_page_says_why_there_is_no_mic(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    services = make_services(tmp_path / "data")
    with serve(services) as url:
        port = url.rstrip("/").rsplit(":", 1)[1]
        # A name that is not localhost: to the browser this is another machine over http.
        rule = "--host-resolver-rules=MAP callsim.test 127.0.0.1"
        with sync_playwright() as p:
            browser = chromium(p, utterance_wav(tmp_path / "said.wav"), rule)
            page = browser.new_page(locale="zh-CN")
            page.goto(f"http://callsim.test:{port}/")
            help_text = page.locator("#mic-help")
            expect(help_text).to_contain_text("https", timeout=30_000)
            expect(help_text).to_contain_text("打字")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "voice-insecure.png"), full_page=True)
            browser.close()


def test_hands_free_a_pause_sends_the_turn_without_a_click(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    asr = WhisperASR()
    if asr.probe():
        pytest.skip(f"no offline recogniser: {asr.probe()}")
    asr.warm()
    services = make_services(tmp_path / "data", asr=asr)
    wav = utterance_wav(tmp_path / "said.wav", pause=2.5)
    with sync_playwright() as p, serve(services) as url:
        browser = chromium(p, wav)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        dial(page, url)
        live = page.locator("#mic-live")
        expect(live).to_be_visible()
        live.get_by_role("button", name="录制").click()
        # No stop button pressed: the pause after the sentence ends the turn.
        # The first turn may be the tail of a loop of the fake microphone's file; a whole
        # sentence follows after the next pause.
        said = page.locator("#transcript [data-testid=user]").filter(has_text="信用卡")
        expect(said.first).to_be_visible(timeout=90_000)
        heard = _a_whole_sentence(page, said, timeout_s=90)
        assert cer(SAID, heard[0]) <= 0.5, heard
        [row] = services.store.sessions()
        turns = services.store.session(row["id"])["turns"]
        assert [t["speaker"] for t in turns[:3]] == ["customer", "agent", "customer"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "voice-hands-free.png"), full_page=True)
        browser.close()


def _a_whole_sentence(page, said, timeout_s: float) -> list[str]:
    """The trainee turns heard, best first, once one of them is the whole sentence (CER ≤ 0.5).

    The fake microphone loops its file: a turn may begin mid-sentence (its tail), and the whole
    sentence comes after the next pause.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        heard = sorted(said.all_inner_texts(), key=lambda text: cer(SAID, text))
        if (heard and cer(SAID, heard[0]) <= 0.5) or time.monotonic() > deadline:
            return heard or [""]
        page.wait_for_timeout(1000)


class LongVoice:
    """Every line as 20 s of a quiet tone: the customer is still talking when the trainee starts."""

    name = "long"

    def synthesize(self, text, voice, prosody=None):
        import math

        from simulator.voice import Clip

        rate = 16000
        samples = (int(2000 * math.sin(2 * math.pi * 220 * i / rate)) for i in range(rate * 20))
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(b"".join(s.to_bytes(2, "little", signed=True) for s in samples))
        return Clip(out.getvalue(), "wav", self.name)


def test_speaking_over_the_customer_stops_and_cuts_their_line(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from simulator.ui.call_flow import INTERRUPTED
    from simulator.voice import vad
    from simulator.voice.barge import INTERRUPTED_MARK

    if not vad.available():
        pytest.skip("no voice activity detector")
    services = make_services(tmp_path / "data", tts=LongVoice())  # the fake recogniser
    wav = utterance_wav(tmp_path / "said.wav", pause=2.5)
    with sync_playwright() as p, serve(services) as url:
        browser = chromium(p, wav)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        dial(page, url)
        playing = "Array.from(window.callsimPlaying || []).filter((a) => !a.paused)"
        page.wait_for_function(f"() => {playing}.some((a) => a.currentTime > 0.5)", timeout=30_000)
        page.locator("#mic-live").get_by_role("button", name="录制").click()
        # The trainee's speech stops the customer long before the 20 s reply ends …
        cut = page.locator("#transcript [data-testid=bot]").filter(has_text=INTERRUPTED)
        expect(cut.first).to_be_visible(timeout=60_000)
        assert page.evaluate(f"() => {playing}.length") == 0
        [row] = services.store.sessions()
        opening = services.store.session(row["id"])["turns"][0]
        # … and only what was played is kept as said, the rest beside it, out of the transcript.
        assert opening["meta"]["interrupted"] is True
        assert opening["text"].endswith(INTERRUPTED_MARK)
        assert 0 < opening["meta"]["played_s"] < 20
        said = opening["text"].removesuffix(INTERRUPTED_MARK)
        assert said + opening["meta"]["unsaid"] != said
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "voice-barge-in.png"), full_page=True)
        browser.close()
