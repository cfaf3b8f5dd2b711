"""Precision and recall of an understander on labelled lines, per act.

Used by ``bench/understanding.py`` (figures on the held-out split) and by the tests (targets
asserted on a fixed sample). Precision of act *a* = lines flagged *a* that carry *a* / lines
flagged *a*; recall = lines carrying *a* that were flagged / lines carrying *a*. Near-misses
flagged = lawful near-miss lines given any of the violation acts they resemble.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from simulator.understand.corpus import Example

__all__ = ["ActScore", "Evaluation", "evaluate"]


@dataclass
class ActScore:
    """Counts for one act."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    """Texts carrying the act that were not flagged."""
    false_alarms: list[str] = field(default_factory=list)
    """Texts flagged with the act that do not carry it."""

    @property
    def precision(self) -> float:
        """1.0 when nothing was flagged."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """1.0 when no line carries the act."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def support(self) -> int:
        """Lines carrying the act."""
        return self.tp + self.fn


@dataclass
class Evaluation:
    """Per-act scores and the near-miss rate over a set of lines."""

    acts: dict[str, ActScore]
    near_misses: int
    near_misses_flagged: list[str]

    @property
    def near_miss_rate(self) -> float:
        """Share of near-miss lines flagged with a violation they only resemble."""
        return len(self.near_misses_flagged) / self.near_misses if self.near_misses else 0.0


def evaluate(
    examples: Iterable[Example],
    acts_of: Callable[[str], Iterable[str]],
    acts: Iterable[str],
) -> Evaluation:
    """Run ``acts_of`` (text → act names found) over ``examples`` and count, for ``acts``."""
    wanted = list(acts)
    scores = {a: ActScore() for a in wanted}
    near, flagged_near = 0, []
    for example in examples:
        found = set(acts_of(example.text))
        for act in wanted:
            said, seen = act in example.acts, act in found
            score = scores[act]
            if said and seen:
                score.tp += 1
            elif seen:
                score.fp += 1
                score.false_alarms.append(example.text)
            elif said:
                score.fn += 1
                score.misses.append(example.text)
        if example.near_miss_of:
            near += 1
            if example.near_miss_of & found:
                flagged_near.append(example.text)
    return Evaluation(scores, near, flagged_near)
