"""Matching text the way a trainer reads it: width, spacing and punctuation do not matter.

Every pattern in a rubric is matched against :func:`fold` of an utterance: NFKC (full-width
letters and digits become half-width), lower case, and no spaces, punctuation, symbols or
invisible characters. ``不 要 脸``, ``不要-脸`` and ``不要脸`` are the same words to the scorer,
so a trainee cannot dodge a rule with a space. Clause boundaries (where punctuation stood) are
kept aside, because a denial (``我可没说要去你家``) only cancels words in its own clause.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Folded", "fold", "denied_at", "quote_around"]

_CLAUSE_BREAKS = set("，。！？；：,.!?;:\n…")

# Words that deny what follows in the same clause: 我可没说要去你家 / 我们不会上门 / 不是威胁您.
_DENIAL = re.compile(
    r"(可没|没说|没有说|没讲|不是说|不是要|没有要|没要|并不|并没|绝不|绝没|不会|不可能|从来没|"
    r"从没|哪里说|谁说|谁要|没打算|不打算|没想|不是在|不是威胁|不存在)"
)


@dataclass(frozen=True)
class Folded:
    """An utterance prepared for matching."""

    original: str
    """The words as said."""
    text: str
    """Folded text: NFKC, lower case, no spaces, punctuation or symbols."""
    index: tuple[int, ...]
    """For each character of ``text``, its position in ``original``."""
    clause_starts: tuple[int, ...]
    """Positions in ``text`` where a clause begins (after punctuation in the original)."""

    def clause_start(self, pos: int) -> int:
        """Where the clause holding folded position ``pos`` begins."""
        start = 0
        for begin in self.clause_starts:
            if begin > pos:
                break
            start = begin
        return start


@lru_cache(maxsize=65536)
def fold(original: str) -> Folded:
    """Fold an utterance for matching (cached: scoring the same words twice costs nothing)."""
    chars: list[str] = []
    index: list[int] = []
    starts: list[int] = [0]
    for pos, raw in enumerate(original):
        if raw in _CLAUSE_BREAKS:
            if chars and starts[-1] != len(chars):
                starts.append(len(chars))
            continue
        for ch in unicodedata.normalize("NFKC", raw).lower():
            if ch in _CLAUSE_BREAKS:
                if chars and starts[-1] != len(chars):
                    starts.append(len(chars))
                continue
            category = unicodedata.category(ch)
            if category[0] in "PZSC":  # punctuation, spaces, symbols, control/format
                continue
            chars.append(ch)
            index.append(pos)
    return Folded(original, "".join(chars), tuple(index), tuple(starts))


def denied_at(folded: Folded, pos: int, window: int = 8) -> bool:
    """True if a denial stands just before folded position ``pos`` in the same clause."""
    begin = max(folded.clause_start(pos), pos - window)
    return _DENIAL.search(folded.text, begin, pos) is not None


def quote_around(folded: Folded, start: int, end: int, limit: int = 60) -> str:
    """The original words for a folded span, widened to its clause, at most ``limit`` chars."""
    if not folded.index:
        return folded.original.strip()[:limit]
    start = min(start, len(folded.index) - 1)
    end = max(min(end, len(folded.index)), start + 1)
    left = folded.index[start]
    right = folded.index[end - 1] + 1
    text = folded.original
    while left > 0 and text[left - 1] not in _CLAUSE_BREAKS and right - left < limit:
        left -= 1
    while right < len(text) and text[right] not in _CLAUSE_BREAKS and right - left < limit:
        right += 1
    return text[left:right].strip()
