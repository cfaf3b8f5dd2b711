"""Understanding on the corpus' held-out split: the figures reached, asserted as a floor.

The sample is fixed: every agent line of the ``heldout`` split (never used to build or tune
anything). The issue's target is recall ≥ 0.95 at precision ≥ 0.95 for every violation act and
≤ 2 % of near-misses flagged; it is not reached. The floors below are the figures measured
when the index was built (rounded down), so a change that makes understanding worse fails here;
``bench/understanding.py`` prints the same figures with the rules alone beside them.
"""

from __future__ import annotations

from datetime import date

import pytest

from simulator.understand import VIOLATION_ACTS, understand
from simulator.understand.corpus import load_corpus
from simulator.understand.evaluate import Evaluation, evaluate

DAY = date(2026, 11, 20)
TARGET = 0.95

# act: (precision, recall) of rules + example layer on the held-out split, rounded down
REACHED = {
    "threat": (0.58, 0.24),
    "insult": (0.94, 0.62),
    "impersonation": (0.97, 0.80),
    "false_legal_claim": (0.87, 0.65),
    "third_party_pressure": (0.91, 0.51),
    "third_party_disclosure": (0.87, 0.76),
    "induce_borrowing": (0.92, 0.79),
    "illegitimate_fee": (0.92, 0.67),
    "meta_instruction": (1.00, 0.83),
}
NEAR_MISSES_FLAGGED_AT_MOST = 0.023  # 11 of 486; the rules alone: 13 (0.027)


@pytest.fixture(scope="module")
def held():
    return load_corpus("agent", "heldout")


@pytest.fixture(scope="module")
def stack(held) -> Evaluation:
    return evaluate(held, lambda t: understand(t, today=DAY).names, VIOLATION_ACTS)


@pytest.fixture(scope="module")
def rules(held) -> Evaluation:
    names = lambda t: understand(t, today=DAY, examples=False).names  # noqa: E731
    return evaluate(held, names, VIOLATION_ACTS)


def test_every_violation_act_has_a_floor():
    assert set(REACHED) == set(VIOLATION_ACTS)


@pytest.mark.parametrize("act", list(REACHED))
def test_held_out_precision_and_recall_stay_at_what_was_reached(stack, act):
    precision, recall = REACHED[act]
    score = stack.acts[act]
    assert score.support >= 35
    assert score.precision >= precision, score.false_alarms
    assert score.recall >= recall, score.misses


@pytest.mark.parametrize("act", list(REACHED))
def test_the_example_layer_finds_more_than_the_rules(stack, rules, act):
    assert stack.acts[act].recall >= rules.acts[act].recall + 0.1
    assert stack.acts[act].precision >= rules.acts[act].precision - 0.03


def test_near_misses_flagged(stack, rules):
    assert stack.near_misses >= 400
    assert stack.near_miss_rate <= NEAR_MISSES_FLAGGED_AT_MOST, stack.near_misses_flagged
    assert stack.near_miss_rate <= rules.near_miss_rate


def test_which_targets_are_met_is_known(stack):
    met = {a for a, s in stack.acts.items() if s.precision >= TARGET and s.recall >= TARGET}
    assert met == set()  # none yet: see REACHED; update both when one is
