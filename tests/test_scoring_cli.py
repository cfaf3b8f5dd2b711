"""The scoring commands, in-process through main(argv) and as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from scoring.cli import main

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION = ROOT / "tests" / "calibration"


def test_score_file_readable(capsys):
    assert main(["score", str(CALIBRATION / "bad_threat_home_visit.json")]) == 0
    out = capsys.readouterr().out
    assert "总分" in out and "威胁恐吓（第6句）" in out and "依据：" in out
    assert "改进建议" in out and "还款约定" in out


def test_score_file_json(capsys):
    assert main(["score", str(CALIBRATION / "good_cooperative_full.json"), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["plan"]["reached"] and card["rubric"]["id"] == "cn_card_collection"


def test_score_directory_json_in_file_name_order(tmp_path, capsys):
    for name in ("b_call.json", "a_call.json"):
        shutil.copy(
            CALIBRATION / ("bad_insult.json" if name[0] == "b" else "good_dispute.json"),
            tmp_path / name,
        )
    assert main(["score", str(tmp_path), "--json"]) == 0
    captured = capsys.readouterr()
    cards = json.loads(captured.out)
    assert [c["passed"] for c in cards] == [True, False]  # a_call (good) first
    assert "2/2" in captured.err  # progress bar on stderr


def test_score_directory_summary_and_bad_file(tmp_path, capsys):
    shutil.copy(CALIBRATION / "good_dispute.json", tmp_path / "a.json")
    (tmp_path / "b.json").write_text("{oops", encoding="utf-8")
    assert main(["score", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "b.json: (file): not JSON" in captured.err
    assert "共 2 个文件，已评分 1 个" in captured.out


def test_score_bad_input_one_line(tmp_path, capsys):
    (tmp_path / "t.json").write_text(
        json.dumps({"started_at": "2026-11-20T10:00:00+08:00", "turns": []})
    )
    assert main(["score", str(tmp_path / "t.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"{tmp_path / 't.json'}: turns: empty: nothing to score"
    assert main(["score", str(CALIBRATION / "good_dispute.json"), "--rubric", "nope"]) == 2
    assert "rubric not found" in capsys.readouterr().err


def test_rubric_check(tmp_path, capsys):
    assert main(["rubric", "check"]) == 0
    bad = tmp_path / "r.yaml"
    bad.write_text(
        "id: x\ntitle: t\nweights: {compliance: 1, empathy: 0, outcome: 0}\npass_mark: 60\n"
        "criteria:\n  - id: a\n    title: A\n    dimension: compliance\n    kind: prohibited\n"
        "    points: 5\n    detect: {acts: [threat]}\n    source: s\n    advice: 别这样\n"
        "    examples: {bad: [你好]}\n",
        encoding="utf-8",
    )
    assert main(["rubric", "check", str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"{bad}: criteria.0.severity: required for a prohibited criterion" in out


def test_rubric_test_pass_and_fail(tmp_path, capsys):
    assert main(["rubric", "test", str(CALIBRATION)]) == 0
    assert "通过" in capsys.readouterr().out
    shutil.copytree(CALIBRATION, tmp_path / "set")
    labels_path = tmp_path / "set" / "labels.yaml"
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    for name in list(labels["files"])[:5]:
        labels["files"][name]["violations"] = {"threat": [0]}
    labels_path.write_text(yaml.safe_dump(labels, allow_unicode=True), encoding="utf-8")
    assert main(["rubric", "test", str(tmp_path / "set")]) == 1
    assert "未达标：threat: recall" in capsys.readouterr().out
    assert main(["rubric", "test", str(tmp_path / "nowhere")]) == 2


def test_subprocess():
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "scoring.cli",
            "score",
            str(CALIBRATION / "bad_night_call.json"),
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    card = json.loads(run.stdout)
    assert (
        card["violations"][0]["criterion"] == "contact_time"
        and card["violations"][0]["turn"] is None
    )
    bad = subprocess.run(
        [sys.executable, "-m", "scoring.cli", "score", "/nonexistent.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
