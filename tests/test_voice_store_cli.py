"""Keeping turn audio for replay, and the say / hear / doctor commands."""

from __future__ import annotations

import argparse
import json
import threading
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from simulator.persona import Voice, load_personas
from simulator.voice import Clip, check_recording, keep_turn_audio, resolve_audio
from simulator.voice.cli import register
from simulator.voice.espeak import EspeakTTS


@pytest.fixture(scope="module")
def speech() -> bytes:
    return EspeakTTS().synthesize("我想先还一部分。", Voice()).data


# --- audio kept beside the database ---------------------------------------------------------


def test_turn_audio_is_kept_under_the_session_folder(tmp_path, speech):
    recording = check_recording(speech)
    reply = Clip(data=b"ID3 fake mp3", format="mp3", backend="edge")
    kept = keep_turn_audio(tmp_path, "s-2026-001", 4, recording=recording, reply=reply)
    assert kept.recording == "audio/s-2026-001/0004-agent.wav"
    assert kept.reply == "audio/s-2026-001/0004-customer.mp3"
    assert (tmp_path / kept.recording).read_bytes() == recording.wav
    assert resolve_audio(tmp_path, kept.reply).read_bytes() == b"ID3 fake mp3"


def test_only_what_exists_is_kept(tmp_path):
    kept = keep_turn_audio(tmp_path, "s1", 0, reply=None)
    assert kept.recording is None and kept.reply is None
    assert not (tmp_path / "audio").exists()


@pytest.mark.parametrize("session_id", ["../etc", "a/b", "", ".hidden", "x" * 200])
def test_unsafe_session_ids_are_refused(tmp_path, session_id):
    with pytest.raises(ValueError, match="session id"):
        keep_turn_audio(tmp_path, session_id, 0, reply=Clip(b"x", "wav", "espeak"))


def test_stored_paths_cannot_escape_the_audio_folder(tmp_path):
    with pytest.raises(ValueError, match="audio folder"):
        resolve_audio(tmp_path, "audio/../callsim.db")


# --- CLI -------------------------------------------------------------------------------------


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="callsim")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_say_writes_a_wav_in_the_personas_voice(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CALLSIM_DATA_DIR", str(tmp_path))
    persona = next(iter(load_personas()))
    out = tmp_path / "line.wav"
    assert (
        run(["say", "--persona", persona, "--tts", "espeak", "我下周发工资再还", "-o", str(out)])
        == 0
    )
    with wave.open(str(out)) as w:
        assert w.getnframes() / w.getframerate() > 0.8
    assert "espeak" in capsys.readouterr().out


def test_say_with_unknown_persona_names_the_known_ones(tmp_path, capsys):
    assert run(["say", "--persona", "nobody", "你好", "-o", str(tmp_path / "x.wav")]) == 1
    assert "unknown persona 'nobody'; known:" in capsys.readouterr().err


def test_say_with_tts_none_explains_there_is_no_audio(tmp_path, capsys):
    persona = next(iter(load_personas()))
    assert (
        run(["say", "--persona", persona, "--tts", "none", "你好", "-o", str(tmp_path / "x.wav")])
        == 1
    )
    assert "no audio" in capsys.readouterr().err


def test_hear_rejects_a_silent_recording_in_chinese(tmp_path, capsys):
    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.zeros(32000, dtype="<i2").tobytes())
    assert run(["hear", str(path), "--asr", "none"]) == 2
    assert "没有听到声音" in capsys.readouterr().err


def test_hear_prints_what_the_recogniser_heard(tmp_path, monkeypatch, capsys, speech):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            body = json.dumps({"text": "我想先还一部分。"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{httpd.server_address[1]}/v1")
        monkeypatch.setenv("CALLSIM_ASR", "openai")
        path = tmp_path / "turn.wav"
        path.write_bytes(speech)
        assert run(["hear", str(path)]) == 0
    finally:
        httpd.shutdown()
        httpd.server_close()
    captured = capsys.readouterr()
    assert captured.out.strip() == "我想先还一部分。" and "openai" in captured.err


def test_hear_with_asr_none_asks_to_type(tmp_path, capsys, speech):
    path = tmp_path / "turn.wav"
    path.write_bytes(speech)
    assert run(["hear", str(path), "--asr", "none"]) == 3
    assert "请直接打字" in capsys.readouterr().err


def test_doctor_lists_every_backend_with_a_reason(monkeypatch, capsys):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert run(["doctor"]) == 0
    out = capsys.readouterr().out
    for name in (
        "tts edge",
        "tts espeak",
        "tts none",
        "asr google",
        "asr openai",
        "asr faster-whisper",
        "asr none",
        "tool ffmpeg",
    ):
        assert name in out
    assert "ok  tts espeak" in out
    assert "no key" in out
