"""The labelled utterance corpus: loading it, checking it, and its fixed train / held-out split.

The corpus (``corpus/agent/*.jsonl`` for the trainee, ``corpus/customer/*.jsonl`` for the
person who answered; schema in ``corpus/README.md``) is what understanding is measured on, and
its ``train`` split is what the example index is built from. The ``heldout`` split is never
used to build or tune anything.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.understand.acts import ACT_DESCRIPTIONS, VIOLATION_ACTS
from simulator.understand.customer_acts import CUSTOMER_ACTS
from simulator.understand.simplify import to_simplified

__all__ = [
    "CORPUS_DIR",
    "REGISTERS",
    "SIDES",
    "SPLITS",
    "Example",
    "check_corpus",
    "corpus_key",
    "load_corpus",
]

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
SIDES = {"agent": ACT_DESCRIPTIONS, "customer": CUSTOMER_ACTS}
"""Each side of the call and the acts its lines may carry."""
REGISTERS = ("formal", "colloquial", "regional", "rambling", "asr", "traditional")
SPLITS = ("train", "heldout")
_FIELDS = {"text", "acts", "near_miss_of", "register", "split", "note", "slots"}
_REQUIRED = {"text", "acts", "register", "split"}
_FOLD_DROP = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Example:
    """One labelled utterance."""

    text: str
    acts: frozenset[str]
    """Every act the line performs (empty: none of the listed acts)."""
    side: str
    """``agent`` or ``customer``."""
    split: str
    register: str
    near_miss_of: frozenset[str] = frozenset()
    """Violation acts this lawful line resembles."""
    source: str = ""
    """``file:line`` it was read from."""
    slots: dict[str, Any] = field(default_factory=dict, compare=False)
    only_for: frozenset[str] | None = None
    """The acts its labels speak for (``None``: every act). A collector's lawful question from
    the question corpus is a known negative for the violation acts only (see
    :func:`simulator.understand.build.lawful_questions`)."""


def corpus_key(text: str) -> str:
    """The text two lines are compared by: simplified, case-, width- and punctuation-folded."""
    folded = unicodedata.normalize("NFKC", to_simplified(text)).lower()
    return _FOLD_DROP.sub("", folded)


def _files(side: str, root: Path) -> list[Path]:
    return sorted((root / side).glob("*.jsonl"))


def _records(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, exc


def _problems_of(record: Any, side: str) -> list[str]:
    if isinstance(record, json.JSONDecodeError):
        return [f"not JSON: {record.msg}"]
    if not isinstance(record, dict):
        return ["expected a JSON object"]
    problems = []
    missing = _REQUIRED - record.keys()
    if missing:
        problems.append(f"missing field(s) {sorted(missing)}")
    unknown = record.keys() - _FIELDS
    if unknown:
        problems.append(f"unknown field(s) {sorted(unknown)}")
    if not isinstance(record.get("text", ""), str) or not str(record.get("text", "")).strip():
        problems.append("text: must be a non-empty string")
    known = SIDES[side]
    for name in ("acts", "near_miss_of"):
        value = record.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{name}: must be a list of act names")
            continue
        bad = [v for v in value if v not in known]
        if bad:
            problems.append(f"{name}: unknown act(s) {bad}")
    near = set(record.get("near_miss_of") or [])
    if near & set(record.get("acts") or []):
        problems.append(f"near_miss_of overlaps acts: {sorted(near & set(record['acts']))}")
    if side == "agent" and near - set(VIOLATION_ACTS):
        problems.append(f"near_miss_of: not violation acts {sorted(near - set(VIOLATION_ACTS))}")
    if record.get("register") not in REGISTERS:
        problems.append(f"register: {record.get('register')!r} is not one of {REGISTERS}")
    if record.get("split") not in SPLITS:
        problems.append(f"split: {record.get('split')!r} is not one of {SPLITS}")
    return problems


def check_corpus(root: str | Path = CORPUS_DIR) -> list[str]:
    """Every problem in the corpus, one ``file:line: problem`` per line (empty: all good).

    Rejects lines that do not parse, missing or unknown fields, unknown acts, registers and
    splits, ``near_miss_of`` overlapping ``acts``, and duplicates (by :func:`corpus_key`, within
    a side: the same words said by the agent and by the customer are different lines).
    """
    root = Path(root)
    problems: list[str] = []
    for side in SIDES:
        files = _files(side, root)
        if not files:
            problems.append(f"{root / side}: no *.jsonl files")
        seen: dict[str, str] = {}
        for path in files:
            for number, record in _records(path):
                where = f"{path}:{number}"
                problems.extend(f"{where}: {p}" for p in _problems_of(record, side))
                if isinstance(record, dict) and isinstance(record.get("text"), str):
                    key = corpus_key(record["text"])
                    if key in seen:
                        problems.append(f"{where}: duplicate of {seen[key]}")
                    else:
                        seen[key] = where
    return problems


def load_corpus(
    side: str = "agent", split: str | None = None, root: str | Path = CORPUS_DIR
) -> list[Example]:
    """The labelled lines of one side, optionally of one split, in file order.

    Raises:
        ValueError: an unknown side or split, or a corpus that does not pass
            :func:`check_corpus` (the first problems are named).

    """
    if side not in SIDES:
        raise ValueError(f"side {side!r}: use one of {sorted(SIDES)}")
    if split is not None and split not in SPLITS:
        raise ValueError(f"split {split!r}: use one of {SPLITS}")
    examples = []
    for path in _files(side, Path(root)):
        for number, record in _records(path):
            problems = _problems_of(record, side)
            if problems:
                raise ValueError(f"{path}:{number}: {problems[0]}")
            if split is not None and record["split"] != split:
                continue
            examples.append(
                Example(
                    text=record["text"],
                    acts=frozenset(record["acts"]),
                    side=side,
                    split=record["split"],
                    register=record["register"],
                    near_miss_of=frozenset(record.get("near_miss_of") or ()),
                    source=f"{path.name}:{number}",
                    slots=record.get("slots") or {},
                )
            )
    return examples


def act_counts(examples: Iterable[Example]) -> dict[str, int]:
    """How many lines carry each act."""
    counts: dict[str, int] = {}
    for example in examples:
        for act in example.acts:
            counts[act] = counts.get(act, 0) + 1
    return dict(sorted(counts.items()))
