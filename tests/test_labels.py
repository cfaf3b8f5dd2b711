"""One table of labels and one clock: Chinese names, the deployment's time zone, Chinese sources."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scoring.report import render_scorecard
from scoring.rubric import load_rubric
from simulator import clock, labels
from simulator.accounts.auth import LOCAL_USER
from simulator.accounts.users import User
from simulator.call import Call
from simulator.labels import Labels, labels_for
from simulator.persona import default_personas_dir, load_persona
from simulator.review_data import CallFilter, call_rows, rows_csv
from simulator.review_store import ReviewStore
from simulator.ui.call_flow import parse_call_time
from tests.fixtures.fakes import make_services

RUBRICS = sorted((Path(__file__).resolve().parent.parent / "scoring" / "rubrics").glob("*.yaml"))
FOREIGN = re.compile(r"FDCPA|CFPB|Regulation F|§|U\.S\.|COMPLIANCE\.md", re.I)
BOSS = User("boss", frozenset({"manager"}))


def test_times_are_shown_in_the_deployment_zone_in_one_format(monkeypatch):
    monkeypatch.delenv("CALLSIM_TZ", raising=False)
    assert clock.shown("2026-11-20T06:30:00+00:00") == "2026-11-20 14:30"  # UTC, stored
    assert clock.shown("2026-11-20T14:30:00+08:00") == "2026-11-20 14:30"
    assert clock.shown("2026-11-20T14:30:00") == "2026-11-20 14:30"  # no offset: already local
    assert clock.shown(None) == "—" and clock.shown("不是时间") == "不是时间"
    monkeypatch.setenv("CALLSIM_TZ", "Europe/London")
    assert clock.shown("2026-11-20T14:30:00+08:00") == "2026-11-20 06:30"
    monkeypatch.setenv("CALLSIM_TZ", "Mars/Olympus")
    with pytest.raises(clock.TZError, match="CALLSIM_TZ"):
        clock.now()


def test_a_call_dialled_now_is_on_the_deployment_clock_not_the_servers(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")  # a container in UTC
    monkeypatch.delenv("CALLSIM_TZ", raising=False)
    call = Call(load_persona(default_personas_dir() / "hostile_zhang.yaml"))
    assert call.started_at.utcoffset() == timedelta(hours=8)
    # an exam time typed on the page is Beijing time; an ISO time keeps its stated offset
    assert parse_call_time("2026-11-20 23:00").isoformat() == "2026-11-20T23:00:00+08:00"
    stated = parse_call_time("2026-11-20T23:00:00+09:00")
    assert stated.utcoffset() == timedelta(hours=9) and stated.hour == 23


def test_fixed_vocabularies_are_chinese():
    assert labels.ending("agent_end") == "学员挂断" and labels.ending("abandoned") == "未完成"
    assert labels.ending(None) == "进行中"
    assert labels.dimension("empathy") == "沟通与共情" and labels.severity("critical") == "严重"
    assert labels.turn(0) == "第1句" and labels.turn(None) == "整通电话"
    assert labels.user("local") == "本地模式" and labels.user("wang") == "wang"
    assert labels.verdict(None) == "未评分"
    # the end of a call never claims the plan the scorecard may deny (未达成还款计划)
    assert "达成" not in labels.ending("agreement") and labels.ending("agreement") == "客户同意还款"
    fired = {"kind": "prohibited", "passed": False, "points": -100, "max_points": 0}
    assert (
        labels.criterion_result(fired) == "违规" and labels.criterion_points(fired) == "扣 100 分"
    )
    step = {"kind": "required_step", "passed": False, "points": 4, "max_points": 8}
    assert labels.criterion_points(step) == "4/8"


def test_names_come_from_the_persona_and_rubric_files(tmp_path):
    names = labels_for(make_services(tmp_path / "data"))
    assert names.persona("hostile_harassed_xu") == "徐桂芳（被电话烦透了的摊主）"
    assert names.persona("gone_persona") == "gone_persona"
    assert names.criterion("third_party_pressure") == "以联系家人或单位施压"
    assert names.criterion("plan_reached") == "达成具体还款约定"
    v = {"criterion": "insult", "severity": "critical"}
    assert names.violation(v) == "辱骂贬损（严重）"


@pytest.mark.parametrize("path", RUBRICS, ids=lambda p: p.name)
def test_rubric_sources_cite_the_chinese_rules_only(path):
    for criterion in load_rubric(path).model.criteria:
        assert not FOREIGN.search(criterion.source), (criterion.id, criterion.source)
        assert re.search(r"[\u4e00-\u9fff]", criterion.source), criterion.id


def test_the_cli_scorecard_speaks_the_same_labels():
    card = {
        "overall": 40,
        "passed": False,
        "band": "low",
        "rubric": {"id": "cn_card_collection", "version": "v"},
        "dimensions": {k: {"score": 50} for k in labels.DIMENSIONS},
        "violations": [
            {
                "criterion": "threat",
                "severity": "critical",
                "turn": 3,
                "quote": "后果自负",
                "source": "规定",
            }
        ],
        "criteria": [
            {
                "id": "threat",
                "title": "威胁恐吓",
                "kind": "prohibited",
                "passed": False,
                "points": -100,
                "max_points": 0,
                "evidence": [],
                "advice": "",
            }
        ],
        "plan": {"agreed": False},
    }
    out = render_scorecard(card)
    assert "合规 50  沟通与共情 50  还款结果 50" in out
    assert "[严重] 威胁恐吓（第4句）" in out


def _call(store, user: str, at: str) -> str:
    sid = store.new_session(
        persona="hostile_zhang", persona_version="v", started_at=at, seed=1, user=user
    )
    store.add_turn(sid, 0, "customer", "喂？")
    store.end_session(sid, "agent_end", None)
    return sid


def test_calls_made_without_accounts_are_kept_apart(store):
    reviews = ReviewStore(store)
    mine = _call(store, "wang", "2026-11-20T10:00:00+08:00")
    local = _call(store, "local", "2026-11-19T10:00:00+08:00")
    names = Labels(personas={"hostile_zhang": "张卫东（测试）"})
    assert [r["id"] for r in call_rows(store, reviews, BOSS, names=names)] == [mine]
    both = call_rows(store, reviews, BOSS, CallFilter(include_local=True), names)
    assert [r["id"] for r in both] == [mine, local]
    assert [r["id"] for r in call_rows(store, reviews, BOSS, CallFilter(trainee="local"))] == [
        local
    ]
    # without accounts the local user is everyone: nothing is hidden from them
    assert len(call_rows(store, reviews, LOCAL_USER)) == 2
    csv_text = rows_csv(both)
    assert "本地模式" in csv_text and "张卫东（测试）" in csv_text and "local," not in csv_text


def test_times_sort_by_the_instant_whatever_offset_was_stored(store):
    reviews = ReviewStore(store)
    early = _call(store, "wang", "2026-11-20T09:00:00+08:00")  # 01:00 UTC
    late = _call(store, "wang", "2026-11-20T02:00:00+00:00")  # 10:00 Beijing
    rows = call_rows(store, reviews, BOSS, CallFilter(sort="时间（旧→新）"))
    assert [r["id"] for r in rows] == [early, late]
    assert [r["started"] for r in rows] == ["2026-11-20 09:00", "2026-11-20 10:00"]


def test_a_stored_utc_time_filters_by_the_local_day(store):
    reviews = ReviewStore(store)
    sid = _call(store, "wang", "2026-11-20T17:00:00+00:00")  # 01:00 on the 21st in Beijing
    rows = call_rows(store, reviews, BOSS, CallFilter(date_from="2026-11-21"))
    assert [r["id"] for r in rows] == [sid]


def test_now_is_aware():
    assert clock.now().tzinfo is not None
    assert clock.local(datetime(2026, 1, 1, tzinfo=UTC)).hour == 8


def test_quoted_times_are_shown_on_the_deployment_clock_in_one_format(monkeypatch):
    monkeypatch.delenv("CALLSIM_TZ", raising=False)
    night = "通话开始于当地时间 22:40（2026-11-20T22:40:00+08:00）"
    assert labels.quote(night) == "通话开始于 2026-11-20 22:40"
    # a call whose stated offset is elsewhere keeps its own local time beside ours
    tokyo = "通话开始于当地时间 23:30（2026-11-20T23:30:00+09:00）"
    assert labels.quote(tokyo) == "通话开始于 2026-11-20 22:30（通话当地时间 2026-11-20 23:30）"
    monkeypatch.setenv("CALLSIM_TZ", "Europe/London")
    assert labels.quote(night) == "通话开始于 2026-11-20 14:40（通话当地时间 2026-11-20 22:40）"
    assert labels.quote("别的原话") == "别的原话" and labels.quote(None) == ""


def test_a_rubric_is_named_by_its_title():
    names = Labels.of_rubrics()
    assert names.rubric_title("cn_card_collection") == "信用卡催收通话评分标准（默认）"
    assert (
        names.rubric_title("cn_card_collection", "abc")
        == "信用卡催收通话评分标准（默认）（版本 abc）"
    )
    assert names.rubric_title("gone_rubric") == "gone_rubric"


def test_every_act_has_a_chinese_name():
    """#15: the scorecard's 识别依据 names acts in Chinese, never by code."""
    from simulator.understand.acts import ACT_DESCRIPTIONS

    assert set(labels.ACTS) == set(ACT_DESCRIPTIONS)
    assert labels.act("state_debt") == "说明欠款" and labels.act("verify_identity") == "核实身份"
    assert all(not name.isascii() for name in labels.ACTS.values())
