"""Calls left open end as 未完成: idle ones, closed tabs, and a page that still holds one."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from simulator import sweeper as sweeping
from simulator.labels import ENDINGS
from simulator.sweeper import ABANDONED, Sweeper, close_call, idle_minutes
from simulator.ui import call_flow, history
from tests.fixtures.fakes import make_services

INTRO = "您好，我是招商银行信用卡中心的小李，工号一二三四，本次通话会录音。"


@pytest.fixture
def services(tmp_path):
    return make_services(tmp_path / "data")


def dial(services, user="amy", say=True):
    state, _ = call_flow.start(services, call_flow.PracticeState(), "hostile_zhang", user=user)
    if say:
        state, _ = call_flow.say(services, state, INTRO)
    return state


def later(minutes: float) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


def test_an_idle_call_is_closed_as_abandoned_and_scored(services):
    state = dial(services)
    sid = state.call.session_id
    sweeper = Sweeper(services.store, idle=30)
    assert sweeper.sweep(now=later(29)) == []  # not idle long enough
    assert sweeper.sweep(now=later(31)) == [sid]
    row = services.store.session(sid)
    assert row["ended_by"] == ABANDONED and row["ended_at"]
    [score] = services.store.scores(sid)
    assert score["scorecard"]["overall"] is not None and not score["scorecard"]["passed"]
    assert sweeper.sweep(now=later(60)) == []  # once
    assert ENDINGS[ABANDONED] == "未完成"
    [row] = history.history_rows(services, "amy")
    assert row[3] == "未完成" and row[5] in ("通过", "未通过")


def test_a_call_in_which_the_trainee_never_spoke_is_closed_unscored(services):
    sid = dial(services, say=False).call.session_id
    assert Sweeper(services.store, idle=30).sweep(now=later(31)) == [sid]
    assert services.store.session(sid)["ended_by"] == ABANDONED
    assert services.store.scores(sid) == []


def test_a_page_load_sweeps_only_that_trainees_calls(services):
    amy, bob = dial(services, "amy"), dial(services, "bob")
    closed = Sweeper(services.store, idle=30).sweep(user="bob", now=later(31))
    assert closed == [bob.call.session_id]
    assert services.store.session(amy.call.session_id)["ended_by"] is None


def test_an_ended_call_is_never_closed_again(services):
    state = dial(services)
    state, _ = call_flow.hang_up(services, state)
    assert not close_call(services.store, state.call.session_id)
    assert services.store.session(state.call.session_id)["ended_by"] == "agent_end"


def test_the_page_that_still_holds_a_swept_call_shows_the_result(services):
    state = dial(services)
    sid = state.call.session_id
    Sweeper(services.store, idle=30).sweep(now=later(31))
    turns = len(services.store.session(sid)["turns"])
    state, view = call_flow.say(services, state, "还在吗？")
    assert view.phase == "result" and "未完成" in view.notice
    assert view.scorecard == services.store.scores(sid)[-1]["scorecard"]
    assert len(services.store.session(sid)["turns"]) == turns  # nothing said into it
    state, view = call_flow.hang_up(services, state)
    assert services.store.session(sid)["ended_by"] == ABANDONED  # not written over
    assert len(services.store.scores(sid)) == 1  # scored once


def test_a_closed_tab_closes_its_call_after_the_grace_period(services):
    sweeper = Sweeper(services.store, idle=30)
    state = dial(services)
    sid = state.call.session_id
    sweeper.track("tab-1", sid)
    sweeper.tab_closed("tab-1", grace_s=0.2)
    deadline = time.monotonic() + 5
    while services.store.session(sid)["ended_by"] is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert services.store.session(sid)["ended_by"] == ABANDONED
    sweeper.tab_closed("tab-unknown", grace_s=0)  # nothing tracked: nothing happens


def test_a_tab_that_comes_back_and_talks_keeps_its_call(services):
    sweeper = Sweeper(services.store, idle=30)
    state = dial(services)
    sid = state.call.session_id
    sweeper.track("tab-1", sid)
    sweeper.tab_closed("tab-1", grace_s=0.5)
    time.sleep(0.05)
    call_flow.say(services, state, "请问您是张卫东先生本人吗？")  # reconnected, and talking
    time.sleep(0.8)
    assert services.store.session(sid)["ended_by"] is None


def test_the_background_thread_sweeps(services, monkeypatch):
    state = dial(services)
    sweeper = Sweeper(services.store, idle=0.001)  # 60 ms
    time.sleep(0.1)
    sweeper.start(interval_s=0.05)
    deadline = time.monotonic() + 5
    sid = state.call.session_id
    while services.store.session(sid)["ended_by"] is None and time.monotonic() < deadline:
        time.sleep(0.05)
    sweeper.stop()
    assert services.store.session(sid)["ended_by"] == ABANDONED


@pytest.mark.parametrize(("raw", "minutes"), [(None, 30.0), ("", 30.0), ("5", 5.0), ("0.5", 0.5)])
def test_idle_minutes_from_the_environment(monkeypatch, raw, minutes):
    if raw is None:
        monkeypatch.delenv("CALLSIM_IDLE_MINUTES", raising=False)
    else:
        monkeypatch.setenv("CALLSIM_IDLE_MINUTES", raw)
    assert idle_minutes() == minutes


@pytest.mark.parametrize("raw", ["0", "-3", "半小时"])
def test_a_bad_idle_setting_is_one_line(monkeypatch, raw):
    monkeypatch.setenv("CALLSIM_IDLE_MINUTES", raw)
    with pytest.raises(sweeping.IdleError, match="CALLSIM_IDLE_MINUTES"):
        idle_minutes()


def test_a_certification_call_whose_tab_closed_is_closed_like_a_practice_call(services):
    """#15: a certification call dialled from 我的任务 is tracked by its tab, not left 30 min."""
    import gradio as gr

    from simulator.training import Training
    from simulator.ui import tasks
    from simulator.ui.mount import auth_for

    training = Training(services.store)
    a = training.assign(
        title="认证",
        created_by="teacher",
        trainees=["amy"],
        personas=["hostile_zhang"],
        due="2099-12-31",
        pass_mark=60,
        cert_calls=1,
    )
    sweeper = Sweeper(services.store, idle=30)
    state, _ = tasks.start_certification(
        services, training, sweeper, "amy", f"{a.id}:hostile_zhang", "tab-cert"
    )
    sid = state.call.session_id
    call_flow.say(services, state, INTRO)
    sweeper.tab_closed("tab-cert", grace_s=0.2)
    deadline = time.monotonic() + 5
    while services.store.session(sid)["ended_by"] is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert services.store.session(sid)["ended_by"] == ABANDONED
    # the page registers the tab's unload with the app, as the practice page does
    with gr.Blocks() as demo:
        tasks.build(services, auth_for(services), sweeper)
    unloads = [d for d in demo.fns.values() if any(t[1] == "unload" for t in d.targets)]
    assert unloads


def test_stopping_drops_the_tab_closings_still_in_their_grace(services):
    sweeper = Sweeper(services.store, idle=30)
    sid = dial(services).call.session_id
    sweeper.track("tab-1", sid)
    sweeper.tab_closed("tab-1", grace_s=0.3)
    sweeper.stop()
    time.sleep(0.6)
    assert services.store.session(sid)["ended_by"] is None  # the pending closing was dropped
    sweeper.track("tab-2", sid)
    sweeper.tab_closed("tab-2", grace_s=0)  # after stop nothing new is scheduled
    time.sleep(0.2)
    assert services.store.session(sid)["ended_by"] is None


def test_a_tab_closing_after_the_database_closed_is_no_fault(services, caplog):
    sweeper = Sweeper(services.store, idle=30)
    sid = dial(services).call.session_id
    sweeper.track("tab-1", sid)
    services.store.close()
    with caplog.at_level("INFO", logger="simulator.sweeper"):
        sweeper._close_if_quiet(sid, later(0))
    assert [r.levelname for r in caplog.records] == ["INFO"]
    assert "database closed" in caplog.text
