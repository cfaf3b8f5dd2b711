"""Joining the clips of a reply spoken sentence by sentence into one file for replay."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

from simulator.voice.base import Clip

__all__ = ["join_clips"]

log = logging.getLogger(__name__)


def join_clips(clips: list[Clip]) -> Clip | None:
    """One clip for a reply spoken in pieces, so that a manager can replay the turn whole.

    WAV clips of one format have their samples joined; MP3 clips are joined frame after frame
    (a player reads them as one stream); anything else is re-encoded to WAV with ffmpeg. If
    that fails too, the first clip is kept, so a replay has at least the start of the turn.
    """
    if not clips:
        return None
    if len(clips) == 1:
        return clips[0]
    backend = "+".join(dict.fromkeys(c.backend for c in clips))
    formats = {c.format for c in clips}
    if formats == {"mp3"}:
        return Clip(b"".join(c.data for c in clips), "mp3", backend)
    if formats == {"wav"}:
        try:
            return Clip(_join_wav([c.data for c in clips]), "wav", backend)
        except (wave.Error, EOFError, ValueError) as exc:
            log.info("WAV clips differ (%s): re-encoding with ffmpeg", exc)
    joined = _ffmpeg_join(clips)
    if joined is None:
        log.warning("could not join %d clips of %s: keeping the first", len(clips), formats)
        return clips[0]
    return Clip(joined, "wav", backend)


def _join_wav(parts: list[bytes]) -> bytes:
    """Concatenate the samples of WAV files that share channels, sample width and rate."""
    params = None
    frames = []
    for data in parts:
        with wave.open(io.BytesIO(data)) as w:
            these = (w.getnchannels(), w.getsampwidth(), w.getframerate())
            if params is not None and these != params:
                raise ValueError(f"{these} after {params}")
            params = these
            frames.append(w.readframes(w.getnframes()))
    assert params is not None
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(params[0])
        w.setsampwidth(params[1])
        w.setframerate(params[2])
        w.writeframes(b"".join(frames))
    return out.getvalue()


def _ffmpeg_join(clips: list[Clip]) -> bytes | None:
    """Decode clips of any formats and join them into one WAV; None without a working ffmpeg."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return None
    with tempfile.TemporaryDirectory(prefix="callsim-join-") as tmp:
        inputs: list[str] = []
        for i, clip in enumerate(clips):
            part = Path(tmp) / f"{i}.{clip.format}"
            part.write_bytes(clip.data)
            inputs += ["-i", str(part)]
        streams = "".join(f"[{i}:a]" for i in range(len(clips)))
        out = Path(tmp) / "joined.wav"
        command = [ffmpeg, "-nostdin", "-y", "-loglevel", "error", *inputs]
        command += ["-filter_complex", f"{streams}concat=n={len(clips)}:v=0:a=1", str(out)]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=30)
            return out.read_bytes()
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("ffmpeg could not join the clips: %s", exc)
            return None
