"""Score 10,000 transcripts of 30 turns on one core and print transcripts per second.

The transcripts are generated from the calibration set: turns are drawn from every labelled
call (so good, bad and borderline lines mix), amounts and dates are varied so most utterances
are new text, and each transcript alternates customer and agent for 30 turns. Two figures are
printed: the whole set scored cold (every distinct utterance understood once, the realistic
case), and the share of that time spent inside ``simulator.understand.understand``.

Its "cold" figure is not the issue #11 cold figure: the transcripts reuse utterances, so most
calls to ``understand`` are cache hits. ``bench/understanding.py`` scores calls whose every
utterance is new to the process (target ≥ 20 calls/s) and the same calls cached (≥ 500/s).

Usage: ``.venv/bin/python bench/score_throughput.py [N]``.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import scoring.analysis as analysis  # noqa: E402
from scoring import default_rubric, score  # noqa: E402

TURNS = 30


def corpus() -> tuple[list[str], list[str]]:
    agent, customer = [], []
    for path in sorted((ROOT / "tests" / "calibration").glob("*.json")):
        for turn in json.loads(path.read_text(encoding="utf-8"))["turns"]:
            (agent if turn["speaker"] == "agent" else customer).append(turn["text"])
    return agent, customer


def vary(text: str, rng: random.Random) -> str:
    for old in ("八千六百元", "一万二", "一万五", "六千元", "两千五", "三千", "五千", "一千"):
        if old in text:
            return text.replace(old, f"{rng.randint(5, 300) * 100}元", 1)
    for old in ("12月5号", "11月27号", "12月1号", "12月10号"):
        if old in text:
            return text.replace(old, f"12月{rng.randint(1, 28)}号", 1)
    return text + rng.choice(("", "", "好吗？", "您看呢？", "是吧。", "嗯。"))


def transcripts(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    agent, customer = corpus()
    out = []
    for i in range(n):
        turns = []
        for t in range(TURNS):
            pool = customer if t % 2 == 0 else agent
            turns.append(
                {
                    "speaker": "customer" if t % 2 == 0 else "agent",
                    "text": vary(rng.choice(pool), rng),
                }
            )
        hour = rng.choice((9, 10, 14, 16, 23))
        out.append(
            {
                "persona": f"bench{i}",
                "started_at": f"2026-11-20T{hour:02d}:15:00+08:00",
                "turns": turns,
            }
        )
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rubric = default_rubric()
    data = transcripts(n)
    distinct = len({t["text"] for d in data for t in d["turns"]})

    # time spent inside understand(), measured by wrapping the function the scorer calls
    spent = [0.0]
    inner = analysis.understand

    def timed(text, *, today=None):
        start = time.perf_counter()
        try:
            return inner(text, today=today)
        finally:
            spent[0] += time.perf_counter() - start

    analysis.understand = timed
    analysis._understand.cache_clear()
    start = time.perf_counter()
    for d in data:
        score(d, rubric)
    cold = time.perf_counter() - start
    analysis.understand = inner

    start = time.perf_counter()
    for d in data[:2000]:
        score(d, rubric)
    warm = (time.perf_counter() - start) / min(n, 2000)

    print(f"{n} transcripts x {TURNS} turns, {distinct} distinct utterances")
    print(
        f"cold (each utterance understood once): {n / cold:,.0f} transcripts/s "
        f"({cold / n * 1000:.2f} ms each); understand() took {spent[0]:.2f} s "
        f"= {100 * spent[0] / cold:.0f}% of it"
    )
    print(f"warm (utterances cached):              {1 / warm:,.0f} transcripts/s")
    print(
        "targets (#11): >= 500 transcripts/s cached (the warm line); >= 20 calls/s with every "
        "utterance new: bench/understanding.py (this 'cold' run reuses utterances)"
    )


if __name__ == "__main__":
    main()
