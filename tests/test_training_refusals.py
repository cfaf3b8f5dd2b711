"""Refused assignments and groups: a Chinese toast for the trainer, one log line for operators."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import gradio as gr
import pytest

from simulator.oplog import LOGGER
from simulator.ui.mount import auth_for
from simulator.ui.programme import ProgrammeHandlers
from tests.fixtures.fakes import make_services

GOOD = {
    "title": "第一周",
    "personas": ["hostile_zhang"],
    "due": "2099-12-31",
    "pass_mark": 60,
    "trainees": ["amy"],
    "group": None,
    "cert_calls": 0,
    "difficulty": 0,
}


@pytest.fixture
def handlers(tmp_path):
    services = make_services(tmp_path / "data")
    return ProgrammeHandlers(services, auth_for(services))


@pytest.mark.parametrize(
    "change, said",
    [
        ({"due": "2020-01-01"}, "已经过去"),
        ({"pass_mark": 150}, "及格分"),
        ({"trainees": []}, "请选择学员或小组"),
        ({"title": "  "}, "任务名称不能为空"),
        ({"difficulty": 9}, "没有难度为"),
    ],
)
def test_a_refused_assignment_is_one_log_line_with_who_and_why(handlers, caplog, change, said):
    """#15: each refusal leaves one WARNING line on callsim.refused, no traceback."""
    caplog.set_level(logging.INFO)
    with pytest.raises(gr.Error):
        handlers.assign(SimpleNamespace(username=None), **{**GOOD, **change})
    lines = [r for r in caplog.records if r.name == LOGGER]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
    text = lines[0].getMessage()
    assert "refused create an assignment by local" in text and said in text
    assert not any(r.exc_info for r in caplog.records)


def test_a_refused_group_is_logged_too(handlers, caplog):
    caplog.set_level(logging.INFO)
    with pytest.raises(gr.Error):
        handlers.save_group(SimpleNamespace(username=None), "", ["amy"])
    [line] = [r for r in caplog.records if r.name == LOGGER]
    assert "refused save a group by local" in line.getMessage()


def test_the_assignments_table_words_certification_without_the_seed(handlers):
    """#15: 每位客户需通过 N 通; the certification seed is never shown."""
    a = handlers.assign(SimpleNamespace(username=None), **{**GOOD, "cert_calls": 2})
    assert a.startswith("已布置")
    frame = handlers.assigned_frame()
    [row] = frame.to_dict("records")
    assert row["认证"] == "每位客户需通过 2 通" and "种子" not in " ".join(map(str, row.values()))
    seed = handlers.training.assignments()[0].cert_seed
    assert str(seed) not in row["认证"]
