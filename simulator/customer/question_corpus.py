"""The labelled corpus of agent lines and the questions they ask: loading and checking it.

``corpus/questions.jsonl`` (schema in ``corpus/README.md``) holds lines a collector says, in
many registers, each labelled with every question kind it asks (none for a statement on the
same topics). Its ``train`` split is what the question model (:mod:`.question_build`) is fitted
and cross-validated on; the ``heldout`` split (fixed when the lines were written, by their
``group``) is only measured (``bench/questions.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from simulator.customer.questions import QUESTIONS
from simulator.understand.corpus import corpus_key

__all__ = [
    "CORPUS_PATH",
    "NAMES",
    "REGISTERS",
    "QuestionExample",
    "check_corpus",
    "load_questions",
]

CORPUS_PATH = Path(__file__).resolve().parent / "corpus" / "questions.jsonl"
REGISTERS = (
    "formal",
    "polite",
    "jargon",
    "colloquial",
    "regional",
    "rambling",
    "asr",
    "traditional",
)
SPLITS = ("train", "heldout")
NAMES = ("李强", "王丽娟", "张伟", "陈静", "刘洋", "徐桂芳", "赵敏", "何静")
"""The cardholders' names the corpus' lines use (what ``ask`` is told the name is)."""
_FIELDS = {"text", "kinds", "register", "split", "group", "third_party", "note"}
_REQUIRED = {"text", "kinds", "register", "split", "group"}


@dataclass(frozen=True)
class QuestionExample:
    """One labelled agent line."""

    text: str
    kinds: frozenset[str]
    """Every question kind the line asks (empty: a statement)."""
    register: str
    split: str
    group: str
    """The hand-written line this one is (a variant of); a group never spans both splits."""
    third_party: bool = False
    """Said to someone known not to be the cardholder."""
    source: str = ""
    """``questions.jsonl:12``."""


def _problems(where: str, row: object) -> list[str]:
    if not isinstance(row, dict):
        return [f"{where}: not a JSON object"]
    out = [f"{where}: missing '{k}'" for k in sorted(_REQUIRED - row.keys())]
    out += [f"{where}: unknown field '{k}'" for k in sorted(row.keys() - _FIELDS)]
    if not isinstance(row.get("text"), str) or not row.get("text", "").strip():
        out.append(f"{where}: text: must be a non-empty string")
    kinds = row.get("kinds")
    if not isinstance(kinds, list):
        out.append(f"{where}: kinds: must be a list")
    else:
        out += [f"{where}: kinds: unknown kind '{k}'" for k in kinds if k not in QUESTIONS]
    if row.get("register") not in REGISTERS:
        out.append(f"{where}: register: '{row.get('register')}' not one of {', '.join(REGISTERS)}")
    if row.get("split") not in SPLITS:
        out.append(f"{where}: split: '{row.get('split')}' not one of {', '.join(SPLITS)}")
    return out


def _read(path: Path) -> tuple[list[QuestionExample], list[str]]:
    examples: list[QuestionExample] = []
    problems: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}:{number}: not JSON ({exc.msg})")
            continue
        found = _problems(f"{path.name}:{number}", row)
        if found:
            problems += found
            continue
        examples.append(
            QuestionExample(
                text=row["text"],
                kinds=frozenset(row["kinds"]),
                register=row["register"],
                split=row["split"],
                group=str(row["group"]),
                third_party=bool(row.get("third_party", False)),
                source=f"{path.name}:{number}",
            )
        )
    return examples, problems


def check_corpus(path: str | Path = CORPUS_PATH) -> list[str]:
    """Every problem of the corpus, one line each: schema, duplicates, groups across splits."""
    examples, problems = _read(Path(path))
    seen: dict[str, str] = {}
    split_of: dict[str, tuple[str, str]] = {}
    for ex in examples:
        key = corpus_key(ex.text)
        if key in seen:
            problems.append(f"{ex.source}: duplicate of {seen[key]} (after simplification)")
        seen.setdefault(key, ex.source)
        first = split_of.setdefault(ex.group, (ex.split, ex.source))
        if first[0] != ex.split:
            problems.append(f"{ex.source}: group '{ex.group}' is also in {first[0]} ({first[1]})")
    return problems


def load_questions(
    split: str | None = None, path: str | Path = CORPUS_PATH
) -> list[QuestionExample]:
    """The corpus' lines (one split, or all), validated completely first.

    Raises:
        ValueError: listing every problem, one per line.

    """
    problems = check_corpus(path)
    if problems:
        raise ValueError("\n".join(problems))
    examples, _ = _read(Path(path))
    return [ex for ex in examples if split is None or ex.split == split]
