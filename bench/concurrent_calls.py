"""Benchmark: N simulated trainees talking to the running app at once, over gradio's HTTP API.

Each trainee is one session of the app (its own ``session_hash`` and ``gr.State``) that dials
a random customer, types a scripted collection call turn by turn, hangs up (which scores the
call), and dials again until the time is up. Prints, per N, the p50/p95/max latency of a typed
turn as the trainee sees it (request to final answer), the same for hanging up with scoring,
the number of errors, and the CPU the app and the load generator spent per turn. Target at
N = 40 on the 2-core dev machine: turn p95 < 1 s, 0 errors.

The trainees are asyncio tasks sharing one httpx client and speak gradio's REST protocol
(``POST /gradio_api/call/<api>`` then its event stream), the same queue a browser joins. An
earlier version used one ``gradio_client.Client`` per trainee: those spent 140-175 ms of CPU
per turn on the same two cores as the app, so the figure measured the load generator.

By default it starts ``app.py`` itself (offline: scripted engine, no TTS, no ASR, a fresh data
folder) on a free port; ``--url`` points it at an app that is already running.

Run: ``.venv/bin/python bench/concurrent_calls.py [--users 1,10,40] [--duration 60]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.app_process import start_app  # noqa: E402

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

SCRIPT = [
    "您好，我是招商银行信用卡中心的客服小李，工号1024，本次通话会录音。",
    "请问是{name}本人吗？麻烦您报一下身份证后四位核实一下身份。",
    "您的信用卡目前逾期了，欠款{amount}元。方便说一下是遇到什么困难了吗？",
    "我理解您现在的难处，确实不容易。",
    "那您每个月大概能还多少呢？",
    "那这样，您每个月还1000元，分12期，下周五之前通过手机银行还第一期，您看可以吗？",
    "我跟您确认一下：每月还1000元，分12期，下周五前通过手机银行还第一期，对吗？",
    "好的，感谢您的配合，祝您生活顺利，再见。",
]
NOTICE, CHAT, SCORE = 4, 5, 14  # positions in the app's call outputs (REST: all of them)


@dataclass
class Tally:
    """What all trainees measured (one event loop: no lock needed)."""

    turns: list[float] = field(default_factory=list)
    hangups: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    calls: int = 0


def personas() -> list[tuple[str, str, int]]:
    from simulator.persona import default_personas_dir, load_personas

    return [
        (pid, lp.persona.brief.name, lp.persona.brief.amount)
        for pid, lp in load_personas(default_personas_dir()).items()
    ]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux ``/proc``), or NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


async def _predict(http, session: str, api: str, data: list) -> list:
    """One event through gradio's queue: join, then read the stream until it completes."""
    joined = await http.post(f"/call/{api}", json={"data": data, "session_hash": session})
    joined.raise_for_status()
    event_id = joined.json()["event_id"]
    kind = None
    async with http.stream("GET", f"/call/{api}/{event_id}") as stream:
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:") and kind in ("complete", "error"):
                if kind == "error":
                    raise RuntimeError(f"{api}: {line[5:].strip()[:120]}")
                return json.loads(line[5:])
    raise RuntimeError(f"{api}: the stream ended without a result")


async def trainee(http, deadline: float, tally: Tally, seed: int, think: float) -> None:
    rng = random.Random(seed)
    people = personas()
    session = uuid.uuid4().hex  # one browser tab: every call of this trainee in one session
    while time.monotonic() < deadline:
        pid, name, amount = rng.choice(people)
        try:
            out = await _predict(
                http, session, "start_call", [pid, rng.randrange(10**6), "", False]
            )
            if out[NOTICE]:
                raise RuntimeError(f"start: {out[NOTICE]}")
            for line in SCRIPT:
                if think:  # reading the reply and typing the next line
                    await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
                if time.monotonic() >= deadline:
                    return
                t0 = time.perf_counter()
                out = await _predict(http, session, "say", [line.format(name=name, amount=amount)])
                tally.turns.append(time.perf_counter() - t0)
                if "系统刚才出了点问题" in (out[NOTICE] or ""):
                    raise RuntimeError(f"turn: {out[NOTICE]}")
                if isinstance(out[SCORE], str) and out[SCORE]:  # the customer ended the call
                    break
            else:
                t0 = time.perf_counter()
                out = await _predict(http, session, "hang_up", [])
                tally.hangups.append(time.perf_counter() - t0)
            if not str(out[SCORE]).startswith("## 总分"):
                raise RuntimeError(f"no scorecard: {str(out[SCORE])[:60]!r} {out[NOTICE]!r}")
            tally.calls += 1
        except Exception as exc:  # counted, and the trainee dials again
            tally.errors.append(f"{type(exc).__name__}: {exc}"[:200])


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run(url: str, users: int, duration: float, think: float) -> Tally:
    import httpx

    async def everyone() -> Tally:
        tally = Tally()
        deadline = time.monotonic() + duration
        limits = httpx.Limits(max_connections=4 * users + 10)
        base = url.rstrip("/") + "/gradio_api"
        async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
            await asyncio.gather(*(trainee(http, deadline, tally, i, think) for i in range(users)))
        return tally

    return asyncio.run(everyone())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="1,10,20,40", help="comma-separated trainee counts")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--url", help="an app already running (default: start app.py)")
    parser.add_argument("--tts", default="none", help="CALLSIM_TTS for the started app")
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="mean seconds a trainee takes to read and type each line (0: back to back)",
    )
    args = parser.parse_args()

    proc = None
    url = args.url
    tmp = tempfile.TemporaryDirectory()
    if not url:
        proc, url = start_app(Path(tmp.name) / "data", CALLSIM_TTS=args.tts)
    try:
        print(
            f"app: {url}  duration: {args.duration:.0f} s per run  think: {args.think:g} s  "
            f"cpus: {os.cpu_count()}"
        )
        header = (
            "  N  calls  turns  turn p50 ms  turn p95 ms  turn max ms  hang-up p95 ms  errors"
            "  app cpu ms/turn  clients cpu ms/turn"
        )
        print(header)
        for users in [int(u) for u in args.users.split(",")]:
            cpu0 = cpu_seconds(proc.pid) if proc else float("nan")
            mine0 = time.process_time()
            t = run(url, users, args.duration, args.think)
            cpu = (cpu_seconds(proc.pid) - cpu0) if proc else float("nan")
            mine = time.process_time() - mine0
            ms = [x * 1000 for x in t.turns]
            hang = [x * 1000 for x in t.hangups]
            print(
                f"{users:3d}  {t.calls:5d}  {len(ms):5d}  {pct(ms, 50):11.0f}  "
                f"{pct(ms, 95):11.0f}  {max(ms, default=float('nan')):11.0f}  "
                f"{pct(hang, 95):14.0f}  {len(t.errors):6d}  "
                f"{cpu * 1000 / max(len(ms), 1):15.1f}  {mine * 1000 / max(len(ms), 1):19.1f}",
                flush=True,
            )
            for err in sorted(set(t.errors))[:5]:
                print(f"     error: {err}")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        tmp.cleanup()


if __name__ == "__main__":
    main()
