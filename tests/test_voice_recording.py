"""Recording checks with generated audio: accepted formats and every rejection."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np
import pytest

from simulator.persona import Voice
from simulator.voice import RecordingRejected, check_recording
from simulator.voice.espeak import EspeakTTS
from simulator.voice.recording import MESSAGES, sniff_format

RATE = 16_000
needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")


def wav(samples: np.ndarray, rate: int = RATE, channels: int = 1) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return out.getvalue()


def tone(seconds: float, level: float = 0.3) -> bytes:
    t = np.arange(int(RATE * seconds)) / RATE
    return wav(level * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t)))


def ffmpeg(data: bytes, fmt: str, *options: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.wav", Path(tmp) / f"out.{fmt}"
        src.write_bytes(data)
        command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(src), *options]
        subprocess.run([*command, "-f", fmt, str(out)], capture_output=True, timeout=30, check=True)
        return out.read_bytes()


@pytest.fixture(scope="module")
def speech() -> bytes:
    return EspeakTTS().synthesize("您好，我这个月实在是没办法一次性还清。", Voice()).data


def rejected(data) -> RecordingRejected:
    with pytest.raises(RecordingRejected) as caught:
        check_recording(data)
    assert caught.value.message == MESSAGES[caught.value.code]
    return caught.value


# --- accepted -----------------------------------------------------------------------------------


def test_speech_wav_is_accepted_and_normalised(speech):
    rec = check_recording(speech)
    assert rec.source_format == "wav" and 3.0 < rec.duration < 6.0
    with wave.open(io.BytesIO(rec.wav)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)


def test_a_path_is_accepted_like_bytes(speech, tmp_path):
    path = tmp_path / "turn.wav"
    path.write_bytes(speech)
    assert check_recording(path).duration == check_recording(speech).duration


def test_speech_over_background_noise_is_still_speech(speech):
    with wave.open(io.BytesIO(speech)) as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32768
        rate = w.getframerate()
    noisy = samples + np.random.default_rng(3).normal(0, 0.03, len(samples))
    assert check_recording(wav(noisy, rate)).duration > 3


@needs_ffmpeg
@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("flac", ()),
        ("aiff", ()),
        ("webm", ("-c:a", "libopus")),
        ("ogg", ("-c:a", "libopus")),
        ("mp3", ()),
        ("wav", ("-ac", "2", "-ar", "48000")),  # a browser's stereo 48 kHz
        ("wav", ("-c:a", "pcm_f32le")),  # float samples: SpeechRecognition can't, ffmpeg can
    ],
)
def test_browser_formats_are_accepted(speech, fmt, options):
    data = ffmpeg(speech, fmt, *options)
    rec = check_recording(data)
    assert rec.source_format == sniff_format(data) == fmt
    assert rec.duration == pytest.approx(check_recording(speech).duration, abs=0.15)


# --- rejected -------------------------------------------------------------------------------


def test_empty_file_is_rejected(tmp_path):
    assert rejected(b"").code == "empty"
    (tmp_path / "empty.wav").write_bytes(b"")
    assert rejected(tmp_path / "empty.wav").code == "empty"
    assert rejected(tmp_path / "missing.wav").code == "empty"


def test_too_short_is_rejected_with_the_message_the_trainee_needs():
    error = rejected(tone(0.2))
    assert error.code == "too_short"
    assert error.message == "录音太短了，请按住说完整句话再松开，或者直接打字。"


def test_just_long_enough_is_accepted():
    assert check_recording(tone(0.35)).duration == pytest.approx(0.35, abs=0.01)


def test_over_sixty_seconds_is_rejected():
    assert rejected(tone(61, level=0.1)).code == "too_long"


def test_silence_is_rejected():
    assert rejected(wav(np.zeros(RATE * 2))).code == "silent"
    quiet_hiss = np.random.default_rng(1).normal(0, 0.0005, RATE * 2)
    assert rejected(wav(quiet_hiss)).code == "silent"


def test_steady_noise_is_rejected():
    error = rejected(wav(np.random.default_rng(2).normal(0, 0.1, RATE * 2)))
    assert error.code == "noise" and "杂音" in error.message


def test_truncated_header_is_rejected(speech):
    assert rejected(speech[:30]).code == "corrupt"


def test_streamed_wav_header_claiming_hours_is_judged_by_its_bytes(speech):
    streamed = bytearray(speech)
    streamed[4:8] = streamed[40:44] = b"\xff\xff\xff\x7f"  # RIFF and data sizes unknown
    assert check_recording(bytes(streamed)).duration == check_recording(speech).duration


def test_header_without_samples_is_rejected(speech):
    assert rejected(speech[:44]).code in ("empty", "corrupt")


@needs_ffmpeg
def test_truncated_webm_is_rejected(speech):
    webm = ffmpeg(speech, "webm", "-c:a", "libopus")
    assert rejected(webm[:200]).code == "corrupt"


def test_not_audio_at_all_is_rejected():
    error = rejected("这不是录音".encode() * 50)
    assert error.code == "unsupported"
    assert "格式" in error.message


@needs_ffmpeg
@pytest.mark.parametrize("fmt", ["webm", "ogg"])
def test_converted_silence_is_still_silence(fmt):
    assert rejected(ffmpeg(wav(np.zeros(RATE * 2)), fmt, "-c:a", "libopus")).code == "silent"


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_offers_typing_instead(code):
    assert MESSAGES[code].endswith("或者直接打字。")
