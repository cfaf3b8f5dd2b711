"""A rubric's examples are its test cases: ``callsim rubric check`` runs every one.

A ``say`` example is one agent utterance after the customer picks up (``喂？``); a ``turns``
example is a short dialogue. Each is scored with the whole rubric, then the one criterion is
read: a *bad* example must fire a prohibited criterion (or fail a step, or score under half on
a quality criterion) and a *good* one must not.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from scoring.rubric import Criterion, Example, Kind, LoadedRubric, RubricError, load_rubric
from scoring.scorer import score
from simulator.datafile import check_files

__all__ = ["check_examples", "check_paths", "example_fires"]


def _transcript(example: Example) -> dict:
    if example.say is not None:
        turns = [{"speaker": "customer", "text": "喂？"}, {"speaker": "agent", "text": example.say}]
    else:
        turns = [{"speaker": t.speaker, "text": t.text} for t in example.turns or []]
    return {"persona": "example", "started_at": example.started_at, "turns": turns}


def example_fires(rubric: LoadedRubric, criterion: Criterion, example: Example) -> bool:
    """True when the example is judged *bad* for this criterion."""
    outcome = {"persona_archetype": example.archetype} if example.archetype else None
    card = score(_transcript(example), rubric, outcome)
    if criterion.kind == Kind.prohibited:
        return any(v["criterion"] == criterion.id for v in card["violations"])
    entry = next((c for c in card["criteria"] if c["id"] == criterion.id), None)
    if entry is None:  # not applicable in this call: nothing earned
        return True
    if criterion.kind == Kind.required_step:
        return entry["points"] <= 0
    return entry["points"] < entry["max_points"] / 2


def check_examples(rubric: LoadedRubric) -> list[str]:
    """Run every example; return one ``file: criteria.N.examples.bad.M: …`` line per failure."""
    problems = []
    for i, criterion in enumerate(rubric.model.criteria):
        for label, examples, want in (
            ("bad", criterion.examples.bad, True),
            ("good", criterion.examples.good, False),
        ):
            for j, example in enumerate(examples):
                try:
                    fired = example_fires(rubric, criterion, example)
                except ValueError as exc:  # a malformed example dialogue
                    problems.append(f"{rubric.path}: criteria.{i}.examples.{label}.{j}: {exc}")
                    continue
                if fired != want:
                    text = example.say or " / ".join(t.text for t in example.turns or [])
                    verdict = (
                        "should fire but stays silent" if want else "should stay silent but fires"
                    )
                    problems.append(
                        f"{rubric.path}: criteria.{i}.examples.{label}.{j}: "
                        f"{criterion.id} {verdict}: {text[:50]}"
                    )
    return problems


def check_paths(paths: Iterable[str | Path]) -> list[str]:
    """Validate rubric files or folders and run their examples; return every problem."""

    def check(file: Path) -> list[str]:
        try:
            loaded = load_rubric(file)
        except RubricError as exc:
            return exc.problems
        return check_examples(loaded)

    return check_files(paths, "rubric", check)
