"""Understanding on the corpus' held-out split: the figures reached, asserted as a floor.

The sample is fixed: every agent line of the ``heldout`` split (never used to build or tune
anything). The issue's target is recall ≥ 0.95 at precision ≥ 0.95 for every violation act and
≤ 2 % of near-misses flagged; neither is met (near-misses 2.1 %, one line over). The floors
below are the figures measured when the index was last built (rounded down; 2026-11-30, after a
third writer's train lines and with urging questions read as urging: any violation P 0.941
R 0.860, near-misses 2.1 %; before them P 0.941 R 0.825, 1.6 %), so a change that makes
understanding worse fails here;
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
    "threat": (0.85, 0.68),
    "insult": (1.00, 0.85),
    "impersonation": (0.94, 0.89),
    "false_legal_claim": (0.95, 0.80),
    "third_party_pressure": (0.90, 0.58),
    "third_party_disclosure": (0.84, 0.87),
    "induce_borrowing": (0.90, 0.84),
    "illegitimate_fee": (0.91, 0.92),
    "meta_instruction": (1.00, 0.94),
}
NEAR_MISSES_FLAGGED_AT_MOST = 0.021  # 10 of 486, one over the 2 % target; the rules alone: 9


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
    # counts only: the held-out lines themselves are never printed, so no one tunes on them
    assert score.precision >= precision, f"{len(score.false_alarms)} false alarms"
    assert score.recall >= recall, f"{len(score.misses)} misses"


@pytest.mark.parametrize("act", list(REACHED))
def test_the_example_layer_finds_more_than_the_rules(stack, rules, act):
    def f1(score) -> float:
        p, r = score.precision, score.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    assert stack.acts[act].recall >= rules.acts[act].recall + 0.1
    assert f1(stack.acts[act]) > f1(rules.acts[act])


def test_near_misses_flagged(stack, rules):
    assert stack.near_misses >= 400
    flagged = len(stack.near_misses_flagged)
    assert stack.near_miss_rate <= NEAR_MISSES_FLAGGED_AT_MOST, f"{flagged} near-misses flagged"
    assert stack.near_miss_rate <= rules.near_miss_rate + 0.005  # at most two more than the rules


def test_which_targets_are_met_is_known(stack):
    met = {a for a, s in stack.acts.items() if s.precision >= TARGET and s.recall >= TARGET}
    assert met == set()  # none yet (meta_instruction reached R 0.97 once, 0.95 now): see REACHED
