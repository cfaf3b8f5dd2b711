"""Is anyone speaking? Silero's voice activity detector, as shipped inside faster-whisper.

faster-whisper's wheel carries Silero VAD v6 as an ONNX file and runs it with onnxruntime, so
the detector needs no download and no torch. Measured on this project's audio (``bench/
voice_vad.py``) it tells speech from noise where WebRTC's detector cannot: brown and white
noise, mains hum and keyboard clicks score 0 % speech with Silero, 60-100 % with webrtcvad at
its most aggressive setting.

Without faster-whisper installed, :func:`speech_probabilities` returns ``None`` and callers use
their own fallback (the recording check keeps its spectral test).
"""

from __future__ import annotations

import functools
import logging

__all__ = [
    "SPEECH_PROB",
    "WINDOW",
    "available",
    "speech_probabilities",
    "speech_seconds",
]

log = logging.getLogger(__name__)

WINDOW = 512
"""Samples per decision at 16 kHz (32 ms)."""
SPEECH_PROB = 0.5
"""A window at or above this probability is speech (Silero's own default)."""


@functools.cache
def _model():
    """The ONNX session, loaded once per process; ``None`` when faster-whisper is missing."""
    try:
        from faster_whisper.vad import get_vad_model
    except ImportError as exc:
        log.info("no voice activity detector (%s)", exc)
        return None
    try:
        return get_vad_model()
    except (RuntimeError, OSError) as exc:  # onnxruntime missing or the asset unreadable
        log.warning("voice activity detector failed to load: %s", exc)
        return None


def available() -> bool:
    """True when the detector loads on this machine."""
    return _model() is not None


def speech_probabilities(samples):
    """Speech probability per 32 ms window of 16 kHz float ``samples``, or ``None``.

    ``None`` means no detector is installed, never "no speech".
    """
    import numpy as np

    model = _model()
    if model is None:
        return None
    audio = np.asarray(samples, dtype=np.float32).ravel()
    if len(audio) == 0:
        return np.zeros(0, dtype=np.float32)
    # The model writes into its input's last window: hand it a padded copy.
    padded = np.pad(audio, (0, (-len(audio)) % WINDOW)).copy()
    return np.asarray(model(padded), dtype=np.float32).ravel()


def speech_seconds(samples) -> float | None:
    """Seconds of ``samples`` (16 kHz float) the detector calls speech, or ``None``."""
    probs = speech_probabilities(samples)
    if probs is None:
        return None
    return float((probs >= SPEECH_PROB).sum()) * WINDOW / 16_000
