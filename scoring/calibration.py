"""``callsim rubric test DIR``: hold a rubric to a hand-labelled set of transcripts.

``DIR/labels.yaml`` names each transcript file with what a trainer expects: the violations by
criterion and turn (``null`` for a call-level one), whether a plan was reached, and the band.
Every (file, criterion, turn) is compared with the scorer's: precision and recall per criterion,
plus plan and band accuracy, each against the thresholds the rubric declares.

With a judge (``--judge``) the same labels are held against the LLM judge, beside the rules.
The labels have no per-quality-criterion verdicts, so two things are compared with them: the
plan (the judge's ``plan_reached`` verdict, void after a critical violation as for the rules)
and the band recomputed with the judge's empathy points. Per quality criterion, the judge is
compared with the rules. None of this changes whether the rubric passes its thresholds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError

from scoring.judge import JudgeFn
from scoring.judged import score_with_judge
from scoring.rubric import LoadedRubric, default_rubrics_dir
from scoring.scorer import score
from scoring.transcript import TranscriptError, load_transcript
from simulator.datafile import FileMissing, InputError, load_yaml, read_text, validation_problems

__all__ = [
    "CalibrationError",
    "CalibrationReport",
    "JudgeAgreement",
    "Labels",
    "Tally",
    "calibration_roots",
    "labels_rubric",
    "resolve_calibration_dir",
    "run_calibration",
]

SHIPPED_SET = Path(__file__).resolve().parent.parent / "tests" / "calibration"
"""The labelled calls that ship with callsim."""
_FILE_NAME = re.compile(r"^[^/\\]+\.json$")


class CalibrationError(Exception):
    """The calibration folder or its labels cannot be used (one line naming the file)."""


class FileLabels(BaseModel):
    """What a trainer expects of one transcript."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    violations: dict[str, list[Annotated[int, Strict()] | None]] = Field(default_factory=dict)
    plan_reached: bool
    band: Literal["high", "medium", "low"]


class Labels(BaseModel):
    """``labels.yaml``."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    rubric: str | None = None
    split: Literal["tuned", "heldout"] | None = Field(
        None, description="heldout: a measuring stick, never tuned on"
    )
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
class Tally:
    """Agreement with the labels on the same ``n`` calls, for the rules and for the judge."""

    n: int = 0
    rules: int = 0
    judge: int = 0


@dataclass(frozen=True)
class JudgeAgreement:
    """How the LLM judge did on the calibration set, beside the rules."""

    model: str | None
    judged: int
    """Calls the judge answered."""
    failed: int
    errors: tuple[str, ...]
    """The distinct reasons the judge failed (at most three)."""
    plan: Tally
    """Plan reached or not vs ``plan_reached``, over calls where the judge rated the plan."""
    band: Tally
    """Band vs ``band`` (the judge's: recomputed with its empathy points)."""
    with_rules: tuple[tuple[str, int, int], ...]
    """Per quality criterion: (id, calls both rated, calls where passed/failed agree)."""
    mismatches: tuple[str, ...]


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
    judge: JudgeAgreement | None = None
    """The judge's agreement, when one was asked (never part of ``failures``)."""
    split: str | None = None
    """``labels.yaml``'s ``split`` (``tuned`` or ``heldout``), if it names one."""
    plan_counts: tuple[int, int, int] = (0, 0, 0)
    """Plans reached: (scorer and labels agree, scorer only, labels only)."""
    clean_failed: tuple[str, ...] = ()
    """Clean calls (labelled exemplary: band high, no violation) that the scorer flagged with a
    violation or did not pass."""

    @property
    def plan_precision(self) -> float:
        """Share of plans the scorer found reached that the labels say were (1.0 if none)."""
        tp, fp, _ = self.plan_counts
        return tp / (tp + fp) if tp + fp else 1.0

    @property
    def plan_recall(self) -> float:
        """Share of plans the labels say were reached that the scorer found (1.0 if none)."""
        tp, _, fn = self.plan_counts
        return tp / (tp + fn) if tp + fn else 1.0

    def recall_of(self, criterion: str) -> float | None:
        """Recall of one criterion's violations (None when neither side flagged it)."""
        stats = next((s for s in self.criteria if s.criterion == criterion), None)
        return stats.recall if stats else None

    @property
    def passed(self) -> bool:
        """All thresholds met."""
        return not self.failures


def _load_labels(directory: Path) -> Labels:
    path = directory / "labels.yaml"
    try:
        data = load_yaml(read_text(path))
    except FileMissing:
        raise CalibrationError(f"{path}: not found (the expected labels)") from None
    except InputError as exc:
        raise CalibrationError(exc.line(str(path))) from None
    if not isinstance(data, dict):
        empty = "empty file, " if data is None else ""
        raise CalibrationError(f"{path}: (top): {empty}expected a mapping with files:")
    try:
        labels = Labels.model_validate(data)
    except ValidationError as exc:
        raise CalibrationError(validation_problems(str(path), exc)[0]) from None
    for name in labels.files:
        if not _FILE_NAME.match(name):
            raise CalibrationError(
                f"{path}: files.{name[:60]}: must be a .json file name in this folder"
            )
    return labels


def labels_rubric(directory: str | Path) -> str | None:
    """The rubric ``labels.yaml`` names, or None (no labels file, or no rubric named).

    Raises:
        CalibrationError: the labels file is there but cannot be read or parsed.

    """
    path = Path(directory) / "labels.yaml"
    if not path.exists():
        return None
    try:
        data = load_yaml(read_text(path))
    except InputError as exc:
        raise CalibrationError(exc.line(str(path))) from None
    rubric = data.get("rubric") if isinstance(data, dict) else None
    return rubric if isinstance(rubric, str) else None


def calibration_roots(rubrics_dir: str | Path | None = None) -> list[Path]:
    """The folders calibration sets may be taken from when a person names one in the app.

    The shipped set (``tests/calibration``) and ``calibration/`` inside the rubrics folder
    (``CALLSIM_RUBRICS_DIR``), where trainers keep their own sets.
    """
    rubrics = Path(rubrics_dir) if rubrics_dir else default_rubrics_dir()
    return [SHIPPED_SET, rubrics / "calibration"]


def resolve_calibration_dir(text: str, roots: list[Path]) -> Path | None:
    """The folder ``text`` names, if it is one of ``roots`` or inside one; None otherwise.

    A relative name is tried against the project folder and against each root, so both
    ``tests/calibration`` and a set's own name work. Links are followed first: a link inside a
    root that leads elsewhere is refused.
    """
    raw = (text or "").strip()
    if not raw or "\x00" in raw:
        return None
    given = Path(raw)
    bases = [] if given.is_absolute() else [SHIPPED_SET.parent.parent, *roots]
    candidates = [given] if given.is_absolute() else [base / given for base in bases]
    allowed = [root.resolve() for root in roots]
    for candidate in candidates:
        try:
            real = candidate.resolve()
        except (OSError, RuntimeError):
            continue
        if real.is_dir() and any(real == root or real.is_relative_to(root) for root in allowed):
            return real
    return None


def run_calibration(
    directory: str | Path, rubric: LoadedRubric, judge_fn: JudgeFn | None = None
) -> CalibrationReport:
    """Score every labelled transcript and compare with the labels (and the judge, if given).

    Raises:
        CalibrationError: missing labels, a labelled file missing or malformed.
    """
    directory = Path(directory)
    labels = _load_labels(directory)
    expected: set[tuple[str, str, int | None]] = set()
    found: set[tuple[str, str, int | None]] = set()
    plan_ok = band_ok = plan_tp = plan_fp = plan_fn = 0
    clean_failed: list[str] = []
    mismatches: list[str] = []
    known = {c.id for c in rubric.model.criteria}
    cards: dict[str, dict] = {}
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
        if judge_fn is None:
            card = score(transcript, rubric)
        else:
            card = cards[name] = score_with_judge(transcript, rubric, judge_fn=judge_fn)
        got = {(name, v["criterion"], v["turn"]) for v in card["violations"]}
        exp = {(name, c, t) for c, turns in want.violations.items() for t in turns}
        expected |= exp
        found |= got
        for _, c, t in sorted(got - exp, key=str):
            mismatches.append(f"{name}: 多报 {c} 第{t}轮")
        for _, c, t in sorted(exp - got, key=str):
            mismatches.append(f"{name}: 漏报 {c} 第{t}轮")
        reached = card["plan"]["success"]
        plan_tp += reached and want.plan_reached
        plan_fp += reached and not want.plan_reached
        plan_fn += want.plan_reached and not reached
        clean = want.band == "high" and not want.violations
        if clean and (card["violations"] or not card["passed"]):
            clean_failed.append(name)
        if reached == want.plan_reached:
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
    agreement = _agreement(cards, labels, rubric) if judge_fn is not None else None
    return CalibrationReport(
        tuple(stats),
        n,
        plan_ok,
        band_ok,
        tuple(mismatches),
        tuple(failures),
        agreement,
        split=labels.split,
        plan_counts=(plan_tp, plan_fp, plan_fn),
        clean_failed=tuple(clean_failed),
    )


def _agreement(cards: dict[str, dict], labels: Labels, rubric: LoadedRubric) -> JudgeAgreement:
    plan_ids = {c.id for c in rubric.model.criteria if c.detect.check == "plan_reached"}
    plan, band = Tally(), Tally()
    both: dict[str, list[int]] = {}
    errors: list[str] = []
    mismatches: list[str] = []
    failed = 0
    model = None
    for name, card in cards.items():
        want, info = labels.files[name], card["judge"]
        model = model or info.get("model")
        if info["error"]:
            failed += 1
            if info["error"] not in errors:
                errors.append(info["error"])
            continue
        critical = any(v["severity"] == "critical" for v in card["violations"])
        for c in card["criteria"]:
            verdict = c.get("judge") or {"error": "none"}
            if "error" in verdict:
                continue
            tally = both.setdefault(c["id"], [0, 0])
            tally[0] += 1
            tally[1] += verdict["passed"] == c["passed"]
            if c["id"] in plan_ids:
                reached = verdict["passed"] and not critical
                plan = Tally(
                    plan.n + 1,
                    plan.rules + (card["plan"]["success"] == want.plan_reached),
                    plan.judge + (reached == want.plan_reached),
                )
                if reached != want.plan_reached:
                    mismatches.append(
                        f"{name}: 模型判断还款约定 期望 {want.plan_reached} 实际 {reached}"
                    )
        adjusted = info.get("adjusted")
        if adjusted:
            band = Tally(
                band.n + 1,
                band.rules + (card["band"] == want.band),
                band.judge + (adjusted["band"] == want.band),
            )
            if adjusted["band"] != want.band:
                mismatches.append(
                    f"{name}: 模型评级 期望 {want.band} 实际 {adjusted['band']}"
                    f"（{adjusted['overall']}分，规则 {card['band']}）"
                )
    return JudgeAgreement(
        model=model,
        judged=len(cards) - failed,
        failed=failed,
        errors=tuple(errors[:3]),
        plan=plan,
        band=band,
        with_rules=tuple((cid, n, agree) for cid, (n, agree) in both.items()),
        mismatches=tuple(mismatches),
    )
