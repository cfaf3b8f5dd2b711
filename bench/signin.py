"""Benchmark: many trainees signing in at once, and a wrong-password flood, against ``app.py``.

Starts ``app.py`` (offline) on a free port of 127.0.0.1 over a fresh data folder holding 40
trainee accounts, then:

1. fires 40 simultaneous correct ``POST /login`` (one connection each) and prints the p50 / p95 /
   max time to the answer, per round. Target on the 2-core dev machine: p95 < 2 s;
2. fires 60 simultaneous wrong passwords for one name and counts how many were answered (400:
   the password was checked) and how many refused unchecked (429, Chinese ``detail``);
3. tries 60 wrong passwords one after another, each for a different name, from the same address,
   and counts the same (the per-address limit; the answered attempts of step 2 count towards it).

The scrypt cost is the stored one: ``--legacy`` makes the accounts with the parameters the first
accounts had (N=2^15, r=8, p=2), to compare. Sign-in checks run one per core, so the time of a
wave is about (accounts × one hash) / cores.

Run: ``.venv/bin/python bench/signin.py [--users 40] [--rounds 3] [--legacy]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.app_process import start_app  # noqa: E402

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

PASSWORD = "bench-password-1"


def make_accounts(data_dir: Path, count: int, legacy: bool) -> float:
    """Create ``trainee00``… and return the seconds one stored hash takes to check."""
    from simulator.accounts.passwords import hash_password, verify_password
    from simulator.accounts.users import Users
    from simulator.storage import Store

    store = Store(data_dir)
    users = Users(store)
    for i in range(count):
        users.add(f"trainee{i:02d}", ["trainee"], PASSWORD)
    if legacy:
        stored = hash_password(PASSWORD, n=2**15, r=8, p=2)
        with store.write() as db:
            db.execute("update users set password = ?", [stored])
    with store.read() as db:
        stored = next(iter(db.query("select password from users limit 1")))["password"]
    store.close()
    t0 = time.perf_counter()
    verify_password(PASSWORD, stored)
    return time.perf_counter() - t0


async def attempt(url: str, name: str, password: str, start: asyncio.Event) -> tuple[int, float]:
    """One sign-in on its own connection: (HTTP status, seconds from the common start)."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        await client.get("/gradio_api/app_id")  # connect before the start signal
        await start.wait()
        t0 = time.perf_counter()
        response = await client.post("/login", data={"username": name, "password": password})
        return response.status_code, time.perf_counter() - t0


async def wave(url: str, logins: list[tuple[str, str]]) -> list[tuple[int, float]]:
    """Fire all ``logins`` at the same moment."""
    start = asyncio.Event()
    tasks = [asyncio.create_task(attempt(url, n, p, start)) for n, p in logins]
    await asyncio.sleep(0.5)  # every client connected
    start.set()
    return await asyncio.gather(*tasks)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def tally(results: list[tuple[int, float]]) -> str:
    codes: dict[int, int] = {}
    for code, _ in results:
        codes[code] = codes.get(code, 0) + 1
    return ", ".join(f"{n}× {code}" for code, n in sorted(codes.items()))


async def run(url: str, users: int, rounds: int) -> None:
    for r in range(1, rounds + 1):
        results = await wave(url, [(f"trainee{i:02d}", PASSWORD) for i in range(users)])
        times = [t for _, t in results]
        print(
            f"round {r}: {users} simultaneous sign-ins: p50 {statistics.median(times):.2f} s  "
            f"p95 {quantile(times, 0.95):.2f} s  max {max(times):.2f} s  ({tally(results)})"
        )
    flood = await wave(url, [("trainee00", "wrong-password")] * 60)
    answered = sum(code == 400 for code, _ in flood)
    refused = sum(code == 429 for code, _ in flood)
    print(f"flood, 60 wrong passwords at once for one name: answered {answered}, refused {refused}")
    answered = refused = 0
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        for i in range(60):
            response = await client.post(
                "/login", data={"username": f"guess{i:02d}", "password": "wrong-password"}
            )
            answered += response.status_code == 400
            refused += response.status_code == 429
            if response.status_code == 429 and refused == 1:
                detail = response.json()["detail"]
                retry = response.headers.get("retry-after")
    print(
        f"spray, 60 wrong passwords in turn for 60 names from one address: answered {answered}, "
        f"refused {refused}"
    )
    if refused:
        print(f"  first refusal: 429 Retry-After {retry}: {detail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--legacy", action="store_true", help="hash with N=2^15, r=8, p=2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="callsim-signin-") as tmp:
        data_dir = Path(tmp) / "data"
        one = make_accounts(data_dir, args.users, args.legacy)
        cores = os.cpu_count() or 1
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"{args.users} accounts; one password check {one * 1000:.0f} ms; {cores} cores "
            f"(load average {load}): a wave needs about {args.users * one / cores:.2f} s of hashing"
        )
        proc, url = start_app(data_dir)
        try:
            asyncio.run(run(url, args.users, args.rounds))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
