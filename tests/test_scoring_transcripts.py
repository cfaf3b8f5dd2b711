"""Malformed transcripts get one named line, never a traceback."""

from __future__ import annotations

import json

import pytest

from scoring import TranscriptError, load_transcript, validate_transcript

GOOD = {
    "persona": "p",
    "started_at": "2026-11-20T14:30:00+08:00",
    "turns": [{"speaker": "customer", "text": "喂？"}, {"speaker": "agent", "text": "您好"}],
}


def _with(**changes):
    data = json.loads(json.dumps(GOOD))
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "x.json: (top): expected a JSON object"),
        ({k: v for k, v in GOOD.items() if k != "turns"}, "x.json: turns: missing"),
        ({k: v for k, v in GOOD.items() if k != "started_at"}, "x.json: started_at: missing"),
        (_with(started_at="2026-11-20T14:30:00"), "x.json: started_at: needs its UTC offset"),
        (_with(started_at="yesterday"), "x.json: started_at: not an ISO time"),
        (_with(turns=[]), "x.json: turns: empty"),
        (
            _with(turns=[{"speaker": "robot", "text": "hi"}]),
            "x.json: turns.0.speaker: unknown speaker 'robot'",
        ),
        (_with(turns=[{"speaker": "agent"}]), "x.json: turns.0.text: missing"),
        (_with(turns=[{"text": "hi"}]), "x.json: turns.0.speaker: missing"),
        (_with(turns=[{"speaker": "agent", "text": 5}]), "x.json: turns.0.text: must be a string"),
        (
            _with(turns=[{"speaker": "customer", "text": "喂"}]),
            "x.json: turns: the agent says nothing",
        ),
        (
            _with(turns=[{"speaker": "agent", "text": "欠" * 2_000_000}]),
            "x.json: turns.0.text: 2000000 characters",
        ),
    ],
)
def test_named_errors(data, message):
    with pytest.raises(TranscriptError) as info:
        validate_transcript(data, "x.json")
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_files(tmp_path):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"bad.json: \(file\): not JSON \(line 1"):
        load_transcript(tmp_path / "bad.json")
    with pytest.raises(TranscriptError, match=r"missing.json: \(file\): not found"):
        load_transcript(tmp_path / "missing.json")
    big = tmp_path / "big.json"
    big.write_text(json.dumps(_with(turns=[{"speaker": "agent", "text": "x" * 2_100_000}])))
    with pytest.raises(TranscriptError, match=r"big.json: \(file\): \d+ bytes, more than"):
        load_transcript(big)
    (tmp_path / "ok.json").write_text(json.dumps(GOOD, ensure_ascii=False), encoding="utf-8")
    assert load_transcript(tmp_path / "ok.json")["turns"][1]["text"] == "您好"
