"""Understanding measured on the held-out split, and what it costs per turn and per scored call.

Prints, for the agent lines of the corpus' ``heldout`` split (never used to build or tune), and
any-violation figures for the blind sets in ``bench/blind/`` (lines kept out of the corpus):

1. per act, precision and recall of the rules alone (``understand(..., examples=False)``) and of
   the full stack (rules + example layer), violation acts first; the any-violation figures; and
   the share of lawful near-miss lines flagged with a violation they only resemble;
2. speed on one core, in CPU time (the machine is shared; wall clock is printed beside):
   ``understand`` alone per utterance (p50/p95, each utterance new to the process), and
   ``score`` of 30-turn calls cold (every utterance new to the process: corpus lines used once
   each) and cached (the same calls again). The whole offline turn (understand + policy +
   render + store) is ``bench/turn_latency.py``.

Targets (issue #11): every violation act recall ≥ 0.95 at precision ≥ 0.95; near-misses flagged
≤ 2 %; offline turn p95 < 200 ms; score ≥ 20 calls/s cold and ≥ 500 calls/s cached.

Usage: ``.venv/bin/python bench/understanding.py [--calls 120]``.
"""

from __future__ import annotations

import os

# one core: keep numpy's thread pools to the calling thread
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring import default_rubric, score  # noqa: E402
from simulator.understand import AGENT_ACTS, VIOLATION_ACTS, understand  # noqa: E402
from simulator.understand.build import AGENT_SETTINGS  # noqa: E402
from simulator.understand.corpus import Example, load_corpus  # noqa: E402
from simulator.understand.encoder import embed as embed_utterance  # noqa: E402
from simulator.understand.evaluate import evaluate  # noqa: E402
from simulator.understand.examples import default_model  # noqa: E402

DAY = date(2026, 11, 20)
_FILLERS = ("", "嗯，", "啊，", "哦，", "那个，", "唉，", "呃，", "喂，", "就是，", "我说，")
TURNS = 30
VIOLATIONS = set(VIOLATION_ACTS)


def _any_violation(lines: list[Example], found: dict[str, set[str]]) -> tuple[float, float]:
    """Precision and recall of "this line has some violation"."""
    said = [bool(ex.acts & VIOLATIONS) for ex in lines]
    flagged = [bool(found[ex.text] & VIOLATIONS) for ex in lines]
    tp = sum(s and f for s, f in zip(said, flagged, strict=True))
    fp = sum(f and not s for s, f in zip(said, flagged, strict=True))
    return (tp / (tp + fp) if tp + fp else 1.0), tp / max(sum(said), 1)


def accuracy() -> None:
    held = load_corpus("agent", "heldout")
    acts = [*VIOLATION_ACTS, *AGENT_ACTS]
    found = {
        "rules": {
            ex.text: set(understand(ex.text, today=DAY, examples=False).names) for ex in held
        },
        "stack": {ex.text: set(understand(ex.text, today=DAY).names) for ex in held},
    }
    ev = {name: evaluate(held, lambda t, f=f: f[t], acts) for name, f in found.items()}
    print(f"held-out agent lines: {len(held)} ({ev['rules'].near_misses} lawful near-misses)")
    print(f"{'act':24s} {'n':>4s}   rules P     R  |  stack P     R")
    for act in acts:
        if act == next(iter(AGENT_ACTS)):
            print(
                "-- other acts (the example layer only adds what the rules missed; "
                "offer_plan and summarize_confirm are the rules' and slots' alone) --"
            )
        r, s = ev["rules"].acts[act], ev["stack"].acts[act]
        met = " *" if s.precision >= 0.95 and s.recall >= 0.95 else ""
        print(
            f"{act:24s} {r.support:4d}   {r.precision:6.3f} {r.recall:5.3f}  |"
            f"  {s.precision:6.3f} {s.recall:5.3f}{met}"
        )
    print("(* meets the target: P ≥ 0.95 and R ≥ 0.95)")
    for act, covered in AGENT_SETTINGS.umbrella:
        # lines labelled only with an act the umbrella covers: counted wrong in the table above
        only = [ex for ex in held if ex.acts & set(covered) and act not in ex.acts]
        flagged = sum(act in found["stack"][ex.text] for ex in only)
        s = ev["stack"].acts[act]
        right = s.tp / (s.tp + s.fp - flagged) if s.tp + s.fp - flagged else 1.0
        print(
            f"{act} flagged on {flagged} of {len(only)} lines labelled only with an act it "
            f"covers ({', '.join(covered)}): counted wrong above; counted right, P {right:.3f}"
        )
    for name in ("rules", "stack"):
        precision, recall = _any_violation(held, found[name])
        e = ev[name]
        print(
            f"{name}: any violation P {precision:.3f} R {recall:.3f}; near-misses flagged "
            f"{len(e.near_misses_flagged)}/{e.near_misses} = {e.near_miss_rate:.3f}"
        )


BLIND = ROOT / "bench" / "blind"
"""Lines by writers who saw nothing of the project, kept out of the corpus (never trained or
tuned on), laid out like it (``agent/*.jsonl``, the corpus' schema); the bench prints each
file. ``tenth_session.jsonl``, 300 lines by a writer who saw only the brief: any violation P
0.966 R 0.950 (5 of 90 near-misses flagged) on the ninth session's index, P 0.972 R 0.972 (5)
on the eleventh's. ``eleventh_session.jsonl``, 300 shorter lines written after that session's
changes: P 0.995 R 0.976 (1 of 90) on its starting code and index, P 1.000 R 0.990 (0) at its
end, each measured once. The ninth session's 300 lines (P 0.983 R 0.967 → 0.978 / 0.972), the
eighth's 297 and the seventh's 319 joined ``train`` in the tenth, ninth and eighth."""


def blind() -> None:
    """Any-violation precision and recall, and near-misses flagged, on the blind lines."""
    lines = load_corpus("agent", root=BLIND)
    found = {ex.text: set(understand(ex.text, today=DAY).names) for ex in lines}
    files = sorted({ex.source.split(":")[0] for ex in lines})
    for name, part in [
        (f, [ex for ex in lines if ex.source.startswith(f + ":")]) for f in files
    ] + [("all", lines)]:
        precision, recall = _any_violation(part, found)
        near = [ex for ex in part if ex.near_miss_of and not ex.acts & VIOLATIONS]
        flagged = sum(bool(found[ex.text] & VIOLATIONS) for ex in near)
        print(
            f"blind lines {name} ({len(part)}, {BLIND.relative_to(ROOT)}): any violation "
            f"P {precision:.3f} R {recall:.3f}; near-misses flagged {flagged}/{len(near)}"
        )


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def understand_speed(texts: list[str]) -> None:
    default_model.cache_clear()
    start = time.perf_counter()
    default_model()
    load = time.perf_counter() - start
    start = time.perf_counter()
    embed_utterance("热身")  # the sentence encoder: loaded at start, as the app does (warm)
    print(f"sentence encoder loaded in {(time.perf_counter() - start) * 1000:.0f} ms")
    timings = []
    for text in texts:
        start = time.process_time()
        understand(text, today=DAY)
        timings.append((time.process_time() - start) * 1000)
    print(
        f"understand (CPU time), {len(texts)} utterances each new to the process: p50 "
        f"{statistics.median(timings):.2f} ms, p95 {_percentile(timings, 0.95):.2f} ms, max "
        f"{max(timings):.1f} ms (index loaded once per process in {load * 1000:.0f} ms)"
    )


def calls(n: int, agent: list[str], customer: list[str], seed: int = 11) -> list[dict]:
    """``n`` 30-turn calls; each agent line used once, each customer line made new by a filler."""
    rng = random.Random(seed)
    agent = agent[:]
    rng.shuffle(agent)
    need = n * TURNS // 2
    if len(agent) < need:
        raise SystemExit(f"only {len(agent)} distinct agent lines for {need} agent turns")
    fresh = [f"{filler}{line}" for filler in _FILLERS for line in customer]
    rng.shuffle(fresh)
    out, used = [], 0
    for i in range(n):
        turns = []
        for t in range(TURNS):
            if t % 2:
                turns.append({"speaker": "agent", "text": agent[used]})
                used += 1
            else:
                turns.append({"speaker": "customer", "text": fresh.pop()})
        out.append(
            {"persona": f"bench{i}", "started_at": "2026-11-20T14:30:00+08:00", "turns": turns}
        )
    return out


def _timed(fn) -> tuple[float, float]:
    """Wall and CPU seconds of ``fn()`` (CPU time is what one core spends, whatever else runs)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def score_speed(transcripts: list[dict], lines: str) -> None:
    """Calls scored per CPU second, cold (median of five parts) and with the lines cached."""
    rubric = default_rubric()
    score(transcripts[0], rubric)  # rubric compiled, index loaded: start-up, not per call
    rest = transcripts[1:]
    # five parts of fresh calls, timed apart: this machine's speed drifts by a quarter from run
    # to run, so the median of five says more than one figure
    parts = [rest[i::5] for i in range(5)]
    rates = []
    for part in parts:
        wall, cpu = _timed(lambda part=part: [score(t, rubric) for t in part])
        rates.append((len(part) / cpu, len(part) / wall))
    cpu_rates = sorted(r[0] for r in rates)
    print(
        f"score, {len(rest)} calls x {TURNS} turns, {lines}, every utterance new to the "
        f"process: median {statistics.median(cpu_rates):.1f} calls per CPU second of 5 parts "
        f"({cpu_rates[0]:.1f}–{cpu_rates[-1]:.1f}; wall clock median "
        f"{statistics.median(r[1] for r in rates):.1f}/s); target >= 20"
    )
    repeats = max(1, 2000 // len(rest))
    wall, cpu = _timed(lambda: [score(t, rubric) for _ in range(repeats) for t in rest])
    n = repeats * len(rest)
    print(
        f"score, the same calls again (utterances cached): {n / cpu:.0f} calls per CPU second "
        f"({n / wall:.0f}/s wall clock); target >= 500"
    )


REFERENCE_LOOP = 3_000_000


def machine_speed() -> None:
    """CPU seconds of a fixed pure-Python loop (median of 3): how fast this machine is today.

    The same machine kind has run this bench at speeds 2.5x apart on different days (the
    ninth session's old and new index both ran ~2.4x slower than the eighth's), so a speed
    figure is read against this one, or against a baseline run the same day.
    """
    runs = []
    for _ in range(3):
        start = time.process_time()
        sum(i * i for i in range(REFERENCE_LOOP))
        runs.append(time.process_time() - start)
    print(
        f"machine: reference loop (sum of {REFERENCE_LOOP:,} squares) {statistics.median(runs):.3f} CPU s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=120, help="calls for the score figures")
    args = parser.parse_args()
    train = [ex.text for ex in load_corpus("agent", "train")]
    unseen = [ex.text for ex in load_corpus("agent", "heldout")]
    unseen += [ex.text for ex in load_corpus("agent", root=BLIND)]
    customer = [ex.text for ex in load_corpus("customer")]
    machine_speed()
    # speed first, on utterances this process has not seen; each run its own customer lines
    half = len(train) // 3
    understand_speed(train[:half])
    # a trainee's lines are new to the index too: the held-out and blind lines (half of them
    # violations, as in the lines it was built from)
    n = min(args.calls, len(unseen) // (TURNS // 2) - 1)
    score_speed(calls(n + 1, unseen, customer[::2]), "agent lines the index never saw")
    # lines it was built from: it knows their acts well, so more of them get evidence
    score_speed(
        calls(args.calls + 1, train[half:], customer[1::2]), "agent lines it was built from"
    )
    print("offline turn (understand + policy + render + store): bench/turn_latency.py")
    accuracy()
    blind()


if __name__ == "__main__":
    main()
