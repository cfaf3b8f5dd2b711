"""Windows of a long utterance: where the example layer also looks for a violation.

A trainee's turn is often long and mostly lawful, with one violation slipped in
(``您别着急，咱们一起想办法……过年不是都见过亲戚嘛，开个口借个一万不难的，先把这边结清``).
Read whole, the violating words are a small share of the line's n-grams and of its sentence
embedding, and the example layer's probability falls below its threshold: on a fresh writer's
lines (2026-11-30, 1,920 lines nobody had tuned to) the stack found some violation in 42 % of the
long rambling ones against 76-88 % of the other registers.

So for a violation act the example layer reads the whole utterance *and* runs of :data:`SIZE`
consecutive clauses, and decides on the reading that finds the act most likely
(:func:`.fusion.strongest`). A window is read like an utterance of its own — its rules, its
denials and conditions, its nearest labelled line — by its n-grams alone: the sentence
embedding is the whole line's (embedding every window too cut scoring from 23 to 18 calls/s).
The thresholds are cross-validated on exactly this reading (:func:`.build._components`), so a
window is no easier to flag than a line.
"""

from __future__ import annotations

from simulator.understand.normalize import Normalized, normalize_with_map

__all__ = ["MIN_CLAUSES", "SIZE", "STRIDE", "SUPPORT", "windows"]

SIZE = 3
"""Clauses in a window: enough to keep a condition or a denial with its words
(``要是有人说要上门找您，您可以直接报警``), few enough that the violation is not diluted."""
STRIDE = 2
"""Clauses from one window's start to the next: every clause but the first and last is the middle
of some window, with a neighbour on each side, at half the cost of a window at every clause.
(The 23 → 17 calls/s fall measured in the sixth session with stride 1 was for windows that were
also embedded; read by their n-grams only, as now, windows cost far less.)"""
SUPPORT = 0.05
"""Least P of a violation act in the whole utterance for a window's reading of it to count.

A window drops its neighbours, and with them what may make it lawful (advice against, a
dismissal, the customer's words reported). Chosen on a development split of a sixth round of
writers' lines (576 lines, 2026-11-30; windows at every clause, the index cross-validated for
them): without it recall 0.814 with 11 of 240 lawful near-misses flagged; at 0.05 0.814 with 8;
at 0.1 0.804 with 8; at 0.3 0.795 with 7. The same lines read whole only: recall 0.764."""
MIN_CLAUSES = SIZE + 1
"""An utterance with fewer clauses than this is read whole only (a window would be all of it)."""


def windows(nm: Normalized) -> list[tuple[int, Normalized]]:
    """Runs of :data:`SIZE` consecutive clauses of ``nm``, every :data:`STRIDE` clauses.

    Each is normalised on its own; the last run ends at the last clause.

    Args:
        nm: The whole utterance, normalised (:func:`.normalize.normalize_with_map`).

    Returns:
        ``(offset, window)`` pairs, in order: ``offset`` is where the window's first clause
        starts in ``nm.text``; ``window`` is the original words of the clauses, normalised
        again (its positions are its own). Empty when ``nm`` has fewer than
        :data:`MIN_CLAUSES` non-empty clauses.

    """
    starts: dict[int, int] = {}
    for i, number in enumerate(nm.clause):
        starts.setdefault(number, i)
    numbers = sorted(starts)
    if len(numbers) < MIN_CLAUSES:
        return []
    out: list[tuple[int, Normalized]] = []
    starts_at = list(range(0, len(numbers) - SIZE + 1, STRIDE))
    if starts_at[-1] != len(numbers) - SIZE:
        starts_at.append(len(numbers) - SIZE)
    for k in starts_at:
        first, last = numbers[k], numbers[k + SIZE - 1]
        begin, end = nm.clauses[first][0], nm.clauses[last][1]
        window = normalize_with_map(nm.original[begin:end])
        if window.text:
            out.append((starts[first], window))
    return out
