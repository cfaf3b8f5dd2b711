"""Keeping each turn's audio beside the database so that a manager can replay the call.

Files live under ``<data_dir>/audio/<session_id>/``, named by turn index and speaker; the
caller stores the returned paths (relative to ``data_dir``) on the turn rows.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from simulator.voice.base import Clip
from simulator.voice.recording import Recording

__all__ = ["KeptAudio", "keep_turn_audio", "resolve_audio"]

_SESSION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")


@dataclass(frozen=True)
class KeptAudio:
    """Where a turn's audio was stored, relative to the data folder (``None``: none kept)."""

    recording: str | None = None
    """The trainee's checked recording (16 kHz WAV)."""
    reply: str | None = None
    """The customer's spoken reply (MP3 or WAV)."""


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)  # a reader never sees half a file
    except OSError:
        partial.unlink(missing_ok=True)  # a full disk leaves no half-written file behind
        raise


def keep_turn_audio(
    data_dir: str | Path,
    session_id: str,
    turn_index: int,
    *,
    recording: Recording | None = None,
    reply: Clip | None = None,
) -> KeptAudio:
    """Store a turn's recording and/or reply; return their paths relative to ``data_dir``.

    Files are ``audio/<session_id>/<turn:04d>-agent.wav`` and
    ``audio/<session_id>/<turn:04d>-customer.<mp3|wav>``; storing again overwrites.

    Raises:
        ValueError: a session id that is not a safe folder name, or a negative turn index.

    """
    if not _SESSION_ID.match(session_id):
        raise ValueError(f"session id {session_id!r}: use letters, digits, '-' and '_' only")
    if turn_index < 0:
        raise ValueError(f"turn index {turn_index}: must be >= 0")
    folder = Path("audio") / session_id
    kept_recording = kept_reply = None
    if recording is not None:
        kept_recording = folder / f"{turn_index:04d}-agent.wav"
        _write(Path(data_dir) / kept_recording, recording.wav)
    if reply is not None:
        kept_reply = folder / f"{turn_index:04d}-customer.{reply.format}"
        _write(Path(data_dir) / kept_reply, reply.data)
    return KeptAudio(
        recording=kept_recording.as_posix() if kept_recording else None,
        reply=kept_reply.as_posix() if kept_reply else None,
    )


def resolve_audio(data_dir: str | Path, relative: str) -> Path:
    """The file for a stored relative path, refusing anything outside ``<data_dir>/audio``.

    Raises:
        ValueError: the path escapes the audio folder.

    """
    root = (Path(data_dir) / "audio").resolve()
    path = (Path(data_dir) / relative).resolve()
    if not path.is_relative_to(root):
        raise ValueError(f"{relative!r} is not inside the audio folder")
    return path
