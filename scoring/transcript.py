"""Transcript files: checked completely before scoring, with one named error per problem.

The format is the one in DESIGN.md::

    {"persona": "hostile_zhang", "started_at": "2026-11-20T14:30:00+08:00",
     "turns": [{"speaker": "customer", "text": "喂？"}, {"speaker": "agent", "text": "您好…"}]}
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from simulator.datafile import FileMissing, InputError, load_json, read_text

__all__ = [
    "MAX_TURN_CHARS",
    "MAX_TURNS",
    "TranscriptError",
    "load_transcript",
    "validate_transcript",
]

MAX_TURN_CHARS = 2000
"""A spoken turn longer than this is not a turn (a 2 MB paste is refused, not scored)."""
MAX_TURNS = 2000
MAX_FILE_BYTES = 2_000_000
SPEAKERS = ("agent", "customer")


class TranscriptError(ValueError):
    """A transcript cannot be scored; the message is one line naming the file and the field."""


def validate_transcript(data: Any, source: str = "<transcript>") -> dict:
    """Check a parsed transcript and return a clean copy (other fields, e.g. export metadata, are dropped).

    Raises:
        TranscriptError: ``source: field: problem`` for the first problem found.
    """

    def fail(where: str, problem: str) -> TranscriptError:
        return TranscriptError(f"{source}: {where}: {problem}")

    if not isinstance(data, dict):
        raise fail("(top)", f"expected a JSON object, got {type(data).__name__}")
    persona = data.get("persona")
    if persona is not None and not isinstance(persona, str):
        raise fail("persona", "must be a string")
    if "started_at" not in data:
        raise fail("started_at", "missing (ISO time with its UTC offset)")
    started = data["started_at"]
    if not isinstance(started, str):
        raise fail("started_at", "must be an ISO time string")
    try:
        moment = datetime.fromisoformat(started)
    except ValueError:
        raise fail("started_at", f"not an ISO time: {started[:40]!r}") from None
    if moment.utcoffset() is None:
        raise fail("started_at", "needs its UTC offset (e.g. +08:00) to judge local contact hours")
    if "turns" not in data:
        raise fail("turns", "missing")
    turns = data["turns"]
    if not isinstance(turns, list):
        raise fail("turns", "must be a list")
    if not turns:
        raise fail("turns", "empty: nothing to score")
    if len(turns) > MAX_TURNS:
        raise fail("turns", f"{len(turns)} turns, more than {MAX_TURNS}")
    clean = []
    for i, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise fail(f"turns.{i}", "must be an object with speaker and text")
        if "speaker" not in turn:
            raise fail(f"turns.{i}.speaker", "missing")
        if turn["speaker"] not in SPEAKERS:
            raise fail(f"turns.{i}.speaker", f"unknown speaker {str(turn['speaker'])[:20]!r}")
        if "text" not in turn:
            raise fail(f"turns.{i}.text", "missing")
        text = turn["text"]
        if not isinstance(text, str):
            raise fail(f"turns.{i}.text", "must be a string")
        if len(text) > MAX_TURN_CHARS:
            raise fail(f"turns.{i}.text", f"{len(text)} characters, more than {MAX_TURN_CHARS}")
        clean.append({"speaker": turn["speaker"], "text": text})
    if not any(t["speaker"] == "agent" and t["text"].strip() for t in clean):
        raise fail("turns", "the agent says nothing: nothing to score")
    out = {"started_at": started, "turns": clean}
    if persona is not None:
        out = {"persona": persona, **out}
    return out


def load_transcript(path: str | Path) -> dict:
    """Read and validate a transcript file (UTF-8, a byte-order mark allowed).

    Raises:
        TranscriptError: unreadable, too big, nested too deep, not JSON, or not a valid
            transcript.

    """
    path = Path(path)
    try:
        data = load_json(read_text(path, max_bytes=MAX_FILE_BYTES))
    except FileMissing:
        raise TranscriptError(f"{path}: (file): not found") from None
    except InputError as exc:
        if exc.where is None:
            raise TranscriptError(exc.line(str(path), "(file)")) from None
        raise TranscriptError(f"{path}: (file): not JSON ({exc.where}: {exc.message})") from None
    return validate_transcript(data, str(path))
