"""The customer side's example layer: acts the rules missed, added by likeness to labelled lines.

The same model as the trainee's side (:class:`.examples.ExampleModel`: a logistic regression
per act over TF-IDF character n-grams of :mod:`.features`), learnt from the ``train`` split of
``corpus/customer/`` by ``callsim corpus build --side customer`` (:mod:`.customer_build`) and
shipped as ``customer_index.npz`` beside this module; numpy only at run time.

It is *add-only*: the rules' reading (:func:`.customer.rule_reading`) stands as it is, and the
layer adds an act the rules did not find when

- its probability reaches the act's ``high`` and the nearest labelled ``train`` line carrying
  the act is at least ``floor`` alike (both chosen by cross-validation on ``train`` so that what
  the layer adds is right at the build's precision target; an act for which no threshold
  reaches it is never added: ``high`` above 1), and
- the rules' exclusions (:func:`.customer_rules.exclude`) would keep it beside the acts already
  found, and drop none of those: a yes is not added to a line the rules read as a vague
  commitment, a capacity needs an amount, a counter-offer needs terms.

Acts are tried from the most probable down, each against the rules' acts and those added
before it.
"""

from __future__ import annotations

import functools
from pathlib import Path

from simulator.understand.customer_rules import CustomerAct, exclude
from simulator.understand.examples import ExampleModel
from simulator.understand.normalize import Normalized

__all__ = ["CUSTOMER_INDEX_PATH", "add_examples", "candidates", "default_customer_model", "kept"]

CUSTOMER_INDEX_PATH = Path(__file__).resolve().parent / "customer_index.npz"
"""The shipped customer index, built from the customer corpus' ``train`` split."""


def kept(found: dict[str, CustomerAct], act: CustomerAct, slots: dict, text: str) -> bool:
    """Whether the rules' exclusions keep ``act`` beside the acts already ``found``.

    Adding it must drop none of them either: an act the rules are sure of is never crowded out.
    """
    trial = dict(found)
    trial[act.name] = act
    exclude(trial, slots, text)
    return trial.get(act.name) is act and all(name in trial for name in found)


def candidates(model: ExampleModel, nm: Normalized, found: dict) -> list[CustomerAct]:
    """Acts not in ``found`` whose probability and likeness pass their thresholds, likeliest first.

    Each carries the clause that scores most as its quote, ``source`` ``example``, the nearest
    labelled line, its similarity and the probability.
    """
    if not nm.text:
        return []
    features = model.features(nm)
    probabilities = model.probabilities(features)
    out: list[tuple[float, CustomerAct]] = []
    for name in model.acts:
        p = probabilities[name]
        if name in found or p < model.high[name]:
            continue
        evidence = model.evidence(features, name)
        if evidence is None or evidence.similarity < model.floor[name]:
            continue
        if model.margin[name] and evidence.similarity < evidence.lawful_similarity:
            continue
        act = CustomerAct(
            name,
            nm.quote(evidence.clause_start, evidence.clause_end),
            "example",
            evidence.example,
            evidence.similarity,
            round(p, 3),
            evidence.example_source or None,
        )
        out.append((p, act))
    return [act for _, act in sorted(out, key=lambda pair: -pair[0])]


def add_examples(
    model: ExampleModel, nm: Normalized, found: dict[str, CustomerAct], slots: dict, text: str
) -> list[CustomerAct]:
    """The acts the example layer adds to the rules' ``found`` (which is left unchanged)."""
    added: list[CustomerAct] = []
    have = dict(found)
    for act in candidates(model, nm, found):
        if kept(have, act, slots, text):
            have[act.name] = act
            added.append(act)
    return added


@functools.cache
def default_customer_model() -> ExampleModel | None:
    """The shipped customer index, read once per process (None when the file is missing)."""
    if not CUSTOMER_INDEX_PATH.exists():
        return None
    return ExampleModel.load(CUSTOMER_INDEX_PATH)
