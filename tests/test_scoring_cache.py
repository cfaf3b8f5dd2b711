"""The scorer's caches change nothing: a call scored with every utterance new, again with all of
them remembered, and in another order gives the same scorecards (#11, speed)."""

from __future__ import annotations

import json
from pathlib import Path

from scoring import analysis, default_rubric, score
from simulator.understand.dates import parse_date
from simulator.understand.memo import normalized
from simulator.understand.numbers import parse_months
from simulator.understand.ranges import amount_spans
from simulator.understand.relative_dates import date_span

RUBRIC = default_rubric()
CALLS = sorted((Path(__file__).parent / "calibration").glob("*.json"))


def _cards(paths: list[Path]) -> dict[str, str]:
    return {
        p.name: json.dumps(score(json.loads(p.read_text("utf-8")), RUBRIC), sort_keys=True)
        for p in paths
    }


def _forget() -> None:
    analysis._MATCHERS.clear()
    analysis._understand.cache_clear()
    for cached in (normalized, parse_date, parse_months, amount_spans, date_span):
        cached.cache_clear()


def test_cached_scoring_gives_the_same_scorecards():
    _forget()
    cold = _cards(CALLS)
    warm = _cards(CALLS)
    backwards = _cards(CALLS[::-1])
    assert cold == warm == backwards


def test_a_turn_scored_twice_keeps_its_hits_apart():
    # the call state credits offers and read-backs into each call's own hits, never the cache
    line = "跟您核对一下：每月还2200，一共10期，头一期1月8号前"
    call = {
        "persona": "t",
        "started_at": "2026-11-20T14:30:00+08:00",
        "turns": [{"speaker": "agent", "text": line}, {"speaker": "customer", "text": "嗯"}],
    }
    first = analysis.analyse(call, RUBRIC.model)
    again = analysis.analyse(call, RUBRIC.model)
    assert first.turns[0].hits == again.turns[0].hits
    assert first.turns[0].hits is not again.turns[0].hits
