"""The example layer: acts recognised by their likeness to labelled lines, numpy only at run time.

``callsim corpus build`` (:mod:`.build`, scikit-learn, build time only) learns, from the corpus'
``train`` split, one logistic regression per modelled act over TF-IDF weighted character n-grams
(:mod:`.features`) and, for the violation acts, the utterance's sentence embedding
(:mod:`.encoder`, 512-d) weighted by ``w`` per act; it picks its thresholds by cross-validation
on ``train`` and writes ``example_index.npz`` beside this module. Here that file is read and
applied:

- ``probabilities``: P(act | utterance) for every modelled act, shape ``(A,)``. The encoder
  runs only when the gate opens: some violation act is at least ``gate`` likely without it
  (the n-grams plus each act's mean embedding term over ``train``, which is also what an
  utterance gets when the gate stays shut, so probabilities stay calibrated). ``gate`` is
  chosen by cross-validation on ``train`` (:func:`.build._gate`: 0.01 in the 2026-11-30 build,
  costing no violation act more than 0.01 of recall); on lines no build saw (the held-out
  splits, measured once) it opened for 33 % of ordinary questions, 38 % of lawful trainee
  lines, 49 % of lawful near-misses and 99.4 % of violations;
- ``evidence``: for one act, the clause that carries most of the score (the quote), the n-gram
  in it that carries most (where the rule-based denial check looks), and the nearest labelled
  ``train`` line carrying the act with its cosine similarity in ``[0, 1]`` (what the scorecard
  shows as the example it resembles).

Nothing is trained at run time; a stale file (corpus or feature code changed since the build)
is caught by ``tests/test_understand_index.py``.
"""

from __future__ import annotations

import functools
import json
import logging
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simulator.understand import encoder
from simulator.understand.features import NEG, feature_names, grams
from simulator.understand.memo import normalized
from simulator.understand.normalize import Normalized

log = logging.getLogger(__name__)

__all__ = [
    "INDEX_PATH",
    "MIN_CHARS",
    "Evidence",
    "ExampleModel",
    "Features",
    "default_model",
    "prepare",
]

INDEX_PATH = Path(__file__).resolve().parent / "example_index.npz"
"""The shipped index, built from the corpus' ``train`` split by ``callsim corpus build``."""
FEATURES_CACHE = 1024
"""Utterances whose weighted n-grams a model keeps (a 30-turn call's trainee lines, many times)."""
MIN_CHARS = 3
"""An utterance shorter than this (normalised characters) is too short to resemble a labelled
line: ``随你`` shares a character with ``随时能过去坐坐`` and nothing else. The rules still read it."""


@dataclass(frozen=True)
class Features:
    """One utterance as the model sees it."""

    nm: Normalized
    index: np.ndarray
    """Distinct vocabulary indices, shape ``(K,)``, int."""
    weight: np.ndarray
    """L2-normalised TF-IDF weight of each of ``index``, shape ``(K,)``, float32."""
    count: np.ndarray
    """How many occurrences each of ``index`` has, shape ``(K,)``."""
    _found: list = field(default_factory=list, repr=False, compare=False)
    """The n-gram occurrences in the vocabulary, computed once for every act's evidence."""


@dataclass(frozen=True)
class Evidence:
    """Why the example layer thinks an utterance performs an act."""

    start: int
    """Start of the strongest n-gram in the normalised text."""
    end: int
    """End of that n-gram (exclusive)."""
    clause_start: int
    """Start of the clause carrying most of the score, in the normalised text."""
    clause_end: int
    """End of that clause (exclusive)."""
    example: str
    """The nearest ``train`` line labelled with the act."""
    example_source: str
    """Where that line is in the corpus (``threat.jsonl:12``)."""
    similarity: float
    """Cosine similarity of the utterance and ``example`` (TF-IDF n-grams), 0..1."""
    lawful: str = ""
    """The nearest ``train`` line marked a lawful near-miss of the act ("" if none)."""
    lawful_similarity: float = 0.0
    """Cosine similarity of the utterance and ``lawful``, 0..1."""


class ExampleModel:
    """Logistic regressions over n-gram TF-IDF, with the labelled lines behind them.

    Args:
        arrays: The index's arrays (names and shapes: :func:`.build._fit`).
        embed: Text to its ``(512,)`` sentence embedding (default :func:`.encoder.embed`; the
            build passes the vectors it computed once for every ``train`` line).

    """

    def __init__(
        self,
        arrays: dict[str, np.ndarray],
        embed: Callable[[str], np.ndarray] | None = None,
    ):
        self.acts: tuple[str, ...] = tuple(str(a) for a in arrays["acts"])
        vocab = [str(v) for v in arrays["vocab"]]
        self.vocabulary: dict[str, int] = {gram: i for i, gram in enumerate(vocab)}
        self.idf = arrays["idf"].astype(np.float32)
        self.coef = arrays["coef"].astype(np.float32)  # (V, A)
        if "coef_scale" in arrays:  # int8 weights, one scale per act
            self.coef *= arrays["coef_scale"].astype(np.float32)
        self.intercept = arrays["intercept"].astype(np.float32)  # (A,)
        self.use_coef: np.ndarray | None = None
        """Weights of the sentence embedding, shape ``(512, A)`` (``w`` folded in), or None."""
        if "use_coef" in arrays and np.any(arrays["use_weight"] > 0):
            self.use_coef = arrays["use_coef"].astype(np.float32) * arrays["use_scale"]
            self.use_weight = arrays["use_weight"].astype(np.float32)  # (A,): 0 = not used
            self.use_mean = arrays["use_mean"].astype(np.float32)  # (A,): logit units
            self.gate = float(arrays["gate"])
            """Least P of some violation act (without the encoder) that runs the encoder."""
            g = self.gate  # 0: the encoder always runs; 1: never
            self._gate_logit = (
                -math.inf if g <= 0 else math.inf if g >= 1 else math.log(g / (1 - g))
            )
            self._gated = np.flatnonzero(self.use_weight > 0)
        self._embed = embed or encoder.embed
        self.high = {a: float(t) for a, t in zip(self.acts, arrays["high"], strict=True)}
        """P at or above which the example layer adds the act on its own."""
        self.low = {a: float(t) for a, t in zip(self.acts, arrays["low"], strict=True)}
        """P below which a rule's hit for the act may be overruled (see :mod:`.fusion`)."""
        self.floor = {a: float(t) for a, t in zip(self.acts, arrays["floor"], strict=True)}
        """Least similarity to the nearest labelled line for the example layer to add the act."""
        self.margin = {a: bool(t) for a, t in zip(self.acts, arrays["margin"], strict=True)}
        """Whether the nearest line carrying the act must be closer than the nearest lawful
        near-miss of it for the example layer to add the act."""
        self.train_text = [str(t) for t in arrays["train_text"]]
        self.train_source = [str(t) for t in arrays["train_source"]]
        self.train_acts = arrays["train_acts"].astype(bool)  # (N, A)
        self.train_near = arrays["train_near"].astype(bool)  # (N, A): lawful near-misses
        indptr = arrays["train_indptr"].astype(np.int64)
        indices = arrays["train_indices"].astype(np.int64)
        # the train lines' TF-IDF, kept by column (n-gram → lines) for the nearest-line search
        order = np.argsort(indices, kind="stable")
        self.col_rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))[order]
        self.col_data = arrays["train_data"].astype(np.float32)[order]
        self.col_ptr = np.searchsorted(indices[order], np.arange(len(self.idf) + 1))
        self.lines = len(indptr) - 1
        self.meta: dict = json.loads(str(arrays["meta"]))
        self._col = {a: i for i, a in enumerate(self.acts)}
        # the scorer reads a call's lines twice (prepare, then understand): n-grams once
        self.features = functools.lru_cache(maxsize=FEATURES_CACHE)(self._features)

    @classmethod
    def load(cls, path: str | Path = INDEX_PATH) -> ExampleModel:
        """Read an index written by ``callsim corpus build``."""
        with np.load(path, allow_pickle=False) as npz:
            return cls({name: npz[name] for name in npz.files})

    def _features(self, nm: Normalized) -> Features:
        """The utterance's n-grams weighted as at build time (sublinear TF × IDF, L2 norm).

        Called as ``features(nm)``, through a per-model LRU cache of :data:`FEATURES_CACHE`
        utterances (the arrays it returns are shared: read them, never write).
        """
        vocabulary = self.vocabulary
        # counted by name first (C speed), then kept in vocabulary order, as np.unique would
        found = sorted(
            (vocabulary[name], n)
            for name, n in Counter(feature_names(nm)).items()
            if name in vocabulary
        )
        index = np.array([row for row, _ in found], dtype=np.int64)
        count = np.array([n for _, n in found], dtype=np.int64)
        weight = (1.0 + np.log(count)).astype(np.float32) * self.idf[index]
        norm = float(np.sqrt(weight @ weight))
        if norm > 0:
            weight /= norm
        return Features(nm, index, weight, count)

    def _base_logits(self, f: Features) -> np.ndarray:
        """Logits without the encoder: n-grams, and each act's mean embedding term. ``(A,)``."""
        logits = f.weight @ self.coef[f.index] + self.intercept
        return logits if self.use_coef is None else logits + self.use_mean

    def opens_gate(self, f: Features) -> bool:
        """Whether the utterance runs the encoder: some encoded act is ``gate`` likely without it."""
        if self.use_coef is None:
            return False
        return bool(self._base_logits(f)[self._gated].max() >= self._gate_logit)

    def probabilities(self, f: Features, encode: bool = True) -> dict[str, float]:
        """P(act | utterance) for every modelled act (the encoder's term only past the gate).

        ``encode=False`` reads the n-grams alone, each act's mean embedding term standing in for
        the sentence embedding (as when the gate stays shut): how windows are read.
        """
        logits = self._base_logits(f)
        if encode and self.use_coef is not None and logits[self._gated].max() >= self._gate_logit:
            try:
                vector = self._embed(encoder.text_of(f.nm))
            except encoder.EncoderUnavailable as exc:  # n-grams and the mean term alone
                _warn_once(str(exc))
            else:
                logits = logits - self.use_mean + vector @ self.use_coef
        return {
            a: 1.0 / (1.0 + math.exp(-float(z))) for a, z in zip(self.acts, logits, strict=True)
        }

    def evidence(self, f: Features, act: str, nearest: bool = True) -> Evidence | None:
        """Where in the utterance ``act`` is, and (``nearest``) the labelled line most like it.

        None when the utterance has no n-gram of the vocabulary or is shorter than
        :data:`MIN_CHARS`.
        """
        if len(f.nm.text) < MIN_CHARS:
            return None
        if not f._found:
            f._found.append([g for g in grams(f.nm) if g.feature in self.vocabulary])
        occurrences = f._found[0]
        if not occurrences:
            return None
        col = self._col[act]
        rows = np.array([self.vocabulary[g.feature] for g in occurrences], dtype=np.int64)
        share = dict(zip(f.index.tolist(), (f.weight / f.count).tolist(), strict=True))
        contrib = np.array([share[r] for r in rows.tolist()], dtype=np.float32)
        contrib *= self.coef[rows, col]
        clause = np.array([f.nm.clause[g.start] for g in occurrences])
        best_clause = int(np.argmax(np.bincount(clause, weights=contrib)))
        inside = np.flatnonzero(clause == best_clause)
        # the denial check looks at what was said, not at the scope marker itself
        said = [i for i in inside.tolist() if occurrences[i].feature != NEG] or inside.tolist()
        top = occurrences[max(said, key=lambda i: contrib[i])]
        span = [j for j, c in enumerate(f.nm.clause) if c == best_clause]
        (row, similarity), (near, near_similarity) = (
            self._nearest(f, col) if nearest else ((-1, 0.0), (-1, 0.0))
        )
        return Evidence(
            start=top.start,
            end=top.end,
            clause_start=span[0],
            clause_end=span[-1] + 1,
            example=self.train_text[row] if row >= 0 else "",
            example_source=self.train_source[row] if row >= 0 else "",
            similarity=similarity,
            lawful=self.train_text[near] if near >= 0 else "",
            lawful_similarity=near_similarity,
        )

    def _nearest(self, f: Features, col: int) -> tuple[tuple[int, float], tuple[int, float]]:
        """The nearest ``train`` lines to the utterance: one carrying act ``col``, one lawful.

        Returns:
            ``((row, cosine), (row, cosine))`` for the nearest line labelled with the act and
            the nearest lawful near-miss of it (row ``-1`` when there is none).

        """
        if f.index.size == 0:
            return (-1, 0.0), (-1, 0.0)
        starts, ends = self.col_ptr[f.index], self.col_ptr[f.index + 1]
        lengths = ends - starts
        # every stored weight of the query's n-grams: concatenated ranges starts[k]..ends[k]
        at = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        weights = self.col_data[at] * np.repeat(f.weight, lengths)
        sims = np.bincount(self.col_rows[at], weights=weights, minlength=self.lines)
        found = []
        for mask in (self.train_acts[:, col], self.train_near[:, col]):
            rows = np.flatnonzero(mask)
            if rows.size == 0:
                found.append((-1, 0.0))
                continue
            best = int(rows[np.argmax(sims[rows])])
            found.append((best, round(float(sims[best]), 3)))
        return found[0], found[1]


def prepare(texts: Sequence[str], model: ExampleModel | None = None) -> int:
    """Embed in one batch the utterances among ``texts`` that will open the encoder's gate.

    For the scorer: a call's trainee lines are known before they are read one by one, and a
    batch costs the encoder about half as much per line. Harmless when the encoder is missing.

    Returns:
        How many lines were embedded now (0 without an index or an encoder in it).

    """
    model = model or default_model()
    if model is None or model.use_coef is None:
        return 0
    wanted = []
    for text in texts:
        f = model.features(normalized(text))
        if f.nm.text and model.opens_gate(f):
            wanted.append(encoder.text_of(f.nm))
    try:
        return encoder.prime(wanted)
    except encoder.EncoderUnavailable as exc:
        _warn_once(str(exc))
        return 0


@functools.cache
def _warn_once(reason: str) -> None:
    log.warning("example layer without its sentence encoder: %s", reason)


@functools.cache
def default_model() -> ExampleModel | None:
    """The shipped index, read once per process (None when the file is missing)."""
    if not INDEX_PATH.exists():
        return None
    return ExampleModel.load(INDEX_PATH)
