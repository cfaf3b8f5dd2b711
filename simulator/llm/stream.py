"""Streaming to voice: cut the reply into sentences as tokens arrive, speak each at once.

The customer starts speaking when the model has written its first sentence, not its last:
:func:`stream_sentences` yields each sentence the moment its closing mark arrives, and
:func:`speak_streaming` synthesises sentence 1 in a worker thread while the model is still
writing sentence 2.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

__all__ = [
    "SENTENCE_END",
    "ends_sentence",
    "speak_streaming",
    "split_sentences",
    "stream_sentences",
]

SENTENCE_END = "。！？!?…"
_CLOSERS = "”’」』）)\"'"
_COMMAS = "，,；;"
LONG_COMMA = 12
"""A comma this many characters into a sentence is a place to cut, too (TTS starts sooner)."""

T = TypeVar("T")


def _cut(buffer: str, long_comma: int) -> int:
    """Index just after the first complete piece in ``buffer``, or 0 when none yet.

    A piece ends at a sentence mark, or at a comma ``long_comma`` characters in, whichever
    comes first — so the cut does not depend on how the tokens were chunked.
    """
    for i, ch in enumerate(buffer):
        if ch in SENTENCE_END:
            j = i + 1
            while j < len(buffer) and (buffer[j] in SENTENCE_END or buffer[j] in _CLOSERS):
                j += 1
            if j == len(buffer) and ch == "…":
                return 0  # "……" may still be arriving one dot at a time
            return j
        if ch in _COMMAS and i >= long_comma:
            return i + 1
    return 0


def ends_sentence(piece: str) -> bool:
    """True when a piece ends a sentence (not just a long clause cut at a comma)."""
    return piece.rstrip(_CLOSERS).endswith(tuple(SENTENCE_END))


def stream_sentences(tokens: Iterable[str], *, long_comma: int = LONG_COMMA) -> Iterator[str]:
    """Yield sentences from a stream of text pieces as soon as each is complete.

    A sentence ends at 。！？!?… (with any closing quotes), or at a comma that comes at least
    ``long_comma`` characters in. Whatever is left when the tokens end is the last sentence.
    An exception from ``tokens`` propagates; the unfinished sentence is then not yielded.
    """
    buffer = ""
    for token in tokens:
        buffer += token
        while True:
            cut = _cut(buffer, long_comma)
            if not cut:
                break
            sentence, buffer = buffer[:cut].strip(), buffer[cut:]
            if sentence:
                yield sentence
    buffer = buffer.strip()
    if buffer:
        yield buffer


def split_sentences(text: str, *, long_comma: int = LONG_COMMA) -> list[str]:
    """The sentences of a finished text, cut the same way as a stream."""
    return list(stream_sentences([text], long_comma=long_comma))


def speak_streaming(
    sentences: Iterable[str],
    tts_fn: Callable[[str], T],
    *,
    on_audio: Callable[[int, str, T], None] | None = None,
) -> list[T]:
    """Synthesise each sentence as soon as it arrives, overlapping TTS with generation.

    A worker thread runs ``tts_fn`` over a queue while this thread keeps pulling sentences
    (from the model); ``on_audio(i, sentence, audio)`` is called, in order, as each clip is
    ready, so playback can start with the first one.

    Returns:
        The clips in sentence order.

    Raises:
        Exception: whatever ``sentences`` or ``tts_fn`` raised, after the worker has stopped.

    """
    todo: queue.Queue[tuple[int, str] | None] = queue.Queue()
    clips: list[T] = []
    errors: list[BaseException] = []

    def worker() -> None:
        while (item := todo.get()) is not None:
            if errors:
                continue  # drain: something already failed
            i, sentence = item
            try:
                clip = tts_fn(sentence)
                clips.append(clip)
                if on_audio is not None:
                    on_audio(i, sentence, clip)
            except BaseException as exc:  # handed back to the caller below
                errors.append(exc)

    thread = threading.Thread(target=worker, name="speak_streaming", daemon=True)
    thread.start()
    try:
        for i, sentence in enumerate(sentences):
            todo.put((i, sentence))
            if errors:
                break
    finally:
        todo.put(None)
        thread.join()
    if errors:
        raise errors[0]
    return clips
