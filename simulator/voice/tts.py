"""Choosing, caching and falling back between TTS backends.

``build_tts(name)`` is the one factory: ``edge``, ``fastspeech``, ``espeak``, ``none`` or ``auto``
(edge, then the offline neural voice, then espeak, then text only). A fallback is a :class:`Fallback` — another TTS wrapping a list of
them — and a cache is a :class:`Cached` wrapper, so callers only ever see one ``synthesize``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from simulator.persona import Voice
from simulator.voice.base import NEUTRAL, TTS, Clip, Prosody, TTSError, UnknownBackend

__all__ = [
    "TTS_NAMES",
    "Cached",
    "Fallback",
    "NoneTTS",
    "Step",
    "build_tts",
    "default_cache_dir",
]

log = logging.getLogger(__name__)

TTS_NAMES = ("auto", "edge", "fastspeech", "espeak", "none")
CLIP_FORMATS = ("mp3", "wav")


class NoneTTS:
    """Text only: never any audio."""

    name = "none"

    def synthesize(self, text: str, voice: Voice, prosody: Prosody = NEUTRAL) -> Clip | None:
        """Return ``None``: the customer's line is shown, not spoken."""
        return None


def _checked(clip: Clip | None, backend: str) -> Clip | None:
    """Refuse empty audio so that it can never reach the player."""
    if clip is not None and not clip.data:
        raise TTSError(f"{backend} returned an empty clip")
    return clip


class Cached:
    """Keeps every clip a backend makes on disk, keyed by (backend, voice, prosody, text).

    Args:
        inner: the backend to cache.
        directory: where the clips live; created on first write.

    """

    def __init__(self, inner: TTS, directory: str | Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.directory = Path(directory)

    def _key(self, text: str, voice: Voice, prosody: Prosody) -> str:
        tag = getattr(self.inner, "cache_tag", "")  # e.g. the pronunciation's version
        parts = (self.name + tag, voice.model_dump_json(), prosody.key(), text)
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]

    def synthesize(self, text: str, voice: Voice, prosody: Prosody = NEUTRAL) -> Clip | None:
        """A cached clip if there is one, else the backend's, stored for next time."""
        key = self._key(text, voice, prosody)
        for fmt in CLIP_FORMATS:
            existing = self.directory / f"{self.name}-{key}.{fmt}"
            try:
                data = existing.read_bytes()
            except OSError:
                continue
            if data:
                return Clip(data=data, format=fmt, backend=self.name, path=str(existing))
        clip = _checked(self.inner.synthesize(text, voice, prosody), self.name)
        if clip is None:
            return None
        path = self.directory / f"{self.name}-{key}.{clip.format}"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
            partial.write_bytes(clip.data)
            os.replace(partial, path)  # never a half-written file under the real name
        except OSError as exc:
            log.warning("TTS cache %s not writable: %s", self.directory, exc)
            return clip
        return Clip(data=clip.data, format=clip.format, backend=clip.backend, path=str(path))


@dataclass(frozen=True)
class Step:
    """One backend in a :class:`Fallback`, with how long it may take."""

    backend: TTS
    budget: float = 5.0
    """Seconds before the fallback gives up on it and moves on."""


class Fallback:
    """Tries each backend in turn; one that failed is skipped for a cool-down.

    Each step runs on a worker thread bounded by its budget, so a hung backend costs its
    budget once, not on every turn.

    Args:
        steps: backends in order of preference (a bare TTS gets the default budget).
        cooldown: seconds a failed backend is skipped.
        clock: monotonic clock, replaceable in tests.

    """

    name = "auto"

    def __init__(
        self,
        steps: Sequence[Step | TTS],
        cooldown: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.steps = [s if isinstance(s, Step) else Step(s) for s in steps]
        if not self.steps:
            raise ValueError("a Fallback needs at least one backend")
        self.cooldown = cooldown
        self.clock = clock
        self._down_until: dict[str, float] = {}
        self._reasons: dict[str, str] = {}
        self._lock = threading.Lock()

    def skipped(self) -> dict[str, str]:
        """Backends now cooling down, with why they failed."""
        now = self.clock()
        with self._lock:
            return {n: self._reasons[n] for n, t in self._down_until.items() if t > now}

    def synthesize(self, text: str, voice: Voice, prosody: Prosody = NEUTRAL) -> Clip | None:
        """The first backend's audio that works in time.

        Raises:
            TTSError: every backend failed or is cooling down (never when ``none`` is last).

        """
        reasons: list[str] = []
        for step in self.steps:
            name = step.backend.name
            with self._lock:
                if self._down_until.get(name, 0.0) > self.clock():
                    reasons.append(f"{name}: skipped, failed recently ({self._reasons[name]})")
                    continue
            try:
                return _checked(_bounded(step, text, voice, prosody), name)
            except TTSError as exc:
                log.warning("TTS %s failed, falling back: %s", name, exc)
                reasons.append(f"{name}: {exc}")
                with self._lock:
                    self._down_until[name] = self.clock() + self.cooldown
                    self._reasons[name] = str(exc)
        raise TTSError("no TTS backend worked: " + "; ".join(reasons))


def _bounded(step: Step, text: str, voice: Voice, prosody: Prosody) -> Clip | None:
    """Run one backend on a daemon thread and wait at most its budget."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["clip"] = step.backend.synthesize(text, voice, prosody)
        except Exception as exc:  # noqa: BLE001 - re-raised below as TTSError
            box["error"] = exc

    worker = threading.Thread(target=run, name=f"tts-{step.backend.name}", daemon=True)
    worker.start()
    worker.join(step.budget)
    if worker.is_alive():
        raise TTSError(f"no audio within its {step.budget:g} s budget")
    error = box.get("error")
    if isinstance(error, TTSError):
        raise error
    if error is not None:
        raise TTSError(f"{type(error).__name__}: {error}") from error
    clip = box.get("clip")
    assert clip is None or isinstance(clip, Clip)
    return clip


def default_cache_dir() -> Path:
    """``$CALLSIM_DATA_DIR/tts-cache`` (``data/tts-cache`` when the variable is unset)."""
    return Path(os.environ.get("CALLSIM_DATA_DIR") or "data") / "tts-cache"


def build_tts(
    name: str | None = None,
    *,
    cache_dir: str | Path | None = None,
    edge_budget: float = 6.0,
    espeak_budget: float = 5.0,
    fastspeech_budget: float = 8.0,
    cooldown: float = 300.0,
    edge_proxy: str | None = None,
) -> TTS:
    """The TTS backend called ``name`` (default: ``CALLSIM_TTS``, else ``auto``).

    Args:
        name: ``auto``, ``edge``, ``fastspeech``, ``espeak`` or ``none``.
        cache_dir: where clips are cached (default :func:`default_cache_dir`).
        edge_budget: seconds edge-tts may take per line.
        espeak_budget: seconds espeak may take per line.
        fastspeech_budget: seconds the neural voice may take per line (its first line also
            loads the model, ~1 s).
        cooldown: seconds ``auto`` skips a backend after it failed.
        edge_proxy: HTTP proxy for edge-tts (tests point it at a dead port).

    Raises:
        UnknownBackend: for any other name, listing the known ones.

    """
    from simulator.voice.edge import EdgeTTS
    from simulator.voice.espeak import EspeakTTS
    from simulator.voice.fastspeech import FastSpeechTTS

    chosen = (name or os.environ.get("CALLSIM_TTS") or "auto").strip().lower()
    if chosen not in TTS_NAMES:
        raise UnknownBackend(
            f"unknown TTS backend {chosen!r} (CALLSIM_TTS); known: {', '.join(TTS_NAMES)}"
        )
    if chosen == "none":
        return NoneTTS()
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    edge = Cached(EdgeTTS(timeout=edge_budget, proxy=edge_proxy), directory)
    espeak = Cached(EspeakTTS(timeout=espeak_budget), directory)
    # the model loads on a thread now, not on the first call's opening line
    fastspeech = Cached(FastSpeechTTS(warm=chosen in ("auto", "fastspeech")), directory)
    if chosen == "edge":
        return edge
    if chosen == "espeak":
        return espeak
    if chosen == "fastspeech":
        return fastspeech
    return Fallback(
        [
            Step(edge, edge_budget + 0.5),
            Step(fastspeech, fastspeech_budget),
            Step(espeak, espeak_budget),
            Step(NoneTTS(), 1.0),
        ],
        cooldown=cooldown,
    )
