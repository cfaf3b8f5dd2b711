"""The shipped calibration set holds the default rubric to its declared thresholds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from scoring import default_rubric
from scoring.calibration import run_calibration

CALIBRATION = Path(__file__).parent / "calibration"


def test_calibration_set_is_big_enough_and_varied():
    labels = yaml.safe_load((CALIBRATION / "labels.yaml").read_text(encoding="utf-8"))["files"]
    assert len(labels) >= 20
    assert {v["band"] for v in labels.values()} == {"high", "medium", "low"}
    assert sorted(p.name for p in CALIBRATION.glob("*.json")) == sorted(labels)


def test_default_rubric_meets_its_thresholds():
    report = run_calibration(CALIBRATION, default_rubric())
    assert report.passed, report.failures
    assert report.files >= 20
    assert {s.criterion for s in report.criteria} >= {"threat", "insult", "third_party_disclosure"}


def test_wrong_labels_fail(tmp_path):
    shutil.copytree(CALIBRATION, tmp_path / "set")
    labels_path = tmp_path / "set" / "labels.yaml"
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    for name in list(labels["files"])[:6]:
        labels["files"][name]["violations"] = {"insult": [1]}
        labels["files"][name]["band"] = "low" if labels["files"][name]["band"] != "low" else "high"
    labels_path.write_text(yaml.safe_dump(labels, allow_unicode=True), encoding="utf-8")
    report = run_calibration(tmp_path / "set", default_rubric())
    assert not report.passed
    assert any(f.startswith("insult: recall") for f in report.failures)
    assert any(f.startswith("band accuracy") for f in report.failures)
    assert json.loads(json.dumps(report.mismatches))
