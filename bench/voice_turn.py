"""End of the trainee's speech → first customer audio, offline, hands-free.

A hands-free turn is sent when the Endpointer has heard ``pause`` seconds of silence after the
last word, at the next streamed chunk (every 0.25 s); then the server checks the recording,
recognises it (local Whisper), understands it, decides and renders the customer's line and
speaks it (``--voice``: the offline default ``fastspeech``, or ``espeak``). As in the app, the
utterance so far is handed to ``Services.recognise_early`` at the first 0.3 s of silence, so
recognition runs while the pause completes (``--no-early``: recognise only once the turn is
sent, as before). This script streams each utterance (espeak speech, then silence) through a
real :class:`Endpointer` chunk by chunk — in real time after the last word, as a browser sends
them — times the chunks after the last word until the turn is sent, runs the real
``Services.take_turn`` on it, and prints p50/p95 of:

    end of speech → turn sent (the pause, by design) + take_turn (recognise … first audio)

Target: p50 < 2 s offline.
Run: ``.venv/bin/python bench/voice_turn.py [--turns 12] [--voice espeak] [--no-early]``.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import wave
from datetime import datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.persona import Voice, load_personas  # noqa: E402 - after the path set-up
from simulator.services import Services  # noqa: E402
from simulator.storage import Store  # noqa: E402
from simulator.voice import build_tts  # noqa: E402
from simulator.voice.asr import WhisperASR  # noqa: E402
from simulator.voice.endpoint import Endpointer  # noqa: E402
from simulator.voice.espeak import EspeakTTS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LINES = [
    "您好，我是信用卡中心的小王。",
    "请问是王丽娟女士吗？",
    "您的信用卡已经逾期了。",
    "这个月能先还一部分吗？",
    "我们可以分六期还款。",
    "每个月还一千二百块，可以吗？",
]
CHUNK = 0.25


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def speech(text: str) -> tuple[np.ndarray, int]:
    clip = EspeakTTS().synthesize(text, Voice(espeak_variant="m3"))
    with wave.open(io.BytesIO(clip.data)) as w:
        raw, rate = w.readframes(w.getnframes()), w.getframerate()
    return np.frombuffer(raw, "<i2"), rate


def until_sent(
    text: str, pause: float, on_pause=None, real_time: bool = False
) -> tuple[float, bytes, bool]:
    """Stream one spoken line, then silence, through an Endpointer chunk by chunk.

    Returns seconds from the last sample of speech to the chunk that sends the turn, the
    turn's WAV, and whether the utterance so far was handed out early. With ``real_time`` the
    chunks after the speech arrive every ``CHUNK`` seconds as a browser sends them, so a
    recognition started early (``on_pause``) has that long to run.
    """
    samples, rate = speech(text)
    audio = np.concatenate([samples, np.zeros(int(rate * 3), np.int16)])
    ear, step = Endpointer(pause=pause), int(rate * CHUNK)
    early = False
    for start in range(0, len(audio), step):
        if real_time and start > len(samples):
            time.sleep(CHUNK)
        heard = ear.feed(audio[start : start + step], rate)
        if heard.so_far and on_pause is not None:
            early = True
            on_pause(heard.so_far)
        if heard.utterance:
            return (start + step - len(samples)) / rate, heard.utterance, early
    raise RuntimeError(f"the turn never ended: {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=12)
    parser.add_argument("--pause", type=float, default=0.8)
    parser.add_argument("--voice", choices=("fastspeech", "espeak"), default="fastspeech")
    parser.add_argument(
        "--no-early", action="store_true", help="recognise only once the turn is sent (before)"
    )
    args = parser.parse_args()
    asr = WhisperASR()
    if asr.probe():
        sys.exit(f"no offline recogniser: {asr.probe()}")
    asr.warm()
    asr._model()  # noqa: SLF001 - loaded at app start, not on the first turn
    waits, turns, totals = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "data")
        services = Services(
            store=store,
            personas_dir=ROOT / "personas",
            tts=build_tts(args.voice, cache_dir=Path(tmp) / "tts"),
            asr=asr,
        )
        persona = load_personas(ROOT / "personas")["cooperative_wang"]
        call = None
        for i in range(args.turns):
            if call is None or call.ended:
                call, _, _ = services.start_call(
                    persona, seed=i, started_at=datetime.fromisoformat("2026-11-20T14:30:00+08:00")
                )
            early = None if args.no_early else (lambda w, c=call: services.recognise_early(c, w))
            wait, wav, _ = until_sent(LINES[i % len(LINES)], args.pause, early, real_time=True)
            started = time.perf_counter()
            exchange = services.take_turn(call, recording=wav)
            took = time.perf_counter() - started
            waits.append(wait)
            turns.append(took)
            totals.append(wait + took)
            heard = exchange.agent.text if exchange.agent else exchange.notice
            print(f"  {wait:.2f} s + {took:.2f} s  {LINES[i % len(LINES)]} -> {heard}")
        store.close()
    print(f"voice: {args.voice}; pause that ends a turn: {args.pause} s, chunks every {CHUNK} s")
    print(
        "recognition starts at the end of the turn (--no-early)"
        if args.no_early
        else "recognition starts early, at the first 0.3 s of silence"
    )
    for label, values in (
        ("end of speech -> turn sent", waits),
        ("turn sent -> customer audio ready", turns),
        ("end of speech -> first customer audio", totals),
    ):
        print(
            f"{label:<40} p50 {statistics.median(values):.2f} s  p95 {percentile(values, 0.95):.2f} s"
        )
    print("target: end of speech -> first customer audio p50 < 2 s")


if __name__ == "__main__":
    main()
