"""The question model: which questions a line asks, by its likeness to the question corpus.

The clause rules of :mod:`.questions` know the phrasings they were written for; this layer
generalises to other registers (jargon, southern Mandarin, fillers, lines without punctuation,
traditional characters). It is the understanding layer's machinery reused: the same character
n-gram features (:mod:`simulator.understand.features`), for most kinds beside the line's sentence
embedding (:mod:`simulator.understand.encoder`, 512-d, weighted per kind), and the same
logistic-regression index (:class:`simulator.understand.examples.ExampleModel`), fitted on the
``train`` split of ``corpus/questions.jsonl`` by :mod:`.question_build` and written to
``question_index.npz``. Run time needs numpy only; the encoder runs on every line it reads (about
2–5 ms a sentence on this machine), and when it cannot load, the n-grams answer alone.

Per kind, two thresholds chosen by cross-validation on ``train``: ``high`` — P at or above
which the model adds a kind the rules missed — and ``low`` — P below which a rule's hit is
dropped as a misreading.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from simulator.understand.examples import ExampleModel
from simulator.understand.normalize import normalize_with_map

__all__ = ["QUESTION_INDEX", "QuestionModel", "default_question_model"]

_SENTENCE = re.compile(r"(?<=[。？！?!；;])")

QUESTION_INDEX = Path(__file__).resolve().parent / "question_index.npz"
"""The shipped index, built by ``python -m simulator.customer.question_build``."""


class QuestionModel:
    """P(kind | line) for every question kind, and the rules' hits fused with it.

    Args:
        model: the fitted index (its ``acts`` are the question kinds).

    """

    def __init__(self, model: ExampleModel):
        self.model = model
        self.kinds = model.acts
        self.high = model.high
        self.low = model.low

    @classmethod
    def load(cls, path: str | Path = QUESTION_INDEX) -> QuestionModel:
        """Read an index written by :func:`simulator.customer.question_build.build_index`."""
        return cls(ExampleModel.load(path))

    def probabilities(self, text: str) -> dict[str, float]:
        """P(kind | text) for every modelled kind ({} for an empty line)."""
        nm = normalize_with_map(text or "")
        if not nm.text:
            return {}
        return self.model.probabilities(self.model.features(nm))

    def scores(self, text: str) -> tuple[dict[str, float], dict[str, str]]:
        """Per kind, the highest P of the line and of each of its sentences, and where.

        A question after a long introduction (您好，信用卡中心的，我姓孙……请问您是周桂兰吧？)
        is read in its own sentence as well as in the whole line.

        Returns:
            ``(score, quote)``: the score per kind and the text (line or sentence) it came from.

        """
        pieces = [text, *(s for s in _SENTENCE.split(text or "") if s.strip())]
        if len(pieces) == 2:
            pieces = pieces[:1]
        score: dict[str, float] = {}
        quote: dict[str, str] = {}
        for piece in pieces:
            for kind, p in self.probabilities(piece).items():
                if p > score.get(kind, -1.0):
                    score[kind], quote[kind] = p, piece
        return score, quote

    def fuse(self, text: str, ruled: dict[str, str], asked: bool = True) -> dict[str, str]:
        """The rules' kinds the model does not rule out, plus the kinds it is sure of.

        Args:
            text: the agent's line.
            ruled: the rules' kinds, each with its quote.
            asked: the line asks something (the model knows topics, not whether they are
                asked: 今天必须还 is about "when" but asks nothing, so it adds nothing).

        """
        p, quote = self.scores(text)
        if not p:
            return dict(ruled)
        out = {k: q for k, q in ruled.items() if k not in p or p[k] >= self.low[k]}
        if not asked:
            return out
        for kind in self.kinds:
            if kind not in out and p[kind] >= self.high[kind]:
                out[kind] = quote[kind]
        return out


@functools.cache
def default_question_model() -> QuestionModel | None:
    """The shipped index, read once per process (None when it is missing)."""
    if not QUESTION_INDEX.exists():
        return None
    return QuestionModel.load(QUESTION_INDEX)
