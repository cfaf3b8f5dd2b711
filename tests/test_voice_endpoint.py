"""Ending a spoken turn at a natural pause, on a live stream of real (espeak) speech."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from simulator.persona import Voice
from simulator.voice import check_recording, vad
from simulator.voice.decode import resample
from simulator.voice.endpoint import Endpointer
from simulator.voice.espeak import EspeakTTS

pytestmark = pytest.mark.skipif(not vad.available(), reason="no voice activity detector")
BROWSER_RATE = 48_000


def spoken(text: str) -> np.ndarray:
    clip = EspeakTTS().synthesize(text, Voice(espeak_variant="f2"))
    with wave.open(io.BytesIO(clip.data)) as w:
        raw, rate = w.readframes(w.getnframes()), w.getframerate()
    return resample(np.frombuffer(raw, "<i2").astype(np.float32) / 32768, rate, BROWSER_RATE)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(BROWSER_RATE * seconds), np.float32)


def stream(endpointer: Endpointer, audio: np.ndarray, every: float = 0.25):
    """Feed ``audio`` as a browser would: int16 chunks every ``every`` seconds."""
    step = int(BROWSER_RATE * every)
    pcm = (np.clip(audio, -1, 1) * 32767).astype(np.int16)
    return [endpointer.feed(pcm[i : i + step], BROWSER_RATE) for i in range(0, len(pcm), step)]


@pytest.fixture(scope="module")
def line() -> np.ndarray:
    return spoken("我下个月一定还款。")


def test_a_pause_after_speech_ends_the_turn(line):
    heard = stream(Endpointer(pause=0.8), np.concatenate([silence(1.0), line, silence(1.5)]))
    assert sum(h.started for h in heard) == 1
    done = [h.utterance for h in heard if h.utterance]
    assert len(done) == 1
    rec = check_recording(done[0])
    speech_seconds = len(line) / BROWSER_RATE
    assert speech_seconds - 0.3 < rec.duration < speech_seconds + 1.3


def test_the_turn_ends_about_a_pause_after_the_last_word(line):
    heard = stream(Endpointer(pause=0.8), np.concatenate([line, silence(3.0)]), every=0.1)
    ended_at = next(i for i, h in enumerate(heard) if h.utterance) * 0.1
    assert len(line) / BROWSER_RATE + 0.5 < ended_at < len(line) / BROWSER_RATE + 1.5


def test_two_sentences_with_a_pause_between_are_two_turns(line):
    audio = np.concatenate([line, silence(1.2), line, silence(1.2)])
    assert len([h for h in stream(Endpointer(), audio) if h.utterance]) == 2


def test_a_short_breath_inside_a_sentence_does_not_end_it(line):
    audio = np.concatenate([line, silence(0.3), line, silence(1.2)])
    assert len([h for h in stream(Endpointer(pause=0.8), audio) if h.utterance]) == 1


def test_noise_never_makes_a_turn():
    walk = np.cumsum(np.random.default_rng(1).standard_normal(BROWSER_RATE * 4))
    walk -= np.convolve(walk, np.ones(2400) / 2400, "same")
    noise = walk / np.abs(walk).max() * 0.1
    heard = stream(Endpointer(), noise)
    assert not any(h.started or h.utterance for h in heard)


def test_a_monologue_is_cut_at_the_limit(line):
    audio = np.concatenate([line] * 4)
    heard = stream(Endpointer(max_seconds=3.0), audio)
    assert any(h.utterance for h in heard)
