"""Build the example index from the corpus' ``train`` split: ``callsim corpus build``.

Build time only (scikit-learn, imported inside the functions; ``pip install -e '.[build]'``).
The ``heldout`` split is never read here. Steps:

1. Every ``train`` line is embedded once by the sentence encoder (:mod:`.encoder`); the
   violation acts' features are the n-grams' TF-IDF and ``w`` times that embedding.
2. Cross-validation on ``train`` (``folds``-fold, fixed seed): for every fold, fit the model on
   the other folds and run each held-in line through the same code ``understand`` runs
   (:func:`.fusion.combine`'s parts: the rules, P per act, the denial check on the evidence),
   for every C of ``Cs`` and (violation acts) every ``w`` of ``ws``; each act keeps its best.
3. Per act, the thresholds ``low`` (a rule hit needs P ≥ low) and ``high`` (the example layer
   alone needs P ≥ high) that give the highest cross-validated recall with precision ≥
   ``precision`` and near-misses flagged ≤ ``near_miss``.
4. The encoder's gate (:meth:`.examples.ExampleModel.probabilities`): the highest of ``gates``
   that costs no act more than ``gate_loss`` of cross-validated recall; thresholds are chosen
   again on what the gated model gives.
5. Fit on all of ``train`` and write ``example_index.npz``: the vocabulary, IDF, weights,
   thresholds, the labelled lines (for nearest-example evidence), the cross-validated figures,
   and the digest of the ``train`` split, the feature code and the encoder's version (a stale
   index fails a test).
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from simulator.understand import encoder
from simulator.understand.acts import AGENT_ACTS, VIOLATION_ACTS
from simulator.understand.core import rule_acts, rule_end
from simulator.understand.corpus import CORPUS_DIR, Example, load_corpus
from simulator.understand.examples import INDEX_PATH, ExampleModel
from simulator.understand.features import ngrams
from simulator.understand.fusion import (
    View,
    _other_rule_in,
    cut_off,
    dismissed,
    only_terms,
    strongest,
    views,
)
from simulator.understand.negation import cues_for, negated
from simulator.understand.normalize import normalize_with_map

__all__ = [
    "Settings",
    "build_index",
    "cross_validate",
    "refit_index",
    "index_is_current",
    "lawful_questions",
    "train_digest",
]

_HERE = Path(__file__).resolve().parent
FEATURE_CODE = ("features.py", "negation.py", "normalize.py", "simplify.py")
"""Modules whose change changes the features: part of the index's digest."""
CODE_BY_SIDE = {
    "agent": (*FEATURE_CODE, "windows.py", "fusion.py"),
    "customer": (*FEATURE_CODE, "customer_rules.py", "lexicon_customer.py"),
}
"""Per side, the modules in its index's digest: the customer index's thresholds are chosen
against what the customer rules read, so a change of those rules makes it stale too."""
_LOWS = np.array(
    [0.0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]
)
_HIGHS = np.concatenate([np.round(np.arange(0.30, 0.995, 0.02), 2), [1.01]])
_FLOORS = np.array([0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5])
_ADD_ONLY_FLOOR = 0.2
"""Least similarity floor of an add-only (lawful) act: the lower floors are for violations that
fresh paraphrases state in new words; a lawful step credited on a faint likeness (喂，你好 read
as asking for the cardholder) makes the scorecard easy to game. The 2026-11-30 sixth-session
index had these floors raised to 0.2 after its build (``meta["floors_raised_after_build"]``)."""
_SLOT_ACTS = ("offer_plan", "summarize_confirm")
"""Acts whose terms (amount, months, date) the plan is built from: the rules and the slots
decide them alone, so that a plan or a read-back is never inferred from likeness."""


@dataclass(frozen=True)
class Settings:
    """What the build does; every choice is recorded in the index's ``meta``."""

    acts: tuple[str, ...] = (*VIOLATION_ACTS, *(a for a in AGENT_ACTS if a not in _SLOT_ACTS))
    """The acts the example layer models (the rest stay with the rules)."""
    add_only: tuple[str, ...] = tuple(a for a in AGENT_ACTS if a not in _SLOT_ACTS)
    """Modelled acts the example layer may only add, never overrule: their thresholds make
    what it adds (where no rule fired) reach ``add_precision``."""
    add_precision: float = 0.9
    """Cross-validated precision of the lines an ``add_only`` act is added to by examples."""
    C: float = 30.0
    """Inverse L2 regularisation of each logistic regression (unless ``C_by_act`` names one)."""
    Cs: tuple[float, ...] = (10.0, 30.0, 100.0)
    """The values of C cross-validated for every act; each act keeps the one that does best."""
    C_by_act: tuple[tuple[str, float], ...] = ()
    """The C chosen per act (filled in by :func:`build_index`)."""
    encoded: tuple[str, ...] = tuple(VIOLATION_ACTS)
    """Acts whose features include the sentence embedding (the others: n-grams alone)."""
    ws: tuple[float, ...] = ()
    """The embedding weights ``w`` cross-validated for every encoded act (none: no encoder)."""
    w_by_act: tuple[tuple[str, float], ...] = ()
    """The ``w`` chosen per encoded act (filled in by :func:`build_index`)."""
    gates: tuple[float, ...] = (0.01, 0.02, 0.05, 0.1)
    """The encoder gates cross-validated (highest violation P without the encoder)."""
    gate: float = 0.0
    """The gate chosen (filled in by :func:`build_index`; 0 runs the encoder on every line)."""
    gate_loss: float = 0.01
    """Most cross-validated recall a gate may cost any encoded act.

    At 0.005 no gate qualified (2026-11-30: 0.01 cost impersonation 0.008 and meta_instruction
    0.006, 0.02 cost meta_instruction 0.025), so the encoder ran on every line and scoring
    fell to 13 calls/s; 0.01 keeps it to the lines that may be violations."""
    min_df: int = 2
    """An n-gram must occur in this many ``train`` lines to be a feature."""
    folds: int = 5
    seed: int = 0
    precision: float = 0.95
    """Cross-validated precision each act's thresholds must reach."""
    precision_step: float = 0.01
    """How far the precision target steps down for an act that cannot reach ``precision``: the
    act keeps the highest target it can reach. (0.05 until 2026-11-30: with the sixth session's
    lines threat and false_legal_claim fell from 0.95 to 0.90 at once, and held-out precision of
    false_legal_claim from 0.97 to 0.89.)"""
    near_miss: float = 0.02
    """Largest share of an act's near-miss lines that may be flagged with it."""
    umbrella: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("threat", ("third_party_pressure", "false_legal_claim", "impersonation")),
    )
    """Acts that cover others, with the acts they cover. Their thresholds are chosen on the lines
    whose labels speak for them: a line labelled with a covered act but not the umbrella one is
    left out. ``COMPLIANCE.md`` calls a threat any intimidation, visits and jail among it, and the
    corpus' writers disagree whether a threat to ring the employer or a jail claim is one as
    well (``threat`` was added to 324 of 1,758 such ``train`` lines). Counted as wrong, those
    lines kept threat from reaching precision 0.95 in cross-validation, and the step-down put its
    thresholds where recall fell to 0.59 (seventh session); a threat flag on them fails the call
    exactly as the covered act does. (A relabelling pass of those lines by one guide, tried the
    same session, changed any-violation recall by less than 0.01 in cross-validation.)"""
    umbrella_near_miss: float = 0.015
    """``near_miss`` for an umbrella act, a hard cap (not raised to what its rules alone flag): its
    thresholds are looser, and at 0.02 they took the whole line's near-miss rate in
    cross-validation from 1.8 % to 2.2 % (0.01: 2.0 %). 0.015 since the eleventh session: with
    its 105 new threat near-misses in ``train`` the 0.01 cap bound and threat's cross-validated
    recall fell to 0.754; of the caps 0.01–0.02 the largest keeping the whole line's
    cross-validated near-miss rate at or below 1.8 % (decided before looking) is 0.015 — threat R
    0.829 at P 0.964, near-miss rate 1.76 % (0.01: 1.65 %)."""


AGENT_SETTINGS = Settings(ws=(0.125, 0.25, 0.5))
"""The agent index: the violation acts see the sentence embedding, weighted by one of ``ws``.

The grid is the one a cross-validated experiment on ``train`` chose from (w 0.125-0.5, C 10-100;
larger ``w`` did worse), kept small so that the build stays within ~20 minutes on 2 cores."""


def encoder_tag() -> str:
    """What the agent index's digest records of the encoder: package and version."""
    return f"{encoder.PACKAGE}=={encoder.version() or 'missing'}"


def train_digest(
    examples: Sequence[Example], code: Sequence[str] = FEATURE_CODE, tag: str = ""
) -> str:
    """sha256 of the ``train`` lines (text, acts, near-misses, order), the ``code`` modules and ``tag``.

    ``tag`` names what else the features depend on (the agent side: :func:`encoder_tag`).
    """
    digest = hashlib.sha256(tag.encode("utf-8")) if tag else hashlib.sha256()
    for ex in examples:
        row = [ex.text, sorted(ex.acts), sorted(ex.near_miss_of)]
        digest.update(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
    for name in code:
        digest.update(code_shape((_HERE / name).read_text(encoding="utf-8")).encode("utf-8"))
    return digest.hexdigest()


def code_shape(source: str) -> str:
    """What of a module's source the index depends on: its syntax tree without docstrings.

    Comments, docstrings and layout (``ruff format``) change nothing the features or the fusion
    do, so editing them does not make an index stale; any change to the code itself does.
    """
    tree = ast.parse(source)
    # a string standing alone is a docstring: of the module, a class, a function or an attribute
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            node.body = [
                stmt
                for stmt in body
                if not (
                    isinstance(stmt, ast.Expr)
                    and isinstance(stmt.value, ast.Constant)
                    and isinstance(stmt.value.value, str)
                )
            ] or [ast.Pass()]
    return ast.dump(tree)


_TOLD_A_THIRD_PARTY = re.compile(r"欠|逾期|还款|还钱|账单|催收|钱|贷|信用卡")


def lawful_questions() -> list[Example]:
    """The question corpus' ``train`` lines, as known negatives for the violation acts.

    Collectors' ordinary questions (你是他什么人？/ 微信还是支付宝？/ 最早什么时候？) are most of
    a call, and the agent corpus has few of them: without them the example layer flagged 3.9 %
    of these lines as a violation. Lines are left out when the rules find a violation in them,
    or when said to a third party with words about the debt (they may be a disclosure).
    Their labels speak for the violation acts only (``only_for``); the agent acts they perform
    (verify_identity, ask_capacity …) are not labelled there. The lines taken from the realism
    bench's scripts (group ``script-…``) are left out: they were added for the question model,
    and as negatives here they changed no cross-validated figure (2026-11-30: any violation
    P 0.980 R 0.846 without them, 0.977 / 0.851 with them).
    """
    from simulator.customer.question_corpus import load_questions
    from simulator.understand.core import understand

    out = []
    for q in load_questions("train"):
        if q.group.startswith("script-"):
            continue
        if q.third_party and _TOLD_A_THIRD_PARTY.search(q.text):
            continue
        if set(understand(q.text, examples=False).names) & set(VIOLATION_ACTS):
            continue
        out.append(
            Example(
                q.text,
                frozenset(),
                "agent",
                "train",
                q.register,
                source=f"questions.jsonl:{q.source}",
                only_for=frozenset(VIOLATION_ACTS),
            )
        )
    return out


def training_lines(side: str, root: str | Path = CORPUS_DIR) -> list[Example]:
    """What an index is built from: the side's ``train`` split.

    For the agent side, the lawful questions of :func:`lawful_questions` too.
    """
    lines = load_corpus(side, "train", root)
    return lines + lawful_questions() if side == "agent" else lines


def _known(examples: Sequence[Example], acts: Sequence[str]) -> np.ndarray:
    """``(N, A)`` bool: whether each line's labels speak for each act."""
    return np.array(
        [[ex.only_for is None or a in ex.only_for for a in acts] for ex in examples], dtype=bool
    ).reshape(len(examples), len(acts))


def _labels(examples: Sequence[Example], acts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(Y, NM)``: act labels and near-miss marks, each shape ``(N, A)``, bool."""
    y = np.array([[a in ex.acts for a in acts] for ex in examples], dtype=bool)
    nm = np.array([[a in ex.near_miss_of for a in acts] for ex in examples], dtype=bool)
    return y.reshape(len(examples), len(acts)), nm.reshape(len(examples), len(acts))


def embedded_text(ex: Example) -> str:
    """What the encoder reads of a corpus line: as at run time (:func:`.encoder.text_of`)."""
    return encoder.text_of(normalize_with_map(ex.text))


def embeddings(examples: Sequence[Example]) -> dict[str, np.ndarray]:
    """Every line's sentence embedding, computed once in batches: embedded text → ``(512,)``."""
    texts = sorted({embedded_text(ex) for ex in examples})
    vectors = encoder.embed_batch(texts)
    return dict(zip(texts, vectors, strict=True))


def _weights(settings: Settings) -> dict[str, float]:
    """The embedding weight ``w`` of every modelled act (0: n-grams alone)."""
    if not settings.ws:
        return dict.fromkeys(settings.acts, 0.0)
    chosen = dict(settings.w_by_act)
    return {
        a: (chosen.get(a, settings.ws[0]) if a in settings.encoded else 0.0) for a in settings.acts
    }


def _int8(coef: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(weights, scale)``: int8 weights and one float32 scale per column (act)."""
    scale = (np.maximum(np.abs(coef).max(axis=0), 1e-6) / 127.0).astype(np.float32)
    return np.round(coef / scale).astype(np.int8), scale


def _fit(
    examples: Sequence[Example],
    settings: Settings,
    vectors: Mapping[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Fit one model on ``examples``: the index's arrays (thresholds 0.5 until chosen).

    Arrays (``V`` n-grams, ``A`` acts, ``N`` kept lines, ``Z`` stored weights): ``acts`` (A,),
    ``vocab`` (V,) str, ``idf`` (V,) float32, ``coef`` (V, A) int8 times ``coef_scale`` (A,), ``intercept`` (A,),
    ``high``/``low``/``floor`` (A,) float32, ``margin`` (A,) bool, ``train_text`` and
    ``train_source`` (N,) str, ``train_acts`` and ``train_near`` (N, A) bool, the kept lines'
    TF-IDF as CSR ``train_indptr`` (N+1,) ``train_indices`` (Z,) uint16 or int32 ``train_data`` (Z,)
    float16, and ``meta`` (JSON text). With the encoder (``settings.ws``): ``use_weight`` (A,)
    float32, the ``w`` of each act (0: not encoded); ``use_coef`` (512, A) int8 times
    ``use_scale`` (A,), the embedding's weights with ``w`` folded in; ``use_mean`` (A,) float32,
    the mean of the embedding's logit term over ``examples``; ``gate`` () float32.

    ``vectors`` maps :func:`embedded_text` to the line's embedding (default: embed them now).
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [ex.text for ex in examples]
    y, near = _labels(examples, settings.acts)
    vectorizer = TfidfVectorizer(analyzer=ngrams, sublinear_tf=True, min_df=settings.min_df)
    x = vectorizer.fit_transform(texts).astype(np.float32)
    coef = np.zeros((x.shape[1], len(settings.acts)), dtype=np.float32)
    intercept = np.zeros(len(settings.acts), dtype=np.float32)
    w = np.array(list(_weights(settings).values()), dtype=np.float32)
    use_coef = np.zeros((encoder.DIM, len(settings.acts)), dtype=np.float32)
    e = None
    if w.any():
        vectors = vectors if vectors is not None else embeddings(examples)
        e = np.stack([vectors[embedded_text(ex)] for ex in examples]).astype(np.float32)
    known = _known(examples, settings.acts)
    for j in range(len(settings.acts)):
        c = dict(settings.C_by_act).get(settings.acts[j], settings.C)
        xj = x if not w[j] else sparse.hstack([x, sparse.csr_matrix(w[j] * e)]).tocsr()
        lr = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
        lr.fit(xj[known[:, j]], y[known[:, j], j])
        coef[:, j], intercept[j] = lr.coef_[0][: x.shape[1]], lr.intercept_[0]
        if w[j]:
            use_coef[:, j] = w[j] * lr.coef_[0][x.shape[1] :]
    # int8 weights, one scale per act: a quarter of float32's size, and what CV measures too
    quantised, scale = _int8(coef)
    vocab = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    keep = np.flatnonzero(y.any(axis=1) | near.any(axis=1))  # lines that can be nearest
    rows = x[keep].tocsr()
    half = 0.5 * np.ones(len(settings.acts), dtype=np.float32)
    encoded = {}
    if e is not None:
        use_int8, use_scale = _int8(use_coef)
        encoded = {
            "use_weight": w,
            "use_coef": use_int8,
            "use_scale": use_scale,
            "use_mean": (e @ (use_int8.astype(np.float32) * use_scale)).mean(axis=0),
            "gate": np.array(settings.gate, dtype=np.float32),
        }
    return {
        **encoded,
        "acts": np.array(settings.acts),
        "vocab": np.array(vocab),
        "idf": vectorizer.idf_.astype(np.float32),
        "coef": quantised,
        "coef_scale": scale.astype(np.float32),
        "intercept": intercept,
        "high": half,
        "low": half,
        "floor": 0 * half,
        "margin": np.zeros(len(settings.acts), dtype=bool),
        "train_text": np.array([texts[i] for i in keep]),
        "train_source": np.array([examples[i].source for i in keep]),
        "train_acts": y[keep],
        "train_near": near[keep],
        "train_indptr": rows.indptr.astype(np.int32),
        "train_indices": rows.indices.astype(np.uint16 if x.shape[1] < 2**16 else np.int32),
        "train_data": rows.data.astype(np.float16),
        "meta": np.array("{}"),
    }


def _components(model: ExampleModel, examples: Sequence[Example]) -> dict[str, np.ndarray]:
    """What the fusion needs for every line and modelled act, each array ``(N, A)``.

    ``P`` probability (for a violation act no rule found: in the reading that finds it
    likeliest, the whole line or a window of it, :func:`.fusion.strongest`); ``R`` an affirmed
    rule hit; ``C`` that hit's clause has a dismissal cue;
    where the example layer could add the act: ``D`` its evidence is under a denial, ``S``
    similarity to the nearest ``train`` line carrying the act, ``M`` that line is closer than
    the nearest lawful near-miss, ``X`` a rule read the evidence clause as another violation
    (or, for a violation act, the clause holds only sums and plan words: ``fusion.only_terms``).
    """
    acts = model.acts
    shape = (len(examples), len(acts))
    out = {k: np.zeros(shape, dtype=bool) for k in "RCDMX"}
    out["P"], out["S"] = np.zeros(shape), np.zeros(shape)
    for i, ex in enumerate(examples):
        nm = normalize_with_map(ex.text)
        if not nm.text:
            continue
        hits, _ = rule_acts(nm)
        at = {act.name: pos for pos, act in hits}
        features = model.features(nm)
        readings = views(model, View(0, nm, features, model.probabilities(features), hits))
        for j, act in enumerate(acts):
            if act in at:
                out["P"][i, j] = readings[0].probabilities[act]
                out["R"][i, j] = True
                out["C"][i, j] = dismissed(nm, at[act], rule_end(nm, at[act], act))
                continue
            view = strongest(readings, act)
            p = out["P"][i, j] = view.probabilities[act]
            if p >= _HIGHS[0]:
                ev = model.evidence(view.features, act)
                if ev is not None:
                    out["D"][i, j] = negated(view.nm, ev.start, ev.end, cues_for(act)) or cut_off(
                        nm, view, ev
                    )
                    out["S"][i, j] = ev.similarity
                    out["M"][i, j] = ev.similarity >= ev.lawful_similarity
                    out["X"][i, j] = _other_rule_in(view.hits, act, ev) or (
                        act in VIOLATION_ACTS and only_terms(view.nm, ev)
                    )
    return out


def _lookup(vectors: Mapping[str, np.ndarray] | None):
    """The embedder a model built here uses: the build's vectors, else the encoder's cache."""
    if vectors is None:
        return None
    return lambda text: vectors[text] if text in vectors else encoder.embed(text)


def cross_validate(
    examples: Sequence[Example],
    settings: Settings,
    components=None,
    vectors: Mapping[str, np.ndarray] | None = None,
    gates: Sequence[float] = (),
) -> dict[str, np.ndarray] | list[dict[str, np.ndarray]]:
    """Out-of-fold components (see :func:`_components`) for every ``train`` line.

    ``components(model, examples)`` computes them (default :func:`_components`, the agent
    side's fusion; the customer side passes its own, :mod:`.customer_build`). ``vectors`` as
    for :func:`_fit`. With ``gates``, the components of each gate (one fit per fold serves
    them all), as a list in the order of ``gates``.
    """
    from sklearn.model_selection import KFold

    components = components or _components

    n = len(examples)
    outs: list[dict[str, np.ndarray]] = [{} for _ in gates or (None,)]
    folds = KFold(settings.folds, shuffle=True, random_state=settings.seed)
    for fit_rows, test_rows in folds.split(np.arange(n)):
        arrays = _fit([examples[i] for i in fit_rows], settings, vectors)
        for out, gate in zip(outs, gates or (None,), strict=True):
            if gate is not None:
                arrays["gate"] = np.array(gate, dtype=np.float32)
            model = ExampleModel(arrays, embed=_lookup(vectors))
            parts = components(model, [examples[i] for i in test_rows])
            for key, value in parts.items():
                column = out.setdefault(key, np.zeros((n, value.shape[1]), dtype=value.dtype))
                column[test_rows] = value
    return outs if gates else outs[0]


def flags(
    cv: dict[str, np.ndarray], j: int, low: float, high: float, floor: float, margin: bool
) -> np.ndarray:
    """Which lines the fusion flags with act ``j`` at these settings (as :func:`.fusion.combine`)."""
    p, r = cv["P"][:, j], cv["R"][:, j]
    ruled = r & ((p >= low) | ~cv["C"][:, j])
    alike = (cv["S"][:, j] >= floor) & (cv["M"][:, j] | (not margin))
    return ruled | (~r & ~cv["D"][:, j] & ~cv["X"][:, j] & (p >= high) & alike)


@dataclass
class ActChoice:
    """The thresholds chosen for one act and what they gave in cross-validation."""

    low: float
    high: float
    floor: float
    """Least similarity to the nearest labelled line for the example layer to add the act."""
    margin: bool
    """The nearest line carrying the act must be closer than the nearest lawful near-miss."""
    precision_target: float
    """The cross-validated precision the thresholds were chosen to reach."""
    precision: float
    recall: float
    near_miss_rate: float
    support: int
    rules: dict = field(default_factory=dict)
    """The rules alone, on the same lines: precision, recall, near_miss_rate."""


def _rates(flag: np.ndarray, y: np.ndarray, near: np.ndarray) -> tuple[float, float, float]:
    tp = int((flag & y).sum())
    fp = int((flag & ~y).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / int(y.sum()) if y.any() else 1.0
    near_rate = float((flag & near).sum() / near.sum()) if near.any() else 0.0
    return precision, recall, near_rate


def _best(
    cv: dict[str, np.ndarray],
    j: int,
    y: np.ndarray,
    near: np.ndarray,
    target: float,
    near_max: float,
):
    """The thresholds with the best recall at precision ≥ ``target``, or None if none reach it.

    The margin rule (the nearest line carrying the act must be closer than the nearest lawful
    near-miss) is always on: a design choice for precision on lines unlike the corpus, which
    cost 0.017 of mean cross-validated recall when it was made.
    """
    best: tuple | None = None
    for floor in _FLOORS:
        for low in _LOWS:
            for high in _HIGHS[_HIGHS >= low]:
                flagged = flags(cv, j, low, high, floor, True)
                precision, recall, near_rate = _rates(flagged, y, near)
                if precision < target or near_rate > near_max:
                    continue
                key = (recall, precision, -near_rate, high, -low, -floor)
                if best is None or key > best[0]:
                    best = (key, low, high, floor, True, precision, recall, near_rate)
    return best


def _added(cv: dict[str, np.ndarray], j: int, y: np.ndarray, near: np.ndarray, target: float):
    """Thresholds for an add-only act: best recall where what examples add has ``target`` precision.

    A rule's hit always stands (``low`` 0); when no thresholds reach the target, the example
    layer adds nothing (``high`` above 1).
    """
    ruled = cv["R"][:, j]
    best: tuple | None = None
    for floor in _FLOORS[_FLOORS >= _ADD_ONLY_FLOOR]:
        for high in _HIGHS:
            flagged = flags(cv, j, 0.0, high, floor, True)
            added = flagged & ~ruled
            if not added.any():
                continue
            if _rates(added, y, near)[0] < target:
                continue
            key = (_rates(flagged, y, near)[1], -float(floor))
            if best is None or key > best[0]:
                best = (key, float(high), float(floor))
    high, floor = (best[1], best[2]) if best else (1.01, 1.0)
    flagged = flags(cv, j, 0.0, high, floor, True)
    return add_only_choice(high, floor, flagged, ruled, y, near, target)


def add_only_choice(
    high: float,
    floor: float,
    flagged: np.ndarray,
    ruled: np.ndarray,
    y: np.ndarray,
    near: np.ndarray,
    target: float,
) -> ActChoice:
    """The :class:`ActChoice` of an add-only act: a rule's hit always stands (``low`` 0).

    It carries the cross-validated rates of what it flags, and of the rules alone beside them.
    """
    precision, recall, near_rate = _rates(flagged, y, near)
    rp, rr, rn = _rates(ruled, y, near)
    return ActChoice(
        0.0,
        high,
        floor,
        True,
        target,
        round(precision, 3),
        round(recall, 3),
        round(near_rate, 3),
        int(y.sum()),
        {"precision": round(rp, 3), "recall": round(rr, 3), "near_miss_rate": round(rn, 3)},
    )


def choose(
    cv: dict[str, np.ndarray],
    y: np.ndarray,
    near: np.ndarray,
    settings: Settings,
    known: np.ndarray | None = None,
):
    """Per act, the thresholds with the best cross-validated recall within the targets.

    Where no thresholds reach ``settings.precision`` (the rules alone flag too many lines the
    corpus labels otherwise), the target steps down by ``settings.precision_step`` until one
    does; the act's ``precision_target`` records what was reached for. An umbrella act
    (``settings.umbrella``) is chosen without the lines labelled only with an act it covers, and
    its reported precision and recall are on the lines it was chosen on.
    """
    choices: dict[str, ActChoice] = {}
    full = cv
    for j, act in enumerate(settings.acts):
        rows = known[:, j] if known is not None else slice(None)  # lines labelled for the act
        cv = {key: value[rows] for key, value in full.items()}
        yj, nj = y[rows, j], near[rows, j]
        if act in settings.add_only:
            choices[act] = _added(cv, j, yj, nj, settings.add_precision)
            continue
        # Near-misses the rules alone already flag are the rules' to fix: the example layer may
        # not add to them, but they do not bar it from adding recall (false_legal_claim's rules
        # flag 2.5 % of its near-misses; a 2 % cap switched the act's examples off entirely).
        covered = dict(settings.umbrella).get(act, ())
        if covered:
            spoken = [settings.acts.index(a) for a in covered if a in settings.acts]
            others = y[rows][:, spoken].any(axis=1) & ~yj  # labelled only with a covered act
            cv = {key: value[~others] for key, value in cv.items()}
            yj, nj = yj[~others], nj[~others]
        near_max = (
            settings.umbrella_near_miss
            if covered
            else max(settings.near_miss, _rates(cv["R"][:, j], yj, nj)[2])
        )
        target, best = settings.precision, None
        while best is None and target > 0.5:
            best = _best(cv, j, yj, nj, target, near_max)
            if best is None:
                target = round(target - settings.precision_step, 2)
        if best is None:
            best = ((), 1.01, 1.01, 1.0, True, *_rates(flags(cv, j, 1.01, 1.01, 1.0, True), yj, nj))
        _, low, high, floor, margin, precision, recall, near_rate = best
        rp, rr, rn = _rates(cv["R"][:, j], yj, nj)
        choices[act] = ActChoice(
            float(low),
            float(high),
            float(floor),
            bool(margin),
            target,
            round(precision, 3),
            round(recall, 3),
            round(near_rate, 3),
            int(yj.sum()),
            {"precision": round(rp, 3), "recall": round(rr, 3), "near_miss_rate": round(rn, 3)},
        )
    return choices


def _any(flagged: np.ndarray, y: np.ndarray, near: np.ndarray) -> dict[str, float]:
    """Precision and recall of "this line has some violation", and near-misses flagged."""
    said, found = y.any(axis=1), flagged.any(axis=1)
    precision, recall, _ = _rates(found, said, np.zeros_like(said))
    near_rate = float((flagged & near).any(axis=1)[near.any(axis=1)].mean())
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "near_miss_rate": round(near_rate, 3),
    }


def _trials(settings: Settings) -> list[Settings]:
    """The settings cross-validated: every C, and for the encoded acts every ``w`` with it.

    Only the first ``w`` refits every act; the others refit the encoded acts alone (the rest
    do not see the embedding). The gate is open throughout (0): each act's column then depends
    on its own C and ``w`` alone, so the best of each act can be put together afterwards.
    """
    encoded = tuple(a for a in settings.acts if a in settings.encoded)
    out = []
    for c in settings.Cs or (settings.C,):
        for k, w in enumerate(settings.ws or (0.0,)):
            acts = settings.acts if k == 0 else encoded
            by_act = tuple((a, w) for a in encoded)
            out.append(replace(settings, acts=acts, C=c, C_by_act=(), w_by_act=by_act, gate=0.0))
    return out


def _per_act_c(
    examples: Sequence[Example],
    settings: Settings,
    y: np.ndarray,
    near: np.ndarray,
    components=None,
    chooser=None,
    vectors: Mapping[str, np.ndarray] | None = None,
):
    """Cross-validate every C of ``settings.Cs`` (and ``w`` of ``ws``); per act, keep the best.

    ``components`` and ``vectors`` as for :func:`cross_validate`; ``chooser(cv, y, near,
    settings)`` picks the thresholds (default :func:`choose`).

    Returns:
        ``(cv, choices, settings)``: the out-of-fold components and thresholds of each act's
        chosen C and ``w``, and the settings with ``C_by_act`` and ``w_by_act`` filled in.

    """
    best: dict[str, tuple[tuple, Settings, ActChoice]] = {}
    known = _known(examples, settings.acts)
    cv: dict[str, np.ndarray] = {}
    for trial in _trials(settings):
        cols = [settings.acts.index(a) for a in trial.acts]
        ty, tn, tk = y[:, cols], near[:, cols], known[:, cols]
        parts = cross_validate(examples, trial, components, vectors)
        picked = chooser(parts, ty, tn, trial) if chooser else choose(parts, ty, tn, trial, tk)
        for j, (act, choice) in enumerate(picked.items()):
            key = (choice.precision_target, choice.recall, choice.precision, -choice.near_miss_rate)
            if act not in best or key > best[act][0]:
                best[act] = (key, trial, choice)
                for name, value in parts.items():
                    shape = (len(examples), len(settings.acts))
                    cv.setdefault(name, np.zeros(shape, dtype=value.dtype))[:, cols[j]] = value[
                        :, j
                    ]
    c_by_act = tuple((act, best[act][1].C) for act in settings.acts)
    w_by_act = tuple(
        (act, dict(best[act][1].w_by_act)[act]) for act in settings.acts if act in settings.encoded
    )
    chosen = replace(settings, C_by_act=c_by_act, w_by_act=w_by_act if settings.ws else ())
    return cv, {act: best[act][2] for act in settings.acts}, chosen


def _gate(
    examples: Sequence[Example],
    settings: Settings,
    y: np.ndarray,
    near: np.ndarray,
    vectors: Mapping[str, np.ndarray],
    open_cv: dict[str, np.ndarray],
    open_choices: dict[str, ActChoice],
):
    """The highest gate of ``settings.gates`` that costs no encoded act over ``gate_loss`` recall.

    ``open_cv`` and ``open_choices`` are what the chosen C and ``w`` gave with the gate open.

    Returns:
        ``(cv, choices, settings)`` of the gate chosen (the open ones if none qualifies), with
        ``settings.gate`` filled in.

    """
    known = _known(examples, settings.acts)
    gates = sorted(settings.gates)
    runs = cross_validate(examples, settings, None, vectors, gates)
    found = (open_cv, open_choices, replace(settings, gate=0.0))
    for gate, cv in zip(gates, runs, strict=True):
        picked = choose(cv, y, near, settings, known)
        lost = max(
            open_choices[a].recall - picked[a].recall
            for a in settings.acts
            if a in settings.encoded
        )
        if lost <= settings.gate_loss:
            found = (cv, picked, replace(settings, gate=gate))
    return found


def build_index(
    settings: Settings | None = None,
    root: str | Path = CORPUS_DIR,
    out: str | Path = INDEX_PATH,
) -> dict:
    """Cross-validate, choose thresholds, fit on all of ``train`` and write the index.

    Returns:
        The index's ``meta``: settings, digest, and the cross-validated figures per act.

    """
    settings = settings or AGENT_SETTINGS
    examples = training_lines("agent", root)
    y, near = _labels(examples, settings.acts)
    vectors = embeddings(examples) if settings.ws else None
    cv, choices, settings = _per_act_c(examples, settings, y, near, vectors=vectors)
    return finish_index(examples, settings, cv, choices, vectors, out)


def refit_index(
    root: str | Path = CORPUS_DIR,
    out: str | Path = INDEX_PATH,
    previous: str | Path = INDEX_PATH,
) -> dict:
    """Build with the C, ``w`` and gate the index at ``previous`` chose: one cross-validation.

    :func:`build_index` cross-validates every C and ``w`` of the grid (nine runs, then four
    gates): 15-40 minutes on the 2-core dev machine. After a small change to ``train`` or the
    feature code, the per-act C and ``w`` chosen last time stand; this cross-validates once with
    them, chooses the thresholds again on what it gives, and fits. ``meta["refit_from"]`` names
    the digest of the index the choices came from. ``callsim corpus build --refit``.

    Raises:
        FileNotFoundError: no index at ``previous``.
        KeyError: ``previous`` was built without the encoder (nothing to keep).

    """
    with np.load(previous) as old:
        before = json.loads(str(old["meta"]))
    kept = before["settings"]
    settings = replace(
        AGENT_SETTINGS,
        C_by_act=tuple((act, float(c)) for act, c in kept["C_by_act"]),
        w_by_act=tuple((act, float(w)) for act, w in kept["w_by_act"]),
        gate=float(kept["gate"]),
        gates=(),
    )
    examples = training_lines("agent", root)
    y, near = _labels(examples, settings.acts)
    vectors = embeddings(examples)
    cv = cross_validate(examples, settings, vectors=vectors)
    choices = choose(cv, y, near, settings, _known(examples, settings.acts))
    return finish_index(
        examples, settings, cv, choices, vectors, out, refit_from=before["train_sha256"]
    )


def finish_index(
    examples: Sequence[Example],
    settings: Settings,
    cv: dict[str, np.ndarray],
    choices: dict[str, ActChoice],
    vectors: Mapping[str, np.ndarray] | None,
    out: str | Path = INDEX_PATH,
    refit_from: str | None = None,
) -> dict:
    """The build's steps once C (and ``w``) are chosen per act: the gate, the final fit, the file.

    ``cv`` and ``choices`` are what those C and ``w`` gave with the gate open (or, with
    ``settings.gates`` empty, with ``settings.gate``). ``refit_from``: see :func:`refit_index`.

    Returns:
        The index's ``meta``.

    """
    import sklearn

    y, near = _labels(examples, settings.acts)
    if settings.ws and settings.gates:
        cv, choices, settings = _gate(examples, settings, y, near, vectors, cv, choices)
    arrays = _fit(examples, settings, vectors)
    flagged = np.column_stack(
        [flags(cv, j, c.low, c.high, c.floor, c.margin) for j, c in enumerate(choices.values())]
    )
    v = np.array([a in VIOLATION_ACTS for a in settings.acts])  # "any violation" columns
    flagged, y, near, rules = flagged[:, v], y[:, v], near[:, v], cv["R"][:, v]
    any_near = near.any(axis=1)
    meta = {
        "train_sha256": train_digest(
            examples, CODE_BY_SIDE["agent"], tag=encoder_tag() if settings.ws else ""
        ),
        "train_lines": len(examples),
        "settings": asdict(settings),
        "sklearn": sklearn.__version__,
        "encoder": {"package": encoder.PACKAGE, "version": encoder.version()}
        if settings.ws
        else None,
        "cv": {act: asdict(c) for act, c in choices.items()},
        "cv_near_miss_rate": round(float((flagged & near).any(axis=1)[any_near].mean()), 3),
        "cv_any_violation": _any(flagged, y, near),
        "rules_any_violation": _any(rules, y, near),
    }
    if refit_from:
        meta["refit_from"] = refit_from
    arrays["high"] = np.array([c.high for c in choices.values()], dtype=np.float32)
    arrays["low"] = np.array([c.low for c in choices.values()], dtype=np.float32)
    arrays["floor"] = np.array([c.floor for c in choices.values()], dtype=np.float32)
    arrays["margin"] = np.array([c.margin for c in choices.values()], dtype=bool)
    arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
    np.savez_compressed(out, **arrays)
    return meta


def index_is_current(
    path: str | Path = INDEX_PATH, root: str | Path = CORPUS_DIR, side: str = "agent"
) -> tuple[bool, str]:
    """Whether the index at ``path`` was built from the current ``train`` split and feature code.

    For the agent side, also with the installed encoder's version (:func:`encoder_tag`).

    ``side`` names the corpus the index was built from (``customer``: ``customer_index.npz``).

    Returns:
        ``(current, why)``: ``why`` is one line naming the index and what differs.

    """
    if not Path(path).exists():
        return False, f"{path}: missing; run `callsim corpus build`"
    with np.load(path, allow_pickle=False) as npz:
        meta = json.loads(str(npz["meta"]))
    tag = encoder_tag() if side == "agent" else ""
    want = train_digest(training_lines(side, root), CODE_BY_SIDE[side], tag)
    have = meta.get("train_sha256", "")
    if have != want:
        built = (meta.get("encoder") or {}).get("version")
        encoder_now = f"; encoder {built} at build, {tag} now" if tag and built else ""
        return False, (
            f"{path}: stale (built from train {have[:12] or '?'}, corpus, feature code and "
            f"encoder now {want[:12]}{encoder_now}); "
            f"run `callsim corpus build{' --side customer' * (side == 'customer')}`"
        )
    return True, f"{path}: up to date (train {want[:12]}, {meta.get('train_lines')} lines)"
