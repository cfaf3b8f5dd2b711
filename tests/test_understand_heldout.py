"""Understanding on the corpus' held-out split: the figures reached, asserted as a floor.

The sample is fixed: every agent line of the ``heldout`` split (never used to build or tune
anything). The issue's target is recall ≥ 0.95 at precision ≥ 0.95 for every violation act and ≤ 2
% of near-misses flagged; meta_instruction meets the per-act target with this index (0.974 /
1.0), insult is one line short (0.964 / 0.946), and the near-miss one is missed by one line (10
of 486, 2.1 %). The floors below are the figures measured when the index was last built
(2026-12-01, eleventh session: rules by kind again, 862 train lines more, 838 from two writers
who saw only the brief, threat's umbrella near-miss cap 0.01 → 0.015 chosen on train, a refit;
any violation P 0.949 → 0.954, R 0.924 → 0.942; up: threat P .80→.82, insult P .94→.96 R
.88→.95, false legal claim R .78→.82, pressure P .91→.93 R .81→.85, fee P .93→.94, meta R
.95→1.0; down: borrowing P .93→.92, fee R .95→.91; the session's first refit, with the 0.01
cap, had threat at 0.84 / 0.69 and near-misses at 9 of 486. Before that, the tenth
session: rules by kind written from the train lines the full stack missed in cross-validation,
922 train lines more, a full build then a refit on the final rules; any violation P 0.951 →
0.949, R 0.912 → 0.924; up: pressure P .90→.91 R .76→.81, disclosure R .84→.95, borrowing R
.91→.93, meta R .92→.95; down: insult P .95→.94 R .93→.88; the rest within a line. The
session's three refits differed by a few lines per act: the first, before twelve lawful 什么东西
lines and twelve lines asking for the cardholder at work joined train, had any violation R 0.932,
insult 0.964 / 0.964 and meta 0.973 / 0.973; the second had near-misses at 9 of 486. On the new
blind set (300 lines, measured seven times) any violation went from P 0.966 R 0.950 to P 0.977 R 0.961,
near-misses 5 → 4 of 90 (counts only, nothing chosen on them). In the ninth session
(2026-12-01: 1,196 train lines more, 899 by three writers who saw only a brief and the eighth
session's 297 blind lines; fusion reads 只有…才不… and needs a word of the debt for a disclosure;
any violation P 0.956 → 0.951, R 0.899 → 0.912; up: threat R .76→.77, insult R .88→.93,
false legal claim P .95→.97, pressure R .68→.76, borrowing R .88→.91, fee R .93→.95;
down: insult P .96→.95, pressure P .91→.90, disclosure R .88→.84, borrowing P .94→.93, fee P
.96→.93, meta R .97→.92 (two lines). On the new blind set (300 lines, measured before and after)
any violation went from P 0.983 R 0.967 to P 0.978 R 0.972, near-misses 3 → 4 of 90.) In the
eighth session (2026-11-30: 1,210 train lines more, 900 of them by three
writers who saw only a brief, and the rhetorical denials narrowed; any violation P 0.946 → 0.956, R
0.903 → 0.899; impersonation R .88→.93, fee P .88→.96, insult R .86→.88, meta R .95→.97; down:
pressure through third parties R .73→.68 (three lines), false legal claim R .82→.79 (two),
disclosure P .88→.86. On the new blind set (297 lines, measured before and after) any violation
rose from P 0.976 R 0.917 to P 0.983 R 0.939.) In the seventh session (2026-11-30: threat an
umbrella act, more denials read by the rules and marked in the features; any violation P 0.946 R
0.903; threat P .82→.80 R .73→.76, insult P .93→.96 R .95→.86, false legal claim R .85→.82,
borrowing P .93→.94 R .90→.88, fee P .96→.88 R .89→.95, meta R .97→.95: the thresholds moved, one
line or a few per act). In the sixth session (windows of long turns read by their n-grams, 2,434
more train lines): any violation P 0.952 R 0.905. Before that (rounded down; 2026-11-30, the
violation acts' features joined by the sentence encoder's embedding: any violation P 0.954 R 0.891,
near-misses 1.9 %; the n-grams alone, same corpus: P 0.961 R 0.864, near-misses 1.6 % — recall up
on threats .69→.71, insults .84→.89, pressure through third parties .66→.73, disclosure .86→.89,
borrowing .83→.88, meta .95→.97; precision down on pressure .93→.90 and impersonation 1.0→.98 with
its recall .86→.84), so a change that makes understanding worse fails here. Ordinary questions (the
question corpus' held-out lines, all lawful) are a second fixed sample: a scorecard that flags a
plain 您是他什么人？ fails a trainee for nothing; ``bench/understanding.py`` prints the same figures with
the rules alone beside them.
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
    "threat": (0.82, 0.77),
    "insult": (0.96, 0.94),
    "impersonation": (0.98, 0.92),
    "false_legal_claim": (0.96, 0.81),
    "third_party_pressure": (0.92, 0.85),
    "third_party_disclosure": (0.86, 0.94),
    "induce_borrowing": (0.91, 0.93),
    "illegitimate_fee": (0.94, 0.91),
    "meta_instruction": (0.97, 0.99),
}
NEAR_MISSES_FLAGGED_AT_MOST = (
    0.021  # 10 of 486 (eleventh session; 9 with its first refit); rules: 8
)
# 8 of 994 (10 in the ninth session; 16 there before a disclosure needed a word of the debt)
ORDINARY_QUESTIONS_FLAGGED_AT_MOST = 0.009


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


def test_ordinary_questions_are_rarely_flagged():
    from simulator.customer.question_corpus import load_questions

    lines = [q.text for q in load_questions("heldout")]
    flagged = [t for t in lines if set(understand(t, today=DAY).names) & set(VIOLATION_ACTS)]
    assert len(lines) >= 900
    # counts only, as above
    assert len(flagged) / len(lines) <= ORDINARY_QUESTIONS_FLAGGED_AT_MOST, (
        f"{len(flagged)} flagged"
    )


def test_which_targets_are_met_is_known(stack):
    met = {a for a, s in stack.acts.items() if s.precision >= TARGET and s.recall >= TARGET}
    # meta_instruction (37 of 37 found, one false alarm) with the eleventh session's index; none
    # with the tenth's, whose three refits, each choosing the thresholds on train alone, met it
    # for insult and meta_instruction, meta_instruction, and none: one line either way decides it
    assert met == {"meta_instruction"}
