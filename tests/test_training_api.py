"""The training programme's handlers through gradio's HTTP API: the role is checked on every call."""

from __future__ import annotations

import pytest

from simulator.training import Training

from .test_auth_api import client, server  # noqa: F401 - the live server fixture

ASSIGN = ["新任务", ["hostile_zhang"], 0, ["li"], None, "2026-12-31", 70, 0]


def test_a_trainer_assigns_through_the_api_and_a_trainee_is_refused(server, store):  # noqa: F811
    url, _ = server
    with pytest.raises(Exception, match="培训师"):  # noqa: B017 - gradio_client's AppError
        client(url, "wang").predict(*ASSIGN, api_name="/assign")
    assert Training(store).assignments() == []
    message = client(url, "teacher").predict(*ASSIGN, api_name="/assign")[0]
    assert message.startswith("已布置「新任务」：1 位客户，学员 li")
    assert [a.title for a in Training(store).assignments()] == ["新任务"]


def test_only_a_manager_exports_and_each_trainee_reads_only_their_tasks(server, store):  # noqa: F811
    url, _ = server
    Training(store).assign(
        title="只给李",
        created_by="teacher",
        trainees=["li"],
        personas=["hostile_zhang"],
        due="2026-12-31",
        pass_mark=60,
        created_at="2026-11-19T09:00:00+08:00",
    )
    for who in ("wang", "teacher"):
        with pytest.raises(Exception, match="主管"):  # noqa: B017 - gradio_client's AppError
            client(url, who).predict(api_name="/export_team")
    path = client(url, "boss").predict(api_name="/export_team")
    assert open(path, encoding="utf-8-sig").readline().startswith("学员,任务数,已完成,完成率")
    assert "只给李" in client(url, "li").predict(api_name="/my_tasks")[1]
    assert "只给李" not in client(url, "wang").predict(api_name="/my_tasks")[1]


def test_a_group_through_the_api_and_an_unknown_one_named(server, store):  # noqa: F811
    url, _ = server
    teacher = client(url, "teacher")
    with pytest.raises(Exception, match="没有名为「二组」的小组"):  # noqa: B017 - AppError
        teacher.predict(
            "t", ["hostile_zhang"], 0, [], "二组", "2026-12-31", 70, 0, api_name="/assign"
        )
    teacher.predict("二组", ["li", "wang"], api_name="/group")
    message = teacher.predict(
        "t", ["hostile_zhang"], 0, [], "二组", "2026-12-31", 70, 0, api_name="/assign"
    )[0]
    assert "学员 li、wang" in message
    path = client(url, "boss").predict("wang", api_name="/export_trainee")
    assert open(path, encoding="utf-8-sig").readline().startswith("学员,通话编号,开始时间,客户")
