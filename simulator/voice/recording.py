"""Checking the trainee's recording before it goes to a recogniser.

Audio is decoded by :mod:`simulator.voice.decode` (channels averaged, never summed into
clipping). Every recording comes out as 16 kHz mono 16-bit WAV, or is rejected with a
:class:`RecordingRejected` whose Chinese message tells the trainee what to do: speak again, or
type. Nothing about the call itself changes on a rejection.

A recording is refused when it is silent, when it is badly clipped (the microphone's gain is
too high: a recogniser hears distortion), and when the voice activity detector hears no speech
in it — brown noise, mains hum and keyboard clicks pass a loudness test, and Whisper invents
text on them. Without the detector (faster-whisper not installed) a spectral test stands in.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from pathlib import Path

from simulator.voice.decode import DecodeError, decode, wav_bytes
from simulator.voice.vad import speech_seconds as vad_speech_seconds

__all__ = ["MESSAGES", "Recording", "RecordingRejected", "check_recording", "sniff_format"]

SAMPLE_RATE = 16_000
MIN_SECONDS = 0.3
MAX_SECONDS = 60.0
MAX_BYTES = 100 * 1024 * 1024
SILENT_DBFS = -50.0  # the loudest 30 ms of the recording is quieter than this: nobody spoke
NOISE_FLATNESS = 0.45  # spectral flatness of white-ish noise is ~0.56, of voiced speech < 0.2
NOISE_SPREAD_DB = 5.0  # speech rises and falls; steady noise stays within a few dB
CLIP_LEVEL = 32_700  # a sample this close to full scale was cut off by the converter
CLIPPED_FRACTION = 0.003  # more than 0.3 % of samples cut off: audibly distorted speech
MIN_SPEECH_SECONDS = 0.15  # the detector must hear at least this much speech

MESSAGES = {
    "empty": "没有收到录音，请按住按钮说话，说完再松开，或者直接打字。",
    "too_short": "录音太短了，请按住说完整句话再松开，或者直接打字。",
    "too_long": "录音超过了60秒，请分几次说，每次说一两句话，或者直接打字。",
    "silent": "没有听到声音，请检查麦克风是否开启，再说一遍，或者直接打字。",
    "noise": "录音里只有杂音，没有听到说话声，请到安静的地方再说一遍，或者直接打字。",
    "clipped": "录音声音太大，已经失真了，请把麦克风音量调小一点或离远一些，再说一遍，或者直接打字。",
    "corrupt": "录音文件已损坏，无法读取，请重新录一次，或者直接打字。",
    "unsupported": "暂不支持这种录音格式，请重新录一次，或者直接打字。",
}


class RecordingRejected(Exception):
    """A recording that cannot be recognised.

    Attributes:
        code: one of the keys of :data:`MESSAGES`.
        message: Chinese, for the trainee.
        reason: English, for logs.

    """

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.message = MESSAGES[code]
        self.reason = reason


@dataclass(frozen=True)
class Recording:
    """A recording that passed every check."""

    wav: bytes
    """16 kHz mono 16-bit PCM WAV, ready for any recogniser and for replay."""
    duration: float
    """Seconds."""
    source_format: str
    """What the trainee's browser sent: ``wav``, ``flac``, ``aiff``, ``webm``, ``ogg`` …"""
    peak_dbfs: float
    """Loudness of the loudest 30 ms, in dB below full scale."""
    speech_seconds: float | None = None
    """How much of it the voice activity detector calls speech (``None``: no detector)."""


def sniff_format(data: bytes) -> str:
    """The container format from the first bytes, or ``"unknown"``."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"fLaC":
        return "flac"
    if data[:4] == b"FORM" and data[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if data[:4] == b"OggS":
        return "ogg"
    if data[4:8] == b"ftyp":
        return "mp4"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "mp3"
    return "unknown"


def _wav_header_seconds(data: bytes) -> float | None:
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            frame_bytes = w.getsampwidth() * w.getnchannels()
            # A streamed WAV claims 4 GB in its header: trust the bytes actually present.
            frames = min(w.getnframes(), len(data) // max(frame_bytes, 1))
            return frames / w.getframerate()
    except (wave.Error, EOFError, ZeroDivisionError):
        return None


def _analyse(pcm: bytes) -> tuple[float, float, float]:
    """Peak frame loudness (dBFS), median spectral flatness of loud frames, loudness spread."""
    import numpy as np

    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    size = int(SAMPLE_RATE * 0.03)
    frames = samples[: len(samples) // size * size].reshape(-1, size)
    if len(frames) == 0:
        return -120.0, 0.0, 0.0
    level = 20 * np.log10(np.sqrt((frames**2).mean(axis=1)) + 1e-9)
    peak = float(level.max())
    loud = frames[level > peak - 20]
    power = np.abs(np.fft.rfft(loud * np.hanning(size), axis=1)) ** 2 + 1e-12
    flatness = float(np.median(np.exp(np.log(power).mean(axis=1)) / power.mean(axis=1)))
    spread = float(np.percentile(level, 95) - np.percentile(level, 10))
    return peak, flatness, spread


def check_recording(
    source: bytes | str | Path,
    *,
    min_seconds: float = MIN_SECONDS,
    max_seconds: float = MAX_SECONDS,
) -> Recording:
    """Check and normalise a recording (bytes, or the path of the browser's file).

    Raises:
        RecordingRejected: empty, shorter than ``min_seconds``, longer than ``max_seconds``,
            silent, only noise, corrupt, or in a format that cannot be converted.

    """
    if isinstance(source, bytes):
        data = source
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise RecordingRejected("empty", f"cannot read {source}: {exc.strerror}") from exc
    if not data:
        raise RecordingRejected("empty", "the recording has 0 bytes")
    if len(data) > MAX_BYTES:
        raise RecordingRejected("too_long", f"the recording is {len(data) // 2**20} MB")
    fmt = sniff_format(data)
    if fmt == "wav":
        seconds = _wav_header_seconds(data)
        if seconds is not None and seconds > max_seconds:
            raise RecordingRejected("too_long", f"{seconds:.1f} s is over {max_seconds:g} s")
    try:
        pcm = decode(data, fmt, max_seconds)
    except DecodeError as exc:
        code = "unsupported" if fmt == "unknown" else exc.code
        raise RecordingRejected(code, f"{fmt}: {exc}") from exc
    seconds = len(pcm) / 2 / SAMPLE_RATE
    if seconds == 0:
        raise RecordingRejected("empty", f"the {fmt} file holds no audio")
    if seconds < min_seconds:
        raise RecordingRejected("too_short", f"{seconds:.2f} s is under {min_seconds:g} s")
    if seconds > max_seconds:
        raise RecordingRejected("too_long", f"{seconds:.1f} s is over {max_seconds:g} s")
    peak, flatness, spread = _analyse(pcm)
    if peak < SILENT_DBFS:
        raise RecordingRejected("silent", f"loudest 30 ms is {peak:.0f} dBFS")
    clipped = _clipped_fraction(pcm)
    if clipped > CLIPPED_FRACTION:
        raise RecordingRejected("clipped", f"{clipped:.1%} of samples at full scale")
    speech = _speech_seconds(pcm)
    if speech is not None and speech < MIN_SPEECH_SECONDS:
        raise RecordingRejected(
            "noise", f"the voice activity detector heard {speech:.2f} s of speech"
        )
    if speech is None and flatness > NOISE_FLATNESS and spread < NOISE_SPREAD_DB:
        raise RecordingRejected(
            "noise", f"steady noise: flatness {flatness:.2f}, loudness spread {spread:.1f} dB"
        )
    return Recording(
        wav=wav_bytes(pcm),
        duration=seconds,
        source_format=fmt,
        peak_dbfs=peak,
        speech_seconds=speech,
    )


def _clipped_fraction(pcm: bytes) -> float:
    """Share of samples at full scale."""
    import numpy as np

    samples = np.frombuffer(pcm, dtype="<i2")
    return float((np.abs(samples.astype(np.int32)) >= CLIP_LEVEL).mean()) if len(samples) else 0.0


def _speech_seconds(pcm: bytes) -> float | None:
    import numpy as np

    return vad_speech_seconds(np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0)
