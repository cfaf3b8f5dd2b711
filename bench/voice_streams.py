"""How many hands-free microphones at once this machine keeps up with.

Each 免提 microphone streams 0.25 s chunks (48 kHz, as browsers record) to the server, which
resamples them and runs Silero VAD over every 32 ms (``Endpointer.feed``, what
``simulator.voice.live.hear_chunk`` does per chunk). This script runs ``N`` such streams at once,
each on its own thread fed in real time (speech from the offline voice, then silence, looped),
and prints for each ``N``: the CPU time one chunk costs, and how late the chunks are handled
(p50/p95/max lag behind real time). A stream keeps up while its lag stays below one chunk
(0.25 s); past that the trainee's turn is sent late and the lag grows.

Recognition is not included (it runs once per turn, not per chunk; see voice_asr.py). The
gradio server's own per-event cost comes on top.

Run: ``.venv/bin/python bench/voice_streams.py [--streams 1,2,4,8,16] [--seconds 10]``.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import threading
import time
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.persona import Voice  # noqa: E402 - after the path set-up
from simulator.voice.endpoint import Endpointer  # noqa: E402
from simulator.voice.espeak import EspeakTTS  # noqa: E402

CHUNK_S = 0.25
RATE = 48_000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def microphone_audio() -> np.ndarray:
    """Speech then 2 s of silence, at 48 kHz int16 like a browser's stream."""
    clip = EspeakTTS().synthesize("您好，我是信用卡中心的小王，想跟您谈一下还款。", Voice())
    with wave.open(io.BytesIO(clip.data)) as w:
        rate = w.getframerate()
        speech = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float32)
    at = np.arange(0, len(speech) / rate, 1 / RATE)
    speech = np.interp(at, np.arange(len(speech)) / rate, speech)
    return np.concatenate([speech, np.zeros(2 * RATE)]).astype(np.int16)


def stream(audio: np.ndarray, seconds: float, lags: list[float]) -> None:
    """One microphone: a chunk every 0.25 s, handled as it comes; the lag of each."""
    ear = Endpointer()
    step = int(RATE * CHUNK_S)
    start = time.perf_counter()
    n = 0
    while n * CHUNK_S < seconds:
        due = start + (n + 1) * CHUNK_S  # the chunk is complete in the browser at this time
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        offset = (n * step) % (len(audio) - step)
        ear.feed(audio[offset : offset + step], RATE)
        lags.append(time.perf_counter() - due)
        n += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", default="1,2,4,8,16,32")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    audio = microphone_audio()
    Endpointer().feed(audio[: int(RATE * CHUNK_S)], RATE)  # Silero loads once, not timed
    print(f"{'streams':>8}{'cpu/chunk':>11}{'lag p50':>9}{'p95':>8}{'max':>8}  keeps up")
    for count in (int(c) for c in args.streams.split(",")):
        lags: list[float] = []
        threads = [
            threading.Thread(target=stream, args=(audio, args.seconds, lags)) for _ in range(count)
        ]
        cpu = time.process_time()  # every thread's, onnxruntime's own included
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        per_chunk = (time.process_time() - cpu) / len(lags)
        p95 = percentile(lags, 0.95)
        print(
            f"{count:>8}{per_chunk * 1000:>9.1f}ms{statistics.median(lags):>8.3f}s"
            f"{p95:>7.3f}s{max(lags):>7.3f}s  {'yes' if p95 < CHUNK_S else 'no'}"
        )
    print(f"a stream keeps up while p95 lag < {CHUNK_S} s (one chunk)")


if __name__ == "__main__":
    main()
