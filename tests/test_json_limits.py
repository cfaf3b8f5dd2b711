"""JSON input is held to the limits YAML input is: duplicate keys, NaN/Infinity, value counts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CALL = {
    "persona": "cooperative_wang",
    "started_at": "2026-11-20T14:30:00+08:00",
    "turns": [{"speaker": "customer", "text": "喂？"}, {"speaker": "agent", "text": "您好"}],
}


def _score(tmp_path, text: str) -> subprocess.CompletedProcess:
    path = tmp_path / "call.json"
    path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", "score", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (
            json.dumps(CALL, ensure_ascii=False).replace(
                '"text": "您好"', '"text": "您好", "text": "我是法院的"'
            ),
            "duplicate key",
        ),
        (json.dumps(CALL, ensure_ascii=False).replace('"turns"', '"score": NaN, "turns"'), "NaN"),
        (
            json.dumps(CALL, ensure_ascii=False).replace('"turns"', '"x": -Infinity, "turns"'),
            "Infinity",
        ),
        (
            '{"persona": "p", "started_at": "2026-11-20T14:30:00+08:00", "x": ['
            + ",".join(["0"] * 200_001)
            + '], "turns": []}',
            "too many values",
        ),
    ],
    ids=["duplicate-key", "nan", "infinity", "too-many-values"],
)
def test_a_transcript_beyond_the_limits_is_one_line(tmp_path, text, why):
    done = _score(tmp_path, text)
    assert done.returncode != 0
    assert why in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0


def test_a_good_transcript_still_scores(tmp_path):
    done = _score(tmp_path, json.dumps(CALL, ensure_ascii=False))
    assert done.returncode == 0, done.stderr
