"""Round trip: a customer's line in a voice, heard back by a recogniser, scored by character.

The character error rate (CER) of the recogniser's text against the line is how this project
measures both sides at once: a voice that mispronounces 还款 as *hái*kuǎn comes back as 爱款.
Text is compared as the understanding layer would read it: simplified, without punctuation or
spaces, numbers as values (两千 and 2000 are the same word here).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from simulator.voice.base import ASR, TTS, ASRError, TTSError

__all__ = ["Trip", "cer", "comparable", "persona_lines", "round_trip"]

_NUMERAL_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def comparable(text: str) -> str:
    """``text`` simplified, without punctuation, with every number written in digits."""
    from simulator.understand.numbers import chinese_to_number
    from simulator.understand.simplify import to_simplified

    def value(match: re.Match[str]) -> str:
        number = chinese_to_number(match.group(0))
        if number is None:
            return match.group(0)
        return str(int(number)) if float(number).is_integer() else str(number)

    text = to_simplified(text)
    text = _DIGITS.sub(lambda m: m.group(0).replace(",", ""), text)
    text = _NUMERAL_RUN.sub(value, text)
    return _DROP.sub("", text).lower()


def cer(reference: str, heard: str) -> float:
    """Character error rate: edits to turn ``heard`` into ``reference``, per reference character.

    Both sides go through :func:`comparable` first; an empty reference scores 0 only against an
    empty ``heard``. The rate can exceed 1 when the recogniser invents text.
    """
    ref, hyp = comparable(reference), comparable(heard)
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1] / len(ref)


@dataclass(frozen=True)
class Trip:
    """One line spoken and heard back."""

    line: str
    heard: str
    """What the recogniser wrote; empty when it heard nothing or failed."""
    cer: float
    seconds: float
    """Recognition time (the voice's time is not counted)."""
    audio_seconds: float
    error: str | None = None


def round_trip(
    tts: TTS, asr: ASR, voice: object, lines: Iterable[str], hints: tuple[str, ...] = ()
) -> list[Trip]:
    """Speak each line in ``voice`` with ``tts`` and recognise it with ``asr``."""
    from simulator.voice.asr import transcribe
    from simulator.voice.recording import RecordingRejected, check_recording

    trips = []
    for line in lines:
        try:
            clip = tts.synthesize(line, voice)
            if clip is None:
                raise TTSError("text-only backend")
            recording = check_recording(clip.data)
        except (TTSError, RecordingRejected) as exc:
            trips.append(Trip(line, "", 1.0, 0.0, 0.0, f"voice: {exc}"))
            continue
        started = time.perf_counter()
        try:
            heard, error = transcribe(asr, recording.wav, hints).text, None
        except ASRError as exc:
            heard, error = "", exc.reason
        took = time.perf_counter() - started
        trips.append(Trip(line, heard, cer(line, heard), took, recording.duration, error))
    return trips


def persona_lines(loaded: object, count: int | None = None) -> list[str]:
    """The persona's lines with their slots filled as the renderer fills them.

    ``count`` picks that many, spread evenly over the file (every line when ``None``); lines
    whose slots cannot be filled are skipped. Deterministic: the same lines every run.
    """
    import string
    from datetime import date, timedelta

    from simulator.policy import Move, Plan
    from simulator.render import slot_values

    today = date(2026, 11, 20)
    plan = Plan(amount=1200, months=6, due_date=today + timedelta(days=10), channel="手机银行")
    values = slot_values(loaded, Move("accept", plan=plan), today)
    lines = []
    for variants in loaded.persona.lines.values():
        for line in variants:
            names = {n for _, n, _, _ in string.Formatter().parse(line) if n}
            if names <= values.keys():
                lines.append(line.format(**values))
    if count is None or count >= len(lines):
        return lines
    step = len(lines) / count
    return [lines[int(i * step)] for i in range(count)]
