"""Build the customer index from the customer corpus' ``train`` split: ``callsim corpus build --side customer``.

Build time only (scikit-learn, imported inside :mod:`.build`'s functions). The agent side's
code does the work: :func:`.build._fit` (features, one logistic regression per act, int8
weights), :func:`.build._per_act_c` (5-fold cross-validation on ``train`` for each C), with this
module's :func:`components` in place of the agent side's fusion. The ``heldout`` split is never
read.

The thresholds of each act (``high``, ``floor``; the layer only adds, so ``low`` is 0) give the
best cross-validated recall of rules + layer where, out of fold,

- the lines the layer alone would flag with the act (wherever the rules' exclusions allow it)
  are right at ``add_precision``: the rules were written from ``train`` and miss few of its
  lines, so what the layer *adds* there is too small a sample to judge it by alone;
- and the lines it adds to the rules' reading are right at ``add_precision`` too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path

import numpy as np

from simulator.understand.build import (
    _FLOORS,
    _HIGHS,
    CODE_BY_SIDE,
    ActChoice,
    Settings,
    _fit,
    _labels,
    _per_act_c,
    _rates,
    add_only_choice,
    train_digest,
)
from simulator.understand.corpus import CORPUS_DIR, Example, load_corpus
from simulator.understand.customer import rule_reading
from simulator.understand.customer_acts import CUSTOMER_ACTS
from simulator.understand.customer_examples import CUSTOMER_INDEX_PATH, kept
from simulator.understand.customer_rules import CustomerAct
from simulator.understand.examples import ExampleModel
from simulator.understand.normalize import normalize_with_map

__all__ = ["CUSTOMER_SETTINGS", "build_customer_index", "components"]

CUSTOMER_SETTINGS = Settings(
    acts=tuple(CUSTOMER_ACTS), add_only=tuple(CUSTOMER_ACTS), add_precision=0.9
)
"""Every customer act is modelled, and every one add-only."""
_TODAY = date(2026, 6, 15)
"""A fixed call date for the slots the exclusions read (a date said or not), for repeatable builds."""


def components(model: ExampleModel, examples: Sequence[Example]) -> dict[str, np.ndarray]:
    """What the customer fusion needs for every line and act, each array ``(N, A)``.

    ``P`` probability; ``R`` the rules found the act; ``S`` similarity to the nearest ``train``
    line carrying it; ``M`` that line is closer than the nearest near-miss; ``X`` the rules'
    exclusions would not keep the act beside the rules' acts. ``C`` and ``D`` (the agent side's
    dismissal and denial) are all False: the customer fusion has neither.
    """
    acts = model.acts
    shape = (len(examples), len(acts))
    out = {k: np.zeros(shape, dtype=bool) for k in "RCDMX"}
    out["P"], out["S"] = np.zeros(shape), np.zeros(shape)
    for i, ex in enumerate(examples):
        nm = normalize_with_map(ex.text)
        if not nm.text:
            continue
        _, found, slots = rule_reading(nm, ex.text, _TODAY)
        features = model.features(nm)
        probabilities = model.probabilities(features)
        for j, act in enumerate(acts):
            out["P"][i, j] = probabilities[act]
            out["R"][i, j] = act in found
            if probabilities[act] < _HIGHS[0]:
                continue
            ev = model.evidence(features, act)
            if ev is None:
                continue
            out["S"][i, j] = ev.similarity
            out["M"][i, j] = ev.similarity >= ev.lawful_similarity
            if act not in found:
                out["X"][i, j] = not kept(found, CustomerAct(act, "", "example"), slots, ex.text)
    return out


def _choose(cv: dict[str, np.ndarray], j: int, y: np.ndarray, near: np.ndarray, target: float):
    """An add-only act's thresholds (see the module's docstring); ``high`` 1.01 adds nothing."""
    ruled = cv["R"][:, j]
    best: tuple | None = None
    for floor in _FLOORS:
        for high in _HIGHS:
            alone = ~cv["X"][:, j] & (cv["P"][:, j] >= high) & (cv["S"][:, j] >= floor)
            alone &= cv["M"][:, j]
            if not alone.any() or _rates(alone, y, near)[0] < target:
                continue
            added = alone & ~ruled
            if added.any() and _rates(added, y, near)[0] < target:
                continue
            key = (_rates(ruled | added, y, near)[1], -float(high), -float(floor))
            if best is None or key > best[0]:
                best = (key, float(high), float(floor), ruled | added)
    high, floor, flagged = (best[1], best[2], best[3]) if best else (1.01, 1.0, ruled)
    return add_only_choice(high, floor, flagged, ruled, y, near, target)


def choose(cv: dict[str, np.ndarray], y: np.ndarray, near: np.ndarray, settings: Settings):
    """Per act, the add-only thresholds of :func:`_choose` (the chooser given to the C search)."""
    return {
        act: _choose(cv, j, y[:, j], near[:, j], settings.add_precision)
        for j, act in enumerate(settings.acts)
    }


def _flagged(cv: dict[str, np.ndarray], j: int, c: ActChoice) -> np.ndarray:
    alone = ~cv["X"][:, j] & (cv["P"][:, j] >= c.high) & (cv["S"][:, j] >= c.floor) & cv["M"][:, j]
    return cv["R"][:, j] | alone


def _micro(flagged: np.ndarray, y: np.ndarray) -> dict[str, float]:
    tp, fp = int((flagged & y).sum()), int((flagged & ~y).sum())
    return {
        "precision": round(tp / (tp + fp) if tp + fp else 1.0, 3),
        "recall": round(tp / int(y.sum()), 3),
    }


def build_customer_index(
    settings: Settings = CUSTOMER_SETTINGS,
    root: str | Path = CORPUS_DIR,
    out: str | Path = CUSTOMER_INDEX_PATH,
) -> dict:
    """Cross-validate, choose thresholds, fit on all of the customer ``train`` split and write.

    Returns:
        The index's ``meta``: settings, digest, and the cross-validated figures per act.

    """
    import sklearn

    examples = load_corpus("customer", "train", root)
    y, near = _labels(examples, settings.acts)
    cv, choices, settings = _per_act_c(examples, settings, y, near, components, choose)
    arrays = _fit(examples, settings)
    flagged = np.column_stack([_flagged(cv, j, c) for j, c in enumerate(choices.values())])
    meta = {
        "side": "customer",
        "train_sha256": train_digest(examples, CODE_BY_SIDE["customer"]),
        "train_lines": len(examples),
        "settings": asdict(settings),
        "sklearn": sklearn.__version__,
        "cv": {act: asdict(c) for act, c in choices.items()},
        "cv_micro": _micro(flagged, y),
        "rules_micro": _micro(cv["R"], y),
    }
    arrays["high"] = np.array([c.high for c in choices.values()], dtype=np.float32)
    arrays["low"] = np.zeros(len(choices), dtype=np.float32)
    arrays["floor"] = np.array([c.floor for c in choices.values()], dtype=np.float32)
    arrays["margin"] = np.ones(len(choices), dtype=bool)
    arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
    np.savez_compressed(out, **arrays)
    return meta
