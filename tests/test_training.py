"""The training programme on a real SQLite file: groups, assignments, progress from scored calls."""

from __future__ import annotations

import pytest

from simulator.review_store import ReviewStore
from simulator.training import Training, TrainingError

from .test_review import scorecard, seed_calls

BEFORE = "2026-11-19T09:00:00+08:00"


def add_call(store, user, persona, at, overall, passed, seed=1):
    sid = store.new_session(
        persona=persona, persona_version="v1", started_at=at, seed=seed, user=user
    )
    store.add_turn(sid, 0, "customer", "喂？")
    store.end_session(sid, "agent_end", None)
    store.add_score(sid, scorecard(overall, passed, []))
    return sid


@pytest.fixture
def training(store):
    seed_calls(store)
    return Training(store)


def test_progress_is_read_from_scored_calls_with_the_pass_mark(training):
    a = training.assign(
        title="第一周",
        created_by="teacher",
        trainees=["wang", "li"],
        personas=["hostile_zhang", "cooperative_wang"],
        due="2026-11-30",
        pass_mark=80,
        created_at=BEFORE,
    )
    wang = training.progress(a, "wang")
    by = {p.persona: p for p in wang.personas}
    assert (by["hostile_zhang"].best, by["hostile_zhang"].passed) == (85, 1)
    assert (by["cooperative_wang"].best, by["cooperative_wang"].passed) == (40, 0)
    assert not wang.done
    li = training.progress(a, "li")  # 70 passed the rubric but not this pass mark
    assert {p.persona: p.passed for p in li.personas} == {"hostile_zhang": 0, "cooperative_wang": 0}


def test_an_override_counts_and_calls_before_the_assignment_do_not(training, store):
    a = training.assign(
        title="t",
        created_by="teacher",
        trainees=["wang"],
        personas=["cooperative_wang"],
        due="2026-11-30",
        pass_mark=60,
        created_at=BEFORE,
    )
    sid = next(r["id"] for r in store.sessions("wang") if r["persona"] == "cooperative_wang")
    ReviewStore(store).override(sid, "boss", 65, True, "录音显示并无威胁")
    assert training.progress(a, "wang").done
    late = training.assign(
        title="t2",
        created_by="teacher",
        trainees=["wang"],
        personas=["cooperative_wang"],
        due="2026-11-30",
        pass_mark=60,
        created_at="2026-11-25T09:00:00+08:00",
    )
    assert training.progress(late, "wang").personas[0].calls == 0


def test_a_group_reaches_its_current_members(training):
    training.set_group("一组", ["wang", "li"])
    a = training.assign(
        title="g",
        created_by="teacher",
        group="一组",
        personas=["hostile_zhang"],
        due="2026-11-30",
        pass_mark=60,
        created_at=BEFORE,
    )
    assert training.assignees(a) == ["li", "wang"]
    assert [x.id for x in training.assigned_to("li")] == [a.id]
    training.set_group("一组", ["wang"])
    assert training.assigned_to("li") == []
    assert {p.user: p.done for p in training.all_progress()} == {"wang": True}


def test_certification_uses_a_seed_the_trainee_never_played(training, store):
    a = training.assign(
        title="认证",
        created_by="teacher",
        trainees=["wang"],
        personas=["hostile_zhang"],
        due="2026-11-30",
        pass_mark=60,
        cert_calls=2,
        created_at=BEFORE,
    )
    assert a.cert_seed is not None and a.cert_seed != 1  # wang played seed 1
    assert training.assignments()[0].cert_seed == a.cert_seed
    seed = training.certification_seed(a.id, "wang", "hostile_zhang")
    assert seed == a.cert_seed
    for day in ("23", "24"):
        sid = add_call(
            store, "wang", "hostile_zhang", f"2026-11-{day}T10:00:00+08:00", 90, True, seed
        )
        assert not training.progress(a, "wang").certified
        training.record_certification(sid, a.id, "wang", "hostile_zhang")
    assert training.progress(a, "wang").certified


def test_the_certification_variant_stays_unseen(training, store):
    from simulator.labels import Labels
    from simulator.training import RESERVED_SEED
    from simulator.ui.tasks import certification_choices, tasks_html

    a = training.assign(
        title="认证",
        created_by="teacher",
        trainees=["wang"],
        personas=["hostile_zhang"],
        due="2026-12-31",
        pass_mark=60,
        cert_calls=1,
        created_at=BEFORE,
    )
    plain = training.assign(
        title="练习",
        created_by="teacher",
        trainees=["wang"],
        personas=["cooperative_wang"],
        due="2026-12-31",
        pass_mark=60,
        created_at=BEFORE,
    )
    # practice refuses the seed for that trainee and customer, and only there
    with pytest.raises(TrainingError) as refused:
        training.check_practice_seed("wang", "hostile_zhang", a.cert_seed)
    assert str(refused.value) == RESERVED_SEED and str(a.cert_seed) not in RESERVED_SEED
    training.check_practice_seed("wang", "hostile_zhang", a.cert_seed + 1)
    training.check_practice_seed("wang", "cooperative_wang", a.cert_seed)
    training.check_practice_seed("li", "hostile_zhang", a.cert_seed)
    training.check_practice_seed("wang", "hostile_zhang", None)
    # a practice call that slipped through on the seed does not count
    add_call(store, "wang", "hostile_zhang", "2026-11-23T10:00:00+08:00", 90, True, a.cert_seed)
    assert training.progress(a, "wang").personas[0].cert_passed == 0
    # the seed is never shown to the trainee; the certification is dialled from 我的任务
    progress = training.progress_of("wang")
    names = Labels(personas={"hostile_zhang": "张先生"})
    page = tasks_html(progress, names)
    assert str(a.cert_seed) not in page and "认证考核" in page
    assert certification_choices(progress, names) == [
        ("认证 · 张先生（0/1）", f"{a.id}:hostile_zhang")
    ]
    # only the trainee's own certification, with its own customers
    for args, message in (
        ((a.id, "li", "hostile_zhang"), "没有找到布置给您的这项任务"),
        ((a.id, "wang", "cooperative_wang"), "里没有这位客户"),
        ((plain.id, "wang", "cooperative_wang"), "不需要认证"),
    ):
        with pytest.raises(TrainingError, match=message):
            training.certification_seed(*args)


def test_an_assignment_with_certification_is_complete_only_once_certified(training, store):
    """#15: a passed practice call is not 已通过 while certification is still owed."""
    from simulator.labels import Labels
    from simulator.training_stats import progress_rows, team_rows
    from simulator.ui.tasks import tasks_html

    a = training.assign(
        title="认证",
        created_by="teacher",
        trainees=["wang"],
        personas=["hostile_zhang"],
        due="2099-12-31",
        pass_mark=80,
        cert_calls=1,
        created_at=BEFORE,
    )
    names = Labels(personas={"hostile_zhang": "张先生"})

    def figures():
        p = training.progress(a, "wang")
        [team] = [r for r in team_rows([p], training.scored_calls()) if r["学员"] == "wang"]
        [row] = progress_rows([p], names)
        return p, team, row, tasks_html([p], names)

    p, team, row, page = figures()
    assert p.practised and not p.done and p.status() == "进行中"  # wang passed, 85 >= 80
    assert team["已完成"] == 0 and team["完成率"] == 0.0 and team["已认证"] == "0/1"
    assert row["任务状态"] == "进行中" and row["认证"] == "0/1" and "已通过" not in row.values()
    assert "已完成 0 项" in page and "已认证 0/1 项" in page and "【已通过】" not in page
    sid = add_call(
        store, "wang", "hostile_zhang", "2026-11-23T10:00:00+08:00", 90, True, a.cert_seed
    )
    training.record_certification(sid, a.id, "wang", "hostile_zhang")
    p, team, row, page = figures()
    assert p.done and p.certified and p.status() == "已通过"
    assert team["完成率"] == 100.0 and team["已认证"] == "1/1"
    assert "已完成 1 项" in page and "已认证 1/1 项" in page


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": ""}, "任务名称不能为空"),
        ({"personas": []}, "至少选择一位客户"),
        ({"due": "下周"}, "不是有效日期"),
        ({"pass_mark": 120}, "及格分"),
        ({"trainees": []}, "请选择学员或小组"),
        ({"group": "没有"}, "没有名为「没有」的小组"),
        ({"cert_calls": -1}, "认证所需通过次数不能是负数"),  # #15
        (
            {"due": "2026-11-18"},
            r"截止日期 2026-11-18 已经过去（今天是 2026-11-19），请选择今天或以后的日期",
        ),
    ],
)
def test_bad_assignments_are_refused_in_chinese(training, kwargs, message):
    args = {
        "title": "t",
        "created_by": "teacher",
        "trainees": ["wang"],
        "personas": ["hostile_zhang"],
        "due": "2026-11-30",
        "pass_mark": 60,
        "created_at": BEFORE,
        **kwargs,
    }
    with pytest.raises(TrainingError, match=message):
        training.assign(**args)
    assert training.assignments() == []


def test_the_schema_survives_a_second_open(store, data_dir):
    from simulator.storage import Store

    Training(store).set_group("一组", ["wang"])
    again = Store(data_dir)
    try:
        assert Training(again).groups() == {"一组": ["wang"]}
    finally:
        again.close()


def test_dashboard_figures_per_trainee_skill_and_week(training, store):
    import csv
    import io

    from simulator.labels import Labels
    from simulator.training_stats import (
        csv_text,
        skill_rows,
        team_rows,
        trainee_call_rows,
        weakest_skills,
        weekly_rows,
    )

    training.assign(
        title="t",
        created_by="teacher",
        trainees=["wang", "li"],
        personas=["hostile_zhang"],
        due="2026-11-30",
        pass_mark=80,
        created_at=BEFORE,
    )
    calls = training.scored_calls()
    names = Labels(personas={"hostile_zhang": "张先生"})
    team = {r["学员"]: r for r in team_rows(training.all_progress(), calls)}
    assert team["wang"]["完成率"] == 100.0 and team["wang"]["通过率"] == 50.0
    assert team["li"]["完成率"] == 0.0 and team["li"]["平均分"] == 70.0
    skills = {r["技能"]: r["得分"] for r in skill_rows(calls, names)}
    assert skills["合规"] == round((85 + 40 + 70) / 3, 1) and skills["沟通与共情"] == 60.0
    assert weakest_skills(calls, names)[0]["类型"] == "评分项"
    by_trainee = skill_rows(calls, names, by_trainee=True)
    assert {r["学员"] for r in by_trainee} == {"wang", "li"}
    assert [w["周"] for w in weekly_rows(calls)] == ["2026-11-16"]
    rows = trainee_call_rows([c for c in calls if c["user"] == "wang"], names)
    parsed = list(csv.DictReader(io.StringIO(csv_text(rows))))
    assert parsed[0]["客户"] == "张先生" and parsed[0]["合规（分）"] == "85"
    assert parsed[0]["开始时间"] == "2026-11-20 10:00"


def test_status_overdue_and_the_trainees_page_text(training):
    from datetime import date

    from simulator.labels import Labels
    from simulator.ui.tasks import NONE_YET, tasks_html

    a = training.assign(
        title="<b>旧任务</b>",
        created_by="teacher",
        trainees=["li"],
        personas=["cooperative_wang"],
        due="2026-11-01",
        pass_mark=60,
        created_at="2026-10-30T09:00:00+08:00",
    )
    p = training.progress(a, "li")
    assert p.overdue(date(2026, 11, 2)) and not p.overdue(date(2026, 11, 1))
    text = tasks_html([p], Labels(personas={"cooperative_wang": "王丽娟"}))
    assert "&lt;b&gt;旧任务&lt;/b&gt;" in text and "王丽娟" in text
    assert "待完成 1 项，已完成 0 项" in text
    assert tasks_html([], Labels()) == f"<p>{NONE_YET}</p>"


def test_a_due_day_in_the_past_is_refused_today_and_today_itself_is_accepted(training):
    from simulator import clock

    today = clock.now().date()
    args = {"title": "t", "created_by": "teacher", "trainees": ["wang"], "pass_mark": 60}
    with pytest.raises(TrainingError, match="已经过去"):
        training.assign(personas=["hostile_zhang"], due="2020-01-01", **args)
    assert training.assign(personas=["hostile_zhang"], due=today.isoformat(), **args).id


def test_status_is_not_started_before_any_call_then_in_progress_passed_or_failed(training, store):
    from datetime import date

    from simulator.labels import Labels
    from simulator.ui.tasks import tasks_html

    a = training.assign(
        title="t",
        created_by="teacher",
        trainees=["zhao", "wang"],
        personas=["hostile_zhang", "cooperative_wang"],
        due="2026-12-31",
        pass_mark=80,
        created_at=BEFORE,
    )
    open_day, after = date(2026, 12, 1), date(2027, 1, 1)
    zhao = training.progress(a, "zhao")  # no call at all
    assert zhao.status(open_day) == "未开始" and zhao.status(after) == "未通过"
    assert {zhao.persona_status(pp, open_day) for pp in zhao.personas} == {"未开始"}
    wang = training.progress(a, "wang")  # zhang passed at 85, wang failed at 40
    assert wang.status(open_day) == "进行中" and wang.status(after) == "未通过"
    by = {pp.persona: wang.persona_status(pp, open_day) for pp in wang.personas}
    assert by == {"hostile_zhang": "已通过", "cooperative_wang": "进行中"}
    add_call(store, "wang", "cooperative_wang", "2026-11-24T10:00:00+08:00", 90, True)
    assert training.progress(a, "wang").status(after) == "已通过"
    text = tasks_html([zhao], Labels())
    assert "【未开始】" in text and "未通过" not in text


def test_missing_figures_are_empty_cells_in_csv_and_excel(training, tmp_path):
    import csv
    import io

    import pandas as pd
    from openpyxl import load_workbook

    from simulator.training_stats import TEAM_COLUMNS, csv_text, team_rows, write_xlsx

    training.assign(
        title="t",
        created_by="teacher",
        trainees=["zhao"],  # no call at all: no pass rate, no average
        personas=["hostile_zhang"],
        due="2026-12-31",
        pass_mark=80,
        created_at=BEFORE,
    )
    # through a table, as the page does: None becomes NaN there
    team = pd.DataFrame(team_rows(training.all_progress(), []), columns=TEAM_COLUMNS)
    rows = team.to_dict("records")
    text = csv_text(rows, TEAM_COLUMNS)
    assert "nan" not in text.lower()
    zhao = next(csv.DictReader(io.StringIO(text)))
    assert zhao["通过率"] == "" and zhao["平均分"] == "" and zhao["任务数"] == "1"

    path = write_xlsx(tmp_path / "团队.xlsx", {"团队/一组": (rows, TEAM_COLUMNS)})
    sheet = load_workbook(path).active
    assert sheet.title == "团队_一组"
    assert [c.value for c in sheet[1]] == TEAM_COLUMNS  # Chinese headers
    values = {h: c.value for h, c in zip(TEAM_COLUMNS, sheet[2], strict=True)}
    assert values["学员"] == "zhao" and values["任务数"] == 1  # numbers stay numbers
    assert values["通过率"] is None and values["平均分"] is None


def test_a_trainer_sees_who_did_what_on_the_assignments_they_gave(training):
    from datetime import date

    from simulator.labels import Labels
    from simulator.training_stats import PROGRESS_COLUMNS, progress_rows

    mine = training.assign(
        title="我的",
        created_by="teacher",
        trainees=["wang", "zhao"],
        personas=["hostile_zhang", "cooperative_wang"],
        due="2026-12-31",
        pass_mark=80,
        cert_calls=1,
        created_at=BEFORE,
    )
    training.assign(
        title="别人的",
        created_by="other",
        trainees=["li"],
        personas=["hostile_zhang"],
        due="2026-12-31",
        pass_mark=80,
        created_at=BEFORE,
    )
    progress = [p for p in training.all_progress() if p.assignment.created_by == "teacher"]
    names = Labels(personas={"hostile_zhang": "张先生", "cooperative_wang": "王女士"})
    rows = progress_rows(progress, names, today=date(2026, 12, 1))
    assert all(list(r) == PROGRESS_COLUMNS for r in rows)
    got = {(r["学员"], r["客户"]): (r["该客户进度"], r["已评分通话"], r["最好成绩"]) for r in rows}
    assert got == {
        ("wang", "张先生"): ("进行中", 1, 85),  # passed, but certification is still owed
        ("wang", "王女士"): ("进行中", 1, 40),
        ("zhao", "张先生"): ("未开始", 0, None),
        ("zhao", "王女士"): ("未开始", 0, None),
    }
    assert {r["任务"] for r in rows} == {mine.title} and rows[0]["截止日期"] == "2026-12-31"
    assert {r["任务状态"] for r in rows if r["学员"] == "zhao"} == {"未开始"}
    assert {r["认证"] for r in rows} == {"0/1"}


def test_chart_axis_labels_are_cut_apart_and_a_single_point_is_a_marker():
    from simulator.ui.charts import line_chart, short_labels

    short = short_labels(["合规", "以联系家人或单位施压", "以联系家人或单位吓唬", "共情"], width=6)
    assert short["合规"] == "合规" and short["共情"] == "共情"
    assert short["以联系家人或单位施压"] == "以联系家人…①"
    assert short["以联系家人或单位吓唬"] == "以联系家人…②"
    svg = line_chart({"平均分": [(0, 82.5)], "通过率": [(0, 100.0)]}, x_labels={0: "11-16 起"})
    assert svg.count('class="cs-point"') == 2 and ">82.5</text>" in svg and "11-16 起" in svg


def test_weeks_without_calls_are_gaps_on_a_time_axis_and_value_labels_stay_apart():
    """#15: an empty week keeps its place (0 通), the line breaks there, labels do not overlap."""
    import re

    import pandas as pd

    from simulator.training_stats import weekly_rows
    from simulator.ui.charts import line_chart
    from simulator.ui.programme import weeks_chart

    def call(at, overall, passed):
        return {"started_at": at, "overall": overall, "passed": passed}

    calls = [
        call("2026-11-03T10:00:00+08:00", 80, True),
        call("2026-11-24T10:00:00+08:00", 81, True),
    ]
    rows = weekly_rows(calls)
    assert [(r["周"], r["通话数"], r["平均分"]) for r in rows] == [
        ("2026-11-02", 1, 80.0),
        ("2026-11-09", 0, None),
        ("2026-11-16", 0, None),
        ("2026-11-23", 1, 81.0),
    ]
    svg = weeks_chart(pd.DataFrame(rows, columns=["周", "通话数", "平均分", "通过率"]))
    assert "11-09 起" in svg and svg.count(">0 通<") == 2 and svg.count(">1 通<") == 2
    # no line across the empty weeks: each series is two single-point runs
    assert svg.count('class="cs-point"') == 4
    assert all(len(p.split()) == 1 for p in re.findall(r'polyline points="([^"]+)"', svg))
    # two series with close values at the same week: their labels are apart
    svg = line_chart({"平均分": [(0, 80.0)], "通过率": [(0, 81.0)]})
    ys = [float(y) for y in re.findall(r'class="cs-value" x="[\d.]+" y="([\d.]+)"', svg)]
    assert len(ys) == 2 and abs(ys[0] - ys[1]) >= 12


def test_the_trainee_export_words_prohibited_criteria_as_the_review_does():
    """#15: 未违规 / 违规 for a prohibited act in the CSV too, from the one label function."""
    from simulator import labels
    from simulator.labels import Labels
    from simulator.training_stats import trainee_call_rows

    card = {
        "overall": 40,
        "passed": False,
        "dimensions": {"compliance": {"score": 40}},
        "criteria": [
            {"id": "threat", "title": "威胁", "kind": "prohibited", "passed": False},
            {"id": "insult", "title": "辱骂", "kind": "prohibited", "passed": True},
            {"id": "self_intro", "title": "自我介绍", "kind": "required_step", "passed": True},
            {"id": "empathy", "title": "共情", "kind": "quality", "passed": False},
        ],
    }
    call = {
        "user": "wang",
        "id": "s1",
        "started_at": "2026-11-20T10:00:00+08:00",
        "persona": "hostile_zhang",
        "seed": 1,
        "overall": 40,
        "passed": False,
        "scorecard": card,
    }
    [row] = trainee_call_rows([call], Labels())
    assert row["威胁"] == "违规" and row["辱骂"] == "未违规"
    assert row["自我介绍"] == "通过" and "达标" not in str(row.values())
    assert [labels.criterion_result(c) for c in card["criteria"]] == [
        "违规",
        "未违规",
        "通过",
        "未通过",
    ]


def test_the_readme_says_certification_calls_start_only_from_my_tasks():
    """#15: the README's certification paragraph matches the pages (我的任务, not the seed field)."""
    from .conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    para = text[text.index("**Certification**") :].split("\n\n")[0]
    assert "started only from 我的任务" in " ".join(para.split())
    assert "seed field, which refuses the certification seed" in " ".join(para.split())
