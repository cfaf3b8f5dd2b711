"""How the build chooses an act's thresholds from cross-validated scores (``build.choose``).

The scores here are written by hand, the shape ``cross_validate`` returns: per line and act the
example layer's P, whether a rule fired (R) in a clause with a dismissal cue (C), the similarity
to the nearest labelled line (S), whether that line is closer than the nearest near-miss (M), and
whether a denial (D) or a dismissal of a window (X) stands against the act.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from simulator.understand import build

ACTS = ("threat", "third_party_pressure")


def _scores(threat_p: list[float]) -> dict[str, np.ndarray]:
    n = len(threat_p)
    p = np.zeros((n, 2))
    p[:, 0] = threat_p
    false = np.zeros((n, 2), dtype=bool)
    return {
        "P": p,
        "R": false.copy(),
        "C": false.copy(),
        "S": np.ones((n, 2)),
        "M": np.ones((n, 2), dtype=bool),
        "D": false.copy(),
        "X": false.copy(),
    }


def _corpus() -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """20 threats, 20 lines labelled third-party pressure only that read as threats, 40 lawful."""
    y = np.zeros((80, 2), dtype=bool)
    y[:20, 0] = True
    y[20:40, 1] = True
    cv = _scores([0.9] * 40 + [0.1] * 40)
    return cv, y, np.zeros_like(y)


def test_an_umbrella_act_is_not_counted_wrong_on_lines_of_an_act_it_covers():
    cv, y, near = _corpus()
    settings = replace(build.AGENT_SETTINGS, acts=ACTS, add_only=())
    choice = build.choose(cv, y, near, settings)["threat"]
    assert choice.precision_target == 0.95
    assert choice.recall == 1.0
    assert choice.high <= 0.9


def test_without_the_umbrella_those_lines_count_against_it():
    cv, y, near = _corpus()
    settings = replace(build.AGENT_SETTINGS, acts=ACTS, add_only=(), umbrella=())
    choice = build.choose(cv, y, near, settings)["threat"]
    assert choice.recall == 0.0  # at precision 0.95 only by flagging nothing


def test_the_umbrella_cap_on_near_misses_is_hard():
    cv, y, near = _corpus()
    near[40:44, 0] = True  # four lawful near-misses of threat that read as threats
    cv["P"][40:44, 0] = 0.9
    settings = replace(build.AGENT_SETTINGS, acts=ACTS, add_only=())
    choice = build.choose(cv, y, near, settings)["threat"]
    assert choice.near_miss_rate <= settings.umbrella_near_miss
    assert choice.recall == 0.0  # the near-misses read exactly as the threats do


def test_the_index_digest_ignores_docstrings_comments_and_layout():
    code = 'X = re.compile(r"不会|没有")\n"""Cues."""\n\n\ndef f(a):\n    return a + 1\n'
    same = (
        '"""A module."""\n# a comment\nX = re.compile(\n    r"不会|没有"\n)\n'
        '"""Cues, reworded."""\n\n\ndef f(a):\n    """One more."""\n    return a + 1  # why\n'
    )
    changed = 'X = re.compile(r"不会|没有|别")\n"""Cues."""\n\n\ndef f(a):\n    return a + 1\n'
    assert build.code_shape(code) == build.code_shape(same)
    assert build.code_shape(code) != build.code_shape(changed)
