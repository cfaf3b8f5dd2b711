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


def test_team_and_trainee_reports_as_excel_and_csv_without_nan(server, store):  # noqa: F811
    from openpyxl import load_workbook

    Training(store).assign(
        title="还没打",
        created_by="teacher",
        trainees=["zhao"],  # an assignee with no call: missing figures
        personas=["hostile_zhang"],
        due="2026-12-31",
        pass_mark=60,
        created_at="2026-11-19T09:00:00+08:00",
    )
    url, _ = server
    boss = client(url, "boss")
    text = open(boss.predict(api_name="/export_team"), encoding="utf-8-sig").read()
    assert "nan" not in text.lower()
    assert "zhao,1,0,0.0,0,0,," in text  # no calls: empty pass rate and average
    path = boss.predict(api_name="/export_team_xlsx")
    assert path.endswith("团队培训报表.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["各学员完成率与通过率", "各学员各项技能"]
    team = book["各学员完成率与通过率"]
    assert [c.value for c in team[1]][:4] == ["学员", "任务数", "已完成", "完成率"]
    zhao = next(r for r in team.iter_rows(min_row=2, values_only=True) if r[0] == "zhao")
    assert zhao[6] is None and zhao[7] is None
    one = load_workbook(boss.predict("wang", api_name="/export_trainee_xlsx")).active
    assert [c.value for c in one[1]][:4] == ["学员", "通话编号", "开始时间", "客户"]
    assert one.max_row == 3  # wang's two scored calls
    with pytest.raises(Exception, match="主管"):  # noqa: B017 - gradio_client's AppError
        client(url, "wang").predict(api_name="/export_team_xlsx")


def test_a_trainer_reads_progress_on_their_own_assignments_only(server, store):  # noqa: F811
    url, _ = server
    training = Training(store)
    for title, by in (("老师的", "teacher"), ("别人的", "someone")):
        training.assign(
            title=title,
            created_by=by,
            trainees=["wang"],
            personas=["hostile_zhang"],
            due="2026-12-31",
            pass_mark=60,
            created_at="2026-11-19T09:00:00+08:00",
        )
    table = client(url, "teacher").predict(api_name="/assignment_progress")
    rows = [dict(zip(table["headers"], r, strict=True)) for r in table["data"]]
    assert [(r["任务"], r["学员"], r["该客户进度"]) for r in rows] == [("老师的", "wang", "已通过")]
    assert rows[0]["客户"] == "张卫东（上次被打到家里，一接就火）"
    with pytest.raises(Exception, match="培训师"):  # noqa: B017 - gradio_client's AppError
        client(url, "wang").predict(api_name="/assignment_progress")
