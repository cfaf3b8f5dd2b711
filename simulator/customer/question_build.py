"""Build the question model's index from the question corpus' ``train`` split.

``python -m simulator.customer.question_build`` (scikit-learn, build time only; ``pip install
-e '.[build]'``). The ``heldout`` split is never read here. The fitting is the understanding
layer's (:func:`simulator.understand.build._fit`: TF-IDF character n-grams, one logistic
regression per kind); what is new is how its thresholds are chosen:

1. Group-wise cross-validation on ``train`` (variants of one hand-written line stay in one
   fold), for each C of :data:`CS` and embedding weight ``w`` of :data:`WS`: out-of-fold
   P(kind | line) for every line, beside what the clause rules (:func:`.questions.rule_questions`,
   over ``understand``) found.
2. Per kind, the (C, w), ``low`` (a rule's hit needs P ≥ low) and ``high`` (the model alone needs
   P ≥ high) that most raise the cross-validated score of ``ask`` as a whole (its pruning
   included): right kinds found less :data:`FP_COST` per wrong one. A kind where no threshold
   helps keeps the rules alone (``high`` above 1). On 2026-11-30 the embedding raised the
   cross-validated recall of eleven of thirteen kinds at the same or higher precision (e.g.
   who is calling 0.66 → 0.86, name 0.81 → 0.92, why late 0.72 → 0.87).
3. Fit on all of ``train``; write ``question_index.npz`` with the thresholds, the figures and
   the digest of ``train`` and of the feature code (a stale index fails a test).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from simulator.customer.question_corpus import CORPUS_PATH, NAMES, QuestionExample, load_questions
from simulator.customer.question_model import QUESTION_INDEX, QuestionModel
from simulator.customer.questions import PRUNED_BY, QUESTIONS, is_question, rule_questions
from simulator.understand import understand
from simulator.understand.build import Settings, _fit, embeddings, train_digest
from simulator.understand.corpus import Example
from simulator.understand.examples import ExampleModel

__all__ = ["CS", "FP_COST", "build_index", "flagged", "index_is_current", "main"]

KINDS = tuple(QUESTIONS)
CS = (10.0, 30.0, 100.0, 300.0)
"""Inverse regularisation strengths cross-validated; each kind keeps its best."""
WS = (0.0, 0.25, 0.5, 1.0)
"""Weights of the sentence embedding (:mod:`simulator.understand.encoder`) beside the n-grams,
cross-validated with C; each kind keeps its best (0: n-grams alone)."""
FP_COST = 4.0
"""What a wrong kind costs against a right one found: a threshold moves only where what it
changes is right at least four times in five (cross-validated)."""
FOLDS = 5
_LOWS = (0.0, 0.02, 0.05, 0.1, 0.2)
_HIGHS = (*np.round(np.arange(0.3, 0.96, 0.025), 3).tolist(), 1.01)


def _examples(rows: list[QuestionExample]) -> list[Example]:
    """The corpus' lines as the understanding build reads them (kinds as acts)."""
    return [
        Example(ex.text, frozenset(ex.kinds), "agent", ex.split, ex.register, source=ex.source)
        for ex in rows
    ]


def rules_on(rows: list[QuestionExample]) -> tuple[np.ndarray, np.ndarray]:
    """What the clause rules find, and two facts per line ``ask``'s pruning and gate need.

    Returns:
        ``(rules, line)``: per line and kind whether the rules found it, ``(N, K)`` bool; per
        line whether they quote ``when_pay`` and ``capacity`` with the same clause and whether
        the line asks at all, ``(N, 2)`` bool.

    """
    out = np.zeros((len(rows), len(KINDS)), dtype=bool)
    line = np.zeros((len(rows), 2), dtype=bool)
    for i, ex in enumerate(rows):
        found = rule_questions(understand(ex.text), names=NAMES)
        out[i] = [k in found for k in KINDS]
        line[i] = found.get("when_pay", 0) == found.get("capacity", 1), is_question(ex.text)
    return out, line


def _settings(c_of: dict[str, float], w_of: dict[str, float]) -> Settings:
    """The build's settings with a C and an embedding weight per kind (encoder always runs)."""
    return Settings(
        acts=KINDS,
        C_by_act=tuple(c_of.items()),
        Cs=(),
        encoded=tuple(k for k in KINDS if w_of.get(k)),
        ws=tuple(w for w in WS if w),  # the weights searched; each kind's is in w_by_act
        w_by_act=tuple((k, w) for k, w in w_of.items() if w),
        gate=0.0,
    )


def _out_of_fold(
    rows: list[QuestionExample], c: float, w: float, vectors: dict[str, np.ndarray]
) -> np.ndarray:
    """Out-of-fold P(kind | line) with every kind at one C and embedding weight, ``(N, K)``."""
    from sklearn.model_selection import GroupKFold

    examples = _examples(rows)
    groups = [ex.group for ex in rows]
    p = np.zeros((len(rows), len(KINDS)))
    settings = _settings(dict.fromkeys(KINDS, c), dict.fromkeys(KINDS, w))
    for fit_rows, test_rows in GroupKFold(FOLDS).split(np.arange(len(rows)), groups=groups):
        fitted = _fit([examples[i] for i in fit_rows], settings, vectors)
        model = QuestionModel(ExampleModel(fitted))
        for i in test_rows:
            probs = model.scores(rows[i].text)[0]
            p[i] = [probs.get(k, 0.0) for k in KINDS]
    return p


def rates(flag: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``(precision, recall)`` of one kind's flags against its labels."""
    tp, fp = int((flag & y).sum()), int((flag & ~y).sum())
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / int(y.sum()) if y.any() else 1.0)


def flagged(
    p: np.ndarray, r: np.ndarray, line: np.ndarray, third: np.ndarray, low, high
) -> np.ndarray:
    """The kinds :func:`.questions.ask` reports at these thresholds, ``(N, K)`` bool.

    :meth:`.QuestionModel.fuse` and the pruning of ``ask``, on arrays (``line``: see
    :func:`rules_on`).
    """
    same, asked = line[:, 0], line[:, 1:2]
    f = (r & (p >= low)) | (~r & (p >= high) & asked)
    col = KINDS.index
    g = f.copy()
    for moot, by in PRUNED_BY:
        m, b = col(moot), col(by)
        g[:, m] &= ~(f[:, b] & ~(r[:, m] & ~r[:, b]))
    is_in, name, when, cap = col("is_in"), col("name"), col("when_pay"), col("capacity")
    g[:, name] &= ~(g[:, is_in] & third)
    g[:, cap] &= ~(g[:, when] & r[:, when] & r[:, cap] & same)
    return g


def _score(f: np.ndarray, y: np.ndarray) -> float:
    """Right kinds found, less :data:`FP_COST` for each wrong one."""
    return float((f & y).sum() - FP_COST * (f & ~y).sum())


def _search(ps: dict[tuple[float, float], np.ndarray], r, line, third, y) -> dict[str, dict]:
    """Per kind, the (C, w), ``low`` and ``high`` that most raise the score, kind by kind (twice).

    ``ps`` maps ``(C, w)`` to out-of-fold P; ties go to the smaller ``w``, then the smaller C.
    """
    k = len(KINDS)
    c_of = [min(ps)] * k
    low, high = np.zeros(k), np.full(k, 1.01)

    def p_now(cs):
        return np.column_stack([ps[cs[j]][:, j] for j in range(k)])

    for _ in range(2):
        for j in range(k):
            best = None
            for c in sorted(ps):
                p = p_now([*c_of[:j], c, *c_of[j + 1 :]])
                for lo in _LOWS:
                    for hi in _HIGHS:
                        lows, highs = low.copy(), high.copy()
                        lows[j], highs[j] = lo, hi
                        score = _score(flagged(p, r, line, third, lows, highs), y)
                        key = (score, hi, -lo, -c[1], -c[0])
                        if best is None or key > best[0]:
                            best = (key, c, lo, hi)
            _, c_of[j], low[j], high[j] = best
    p = p_now(c_of)
    f = flagged(p, r, line, third, low, high)
    rules = flagged(p, r, line, third, np.zeros(k), np.full(k, 1.01))
    return {
        kind: {
            "C": c_of[j][0],
            "w": c_of[j][1],
            "low": float(low[j]),
            "high": float(high[j]),
            "cv": rates(f[:, j], y[:, j]),
            "rules": rates(rules[:, j], y[:, j]),
        }
        for j, kind in enumerate(KINDS)
    }


def build_index(out: str | Path = QUESTION_INDEX, corpus: str | Path = CORPUS_PATH) -> dict:
    """Cross-validate, choose C and thresholds per kind, fit on ``train``, write the index.

    Returns:
        The index's ``meta``: the digest, C and thresholds per kind, and the cross-validated
        precision and recall per kind (rules alone and with the model).

    """
    import sklearn

    rows = load_questions("train", corpus)
    y = np.array([[k in ex.kinds for k in KINDS] for ex in rows], dtype=bool)
    third = np.array([ex.third_party for ex in rows], dtype=bool)
    r, line = rules_on(rows)
    vectors = embeddings(_examples(rows))
    ps = {(c, w): _out_of_fold(rows, c, w, vectors) for c in CS for w in WS}
    chosen = _search(ps, r, line, third, y)
    settings = _settings({k: chosen[k]["C"] for k in KINDS}, {k: chosen[k]["w"] for k in KINDS})
    arrays = _fit(_examples(rows), settings, vectors)
    arrays["low"] = np.array([chosen[k]["low"] for k in KINDS], dtype=np.float32)
    arrays["high"] = np.array([chosen[k]["high"] for k in KINDS], dtype=np.float32)
    meta = {
        "train_sha256": train_digest(_examples(rows)),
        "train_lines": len(rows),
        "sklearn": sklearn.__version__,
        "fp_cost": FP_COST,
        "cv": {k: {n: _round(v) for n, v in chosen[k].items()} for k in KINDS},
    }
    arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
    np.savez_compressed(out, **arrays)
    return meta


def _round(value):
    if isinstance(value, tuple):
        return [round(float(v), 3) for v in value]
    return round(float(value), 3)


def index_is_current(
    path: str | Path = QUESTION_INDEX, corpus: str | Path = CORPUS_PATH
) -> tuple[bool, str]:
    """Whether the index at ``path`` was built from the current ``train`` split and features."""
    if not Path(path).exists():
        return False, f"{path}: missing; run `python -m simulator.customer.question_build`"
    with np.load(path, allow_pickle=False) as npz:
        meta = json.loads(str(npz["meta"]))
    want = train_digest(_examples(load_questions("train", corpus)))
    if meta.get("train_sha256") != want:
        return False, (
            f"{path}: stale (corpus or feature code changed); "
            "run `python -m simulator.customer.question_build`"
        )
    return True, f"{path}: up to date ({meta.get('train_lines')} train lines)"


def main() -> None:
    """Build the index and print the cross-validated figures per kind."""
    meta = build_index()
    print(f"{'kind':<14} {'C':>5} {'w':>5} {'low':>5} {'high':>5}  rules P/R    stack P/R (cv)")
    for kind, c in meta["cv"].items():
        (rp, rr), (sp, sr) = c["rules"], c["cv"]
        print(
            f"{kind:<14} {c['C']:>5g} {c['w']:>5g} {c['low']:>5.2f} {c['high']:>5.2f}  "
            f"{rp:.2f}/{rr:.2f}    {sp:.2f}/{sr:.2f}"
        )


if __name__ == "__main__":
    main()
