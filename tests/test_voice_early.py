"""Early recognition: the utterance so far is recognised during the pause, and used only when
the finished turn is the same audio (real espeak speech, real voice activity detector)."""

from __future__ import annotations

import threading
from datetime import datetime

import numpy as np
import pytest

from simulator.persona import load_personas
from simulator.services import Services
from simulator.storage import Store
from simulator.voice import ASRError, NoneTTS, Transcript, vad
from simulator.voice.asr import transcribe
from simulator.voice.early import EarlyRecognition
from simulator.voice.endpoint import Endpointer

from .conftest import PERSONAS_DIR
from .test_voice_endpoint import BROWSER_RATE, silence, spoken, stream

pytestmark = pytest.mark.skipif(not vad.available(), reason="no voice activity detector")
AT = datetime.fromisoformat("2026-11-28T10:00:00+08:00")


class CountingASR:
    """A local recogniser (asked early) that hears one scripted line and counts its work."""

    name = "counting"
    speculative = True

    def __init__(self, text: str = "我下个月一定还款。", fail: bool = False, gate=None):
        self.text, self.fail, self.gate = text, fail, gate
        self.calls: list[bytes] = []
        self._lock = threading.Lock()

    def transcribe(self, wav: bytes) -> Transcript:
        if self.gate is not None:
            self.gate.wait(5)
        with self._lock:
            self.calls.append(wav)
        if self.fail:
            raise ASRError("语音识别出错了，请再说一遍，或者直接打字。", "scripted failure")
        return Transcript(self.text, 0.9, self.name)


class OnlineASR(CountingASR):
    """A billed service: never asked to guess."""

    speculative = False


@pytest.fixture(scope="module")
def line() -> np.ndarray:
    return spoken("我下个月一定还款。")


def test_the_utterance_so_far_comes_once_per_pause_and_equals_the_finished_turn(line):
    heard = stream(Endpointer(pause=0.8, early=0.3), np.concatenate([line, silence(2.0)]))
    early = [h.so_far for h in heard if h.so_far]
    done = [h.utterance for h in heard if h.utterance]
    assert len(early) == 1 and len(done) == 1
    assert early[0] == done[0]  # the same bytes: the early recognition is the turn's
    early_at = next(i for i, h in enumerate(heard) if h.so_far)
    done_at = next(i for i, h in enumerate(heard) if h.utterance)
    assert early_at < done_at  # handed out while the pause was still running


def test_speech_after_the_early_point_makes_the_early_audio_stale(line):
    gap = silence(0.5)  # longer than ``early``, shorter than ``pause``: one turn, two guesses
    heard = stream(Endpointer(pause=0.8, early=0.3), np.concatenate([line, gap, line, silence(2)]))
    early = [h.so_far for h in heard if h.so_far]
    done = [h.utterance for h in heard if h.utterance]
    assert len(done) == 1 and len(early) == 2
    assert early[0] != done[0] and early[-1] == done[0]


def test_the_finished_turn_keeps_only_the_early_silence(line):
    heard = stream(Endpointer(pause=0.8, early=0.3), np.concatenate([line, silence(2.0)]))
    done = next(h.utterance for h in heard if h.utterance)
    seconds = (len(done) - 44) / 2 / 16_000
    assert seconds < len(line) / BROWSER_RATE + 0.3 + 0.5  # not the whole 0.8 s pause


def test_a_started_recognition_is_taken_once_and_never_redone():
    asr, early = CountingASR(), EarlyRecognition(transcribe)
    assert early.start(asr, b"wav-1", ("王丽娟",))
    heard = early.take(asr, b"wav-1", ("王丽娟",))
    assert heard.text == "我下个月一定还款。" and len(asr.calls) == 1
    assert early.take(asr, b"wav-1", ("王丽娟",)) is None  # taken: a second turn recognises anew
    assert early.take(asr, b"other", ()) is None and len(asr.calls) == 1


def test_other_bytes_or_other_hints_do_not_match():
    asr, early = CountingASR(), EarlyRecognition(transcribe)
    early.start(asr, b"wav-1", ("王丽娟",))
    assert early.take(asr, b"wav-2", ("王丽娟",)) is None
    assert early.take(asr, b"wav-1", ("李强",)) is None


def test_an_online_service_is_never_asked_to_guess():
    asr, early = OnlineASR(), EarlyRecognition(transcribe)
    assert early.start(asr, b"wav-1") is False
    assert early.take(asr, b"wav-1") is None and asr.calls == []


def test_a_failure_found_early_reaches_the_turn():
    asr, early = CountingASR(fail=True), EarlyRecognition(transcribe)
    early.start(asr, b"wav-1")
    with pytest.raises(ASRError):
        early.take(asr, b"wav-1")


def test_a_guess_still_queued_is_dropped_and_the_turn_recognises_itself():
    gate = threading.Event()
    asr, early = CountingASR(gate=gate), EarlyRecognition(transcribe)
    early.start(asr, b"busy")  # occupies the one worker until the gate opens
    early.start(asr, b"queued")
    assert early.take(asr, b"queued") is None  # not begun: cancelled, the caller goes on
    gate.set()
    assert early.take(asr, b"busy").text == "我下个月一定还款。"
    assert asr.calls == [b"busy"]


def test_a_hands_free_turn_recognised_early_is_recognised_once(data_dir, line):
    asr = CountingASR("请问是王丽娟女士本人吗？")
    store = Store(data_dir)
    services = Services(store=store, personas_dir=PERSONAS_DIR, tts=NoneTTS(), asr=asr)
    try:
        persona = load_personas(PERSONAS_DIR)["cooperative_wang"]
        call, _, _ = services.start_call(persona, seed=1, started_at=AT)
        ear = Endpointer(pause=0.8, early=0.3)
        started = []
        for h in stream(ear, np.concatenate([line, silence(2.0)])):
            if h.so_far:
                started.append(services.recognise_early(call, h.so_far))
            if h.utterance:
                ex = services.take_turn(call, recording=h.utterance)
        assert started == [True]
        assert ex.agent.text == "请问是王丽娟女士本人吗？" and ex.customer is not None
        assert len(asr.calls) == 1
    finally:
        store.close()
