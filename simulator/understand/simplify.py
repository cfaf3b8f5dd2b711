"""Traditional → simplified Chinese, before anything reads a line (OpenCC's ``t2s``).

A Whisper recogniser often prints Mandarin in traditional characters, and some trainees type
them. Every reader of Chinese in the app (understanding, the scorer, the coach, the recogniser's
output) sees simplified text, so one vocabulary serves all. OpenCC is the standard converter
(phrase-level tables, e.g. 頭髮 → 头发, not character by character).
"""

from __future__ import annotations

import functools

__all__ = ["VARIANTS", "to_simplified"]

VARIANTS = str.maketrans({"妳": "你", "伱": "你", "祢": "你", "祂": "他", "牠": "它"})
"""Variant forms of the pronouns that OpenCC's ``t2s`` keeps (they are standard in Taiwan:
妳 for a woman addressed, 祢 / 祂 for a deity; 伱 is an old variant of 你), folded to the
form every rule and the example layer read (``P`` is 您|你). One character for one, so
positions map back unchanged."""


@functools.cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=8192)
def to_simplified(text: str) -> str:
    """``text`` in simplified characters, pronoun variants folded (:data:`VARIANTS`).

    Lengths can differ only for rare phrase conversions; callers that map positions back to
    the original text must check the length (see :mod:`simulator.understand.normalize`).
    """
    if not text or text.isascii():
        return text
    return _converter().convert(text).translate(VARIANTS)
