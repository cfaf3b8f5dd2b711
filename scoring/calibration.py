"""``callsim rubric test DIR``: hold a rubric to a hand-labelled set of transcripts.

``DIR/labels.yaml`` names each transcript file with what a trainer expects: the violations by
criterion and turn (``null`` for a call-level one), whether a plan was reached, and the band.
Every (file, criterion, turn) is compared with the scorer's: precision and recall per criterion,
plus plan and band accuracy, each against the thresholds the rubric declares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scoring.rubric import LoadedRubric
from scoring.scorer import score
from scoring.transcript import TranscriptError, load_transcript

__all__ = ["CalibrationError", "CalibrationReport", "Labels", "run_calibration"]


class CalibrationError(Exception):
    """The calibration folder or its labels cannot be used (one line naming the file)."""


class FileLabels(BaseModel):
    """What a trainer expects of one transcript."""

    model_config = ConfigDict(extra="forbid")

    violations: dict[str, list[int | None]] = Field(default_factory=dict)
    plan_reached: bool
    band: Literal["high", "medium", "low"]


class Labels(BaseModel):
    """``labels.yaml``."""

    model_config = ConfigDict(extra="forbid")

    rubric: str | None = None
    files: dict[str, FileLabels] = Field(min_length=1)


@dataclass(frozen=True)
class CriterionStats:
    """Agreement on one criterion over the whole set."""

    criterion: str
    true_pos: int
    false_pos: int
    false_neg: int

    @property
    def precision(self) -> float:
        """Share of flagged (file, turn) pairs a trainer also flagged (1.0 when none flagged)."""
        flagged = self.true_pos + self.false_pos
        return self.true_pos / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        """Share of the trainer's (file, turn) pairs the scorer flagged (1.0 when none)."""
        expected = self.true_pos + self.false_neg
        return self.true_pos / expected if expected else 1.0


@dataclass(frozen=True)
class CalibrationReport:
    """The result of a calibration run."""

    criteria: tuple[CriterionStats, ...]
    files: int
    plan_correct: int
    band_correct: int
    mismatches: tuple[str, ...]
    """One readable line per disagreement, for the trainer to inspect."""
    failures: tuple[str, ...] = field(default=())
    """Thresholds not met; empty when the rubric passes."""

    @property
    def passed(self) -> bool:
        """All thresholds met."""
        return not self.failures


def _load_labels(directory: Path) -> Labels:
    path = directory / "labels.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CalibrationError(f"{path}: not found (the expected labels)") from None
    except yaml.YAMLError as exc:
        raise CalibrationError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from None
    try:
        return Labels.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(top)"
        raise CalibrationError(f"{path}: {loc}: {err['msg']}") from None


def run_calibration(directory: str | Path, rubric: LoadedRubric) -> CalibrationReport:
    """Score every labelled transcript and compare with the labels.

    Raises:
        CalibrationError: missing labels, a labelled file missing or malformed.
    """
    directory = Path(directory)
    labels = _load_labels(directory)
    expected: set[tuple[str, str, int | None]] = set()
    found: set[tuple[str, str, int | None]] = set()
    plan_ok = band_ok = 0
    mismatches: list[str] = []
    known = {c.id for c in rubric.model.criteria}
    for name in sorted(labels.files):
        want = labels.files[name]
        for criterion in want.violations:
            if criterion not in known:
                raise CalibrationError(
                    f"{directory / 'labels.yaml'}: files.{name}.violations.{criterion}: "
                    f"not a criterion of {rubric.id}"
                )
        try:
            transcript = load_transcript(directory / name)
        except TranscriptError as exc:
            raise CalibrationError(str(exc)) from None
        card = score(transcript, rubric)
        got = {(name, v["criterion"], v["turn"]) for v in card["violations"]}
        exp = {(name, c, t) for c, turns in want.violations.items() for t in turns}
        expected |= exp
        found |= got
        for _, c, t in sorted(got - exp, key=str):
            mismatches.append(f"{name}: 多报 {c} 第{t}轮")
        for _, c, t in sorted(exp - got, key=str):
            mismatches.append(f"{name}: 漏报 {c} 第{t}轮")
        if card["plan"]["success"] == want.plan_reached:
            plan_ok += 1
        else:
            mismatches.append(
                f"{name}: 还款约定 期望 {want.plan_reached} 实际 {card['plan']['success']}"
            )
        if card["band"] == want.band:
            band_ok += 1
        else:
            mismatches.append(
                f"{name}: 档次 期望 {want.band} 实际 {card['band']}（{card['overall']}分）"
            )
    stats = []
    for c in rubric.model.criteria:
        exp = {x for x in expected if x[1] == c.id}
        got = {x for x in found if x[1] == c.id}
        if exp or got:
            stats.append(CriterionStats(c.id, len(exp & got), len(got - exp), len(exp - got)))
    th = rubric.model.calibration
    n = len(labels.files)
    failures = []
    for s in stats:
        if s.precision < th.min_precision:
            failures.append(f"{s.criterion}: precision {s.precision:.2f} < {th.min_precision}")
        if s.recall < th.min_recall:
            failures.append(f"{s.criterion}: recall {s.recall:.2f} < {th.min_recall}")
    if plan_ok / n < th.min_plan_accuracy:
        failures.append(f"plan accuracy {plan_ok / n:.2f} < {th.min_plan_accuracy}")
    if band_ok / n < th.min_band_accuracy:
        failures.append(f"band accuracy {band_ok / n:.2f} < {th.min_band_accuracy}")
    return CalibrationReport(tuple(stats), n, plan_ok, band_ok, tuple(mismatches), tuple(failures))
