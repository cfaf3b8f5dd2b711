"""Matching text the way a trainer reads it: width, spacing and punctuation do not matter.

The scorer matches rubric patterns on the same normalised text, with the same denial rule, as
``simulator.understand`` uses for dialogue acts: one vocabulary, one place to improve it.
``不 要 脸``, ``不要-脸`` and ``不要脸`` are the same words to the scorer, so a trainee cannot dodge
a rule with a space; a denial (``我可没说要去你家``) only cancels words in its own clause.
"""

from __future__ import annotations

from simulator.understand.core import is_negated
from simulator.understand.memo import normalized
from simulator.understand.normalize import Normalized

__all__ = ["Folded", "fold", "denied_at", "quote_around"]

Folded = Normalized
"""An utterance prepared for matching (``text``, ``original``, and the map between them)."""


def fold(original: str) -> Folded:
    """Normalise an utterance for matching (cached: scoring the same words twice costs nothing).

    The same object ``understand`` reads (:func:`simulator.understand.memo.normalized`).
    """
    return normalized(original)


def denied_at(folded: Folded, pos: int, end: int | None = None, acts: tuple[str, ...] = ()) -> bool:
    """True if the words at normalised position ``pos`` are denied in their own clause.

    ``acts``: also the denial cues those acts have in ``understand`` (advice *against*
    borrowing denies borrowing words), so a rubric pattern is read like the act it stands for.
    """
    return is_negated(folded, pos, end if end is not None else pos + 1, acts)


def quote_around(folded: Folded, start: int, end: int, limit: int = 60) -> str:
    """The original words for a normalised span, widened to its clause, at most ``limit`` chars."""
    if not folded.text:
        return folded.original.strip()[:limit]
    start = min(start, len(folded.text) - 1)
    end = max(min(end, len(folded.text)), start + 1)
    return folded.quote(start, end, limit)
