"""The shipped calibration set holds the default rubric to its declared thresholds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from scoring import default_rubric
from scoring.calibration import run_calibration

CALIBRATION = Path(__file__).parent / "calibration"
HELDOUT = Path(__file__).parent / "calibration_heldout"
"""Calls written after the rules were tuned on CALIBRATION; never used to tune anything."""
SPLITS = {"tuned": (CALIBRATION, 45), "heldout": (HELDOUT, 15)}


@pytest.mark.parametrize("split", SPLITS)
def test_calibration_set_is_big_enough_and_varied(split):
    directory, least = SPLITS[split]
    data = yaml.safe_load((directory / "labels.yaml").read_text(encoding="utf-8"))
    labels = data["files"]
    assert data["split"] == split
    assert len(labels) >= least
    assert {v["band"] for v in labels.values()} == {"high", "medium", "low"}
    assert sorted(p.name for p in directory.glob("*.json")) == sorted(labels)


def test_the_heldout_calls_are_not_in_the_tuned_set():
    def texts(directory: Path) -> set[str]:
        return {
            json.dumps(json.loads(p.read_text(encoding="utf-8"))["turns"], ensure_ascii=False)
            for p in directory.glob("*.json")
        }

    assert not {p.name for p in HELDOUT.glob("*.json")} & {p.name for p in CALIBRATION.glob("*")}
    assert not texts(HELDOUT) & texts(CALIBRATION)


@pytest.mark.parametrize("split", SPLITS)
def test_default_rubric_meets_its_thresholds(split):
    directory, least = SPLITS[split]
    report = run_calibration(directory, default_rubric())
    assert report.split == split
    assert report.passed, (split, report.failures, report.mismatches)
    assert report.files >= least
    assert {s.criterion for s in report.criteria} >= {"third_party_disclosure", "readback_mismatch"}


@pytest.mark.parametrize("split", SPLITS)
def test_issue_12_targets(split):
    # plan reached right on every call, third-party disclosure recall 1.0, no clean call failed
    report = run_calibration(SPLITS[split][0], default_rubric())
    assert report.plan_correct == report.files, report.mismatches
    assert report.plan_precision == report.plan_recall == 1.0
    assert report.recall_of("third_party_disclosure") == 1.0
    assert report.clean_failed == ()


def test_wrong_labels_fail(tmp_path):
    shutil.copytree(CALIBRATION, tmp_path / "set")
    labels_path = tmp_path / "set" / "labels.yaml"
    labels = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    for name in list(labels["files"])[: len(labels["files"]) // 3]:
        labels["files"][name]["violations"] = {"insult": [1]}
        labels["files"][name]["band"] = "low" if labels["files"][name]["band"] != "low" else "high"
    labels_path.write_text(yaml.safe_dump(labels, allow_unicode=True), encoding="utf-8")
    report = run_calibration(tmp_path / "set", default_rubric())
    assert not report.passed
    assert any(f.startswith("insult: recall") for f in report.failures)
    assert any(f.startswith("band accuracy") for f in report.failures)
    assert json.loads(json.dumps(report.mismatches))
