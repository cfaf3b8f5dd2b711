"""Character n-grams of an utterance: the features of the example layer, at build and run time.

The same code feeds scikit-learn's ``TfidfVectorizer(analyzer=ngrams)`` when the index is built
(``callsim corpus build``) and the numpy scorer in :mod:`.examples` at run time, so the two can
never disagree. Text is simplified (OpenCC) and normalised (:mod:`.normalize`) first; n-grams do
not cross a clause boundary, and each clause is padded with a space at both ends so its first and
last characters are features of their own (like scikit-learn's ``char_wb``). ASCII digits
become ``0`` (the amount said is not evidence of a violation) and a few words in which 借 does
not mean borrowing are folded (``借记卡`` → ``储蓄卡``).

Words after a denial cue (:func:`.negation.scope_start`) are marked with ``¬`` (``我不是律师``
gives ``我不是`` … and ``¬律师``): the rule decides the scope, the classifier learns what a denied
phrase means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from simulator.understand.negation import scope_start
from simulator.understand.normalize import Normalized, normalize_with_map

__all__ = ["NEG", "NGRAM_RANGE", "Gram", "clause_spans", "feature_names", "grams", "ngrams"]

NGRAM_RANGE = (1, 4)
"""Smallest and largest n-gram length, in characters."""
NEG = "¬"
"""Prefix of an n-gram inside a denial scope; alone, the feature "this clause denies"."""

_DIGITS = re.compile(r"\d")
# Words in which 借 does not mean borrowing; folded so "借" stays evidence of borrowing only.
_HOMOGRAPHS = {"借记卡": "储蓄卡", "借口": "理由", "借助": "通过", "借此": "趁此", "凭借": "凭着"}
_HOMOGRAPH = re.compile("|".join(_HOMOGRAPHS))


@dataclass(frozen=True, slots=True)
class Gram:
    """One n-gram occurrence."""

    feature: str
    """The feature name (``¬`` first when denied)."""
    start: int
    """Start in the normalised text (the padding space maps to the clause's first character)."""
    end: int
    """End in the normalised text (exclusive)."""


def clause_spans(nm: Normalized) -> list[tuple[int, int]]:
    """``(start, end)`` spans of ``nm.text``, one per non-empty clause, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    clause = nm.clause
    for i in range(1, len(clause) + 1):
        if i == len(clause) or clause[i] != clause[start]:
            spans.append((start, i))
            start = i
    return spans


def _segments(nm: Normalized) -> list[tuple[str, int, str]]:
    """The utterance as ``(text, offset, prefix)`` pieces; ``("", at, NEG)`` marks a denial."""
    pieces: list[tuple[str, int, str]] = []
    starts = [0, 0]  # where the two clauses before this one start (a condition's reach)
    for start, end in clause_spans(nm):
        clause = nm.text[start:end]
        scope = scope_start(clause, nm.text[starts[-2] : start])
        starts.append(start)
        if scope is None:
            pieces.append((clause, start, ""))
            continue
        if scope:
            pieces.append((clause[:scope], start, ""))
        if scope < len(clause):
            pieces.append((clause[scope:], start + scope, NEG))
        pieces.append(("", start + max(scope - 1, 0), NEG))
    return pieces


def _padded(text: str) -> str:
    """A piece as its n-grams see it: digits folded, homographs folded, a space at each end."""
    text = _DIGITS.sub("0", text)
    if "借" in text:
        text = _HOMOGRAPH.sub(lambda m: _HOMOGRAPHS[m.group()], text)
    return f" {text} "


def feature_names(nm: Normalized) -> list[str]:
    """Every n-gram of a normalised utterance as a feature name, in :func:`grams` order."""
    lo, hi = NGRAM_RANGE
    out: list[str] = []
    for text, _, prefix in _segments(nm):
        if not text:
            out.append(prefix)
            continue
        padded = _padded(text)
        size = len(padded)
        for n in range(lo, hi + 1):
            if n == 1:  # the padding spaces alone are not features
                out.extend(prefix + c for c in padded[1:-1])
            else:
                out.extend(prefix + padded[i : i + n] for i in range(size - n + 1))
    return out


def grams(nm: Normalized) -> list[Gram]:
    """Every n-gram occurrence of a normalised utterance, with where it is (for evidence).

    Args:
        nm: The utterance, simplified and normalised (:func:`.normalize.normalize_with_map`).

    Returns:
        The occurrences, repeats kept (term frequency counts them), in the order of
        :func:`feature_names`.

    """
    lo, hi = NGRAM_RANGE
    out: list[Gram] = []
    for text, offset, prefix in _segments(nm):
        if not text:
            out.append(Gram(prefix, offset, offset + 1))
            continue
        padded = _padded(text)
        last = offset + len(text)
        for n in range(lo, hi + 1):
            for i in range(len(padded) - n + 1):
                gram = padded[i : i + n]
                if gram == " ":
                    continue
                begin = min(max(offset + i - 1, offset), last - 1)
                out.append(
                    Gram(prefix + gram, begin, max(min(offset + i - 1 + n, last), begin + 1))
                )
    return out


def ngrams(text: str) -> list[str]:
    """The feature names of one utterance (any script): the analyzer the index is built with."""
    return feature_names(normalize_with_map(text))
