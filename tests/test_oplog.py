"""Operators' log: one line per refused action, saying who and why, and no traceback."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import gradio as gr
import httpx
import pytest

from simulator.accounts.auth import Auth
from simulator.accounts.users import Users
from simulator.oplog import LOGGER
from simulator.review_store import ReviewStore
from simulator.ui.review import ReviewHandlers
from tests.fixtures.server import free_port

from .test_review import seed_calls

PASSWORD = "pass-word-1"


def refusals(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER]


@pytest.fixture
def review(store):
    ids = seed_calls(store)
    Users(store).add("boss", ["manager"], PASSWORD)
    Users(store).add("wang", ["trainee"], PASSWORD)
    services = SimpleNamespace(store=store, personas=dict, rubric=None, media=None)
    return ReviewHandlers(services, Auth(Users(store))), ids


def test_an_override_without_a_reason_is_one_line(review, caplog):
    h, ids = review
    with caplog.at_level(logging.INFO), pytest.raises(gr.Error) as toast:
        h.override(ids["a"], 60, False, "  ", SimpleNamespace(username="boss"))
    assert toast.value.print_exception is False  # gradio prints no traceback for it
    assert toast.value.title == "提示"  # not gradio's "Error"
    [line] = refusals(caplog)
    assert line.getMessage() == (
        f"refused override by boss (call {ids['a']}): 修改分数必须填写理由。"
    )
    assert line.levelno == logging.WARNING and line.exc_info is None
    assert ReviewStore(h.store).history(ids["a"]) == []


def test_a_trainee_overriding_and_reading_anothers_call_are_logged(review, caplog):
    h, ids = review
    wang = SimpleNamespace(username="wang")
    with caplog.at_level(logging.INFO):
        with pytest.raises(gr.Error, match="主管"):
            h.override(ids["a"], 60, False, "想改", wang)
        with pytest.raises(gr.Error, match="无权查看"):
            h.detail(ids["c"], wang)
    lines = [r.getMessage() for r in refusals(caplog)]
    assert lines == [
        "refused override by wang: 此操作需要「主管」权限。",
        f"refused open a call by wang (call {ids['c']}): 找不到这通电话，或您无权查看。",
    ]


def test_a_denied_page_is_one_line_per_load(store, caplog):
    Users(store).add("wang", ["trainee"], PASSWORD)
    gate = Auth(Users(store)).page_gate("trainer", "/studio")
    with caplog.at_level(logging.INFO):
        user, notice = gate(SimpleNamespace(username="wang"))
        gate(SimpleNamespace(username=None, client=SimpleNamespace(host="10.0.0.7")))
    assert user is None and "培训师" in notice
    lines = [r.getMessage() for r in refusals(caplog)]
    assert lines == [
        "refused open page /studio by wang: 此操作需要「培训师」权限。",
        "refused open page /studio by (not signed in, 10.0.0.7): 请先登录。",
    ]
    assert not Auth(Users(store)).may(SimpleNamespace(username="wang"), "trainer")
    assert len(refusals(caplog)) == 2  # asking quietly logs nothing


def test_a_throttled_sign_in_is_one_line(store, caplog):
    Users(store).add("wang", ["trainee"], PASSWORD)
    auth = Auth(Users(store))
    with gr.Blocks() as demo:
        gr.Markdown("首页")
    demo.queue()
    demo.launch(
        prevent_thread_lock=True,
        server_name="127.0.0.1",
        server_port=free_port(),
        quiet=True,
        **auth.launch_kwargs(),
    )
    try:
        url = demo.local_url.rstrip("/")
        with caplog.at_level(logging.INFO):
            for _ in range(5):
                httpx.post(url + "/login", data={"username": "wang", "password": "Kx9-secret"})
            wrong = refusals(caplog)
            assert len(wrong) == 5  # one line per wrong password: who and from where
            assert all("wrong name or password" in r.getMessage() for r in wrong)
            assert not any("Kx9-secret" in r.getMessage() for r in caplog.records)
            answer = httpx.post(url + "/login", data={"username": "wang", "password": "wrong"})
        assert answer.status_code == 429
        line = refusals(caplog)[-1]
        assert len(refusals(caplog)) == 6
        assert line.getMessage().startswith("refused sign-in by wang from 127.0.0.1: throttled")
        assert "30 s" in line.getMessage() and line.exc_info is None
    finally:
        demo.close()
