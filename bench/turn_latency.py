"""Benchmark: one offline turn (understand + policy + render + store), over 1,000 turns.

Prints the median and p95 in milliseconds. Target on the 2-core dev machine: p95 < 5 ms.
Run: ``.venv/bin/python bench/turn_latency.py [--turns 1000]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.call import Call  # noqa: E402
from simulator.persona import load_personas  # noqa: E402
from simulator.storage import Store  # noqa: E402

LINES = [
    "您好，我是招商银行信用卡中心的客服小李，工号1024，本次通话会录音。",
    "请问是本人吗？麻烦您报一下身份证后四位核实一下身份。",
    "您的信用卡目前逾期了，欠款一万两千八百五十元。",
    "方便说一下是遇到什么困难了吗？",
    "我理解您现在的难处，家里有人住院确实不容易。",
    "那您每个月大概能还多少呢？",
    "那这样，您每个月还1500元，分12期，下周五之前通过手机银行还第一期，您看可以吗？",
    "逾期会产生利息和违约金，也会影响您的个人征信。",
    "跟您确认一下，您每个月还1500元，分12期，对吗？",
    "",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=1000)
    args = parser.parse_args()
    personas = list(load_personas().values())
    at = datetime.fromisoformat("2026-11-28T10:00:00+08:00")
    timings: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp))
        n = 0
        call = None
        while n < args.turns:
            if call is None or call.ended or len(call.turns) > 20:
                call = Call(personas[n % len(personas)], seed=n, started_at=at, store=store)
                call.open()
            line = LINES[n % len(LINES)]
            t0 = time.perf_counter()
            call.say(line)
            timings.append((time.perf_counter() - t0) * 1000)
            n += 1
        store.close()
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"turns: {len(timings)}")
    print(f"median: {statistics.median(timings):.3f} ms")
    print(f"p95: {p95:.3f} ms (target < 5 ms)")


if __name__ == "__main__":
    main()
