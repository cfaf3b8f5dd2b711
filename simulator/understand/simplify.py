"""Traditional → simplified Chinese, before anything reads a line (OpenCC's ``t2s``).

A Whisper recogniser often prints Mandarin in traditional characters, and some trainees type
them. Every reader of Chinese in the app (understanding, the scorer, the coach, the recogniser's
output) sees simplified text, so one vocabulary serves all. OpenCC is the standard converter
(phrase-level tables, e.g. 頭髮 → 头发, not character by character).
"""

from __future__ import annotations

import functools

__all__ = ["to_simplified"]


@functools.cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=8192)
def to_simplified(text: str) -> str:
    """``text`` in simplified characters (unchanged when it already is).

    Lengths can differ only for rare phrase conversions; callers that map positions back to
    the original text must check the length (see :mod:`simulator.understand.normalize`).
    """
    if not text or text.isascii():
        return text
    return _converter().convert(text)
