"""Text normalisation for matching, with a map back to the original text.

Matching must ignore full-/half-width forms, letter case, spacing and punctuation (``我 理 解``
matches ``我理解``), yet the evidence quoted on a scorecard must be the trainee's own words. So
:func:`normalize_with_map` records, for every normalised character, the index it came from and
the clause it sits in (clauses are split at sentence punctuation such as ``，。！？``).

Traditional characters are simplified first (:func:`.simplify.to_simplified`, OpenCC ``t2s``),
so ``讓你領導知道`` matches what ``让你领导知道`` matches, while the quote stays the trainee's own
characters.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from simulator.understand.simplify import to_simplified

__all__ = ["Normalized", "normalize", "normalize_with_map"]

# How one original character is treated.
_KEEP, _DROP, _BOUNDARY, _JOINER = 0, 1, 2, 3

# Punctuation that ends a clause (after NFKC, so full-width forms are already half-width).
_BOUNDARY_CHARS = frozenset(",.!?;:\n\r。！？；…～~|")
# Kept between two digits: a decimal point (2.5万), a time (8:30), a thousands comma (3,500).
_JOINER_CHARS = frozenset(".:,")

_CACHE: dict[str, tuple[str, int]] = {}


def _classify(ch: str) -> tuple[str, int]:
    """Return the normalised form of one character and how it is treated."""
    out = unicodedata.normalize("NFKC", ch).lower()
    if len(out) == 1 and out in _JOINER_CHARS:
        return out, _JOINER
    if out and all(c in _BOUNDARY_CHARS for c in out):
        return "", _BOUNDARY
    kept = "".join(c for c in out if unicodedata.category(c)[0] not in "PZC")
    # Currency signs are symbols worth keeping (¥3500); other symbols (emoji, ★) are noise.
    kept = "".join(c for c in kept if unicodedata.category(c) != "So")
    return kept, (_KEEP if kept else _DROP)


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised utterance and the way back to the original words."""

    text: str
    """Normalised text: NFKC, lower-case, no spaces or punctuation."""
    original: str
    """The utterance as said."""
    origin: tuple[int, ...]
    """For each character of ``text``, the index in ``original`` it came from."""
    clause: tuple[int, ...]
    """For each character of ``text``, the number of the clause it belongs to."""
    clauses: tuple[tuple[int, int], ...]
    """For each clause number, its ``(start, end)`` span in ``original``."""

    def quote(self, start: int, end: int, limit: int = 60) -> str:
        """Return the original clause holding normalised span ``[start, end)``.

        Args:
            start: Start index in ``text``.
            end: End index in ``text`` (exclusive, > start).
            limit: Longest clause returned whole; longer ones give just the matched words.

        Returns:
            The trainee's own words, stripped of surrounding spaces.

        """
        span_start = self.clauses[self.clause[start]][0]
        span_end = self.clauses[self.clause[end - 1]][1]
        if span_end - span_start > limit:
            span_start, span_end = self.origin[start], self.origin[end - 1] + 1
        return self.original[span_start:span_end].strip()


def _simplified_aligned(text: str) -> str:
    """``text`` in simplified characters, one character for each of ``text``'s.

    OpenCC converts by phrase; in the rare case a phrase changes length, each character is
    converted on its own instead, so positions still map back to the original.
    """
    simple = to_simplified(text)
    if len(simple) == len(text):
        return simple
    out = []
    for ch in text:
        one = to_simplified(ch)
        out.append(one if len(one) == 1 else ch)
    return "".join(out)


def normalize_with_map(text: str) -> Normalized:
    """Normalise ``text`` and keep the map from normalised positions back to ``text``.

    Args:
        text: The utterance as said (or as recognised), in simplified or traditional characters.

    Returns:
        The normalised (simplified) text with its origin and clause maps into ``text``.

    """
    source = text
    text = _simplified_aligned(text)
    chars: list[str] = []
    origin: list[int] = []
    clause: list[int] = []
    clauses: list[tuple[int, int]] = []
    clause_no = 0
    clause_start = 0
    n = len(text)
    for i, ch in enumerate(text):
        entry = _CACHE.get(ch)
        if entry is None:
            entry = _classify(ch)
            if len(_CACHE) < 20000:
                _CACHE[ch] = entry
        out, kind = entry
        if kind == _JOINER:
            prev_digit = bool(chars) and chars[-1].isdigit() and origin[-1] == i - 1
            nxt = text[i + 1] if i + 1 < n else ""
            if prev_digit and nxt and unicodedata.normalize("NFKC", nxt).isdigit():
                if out != ",":  # a thousands comma vanishes; a decimal point or colon stays
                    chars.append(out)
                    origin.append(i)
                    clause.append(clause_no)
                continue
            kind = _BOUNDARY
        if kind == _BOUNDARY:
            clauses.append((clause_start, i))
            clause_no += 1
            clause_start = i + 1
            continue
        if kind == _DROP:
            continue
        for c in out:
            chars.append(c)
            origin.append(i)
            clause.append(clause_no)
    clauses.append((clause_start, n))
    return Normalized("".join(chars), source, tuple(origin), tuple(clause), tuple(clauses))


def normalize(text: str) -> str:
    """Normalise text for matching: simplified, NFKC, lower-case, no spaces or punctuation.

    A decimal point or a time colon between two digits is kept (``2.5万``, ``8:30``) and a
    thousands comma is dropped (``3,500`` → ``3500``), so numbers keep their meaning.

    Args:
        text: Any text.

    Returns:
        The normalised text.

    """
    return normalize_with_map(text).text
