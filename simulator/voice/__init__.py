"""The voice layer: the customer speaks Mandarin and hears the trainee.

TTS backends (``build_tts``: edge, fastspeech, espeak, none, auto) and ASR backends (``build_asr``:
google, openai, faster-whisper, none, auto) are small protocols chosen by name; recordings are
checked before recognition (``check_recording``: clipping, silence, and noise with no speech in
it), recognised through ``transcribe`` (the call's vocabulary for backends that take it,
simplified text from all), and each turn's audio is kept for replay (``keep_turn_audio``).
Heavy or optional libraries are imported only inside their adapters.
"""

from __future__ import annotations

from simulator.voice.asr import ASR_NAMES, WhisperASR, build_asr, choose_asr, transcribe
from simulator.voice.base import (
    ASR,
    TTS,
    ASRError,
    Clip,
    Prosody,
    Transcript,
    TTSError,
    UnknownBackend,
)
from simulator.voice.recording import Recording, RecordingRejected, check_recording
from simulator.voice.store import KeptAudio, keep_turn_audio, resolve_audio
from simulator.voice.tts import TTS_NAMES, Cached, Fallback, NoneTTS, Step, build_tts

__all__ = [
    "ASR",
    "ASRError",
    "ASR_NAMES",
    "Cached",
    "Clip",
    "Fallback",
    "KeptAudio",
    "NoneTTS",
    "Prosody",
    "Recording",
    "RecordingRejected",
    "Step",
    "TTS",
    "TTSError",
    "TTS_NAMES",
    "Transcript",
    "UnknownBackend",
    "WhisperASR",
    "build_asr",
    "build_tts",
    "check_recording",
    "choose_asr",
    "keep_turn_audio",
    "resolve_audio",
    "transcribe",
]
