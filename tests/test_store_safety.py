"""The database under stress: full disks, second writers, processes starting together.

Nothing is shown that was not stored: a turn that cannot be written is handed back to the
trainee and the call pauses; "已完整保存" is said only when it is true; a call with a gap is
never scored. SQLite waits for a second writer instead of failing.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from gradio_client import Client

from simulator.storage import Store, StoreError, StoreWriteError
from simulator.ui import call_flow
from simulator.ui.call_flow import PracticeState
from tests.fixtures.fakes import make_services
from tests.fixtures.server import serve

ROOT = Path(__file__).resolve().parent.parent
INTRO = "您好，我是招商银行信用卡中心的小王，工号1234，本次通话会录音。"
VERIFY = "请问是王丽娟女士本人吗？"


@contextmanager
def small_disk(path: Path, size: str = "1m"):
    """A tmpfs of ``size`` at ``path``; the test is skipped where mounting is not allowed."""
    path.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip() or 'not root'}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(path: Path) -> None:
    """Write zeros until the filesystem is full."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError:
        pass
    finally:
        os.close(fd)


def stored_idx(store: Store, session_id: str) -> list[int]:
    return [t["idx"] for t in store.session(session_id)["turns"]]


def test_a_full_disk_pauses_the_call_and_loses_nothing(tmp_path):
    with small_disk(tmp_path / "small") as disk:
        services = make_services(disk / "data")
        state, view = call_flow.start(services, PracticeState(), "cooperative_wang", seed=1)
        state, view = call_flow.say(services, state, INTRO)
        call = state.call
        shown_before = len(view.messages)

        fill(disk / "filler")
        for n in range(60):  # SQLite has a little room in its WAL: talk until it runs out
            line = f"{VERIFY}（第{n}遍）"
            state, view = call_flow.say(services, state, line)
            if view.notice:
                break
        else:
            pytest.fail("the disk never filled up")
        assert "保存失败" in view.notice and "磁盘已满" in view.notice
        assert view.unsent == line, "the unsaved line goes back to the text box"
        assert line not in [m["content"] for m in view.messages], "not shown: not stored"
        stored = stored_idx(services.store, call.session_id)
        assert stored == list(range(len(stored))) == [t.idx for t in call.turns]
        assert len(view.messages) >= shown_before

        # Hanging up on a full disk does not pretend: the call stays open and says why.
        state, view = call_flow.hang_up(services, state)
        assert view.phase == "call" and "保存失败" in view.notice and not call.ended

        os.remove(disk / "filler")
        state, view = call_flow.say(services, state, line)
        assert not view.notice and line in [m["content"] for m in view.messages]
        state, view = call_flow.hang_up(services, state)
        assert view.phase == "result" and view.scorecard is not None
        assert view.session["complete"] is True
        stored = stored_idx(services.store, call.session_id)
        assert stored == list(range(len(call.turns)))
        services.store.close()


class FailingStore(Store):
    """A real store whose writes can be made to fail like a full disk."""

    failing = False

    def write(self):
        if self.failing:
            raise StoreWriteError.from_sqlite(sqlite3.OperationalError("database or disk is full"))
        return super().write()

    _write = write


def failing_services(data_dir: Path):
    services = make_services(data_dir)
    services.store.close()
    services.store = FailingStore(data_dir)
    return services


def test_a_reply_that_cannot_be_stored_waits_and_is_shown_once_stored(tmp_path):
    services = failing_services(tmp_path / "data")
    store = services.store
    state, _ = call_flow.start(services, PracticeState(), "cooperative_wang", seed=1)
    call = state.call

    # The trainee's line is stored, then the disk fills before the reply is written.
    original = store.add_turn

    def add_turn(session_id, idx, speaker, *args, **kwargs):
        if speaker == "customer":
            store.failing = True
        return original(session_id, idx, speaker, *args, **kwargs)

    store.add_turn = add_turn
    state, view = call_flow.say(services, state, INTRO)
    assert "保存失败" in view.notice and call.paused
    assert view.messages[-1]["content"] == INTRO and view.unsent is None
    assert stored_idx(store, call.session_id) == [0, 1]

    # Still failing: the next line is handed back, nothing moves.
    state, view = call_flow.say(services, state, VERIFY)
    assert view.unsent == VERIFY and call.paused
    assert stored_idx(store, call.session_id) == [0, 1]

    # The disk is freed: the waiting reply is stored and shown; the new line is handed back
    # because the trainee has not heard the reply yet.
    store.failing = False
    store.add_turn = original
    state, view = call_flow.say(services, state, VERIFY)
    assert not call.paused and view.unsent == VERIFY
    assert stored_idx(store, call.session_id) == [0, 1, 2]
    assert view.messages[-1]["role"] == "assistant"
    state, view = call_flow.say(services, state, VERIFY)
    assert stored_idx(store, call.session_id) == [0, 1, 2, 3, 4]
    store.close()


def test_a_call_with_a_gap_is_not_scored_and_not_called_saved(tmp_path):
    from simulator.scoring_link import score_session
    from simulator.ui.scorecard import scorecard_markdown

    store = Store(tmp_path / "data")
    sid = store.new_session(
        persona="cooperative_wang",
        persona_version="x",
        started_at="2026-11-20T14:30:00+08:00",
        seed=1,
    )
    for idx in (0, 1, 2, 5, 6):
        store.add_turn(sid, idx, "agent" if idx % 2 else "customer", f"第{idx}句")
    store.end_session(sid, "agent_end", None)
    assert store.gaps(sid) == ["turns [3, 4] are missing"]
    with pytest.raises(StoreError, match="not stored whole"):
        score_session(store, sid)
    assert "已完整保存" not in scorecard_markdown(None, "agent_end", saved=False)
    store.close()


def test_the_page_keeps_an_unsaved_line_in_the_text_box(tmp_path):
    services = failing_services(tmp_path / "data")
    with serve(services) as url:
        client = Client(url, verbose=False)
        client.predict("cooperative_wang", 1, "", False, api_name="/start_call")
        services.store.failing = True
        out = client.predict(INTRO, api_name="/say")
        notice, chat, text_box = out[0], out[1], out[7]
        assert "保存失败" in notice
        assert INTRO not in str(chat)
        assert text_box == INTRO
        out = client.predict(api_name="/hang_up")
        assert "保存失败" in out[0]
        services.store.failing = False
        out = client.predict(INTRO, api_name="/say")
        assert INTRO in str(out[1]) and "保存失败" not in out[0]
    services.store.close()


HOLD = """
import sys, time
sys.path.insert(0, {root!r})
from simulator.storage import Store
store = Store({data!r})
with store.write() as db:
    db.execute("insert into sessions (id, persona, started_at) values ('held', 'x', 'now')")
    print("locked", flush=True)
    time.sleep(1.5)
print("released", flush=True)
"""


def test_a_second_writer_waits_instead_of_failing(tmp_path):
    data = tmp_path / "data"
    Store(data).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD.format(root=str(ROOT), data=str(data))],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    began = time.monotonic()
    store = Store(data)  # its migration check is a write: it waits here
    sid = store.new_session(persona="p", persona_version="v", started_at="now", seed=0)
    waited = time.monotonic() - began
    assert holder.wait(10) == 0
    assert waited > 0.5, "it waited for the other process's transaction"
    assert {r["id"] for r in store.sessions()} == {"held", sid}
    store.close()


START = """
import sys, time
sys.path.insert(0, {root!r})
while time.time() < {at}:
    time.sleep(0.001)
from simulator.storage import Store
from simulator.accounts.users import Users
from simulator.review_store import ReviewStore
store = Store({data!r})
Users(store)
ReviewStore(store)
store.new_session(persona="p", persona_version="v", started_at="now", seed=0)
print("ok")
"""


def test_four_processes_can_start_on_a_new_data_folder_at_once(tmp_path):
    data = tmp_path / "data"
    at = time.time() + 2.0  # imports done, all four open the database in the same instant
    code = START.format(root=str(ROOT), data=str(data), at=at)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, results
    db = sqlite3.connect(data / "callsim.db")
    assert db.execute("select count(*) from sessions").fetchone()[0] == 4
    applied = db.execute("select migration_set, name from _sqlite_migrations").fetchall()
    assert len(applied) == len(set(applied))
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
    db.close()


def test_a_read_only_data_folder_is_one_line(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(ro)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a read-only tmpfs here")
    try:
        with pytest.raises(StoreError, match="cannot open the database"):
            Store(ro / "data")
        cli = subprocess.run(
            [sys.executable, "-m", "simulator.cli", "sessions", "list"],
            env={**os.environ, "CALLSIM_DATA_DIR": str(ro / "data")},
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert cli.returncode == 2
        assert cli.stderr.count("\n") == 1 and "Traceback" not in cli.stderr
        assert str(ro / "data") in cli.stderr
    finally:
        subprocess.run(["umount", "-l", str(ro)], check=False)


def test_unknown_write_errors_still_say_what_to_do():
    err = StoreWriteError.from_sqlite(
        sqlite3.OperationalError("attempt to write a readonly database")
    )
    assert "只读" in err.message
    err = StoreWriteError.from_sqlite(sqlite3.OperationalError("database is locked"))
    assert "正忙" in err.message
    err = StoreWriteError.from_sqlite(sqlite3.DatabaseError("disk I/O error"))
    assert err.message.startswith("保存失败") and "disk I/O error" in str(err)


def test_the_app_stops_with_one_line_on_a_read_only_folder(tmp_path):
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        import app
        sys.exit(app.main())
        """
    )
    ro = tmp_path / "ro"
    ro.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(ro)])
    if done.returncode != 0:
        pytest.skip("cannot mount a read-only tmpfs here")
    try:
        run = subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "CALLSIM_DATA_DIR": str(ro / "data"), "GRADIO_SERVER_PORT": "1"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 2, run.stderr
        assert "Traceback" not in run.stderr and "cannot open the database" in run.stderr
    finally:
        subprocess.run(["umount", "-l", str(ro)], check=False)
