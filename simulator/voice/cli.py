"""``callsim say``, ``callsim hear`` and ``callsim doctor``: try the voice backends by hand.

The main CLI calls :func:`register` with its argparse subparsers; each command stores its
handler as ``func`` and the handler returns the exit code.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["main", "register"]


def _err(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _write_audio(data: bytes, fmt: str, out: Path) -> str | None:
    """Write ``data`` to ``out`` in the format its extension asks for; an error or ``None``."""
    wanted = out.suffix.lower().lstrip(".")
    if wanted in ("", fmt):
        out.write_bytes(data)
        return None
    exe = shutil.which("ffmpeg")
    if exe is None:
        return f"{out}: the clip is {fmt}; ffmpeg is needed to write .{wanted}"
    with tempfile.TemporaryDirectory(prefix="callsim-say-") as tmp:
        src = Path(tmp) / f"clip.{fmt}"
        src.write_bytes(data)
        done = subprocess.run(
            [exe, "-nostdin", "-y", "-loglevel", "error", "-i", str(src), str(out)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    if done.returncode != 0:
        return f"{out}: ffmpeg could not write .{wanted}: {done.stderr.strip()[-200:]}"
    return None


def cmd_say(args: argparse.Namespace) -> int:
    """Speak TEXT in a persona's voice into FILE."""
    from simulator.persona import load_personas_report
    from simulator.voice.base import Prosody, TTSError, UnknownBackend
    from simulator.voice.tts import build_tts

    personas, problems = load_personas_report(args.personas_dir)
    mine = [p for p in problems if Path(p.split(": ", 1)[0]).stem == args.persona]
    if mine:
        return _err(mine[0])
    if args.persona not in personas:
        known = ", ".join(personas) or "none found"
        return _err(f"unknown persona {args.persona!r}; known: {known}")
    voice = personas[args.persona].persona.voice
    try:
        tts = build_tts(args.tts)
        clip = tts.synthesize(args.text, voice, Prosody.from_mood(args.anger, args.patience))
    except UnknownBackend as exc:
        return _err(str(exc))
    except TTSError as exc:
        return _err(f"TTS {args.tts or os.environ.get('CALLSIM_TTS') or 'auto'}: {exc}")
    if clip is None:
        return _err("no audio: the TTS backend is 'none' (set CALLSIM_TTS or --tts)")
    problem = _write_audio(clip.data, clip.format, Path(args.output))
    if problem:
        return _err(problem)
    print(f"{args.output}: spoken by {clip.backend} ({clip.format}, {len(clip.data)} bytes)")
    return 0


def cmd_hear(args: argparse.Namespace) -> int:
    """Check a recording and print what the recogniser heard."""
    from simulator.voice.asr import build_asr, transcribe
    from simulator.voice.base import ASRError, UnknownBackend
    from simulator.voice.recording import RecordingRejected, check_recording

    try:
        recording = check_recording(args.file)
        asr = build_asr(args.asr)
        heard = transcribe(asr, recording.wav, hints=args.hint or ())
    except RecordingRejected as exc:
        print(f"{args.file}: {exc.message} ({exc.reason})", file=sys.stderr)
        return 2
    except UnknownBackend as exc:
        return _err(str(exc))
    except ASRError as exc:
        print(f"{args.file}: {exc.message} ({exc.reason})", file=sys.stderr)
        return 3
    confidence = "n/a" if heard.confidence is None else f"{heard.confidence:.2f}"
    print(heard.text)
    print(
        f"({heard.backend}, {recording.duration:.1f} s, confidence {confidence})", file=sys.stderr
    )
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """List every voice backend as available or not, and why."""
    from simulator.voice.doctor import asr_choice, diagnose

    checks = diagnose()
    width = max(len(f"{c.kind} {c.name}") for c in checks)
    for check in checks:
        mark = "ok  " if check.ok else "--  "
        print(f"{mark}{f'{check.kind} {check.name}':<{width}}  {check.detail}")
    print(
        f"CALLSIM_TTS={os.environ.get('CALLSIM_TTS') or 'auto'}  "
        f"CALLSIM_ASR={os.environ.get('CALLSIM_ASR') or 'auto'}"
    )
    print(asr_choice())
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``say``, ``hear`` and ``doctor`` to the main CLI's subparsers."""
    say = subparsers.add_parser("say", help="speak a line in a persona's voice into a file")
    say.add_argument("--persona", required=True, help="persona id, e.g. cooperative_wang")
    say.add_argument("text", help="what the customer says")
    say.add_argument("-o", "--output", required=True, help="audio file to write (.mp3 or .wav)")
    say.add_argument(
        "--tts",
        default=None,
        help="auto | edge | fastspeech | espeak | none (default CALLSIM_TTS)",
    )
    say.add_argument("--anger", type=float, default=0.0, help="customer's anger 0-100")
    say.add_argument("--patience", type=float, default=100.0, help="customer's patience 0-100")
    say.add_argument("--personas-dir", default=None, help="default CALLSIM_PERSONAS_DIR")
    say.set_defaults(func=cmd_say)

    hear = subparsers.add_parser("hear", help="check a recording and recognise it")
    hear.add_argument("file", help="recording: wav, flac, aiff, webm, ogg, mp3")
    hear.add_argument("--asr", default=None, help="auto | google | openai | faster-whisper | none")
    hear.add_argument(
        "--hint", action="append", help="a word of the call (name, amount); may be repeated"
    )
    hear.set_defaults(func=cmd_hear)

    doctor = subparsers.add_parser("doctor", help="which voice backends work here, and why not")
    doctor.set_defaults(func=cmd_doctor)


def main(argv: list[str] | None = None) -> int:
    """Run the voice commands on their own: ``python -m simulator.voice.cli doctor``."""
    parser = argparse.ArgumentParser(prog="callsim-voice", description=__doc__)
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
