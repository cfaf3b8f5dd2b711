import json
import os
import signal
import subprocess
import sys
import threading
import time

from simulator.call import Call
from simulator.persona import load_persona
from simulator.storage import Store

from .conftest import PERSONAS_DIR


def _persona():
    return load_persona(PERSONAS_DIR / "cooperative_wang.yaml")


def test_turns_are_committed_as_they_happen(store, data_dir):
    call = Call(_persona(), seed=1, store=store)
    call.open()
    call.say("您好，我是招商银行信用卡中心的客服小李，工号1024。")
    # A second, independent connection sees both turns before the call ends.
    other = Store(data_dir)
    row = other.session(call.session_id)
    assert [t["speaker"] for t in row["turns"]] == ["customer", "agent", "customer"]
    assert row["ended_by"] is None
    assert row["turns"][1]["acts"]  # the agent's acts are stored with the turn
    other.close()


def test_schema_migrations_are_recorded_and_idempotent(data_dir):
    first = Store(data_dir)
    first.close()
    second = Store(data_dir)
    names = [r["name"] for r in second.db.query("select name from _sqlite_migrations")]
    assert names == ["m001_sessions_turns", "m002_scores"]
    assert second.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    second.close()


def test_store_is_usable_from_worker_threads(store):
    call_ids = []

    def worker(n):
        sid = store.new_session(
            persona="p", persona_version="v", started_at="2026-11-20T14:30:00+08:00", seed=n
        )
        for i in range(5):
            store.add_turn(sid, i, "agent" if i % 2 else "customer", f"第{i}句")
        call_ids.append(sid)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(call_ids) == 8
    assert all(len(store.session(sid)["turns"]) == 5 for sid in call_ids)


def test_scores_are_kept_not_overwritten(store):
    sid = store.new_session(
        persona="p", persona_version="v", started_at="2026-11-20T14:30:00+08:00", seed=0
    )
    for overall in (40, 75):
        store.add_score(
            sid,
            {
                "overall": overall,
                "passed": overall > 60,
                "rubric": {"id": "r", "version": str(overall)},
            },
        )
    assert [s["overall"] for s in store.scores(sid)] == [40, 75]
    assert store.sessions()[0]["overall"] == 75


def test_killed_mid_call_loses_at_most_the_turn_in_flight(data_dir, tmp_path):
    env = {**os.environ, "CALLSIM_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simulator.cli",
            "chat",
            "--persona",
            "cooperative_wang",
            "--seed",
            "3",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    lines = ["您好，我是招商银行信用卡中心的客服小李。", "请问是王丽娟女士本人吗？"]
    try:
        for line in lines:
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
        # wait until both exchanges are on disk, as another process sees them
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if (data_dir / "callsim.db").exists():
                store = Store(data_dir)
                rows = store.sessions()
                n = rows[0]["n_turns"] if rows else 0
                store.close()
                if n >= 5:
                    break
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL

    listed = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "sessions", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    sessions = json.loads(listed.stdout)
    assert len(sessions) == 1 and sessions[0]["ended_by"] is None
    exported = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "sessions", "export", sessions[0]["id"]],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    transcript = json.loads(exported.stdout)
    texts = [t["text"] for t in transcript["turns"]]
    assert texts[1] == lines[0] and texts[3] == lines[1]
    assert [t["speaker"] for t in transcript["turns"]] == [
        "customer",
        "agent",
        "customer",
        "agent",
        "customer",
    ]
