"""The CLI beside a live app: safe while calls go on, and a kill -9 loses no stored call.

The app runs as its own process (``python app.py``) on a fresh data folder. Trainees call it
through the HTTP API while the CLI lists, exports and rescores calls on the same folder and
someone keeps asking the web server for the database file. Then the app is killed with SIGKILL
mid-call. The database must pass ``PRAGMA integrity_check`` and hold every turn every trainee
saw.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from tests.fixtures.server import free_port

ROOT = Path(__file__).resolve().parent.parent
LINES = (
    "您好，我是招商银行信用卡中心的小王，工号1234，本次通话会录音。",
    "请问是王丽娟女士本人吗？",
    "您这张尾号3821的卡逾期了，欠款6850元，请问是什么原因没还呢？",
    "那您看三天内一次性还清可以吗？",
)


@pytest.fixture
def live_app(tmp_path):
    data = tmp_path / "data"
    port = free_port()
    env = {
        **os.environ,
        "CALLSIM_DATA_DIR": str(data),
        "GRADIO_SERVER_PORT": str(port),
        "CALLSIM_TTS": "none",
        "CALLSIM_ASR": "none",
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    env.pop("CALLSIM_ENGINE", None)
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the app did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.3)
    yield proc, url, data, env
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)


def _cli(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _call(url: str, seen: list[int], hang_up: bool) -> None:
    client = Client(url, verbose=False)
    out = client.predict("cooperative_wang", 3, "", False, api_name="/start_call")
    shown = len(out[1])
    for line in LINES:
        out = client.predict(line, api_name="/say")
        if out[1]:
            shown = len(out[1])
    if hang_up:
        client.predict(api_name="/hang_up")
    seen.append(shown)


@pytest.mark.slow
def test_cli_beside_a_live_app_then_kill_9(live_app):
    proc, url, data, env = live_app
    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    cli_runs: list[subprocess.CompletedProcess] = []

    def trainee(hang_up: bool) -> None:
        try:
            _call(url, seen, hang_up)
        except BaseException as exc:  # reported below
            errors.append(exc)

    def operator() -> None:
        while not stop.is_set():
            for args in (("sessions", "list"), ("sessions", "rescore"), ("users", "list")):
                cli_runs.append(_cli(env, *args))
            with httpx.Client(base_url=url.rstrip("/"), timeout=10) as client:
                for route in ("/gradio_api/file=", "/file="):
                    client.get(route + str(data.resolve() / "callsim.db"))

    side = threading.Thread(target=operator)
    side.start()
    finished = [threading.Thread(target=trainee, args=(True,)) for _ in range(4)]
    for t in finished:
        t.start()
    for t in finished:
        t.join(180)
    # Two more trainees are mid-call when the app dies.
    open_calls = [threading.Thread(target=trainee, args=(False,)) for _ in range(2)]
    for t in open_calls:
        t.start()
    for t in open_calls:
        t.join(180)
    stop.set()
    side.join(300)
    assert not errors, errors
    assert cli_runs and all(r.returncode == 0 for r in cli_runs), [
        r.stderr for r in cli_runs if r.returncode
    ]
    exported = _cli(env, "sessions", "list", "--json")
    if exported.returncode == 0 and exported.stdout.strip().startswith("["):
        assert len(json.loads(exported.stdout)) == 6

    proc.send_signal(signal.SIGKILL)
    proc.wait(10)

    db = sqlite3.connect(data / "callsim.db")
    try:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        counts = sorted(
            n for (n,) in db.execute("select count(*) from turns group by session_id order by 1")
        )
        assert len(counts) == 6, "every call is there"
        assert counts == sorted(seen), "every turn a trainee saw is stored"
        ended = db.execute("select count(*) from sessions where ended_by is not null").fetchone()
        assert ended[0] == 4
        scored = db.execute("select count(distinct session_id) from scores").fetchone()[0]
        assert scored == 4
    finally:
        db.close()
