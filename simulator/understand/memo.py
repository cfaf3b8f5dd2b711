"""One normalisation per utterance per process, shared by every reader of it.

Scoring one trainee line normalises it for the encoder's batch, for the rules, for the rubric
patterns and for the call state; :func:`normalized` does it once (``Normalized`` is frozen, so
the one object is safely shared). ``bench/understanding.py`` measures what it saves.
"""

from __future__ import annotations

from functools import lru_cache

from simulator.understand.normalize import Normalized, normalize_with_map

__all__ = ["CACHE_SIZE", "normalized"]

CACHE_SIZE = 65536
"""Utterances kept, as many as the scorer's other per-utterance caches (about 1.2 KB each for a
40-character line: at most ~80 MB, what the scorer's own cache of folded lines held before)."""


@lru_cache(maxsize=CACHE_SIZE)
def normalized(text: str) -> Normalized:
    """:func:`.normalize.normalize_with_map` of ``text``, from the cache when seen before."""
    return normalize_with_map(text)
