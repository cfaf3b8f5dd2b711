"""A trainer's slow regex costs one turn's budget, never the app.

Issue 10's tester saved ``(a?){30}a{30}`` into the rubric (it passed the load-time checks) and
one trainee line then held the whole server for ~70 s. The scorer now searches rubric patterns
with the ``regex`` package under a time budget per turn.
"""

from __future__ import annotations

import logging
import time

import yaml

from scoring import analysis, default_rubric, score
from scoring.rubric import parse_rubric

BAD = r"(a?){30}a{30}"


def _rubric_with(pattern: str):
    data = yaml.safe_load(default_rubric().path.read_text(encoding="utf-8"))
    insult = next(c for c in data["criteria"] if c["id"] == "insult")
    insult["detect"].setdefault("patterns", []).append(pattern)
    return parse_rubric(yaml.safe_dump(data, allow_unicode=True), "slow.yaml")


def _call(*agent_lines: str) -> dict:
    turns = [{"speaker": "customer", "text": "喂？"}]
    for line in agent_lines:
        turns += [{"speaker": "agent", "text": line}, {"speaker": "customer", "text": "嗯。"}]
    return {
        "persona": "cooperative_wang",
        "started_at": "2026-11-20T14:30:00+08:00",
        "turns": turns,
    }


def test_the_testers_pattern_scores_in_moments():
    rubric = _rubric_with(BAD)
    began = time.monotonic()
    card = score(_call("您好，我是招商银行的小王。", "a" * 30 + "b", "a" * 31 + "b"), rubric)
    # Python's re took ~70 s here; the budget bounds it at 3 x 50 ms even for a worse pattern.
    assert time.monotonic() - began < 5
    assert card["overall"] >= 0


def test_a_pattern_over_budget_is_skipped_for_that_turn_and_logged(monkeypatch, caplog):
    monkeypatch.setattr(analysis, "MATCH_BUDGET_S", 1e-9)
    analysis._SLOW.clear()
    rubric = _rubric_with("(?:x|y)+z")
    with caplog.at_level(logging.WARNING, logger="scoring.analysis"):
        card = score(_call("您好，我是招商银行的小王。", "xy" * 900), rubric)
    assert card["overall"] >= 0
    assert any("took over" in r.message for r in caplog.records)


def test_load_time_checks_still_refuse_what_they_recognise():
    from scoring.safe_regex import regex_problem

    assert regex_problem(r"(a+)+$") is not None
    assert regex_problem(r"(a|aa)+$") is not None
    assert regex_problem(r"催收费|上门费") is None
