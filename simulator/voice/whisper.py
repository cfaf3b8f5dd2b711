"""Offline speech recognition with faster-whisper: one model per process, loaded off the turn.

SpeechRecognition's faster-whisper route builds the model again for every utterance (~2 s on
two cores before a word is heard); here the model is built once per process on a background
thread — :meth:`WhisperASR.warm` starts it when the app starts — and every call shares it.

Each recording is gated by Silero's voice activity detector (``vad_filter``), decoded greedily
at temperature 0 with a token budget that grows with its length (so a decoding loop cannot run
for 20 s), primed with the call's vocabulary, and cleaned by :mod:`simulator.voice.whisper_text`
(simplified characters, no subtitle phrases or prompt echoes).
"""

from __future__ import annotations

import io
import logging
import math
import os
import threading
import time
import wave
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.voice.base import ASRError, Transcript
from simulator.voice.whisper_model import ModelSource, ModelUnavailable, locate_model
from simulator.voice.whisper_text import build_prompt, clean

__all__ = ["WhisperASR", "loaded_models"]

log = logging.getLogger(__name__)

NOT_SET_UP = "语音识别还没有配置好，请直接打字。"
NOT_HEARD = "没听清您说的话，请再说一遍，或者直接打字。"
STARTING = "语音识别正在启动，请过几秒再说一遍，或者直接打字。"
FAILED = "语音识别出错了，请再说一遍，或者直接打字。"
INSTALL_HINT = "faster-whisper is not installed (pip install faster-whisper)"


@dataclass
class _Load:
    """One model being loaded (or loaded) in this process."""

    done: threading.Event = field(default_factory=threading.Event)
    model: Any = None
    source: ModelSource | None = None
    error: str | None = None
    seconds: float = 0.0


_loads: dict[tuple[str, str, int], _Load] = {}
_loads_lock = threading.Lock()


def _load(load: _Load, spec: str, compute_type: str, threads: int) -> None:
    started = time.perf_counter()
    try:
        from faster_whisper import WhisperModel

        load.source = locate_model(spec)
        load.model = WhisperModel(
            load.source.ref,
            device="cpu",
            compute_type=compute_type,
            cpu_threads=threads,
            num_workers=1,
            local_files_only=True,
        )
    except ModuleNotFoundError:
        load.error = INSTALL_HINT
    except ModelUnavailable as exc:
        load.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - CTranslate2 raises RuntimeError/ValueError/OSError
        load.error = f"the model failed to load: {type(exc).__name__}: {exc}"
    finally:
        load.seconds = time.perf_counter() - started
        if load.error:
            log.warning("faster-whisper: %s", load.error)
        else:
            log.info("faster-whisper model ready in %.1f s: %s", load.seconds, load.source.origin)
        load.done.set()


def _start(spec: str, compute_type: str, threads: int) -> _Load:
    """The process's load of this model, started on a daemon thread the first time."""
    key = (spec, compute_type, threads)
    with _loads_lock:
        load = _loads.get(key)
        if load is None:
            load = _loads[key] = _Load()
            threading.Thread(
                target=_load, args=(load, *key), name="whisper-load", daemon=True
            ).start()
    return load


def loaded_models() -> dict[tuple[str, str, int], str]:
    """Models this process has loaded or is loading, with their state (for tests and doctor)."""
    with _loads_lock:
        items = list(_loads.items())
    return {key: ("loading" if not ld.done.is_set() else ld.error or "ready") for key, ld in items}


def _samples(wav: bytes):
    """16 kHz mono float samples of a checked WAV."""
    import numpy as np

    from simulator.voice.decode import resample

    try:
        with wave.open(io.BytesIO(wav), "rb") as w:
            if w.getsampwidth() != 2:
                raise ASRError(FAILED, f"expected 16-bit PCM, got {8 * w.getsampwidth()}-bit")
            raw, rate, channels = w.readframes(w.getnframes()), w.getframerate(), w.getnchannels()
    except (wave.Error, EOFError) as exc:
        raise ASRError(FAILED, f"not a WAV recording: {exc}", retry=True) from exc
    samples = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    mono = samples.reshape(-1, channels).mean(axis=1) if channels > 1 else samples
    return resample(mono, rate)


class WhisperASR:
    """A local Whisper model (faster-whisper), offline.

    Args:
        model: model folder, size or hub id (default ``CALLSIM_WHISPER_MODEL``, else the
            bundled base model; see :mod:`simulator.voice.whisper_model`).
        compute_type: CTranslate2 precision; ``int8`` is the fastest on a CPU.
        threads: CPU threads for one recognition (default: all cores, at most 4).
        beam_size: 1 is greedy decoding (measured fastest at the same error rate here).
        load_wait: seconds a recording waits for a model still loading.
        prime: prompt Whisper with the call's vocabulary (see :func:`build_prompt`); when what
            comes back is only the prompt read back, the recording is decoded once more unprimed.

    """

    name = "faster-whisper"
    takes_hints = True
    """:func:`simulator.voice.asr.transcribe` passes the call's vocabulary to this backend."""
    speculative = True
    """Runs here, so it may be asked early, at the trainee's first pause (:mod:`.early`)."""

    def __init__(
        self,
        model: str | None = None,
        *,
        compute_type: str = "int8",
        threads: int | None = None,
        beam_size: int = 1,
        load_wait: float = 60.0,
        prime: bool = True,
    ) -> None:
        self.spec = (
            model if model is not None else os.environ.get("CALLSIM_WHISPER_MODEL", "")
        ) or ""
        self.compute_type = compute_type
        self.threads = threads or min(4, os.cpu_count() or 1)
        self.beam_size = beam_size
        self.load_wait = load_wait
        self.prime = prime

    @property
    def model(self) -> str:
        """What the model setting says, for messages (``bundled`` by default)."""
        return self.spec or "bundled"

    def probe(self) -> str | None:
        """``None`` when the library is installed and the model is there, else why not."""
        import importlib.util

        if importlib.util.find_spec("faster_whisper") is None:
            return INSTALL_HINT
        with _loads_lock:
            load = _loads.get((self.spec, self.compute_type, self.threads))
        if load is not None and load.done.is_set():
            return load.error
        try:
            locate_model(self.spec)
        except ModelUnavailable as exc:
            return str(exc)
        return None

    def describe(self) -> str:
        """Which model, from where (what ``callsim doctor`` prints when it works)."""
        try:
            return locate_model(self.spec).origin
        except ModelUnavailable as exc:
            return str(exc)

    def warm(self) -> None:
        """Start loading the model in the background; returns at once."""
        _start(self.spec, self.compute_type, self.threads)

    def _model(self):
        load = _start(self.spec, self.compute_type, self.threads)
        if not load.done.wait(self.load_wait):
            raise ASRError(STARTING, f"model still loading after {self.load_wait:g} s", retry=True)
        if load.error:
            raise ASRError(NOT_SET_UP, f"faster-whisper: {load.error}")
        return load.model

    def _decode(self, model, audio, prompt: str) -> list:
        """Whisper's segments for ``audio``: greedy, bounded, gated by the VAD."""
        try:
            segments, _info = model.transcribe(
                audio,
                language="zh",
                task="transcribe",
                beam_size=self.beam_size,
                temperature=0.0,
                vad_filter=True,
                vad_parameters={"min_silence_duration_ms": 600, "speech_pad_ms": 300},
                initial_prompt=prompt or None,
                condition_on_previous_text=False,
                without_timestamps=True,
                # a decoding loop stops here instead of running for 20 s
                max_new_tokens=int(min(200, 24 + 12 * len(audio) / 16_000)),
            )
            return list(segments)
        except (RuntimeError, ValueError) as exc:
            raise ASRError(FAILED, f"faster-whisper failed: {exc}", retry=True) from exc

    def transcribe(self, wav: bytes, hints: Sequence[str] = ()) -> Transcript:
        """Recognise Mandarin; ``hints`` are words of this call (the customer's name, amounts).

        Raises:
            ASRError: not installed or no model (type instead), still loading, or nothing heard.

        """
        model = self._model()
        audio = _samples(wav)
        prompt = build_prompt(hints) if self.prime else ""
        found = self._decode(model, audio, prompt)
        text = clean([s.text for s in found], prompt)
        if not text and prompt and any(s.text.strip() for s in found):
            # What came back was the prompt read back (or another invention): listen once more
            # without it, rather than lose a line the trainee did say.
            found = self._decode(model, audio, "")
            text = clean([s.text for s in found])
        if not text:
            heard = "".join(s.text for s in found).strip()
            why = f"dropped as non-speech: {heard!r}" if heard else "no speech found"
            raise ASRError(NOT_HEARD, f"faster-whisper: {why}", retry=True)
        logprobs = [s.avg_logprob for s in found if s.avg_logprob is not None]
        confidence = math.exp(sum(logprobs) / len(logprobs)) if logprobs else None
        return Transcript(text=text, confidence=confidence, backend=self.name)
