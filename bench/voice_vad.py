"""Voice activity detectors on this project's audio: which tells speech from noise, and how fast.

Prints, for Silero VAD v6 (the ONNX file inside faster-whisper's wheel, run with onnxruntime)
and for WebRTC's detector (``webrtcvad-wheels``, when installed: ``pip install
webrtcvad-wheels``), the share of 30-32 ms frames each calls speech in:

* espeak speech in three persona voices, speech over brown noise, speech at −40 dBFS;
* noise that passes a loudness test: brown noise at −36 and −20 dBFS, white noise, 50 Hz mains
  hum with harmonics, keyboard clicks;

and the time each takes per second of audio. A detector for this app must score speech high
and every noise near 0: that is what lets the recording check refuse noise-only recordings
and what will end a hands-free turn after a pause.

Run: ``.venv/bin/python bench/voice_vad.py``.
"""

from __future__ import annotations

import io
import sys
import time
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.persona import Voice  # noqa: E402 - after the path set-up
from simulator.voice import vad  # noqa: E402
from simulator.voice.decode import resample  # noqa: E402
from simulator.voice.espeak import EspeakTTS  # noqa: E402

RATE = 16_000
LINE = "您好，我这个月实在是没办法一次性还清，下个月再说吧。"


def speech(variant: str) -> np.ndarray:
    clip = EspeakTTS().synthesize(LINE, Voice(espeak_variant=variant))
    with wave.open(io.BytesIO(clip.data)) as w:
        raw, rate = w.readframes(w.getnframes()), w.getframerate()
    return resample(np.frombuffer(raw, "<i2").astype(np.float32) / 32768, rate)


def at_rms(x: np.ndarray, db: float) -> np.ndarray:
    return x / (np.sqrt((x**2).mean()) + 1e-12) * 10 ** (db / 20)


def samples() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    n = 3 * RATE
    brown = np.cumsum(rng.standard_normal(n))
    brown -= np.convolve(brown, np.ones(800) / 800, "same")
    t = np.arange(n) / RATE
    hum = sum(np.sin(2 * np.pi * 50 * k * t) / k for k in (1, 2, 3, 5, 7))
    clicks = np.zeros(n)
    for start in rng.integers(0, n - 400, 25):
        clicks[start : start + 300] += rng.standard_normal(300) * np.exp(-np.arange(300) / 40)
    voice = speech("m3")
    walk = np.cumsum(rng.standard_normal(len(voice)))
    walk -= np.convolve(walk, np.ones(800) / 800, "same")
    return {
        "speech m3": voice,
        "speech f2": speech("f2"),
        "speech m7": speech("m7"),
        "speech + brown -36 dBFS": voice + at_rms(walk, -36),
        "speech at -40 dBFS": at_rms(voice, -40),
        "brown noise -36 dBFS": at_rms(brown, -36),
        "brown noise -20 dBFS": at_rms(brown, -20),
        "white noise -30 dBFS": at_rms(rng.standard_normal(n), -30),
        "mains hum -20 dBFS": at_rms(hum, -20),
        "keyboard clicks": at_rms(clicks, -30),
    }


def silero(x: np.ndarray) -> float:
    probs = vad.speech_probabilities(x)
    return float((probs >= vad.SPEECH_PROB).mean())


def webrtc(x: np.ndarray, detector) -> float:
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
    frame = 480  # 30 ms
    flags = [
        detector.is_speech(pcm[i * 2 : (i + frame) * 2], RATE)
        for i in range(0, len(x) - frame, frame)
    ]
    return float(np.mean(flags))


def main() -> None:
    try:
        import webrtcvad

        detector = webrtcvad.Vad(3)  # its most aggressive setting
    except ImportError:
        detector = None
    if not vad.available():
        sys.exit("Silero VAD is not available (faster-whisper missing)")
    audio = samples()
    silero(audio["speech m3"])  # load the model once
    print(f"{'audio':<26}{'silero':>8}{'webrtc(3)':>11}")
    took = {"silero": 0.0, "webrtc": 0.0}
    seconds = sum(len(x) for x in audio.values()) / RATE
    for name, x in audio.items():
        started = time.perf_counter()
        s = silero(x)
        took["silero"] += time.perf_counter() - started
        w = "-"
        if detector is not None:
            started = time.perf_counter()
            w = f"{webrtc(x, detector):.2f}"
            took["webrtc"] += time.perf_counter() - started
        print(f"{name:<26}{s:>8.2f}{w:>11}")
    print("share of frames called speech (speech should be high, noise near 0)")
    print(f"time per second of audio: silero {took['silero'] / seconds * 1000:.1f} ms", end="")
    if detector is not None:
        print(f", webrtc {took['webrtc'] / seconds * 1000:.2f} ms")
    else:
        print(" (webrtcvad-wheels not installed)")


if __name__ == "__main__":
    main()
