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


def samples_of(data: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32768, w.getframerate()


def test_just_long_enough_is_accepted(speech):
    samples, rate = samples_of(speech)
    start = int(rate * 0.5)
    short = wav(samples[start : start + int(rate * 0.35)], rate)
    assert check_recording(short).duration == pytest.approx(0.35, abs=0.01)


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


# --- mixdown, clipping and noise that only sounds loud ------------------------------------------


def stereo_wav(left: np.ndarray, right: np.ndarray, rate: int) -> bytes:
    both = np.stack([left, right], axis=1)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(both, -1, 1) * 32767).astype("<i2").tobytes())
    return out.getvalue()


def at_dbfs(samples: np.ndarray, peak_db: float) -> np.ndarray:
    return samples / np.abs(samples).max() * 10 ** (peak_db / 20)


def full_scale_samples(rec) -> int:
    samples, _ = samples_of(rec.wav)
    return int((np.abs(samples) >= 0.998).sum())


@pytest.mark.parametrize("fmt", ["wav", pytest.param("flac", marks=needs_ffmpeg)])
def test_loud_stereo_is_mixed_down_without_clipping(speech, fmt):
    samples, rate = samples_of(speech)
    loud = at_dbfs(samples, -4.0)
    data = stereo_wav(loud, loud, rate)
    if fmt != "wav":
        data = ffmpeg(data, fmt)
    rec = check_recording(data)
    assert full_scale_samples(rec) == 0
    assert rec.peak_dbfs < -4.0


def test_clipped_speech_gets_its_own_notice(speech):
    samples, rate = samples_of(speech)
    error = rejected(wav(np.clip(samples * 12, -1, 1), rate))
    assert error.code == "clipped" and "音量" in error.message


def test_a_few_full_scale_peaks_are_not_clipping(speech):
    samples, rate = samples_of(speech)
    assert check_recording(wav(at_dbfs(samples, 0.0), rate)).duration > 3


def brown_noise(seconds: float, rms_db: float) -> np.ndarray:
    walk = np.cumsum(np.random.default_rng(5).standard_normal(int(RATE * seconds)))
    walk -= np.convolve(walk, np.ones(800) / 800, "same")  # keep it centred, still brown
    return walk / np.sqrt((walk**2).mean()) * 10 ** (rms_db / 20)


def test_brown_noise_at_minus_36_dbfs_is_noise():
    assert rejected(wav(brown_noise(3, -36))).code == "noise"


def test_mains_hum_is_noise():
    t = np.arange(RATE * 3) / RATE
    hum = sum(np.sin(2 * np.pi * 50 * k * t) / k for k in (1, 2, 3, 5, 7))
    assert rejected(wav(0.1 * hum)).code == "noise"


def test_keyboard_bursts_are_noise():
    rng = np.random.default_rng(7)
    clicks = np.zeros(RATE * 3)
    for start in rng.integers(0, len(clicks) - 400, 25):
        clicks[start : start + 300] += rng.standard_normal(300) * np.exp(-np.arange(300) / 40)
    assert rejected(wav(0.05 * clicks / np.abs(clicks).max() * 8)).code == "noise"


def test_speech_over_brown_noise_is_speech(speech):
    samples, rate = samples_of(speech)
    noise = np.cumsum(np.random.default_rng(9).standard_normal(len(samples)))
    noise -= np.convolve(noise, np.ones(800) / 800, "same")
    noisy = samples + noise / np.sqrt((noise**2).mean()) * 10 ** (-36 / 20)
    rec = check_recording(wav(noisy, rate))
    assert rec.speech_seconds is not None and rec.speech_seconds > 2
