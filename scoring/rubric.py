"""Rubric files: what a call is scored on, as data a trainer can read and edit.

A rubric is a YAML file validated completely at load (pydantic, unknown keys rejected). Errors
come out one line per problem, ``scoring/rubrics/x.yaml: criteria.3.detect.acts.0: unknown act``.
The rubric's version is a prefix of the sha256 of the file's bytes, stored with every score.

Point semantics: ``required_step`` and ``quality`` criteria earn up to ``points``; a dimension's
score is the share of those points earned (0-100), minus the ``points`` of every ``prohibited``
criterion that fired in that dimension. Any ``critical`` violation sets compliance to 0 and
fails the call.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    field_validator,
    model_validator,
)

from scoring.safe_regex import regex_problem
from simulator.datafile import (
    DataFileError,
    FileMissing,
    InputError,
    content_version,
    read_mapping,
    read_text,
    validation_problems,
)
from simulator.understand.acts import ACT_DESCRIPTIONS

__all__ = [
    "CHECKS",
    "PARAMS",
    "Applies",
    "Criterion",
    "Detect",
    "Dimension",
    "Example",
    "Kind",
    "LoadedRubric",
    "Rubric",
    "RubricError",
    "default_rubric",
    "default_rubrics_dir",
    "load_rubric",
    "parse_rubric",
    "rubric_problems",
]

DEFAULT_RUBRIC_ID = "cn_card_collection"

# Built-in checks a criterion can name in ``detect.check``; the scorer implements each one.
CHECKS = {
    "contact_time": "call placed in the quiet hours (params: start, end as HH:MM local time)",
    "disclosure_before_verification": "an account detail said before the cardholder confirmed "
    "who they are (params: event, requires: criterion ids)",
    "third_party_disclosure": "a debt detail or a request to pay said to someone who said they "
    "are not the cardholder (params: event: criterion ids whose evidence counts as one)",
    "empathy_quality": "acknowledgements that answer what the customer just said",
    "calm_under_pressure": "calm, de-escalating replies to an angry or insulting customer",
    "plan_reached": "offered terms agreed, read back as agreed and confirmed; concrete, not vague",
    "readback_mismatch": "a read-back that states other terms than the customer agreed to",
    "plan_affordable": "the plan fits what the customer said they can pay",
}


_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_IDS = (
    lambda v: isinstance(v, str) or isinstance(v, list) and all(isinstance(i, str) for i in v),
    "a criterion id or a list of them",
)
# Parameters a criterion's ``detect.params`` may hold: (is it right?, what it must be).
PARAMS: dict[str, tuple[Any, str]] = {
    "start": (lambda v: isinstance(v, str) and bool(_HHMM.match(v)), 'a quoted time like "22:00"'),
    "end": (lambda v: isinstance(v, str) and bool(_HHMM.match(v)), 'a quoted time like "08:00"'),
    "event": _IDS,
    "requires": _IDS,
    "offer": _IDS,
    "summary": _IDS,
    "debt": _IDS,
    "max_months": (lambda v: type(v) is int and 1 <= v <= 60, "a whole number from 1 to 60"),
    "voids_turn": (lambda v: isinstance(v, bool), "true or false"),
}


class Dimension(StrEnum):
    """What a criterion counts towards."""

    compliance = "compliance"
    empathy = "empathy"
    outcome = "outcome"


class Kind(StrEnum):
    """How a criterion earns or loses points."""

    required_step = "required_step"
    prohibited = "prohibited"
    quality = "quality"


class Severity(StrEnum):
    """How bad a prohibited act is; any critical one fails the call."""

    critical = "critical"
    major = "major"
    minor = "minor"


class Applies(StrEnum):
    """When a criterion is scored at all (otherwise it is left out of the scorecard)."""

    always = "always"
    cardholder = "cardholder"  # the person on the phone was not found to be a third party
    third_party = "third_party"  # someone other than the cardholder answered
    dispute = "dispute"  # the customer disputed a charge
    plan_discussed = "plan_discussed"  # a repayment amount or plan was put on the table


class _Strict(BaseModel):
    # .nan and .inf are not numbers a trainer means; without this a NaN slips past ge/le
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# Numbers are strict: ``points: true`` or ``pass_mark: 60.5`` is a mistake, not 1 or a rounding.
Int = Annotated[int, Strict()]
Float = Annotated[float, Strict()]


class ExampleTurn(_Strict):
    """One turn of an example dialogue."""

    speaker: str = Field(pattern=r"^(agent|customer)$")
    text: str = Field(min_length=1)


class Example(_Strict):
    """A test case: one agent utterance, or a short dialogue, scored with the whole rubric."""

    say: str | None = Field(None, min_length=1, description="one agent utterance")
    turns: list[ExampleTurn] | None = Field(None, min_length=1, description="a short dialogue")
    started_at: str = Field("2026-11-20T14:30:00+08:00", description="when the example call began")
    archetype: str | None = Field(None, description="the simulator's persona archetype, if any")

    @model_validator(mode="before")
    @classmethod
    def _plain_string(cls, value: Any) -> Any:
        return {"say": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_form(self) -> Example:
        if (self.say is None) == (self.turns is None):
            raise ValueError("give either say (one utterance) or turns (a dialogue)")
        return self


class Examples(_Strict):
    """Good examples must not fire a prohibited criterion (and must earn a step); bad ones must."""

    good: list[Example] = Field(default_factory=list)
    bad: list[Example] = Field(default_factory=list)


class Detect(_Strict):
    """How the scorer finds a criterion in a call."""

    acts: list[str] = Field(default_factory=list, description="acts from simulator.understand")
    patterns: list[str] = Field(default_factory=list, description="regexes over folded text")
    unless: list[str] = Field(
        default_factory=list, description="regexes: an utterance matching one does not count"
    )
    check: str | None = Field(None, description="a built-in check, see scoring.rubric.CHECKS")
    params: dict[str, Any] = Field(default_factory=dict)
    after: list[str] = Field(
        default_factory=list, description="criterion ids this step must come after"
    )
    within_agent_turns: Int | None = Field(
        None, ge=1, description="the step must come within the agent's first N turns"
    )
    applies: Applies = Applies.always

    @field_validator("acts")
    @classmethod
    def _known_acts(cls, acts: list[str]) -> list[str]:
        unknown = [act for act in acts if act not in ACT_DESCRIPTIONS]
        if unknown:
            raise ValueError(f"unknown act {unknown[0]!r} (known: {', '.join(ACT_DESCRIPTIONS)})")
        return acts

    @field_validator("patterns", "unless")
    @classmethod
    def _valid_regex(cls, patterns: list[str]) -> list[str]:
        for i, pattern in enumerate(patterns):
            problem = regex_problem(pattern)
            if problem:
                raise ValueError(f"pattern {i} {pattern[:80]!r}: {problem}")
            if re.search(r"[\s，。！？、；：]", pattern):
                raise ValueError(
                    f"pattern {i} {pattern!r}: text is matched without spaces or punctuation"
                )
        return patterns

    @field_validator("check")
    @classmethod
    def _known_check(cls, check: str | None) -> str | None:
        if check is not None and check not in CHECKS:
            raise ValueError(f"unknown check {check!r} (known: {', '.join(CHECKS)})")
        return check

    @field_validator("params")
    @classmethod
    def _known_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        # the scorer compares and iterates these: a wrong type would fail every scored call
        problems = []
        for key, value in params.items():
            if key not in PARAMS:
                problems.append(f"{key}: unknown param (known: {', '.join(PARAMS)})")
            elif not PARAMS[key][0](value):
                problems.append(f"{key}: must be {PARAMS[key][1]}")
        if problems:
            raise ValueError("\n".join(problems))
        return params


Points = Annotated[Int, Field(ge=0, le=100)]


class Criterion(_Strict):
    """One thing the call is scored on."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1, description="short Chinese name shown on the scorecard")
    dimension: Dimension
    kind: Kind
    severity: Severity | None = None
    points: Points
    detect: Detect
    source: str = Field(min_length=1, description="the rule it rests on; secondary sources marked")
    advice: str = Field(min_length=1, description="what the trainee should do, in Chinese")
    examples: Examples = Examples()

    @model_validator(mode="after")
    def _consistent(self) -> Criterion:
        problems = []
        if self.kind == Kind.prohibited and self.severity is None:
            problems.append("severity: required for a prohibited criterion")
        if self.kind != Kind.prohibited and self.severity is not None:
            problems.append("severity: only prohibited criteria have a severity")
        d = self.detect
        if not (d.acts or d.patterns or d.check):
            problems.append("detect: needs acts, patterns or a check")
        if self.kind == Kind.quality and not d.check:
            problems.append("detect.check: a quality criterion needs a built-in check")
        if self.kind != Kind.required_step and (d.after or d.within_agent_turns):
            problems.append("detect.after: ordering applies to required steps only")
        if not (self.examples.good or self.examples.bad) and d.check != "contact_time":
            problems.append("examples: give at least one good or bad example")
        if problems:
            raise ValueError("\n".join(problems))
        return self


class Weights(_Strict):
    """How much each dimension counts towards the overall score (normalised to sum 1)."""

    compliance: Annotated[Float, Field(ge=0)]
    empathy: Annotated[Float, Field(ge=0)]
    outcome: Annotated[Float, Field(ge=0)]

    @model_validator(mode="after")
    def _positive(self) -> Weights:
        if self.compliance + self.empathy + self.outcome <= 0:
            raise ValueError("weights: at least one weight must be > 0")
        return self


class Bands(_Strict):
    """Overall score at which a call is banded high or medium (anything lower is low)."""

    high: Annotated[Int, Field(ge=0, le=100)] = 75
    medium: Annotated[Int, Field(ge=0, le=100)] = 50
    high_needs_clean_call: bool = Field(
        True,
        description="high also needs no violation at all, every quality criterion at least half "
        "its points and, when the cardholder answered, a confirmed plan",
    )


class Calibration(_Strict):
    """Thresholds ``callsim rubric test`` holds the rubric to on a labelled set."""

    min_precision: Annotated[Float, Field(ge=0, le=1)] = 0.8
    min_recall: Annotated[Float, Field(ge=0, le=1)] = 0.8
    min_plan_accuracy: Annotated[Float, Field(ge=0, le=1)] = 0.9
    min_band_accuracy: Annotated[Float, Field(ge=0, le=1)] = 0.75


class Rubric(_Strict):
    """A whole rubric file."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    description: str = ""
    weights: Weights
    pass_mark: Annotated[Int, Field(ge=0, le=100)]
    bands: Bands = Bands()
    calibration: Calibration = Calibration()
    criteria: list[Criterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _cross_refs(self) -> Rubric:
        problems = []
        ids = [c.id for c in self.criteria]
        seen: set[str] = set()
        for i, criterion in enumerate(self.criteria):
            if criterion.id in seen:
                problems.append(f"criteria.{i}.id: duplicate id {criterion.id!r}")
            seen.add(criterion.id)
            refs = list(criterion.detect.after)
            for key in ("event", "requires"):
                value = criterion.detect.params.get(key)
                refs.extend([value] if isinstance(value, str) else value or [])
            for ref in refs:
                if ref not in ids:
                    problems.append(f"criteria.{i}.detect: unknown criterion {ref!r}")
        if self.bands.medium > self.bands.high:
            problems.append("bands.medium: must not be above bands.high")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id (KeyError if none)."""
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)


class RubricError(DataFileError):
    """A rubric could not be loaded; ``problems`` holds one ``file: field: message`` per line."""


@dataclass(frozen=True)
class LoadedRubric:
    """A validated rubric with where it came from."""

    id: str
    """The rubric's own ``id`` field."""
    version: str
    """sha256 prefix (12 hex digits) of the file's bytes, stored with every score."""
    path: Path
    model: Rubric


def default_rubrics_dir() -> Path:
    """The rubrics folder: ``CALLSIM_RUBRICS_DIR`` or ``scoring/rubrics/``."""
    env = os.environ.get("CALLSIM_RUBRICS_DIR")
    return Path(env) if env else Path(__file__).resolve().parent / "rubrics"


@functools.lru_cache(maxsize=32)
def parse_rubric(text: str, source: str) -> LoadedRubric:
    """Validate rubric YAML text; ``source`` names it in errors.

    Cached by text: every finished call is scored against the same file, and parsing its YAML
    cost ~5 % of the app's CPU under load (``bench/concurrent_calls.py``). Treat the result as
    read-only.

    Raises:
        RubricError: one ``source: field.path: message`` line per problem.
    """
    data = read_mapping(text, source, RubricError)
    try:
        model = Rubric.model_validate(data)
    except ValidationError as exc:
        raise RubricError(validation_problems(source, exc)) from None
    return LoadedRubric(id=model.id, version=content_version(text), path=Path(source), model=model)


def load_rubric(path_or_id: str | Path) -> LoadedRubric:
    """Load a rubric by file path, or by id from the rubrics folder.

    Raises:
        RubricError: not found, unreadable or invalid.
    """
    path = Path(path_or_id)
    if not path.suffix and not path.exists():
        path = default_rubrics_dir() / f"{path_or_id}.yaml"
    try:
        text = read_text(path)
    except FileMissing:
        known = sorted(p.stem for p in default_rubrics_dir().glob("*.yaml"))
        raise RubricError(
            [f"{path}: rubric not found (known ids: {', '.join(known) or 'none'})"]
        ) from None
    except InputError as exc:
        raise RubricError([exc.line(str(path))]) from None
    return parse_rubric(text, str(path))


def rubric_problems(directory: str | Path | None = None) -> list[str]:
    """One line per problem in the rubric files of a folder (each file loaded, examples not run).

    The app reports these at start; ``callsim rubric check`` also runs every file's examples.
    """
    directory = Path(directory) if directory else default_rubrics_dir()
    if not directory.is_dir():
        return [f"{directory}: rubrics folder not found"]
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            load_rubric(path)
        except RubricError as exc:
            problems.extend(exc.problems)
    return problems


def default_rubric() -> LoadedRubric:
    """The default rubric, ``cn_card_collection``, from the rubrics folder."""
    return load_rubric(default_rubrics_dir() / f"{DEFAULT_RUBRIC_ID}.yaml")
