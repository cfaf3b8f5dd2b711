"""Runtime values and interfaces shared by every voice backend.

A TTS backend turns a customer's line into a :class:`Clip`; an ASR backend turns a checked
recording into a :class:`Transcript`. Both are small ``Protocol``s so that fallbacks, caches and
test fakes are ordinary objects of the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from simulator.persona import Voice

__all__ = [
    "ASR",
    "ASRError",
    "Clip",
    "Prosody",
    "TTS",
    "TTSError",
    "Transcript",
    "UnknownBackend",
]

# Natural limits for the mood's effect on the voice: beyond these it sounds like a cartoon.
MAX_RATE_PCT = 20
MAX_PITCH_HZ = 8
MAX_VOLUME_PCT = 20


def _clamp(value: float, limit: int) -> int:
    return int(round(max(-limit, min(limit, value))))


@dataclass(frozen=True)
class Prosody:
    """How the customer's mood bends their voice, on top of the persona's own rate and pitch."""

    rate_pct: int = 0
    """Speaking-rate change in percent (positive is faster)."""
    pitch_hz: int = 0
    """Pitch change in hertz (positive is higher)."""
    volume_pct: int = 0
    """Loudness change in percent (positive is louder)."""

    @classmethod
    def from_mood(cls, anger: float, patience: float) -> Prosody:
        """Prosody for a mood given as the call state's 0-100 levels.

        Anger above 40 makes the customer faster, louder and a little higher; patience below
        40 (worn down) makes them slower, quieter and lower. The result stays within
        ±20 % rate, ±8 Hz pitch and ±20 % volume.
        """
        hot = max(0.0, min(anger, 100.0) - 40.0) / 60.0  # 0 … 1
        tired = max(0.0, 40.0 - max(patience, 0.0)) / 40.0  # 0 … 1
        return cls(
            rate_pct=_clamp(18 * hot - 14 * tired, MAX_RATE_PCT),
            pitch_hz=_clamp(6 * hot - 6 * tired, MAX_PITCH_HZ),
            volume_pct=_clamp(20 * hot - 10 * tired, MAX_VOLUME_PCT),
        )

    def rate_for(self, voice: Voice) -> int:
        """The persona's rate plus this change, in percent."""
        return int(voice.rate.rstrip("%")) + self.rate_pct

    def pitch_for(self, voice: Voice) -> int:
        """The persona's pitch plus this change, in hertz."""
        return int(voice.pitch.removesuffix("Hz")) + self.pitch_hz

    def key(self) -> str:
        """A short stable text form, used in cache keys."""
        return f"r{self.rate_pct:+d}p{self.pitch_hz:+d}v{self.volume_pct:+d}"


NEUTRAL = Prosody()


@dataclass(frozen=True)
class Clip:
    """Synthesised speech, never empty."""

    data: bytes
    """The encoded audio file."""
    format: str
    """File format and extension: ``"mp3"`` (edge-tts) or ``"wav"`` (espeak)."""
    backend: str
    """Name of the backend that made it."""
    path: str | None = None
    """Where the cache keeps it, when it was cached; a player can use this file directly."""

    @property
    def mime(self) -> str:
        """The MIME type for the browser."""
        return {"mp3": "audio/mpeg", "wav": "audio/wav"}.get(
            self.format, "application/octet-stream"
        )


@dataclass(frozen=True)
class Transcript:
    """What the recogniser heard."""

    text: str
    confidence: float | None
    """0-1 where the engine gives one, else ``None``."""
    backend: str


class TTSError(Exception):
    """A TTS backend could not produce audio; ``str()`` is an English reason for logs."""


class ASRError(Exception):
    """Speech recognition failed.

    Attributes:
        message: Chinese, for the trainee (what to do next).
        reason: English, for logs (what went wrong).
        retry: whether speaking again may help (``False``: the service is down, type instead).

    """

    def __init__(self, message: str, reason: str, *, retry: bool = False) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason
        self.retry = retry


class UnknownBackend(ValueError):
    """A backend name that no factory knows; the message lists the known ones."""


@runtime_checkable
class TTS(Protocol):
    """Text to speech for the customer's lines."""

    name: str

    def synthesize(self, text: str, voice: Voice, prosody: Prosody = NEUTRAL) -> Clip | None:
        """Speak ``text`` in ``voice``.

        Returns:
            The audio, or ``None`` when this backend is text-only (``none``).

        Raises:
            TTSError: the backend failed; nothing usable was produced.

        """
        ...


@runtime_checkable
class ASR(Protocol):
    """Speech recognition for the trainee's recordings.

    A backend that can be primed with the call's words sets ``takes_hints = True`` and accepts
    ``transcribe(wav, hints=(...))``; callers go through :func:`simulator.voice.asr.transcribe`,
    which passes them only to such backends.
    """

    name: str

    def transcribe(self, wav: bytes) -> Transcript:
        """Recognise Mandarin in a checked 16-bit PCM WAV (see ``check_recording``).

        Raises:
            ASRError: with a Chinese message for the trainee and an English reason.

        """
        ...
