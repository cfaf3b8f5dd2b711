"""Review data: the data rule, filters, sorting, exports, overrides, and inert transcript HTML."""

from __future__ import annotations

import csv
import io
import json
import wave
from pathlib import Path

import pytest

from simulator.accounts.auth import LOCAL_USER, AccessDenied
from simulator.accounts.users import User
from simulator.review_data import (
    CallFilter,
    FilterError,
    call_detail,
    call_rows,
    dashboard,
    rows_csv,
    state_points,
    transcript_html,
)
from simulator.review_store import ReviewError, ReviewStore
from simulator.storage import StoreError

BOSS = User("boss", frozenset({"manager"}))
WANG = User("wang", frozenset({"trainee"}))
LI = User("li", frozenset({"trainee"}))
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def scorecard(overall: int, passed: bool, violations: list[tuple[str, int | None]]) -> dict:
    return {
        "overall": overall,
        "passed": passed,
        "rubric": {"id": "cn_card_collection", "version": "abc123def456"},
        "dimensions": {
            "compliance": {"score": overall},
            "empathy": {"score": 60},
            "outcome": {"score": 50},
        },
        "violations": [
            {"criterion": c, "severity": "critical", "turn": t, "quote": SCRIPT, "source": "规定"}
            for c, t in violations
        ],
        "criteria": [
            {
                "id": "self_intro",
                "dimension": "compliance",
                "passed": True,
                "points": 8,
                "max_points": 10,
                "evidence": [{"turn": 1, "quote": SCRIPT}],
                "advice": "",
            }
        ],
        "plan": {"reached": False},
    }


def write_wav(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x10" * 8000)


def seed_calls(store) -> dict[str, str]:
    """Three scored calls by two trainees on different days; one with audio and a <script>."""
    specs = [
        ("a", "wang", "hostile_zhang", "2026-11-20T10:00:00+08:00", 85, True, []),
        (
            "b",
            "wang",
            "cooperative_wang",
            "2026-11-21T15:00:00+08:00",
            40,
            False,
            [("threat", 1), ("contact_time", None)],
        ),
        ("c", "li", "hostile_zhang", "2026-11-22T09:30:00+08:00", 70, True, [("insult", 3)]),
    ]
    ids = {}
    for key, user, persona, at, overall, passed, violations in specs:
        sid = store.new_session(
            persona=persona, persona_version="v1", started_at=at, seed=1, user=user
        )
        texts = ["喂？", f"您好，我是小李。{SCRIPT}", "什么事？", "你这个废物！"]
        for i, text in enumerate(texts):
            speaker = "customer" if i % 2 == 0 else "agent"
            state = (
                {"anger": 20 + 10 * i, "trust": 50 - 5 * i, "patience": 80}
                if speaker == "customer"
                else None
            )
            store.add_turn(sid, i, speaker, text, state=state)
        rel = f"audio/{sid}/1.wav"
        write_wav(store.data_dir / rel)
        store.set_turn_audio(sid, 1, rel)
        store.end_session(sid, "agent_end", None)
        store.add_score(sid, scorecard(overall, passed, violations))
        ids[key] = sid
    return ids


@pytest.fixture
def seeded(store):
    return store, ReviewStore(store), seed_calls(store)


def test_manager_sees_every_call_and_a_trainee_only_their_own(seeded):
    store, reviews, ids = seeded
    assert {r["id"] for r in call_rows(store, reviews, BOSS)} == set(ids.values())
    assert {r["id"] for r in call_rows(store, reviews, WANG)} == {ids["a"], ids["b"]}
    assert {r["id"] for r in call_rows(store, reviews, LI)} == {ids["c"]}
    # asking for someone else's calls through the filter gives nothing
    assert call_rows(store, reviews, LI, CallFilter(trainee="wang")) == []
    assert {r["id"] for r in call_rows(store, reviews, LOCAL_USER)} == set(ids.values())


def test_a_trainee_cannot_open_another_trainees_call(seeded):
    store, reviews, ids = seeded
    assert call_detail(store, reviews, WANG, ids["a"])["session"]["user"] == "wang"
    with pytest.raises(AccessDenied) as other:
        call_detail(store, reviews, WANG, ids["c"])
    with pytest.raises(AccessDenied) as missing:
        call_detail(store, reviews, WANG, "nope")
    assert other.value.message == missing.value.message  # ids cannot be probed
    with pytest.raises(StoreError):
        call_detail(store, reviews, BOSS, "nope")


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (CallFilter(trainee="wang"), {"a", "b"}),
        (CallFilter(persona="hostile_zhang"), {"a", "c"}),
        (CallFilter(date_from="2026-11-21"), {"b", "c"}),
        (CallFilter(date_from="2026-11-21", date_to="2026-11-21"), {"b"}),
        (CallFilter(score_min=60, score_max=80), {"c"}),
        (CallFilter(violation="threat"), {"b"}),
        (CallFilter(violation="contact_time"), {"b"}),
        (CallFilter(passed=True), {"a", "c"}),
        (CallFilter(passed=False), {"b"}),
        (CallFilter(trainee="wang", passed=True), {"a"}),
    ],
)
def test_filters(seeded, flt, expected):
    store, reviews, ids = seeded
    names = {v: k for k, v in ids.items()}
    assert {names[r["id"]] for r in call_rows(store, reviews, BOSS, flt)} == expected


def test_sorting(seeded):
    store, reviews, ids = seeded
    by_score = [
        r["overall"] for r in call_rows(store, reviews, BOSS, CallFilter(sort="分数（高→低）"))
    ]
    assert by_score == [85, 70, 40]
    by_time = [r["id"] for r in call_rows(store, reviews, BOSS, CallFilter(sort="时间（旧→新）"))]
    assert by_time == [ids["a"], ids["b"], ids["c"]]


@pytest.mark.parametrize(
    ("flt", "message"),
    [
        (CallFilter(date_from="11/20/2026"), "开始日期格式"),
        (CallFilter(date_from="2026-11-22", date_to="2026-11-01"), "晚于"),
        (CallFilter(score_min=90, score_max=10), "最低分高于最高分"),
    ],
)
def test_bad_filters_get_a_clear_message(seeded, flt, message):
    store, reviews, _ = seeded
    with pytest.raises(FilterError, match=message):
        call_rows(store, reviews, BOSS, flt)


def test_override_is_audited_and_never_overwrites_the_computed_score(seeded):
    store, reviews, ids = seeded
    sid = ids["b"]
    with pytest.raises(ReviewError, match="理由"):
        reviews.override(sid, "boss", 60, True, "  ")
    with pytest.raises(ReviewError, match="0 到 100"):
        reviews.override(sid, "boss", 160, True, "typo")
    reviews.override(sid, "boss", 65, True, "录音显示威胁是误判")
    reviews.override(sid, "boss2", 55, False, "复核后下调")
    reviews.comment(sid, "boss", "注意开场白")
    history = reviews.history(sid)
    assert [(h["kind"], h["author"]) for h in history] == [
        ("override", "boss"),
        ("override", "boss2"),
        ("comment", "boss"),
    ]
    first, second = history[0], history[1]
    assert (first["before_overall"], first["after_overall"]) == (40, 65)
    assert (second["before_overall"], second["after_overall"]) == (65, 55)
    assert first["created_at"] and first["reason"] == "录音显示威胁是误判"
    # the computed score is untouched
    assert [s["overall"] for s in store.scores(sid)] == [40]
    eff = reviews.effective(sid)
    assert (eff["overall"], eff["passed"], eff["computed_overall"]) == (55, False, 40)
    row = next(r for r in call_rows(store, reviews, BOSS) if r["id"] == sid)
    assert row["overall"] == 55 and row["computed_overall"] == 40 and row["overridden"]


def test_csv_export_contents(seeded):
    store, reviews, ids = seeded
    reviews.override(ids["b"], "boss", 65, True, "误判")
    rows = call_rows(store, reviews, BOSS, CallFilter(trainee="wang", sort="时间（旧→新）"))
    table = list(csv.reader(io.StringIO(rows_csv(rows))))
    header, body = table[0], table[1:]
    assert header[:3] == ["通话编号", "学员", "客户"]
    assert [r[0] for r in body] == [ids["a"], ids["b"]]
    b = dict(zip(header, body[1], strict=True))
    assert b["系统评分"] == "40" and b["最终评分"] == "65" and b["主管改分"] == "是"
    # Chinese names throughout: criteria, customers, local time in one format
    assert b["违规项"] == "夜间催收（22:00-08:00）；威胁恐吓"
    assert b["开始时间"] == "2026-11-21 15:00" and b["结束方式"] == "学员挂断"
    assert b["客户"] == "cooperative_wang" and "客户文件" not in b  # ids stay out of the file
    assert b["评分标准"] == "信用卡催收通话评分标准（默认）（版本 abc123def456）"
    assert "cn_card_collection" not in rows_csv(rows)
    assert b["系统判定通过"] == "否" and b["最终通过"] == "是"


def test_transcript_html_is_inert_and_highlights_violations(seeded):
    store, reviews, ids = seeded
    d = call_detail(store, reviews, BOSS, ids["b"])
    page = transcript_html(d["session"]["turns"], d["scorecard"])
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page
    assert 'data-turn="1" style="padding:4px 8px;margin:2px 0;background:#fde2e1' in page
    assert "违规：威胁恐吓（严重）" in page and "整通电话：夜间催收（22:00-08:00）（严重）" in page
    assert "threat" not in page and "critical" not in page
    assert "第2句 · 学员" in page  # counted from 1, as on the practice page
    assert 'data-turn="0" style="padding:4px 8px;margin:2px 0;"' in page


def test_transcript_export_and_state_chart(seeded):
    store, reviews, ids = seeded
    d = call_detail(store, reviews, WANG, ids["a"])
    assert d["transcript"]["persona"] == "hostile_zhang"
    assert d["transcript"]["turns"][0] == {"speaker": "customer", "text": "喂？"}
    json.dumps(d["transcript"], ensure_ascii=False)
    points = state_points(d["session"]["turns"])
    assert {p["metric"] for p in points} == {"愤怒", "信任", "耐心"}
    assert [p["value"] for p in points if p["metric"] == "愤怒"] == [20, 40]


def test_dashboard(seeded):
    store, reviews, _ = seeded
    figures = dashboard(call_rows(store, reviews, BOSS))
    assert [p["trainee"] for p in figures["over_time"]] == ["wang", "wang", "li"]
    assert {v["违规项"]: v["通话数"] for v in figures["violations"]} == {
        "威胁恐吓": 1,
        "夜间催收（22:00-08:00）": 1,
        "辱骂贬损": 1,
    }
    rate = {p["客户"]: p["通过率"] for p in figures["pass_rate"]}
    assert rate == {"cooperative_wang": "0%", "hostile_zhang": "100%"}


def test_the_call_detail_names_rubric_and_customer_and_cites_the_basis_of_each_item(seeded):
    from simulator.labels import Labels
    from simulator.ui.review_views import call_heading, scorecard_markdown

    store, reviews, ids = seeded
    d = call_detail(store, reviews, BOSS, ids["b"])
    names = Labels.of_rubrics()
    names.personas = {"cooperative_wang": "王丽娟（忘记还款）"}
    text = scorecard_markdown(d["scorecard"], d["score"], names)
    assert "| 评分项 | 结果 | 得分 | 原话 | 依据 |" in text
    row = next(line for line in text.splitlines() if line.startswith("| 自我介绍"))
    basis = names.source("self_intro", "", d["scorecard"])
    assert basis and row.rstrip(" |").endswith(basis)  # the Chinese rule from the rubric
    assert "评分标准：信用卡催收通话评分标准（默认）（版本 abc123def456）" in text
    assert "cn_card_collection" not in text
    heading = call_heading(d["session"], names, 1)
    assert "王丽娟（忘记还款）" in heading and "cooperative_wang" not in heading


def test_the_night_call_quote_shows_the_deployment_time_not_iso(seeded, monkeypatch):
    monkeypatch.delenv("CALLSIM_TZ", raising=False)
    store, reviews, ids = seeded
    d = call_detail(store, reviews, BOSS, ids["b"])
    night = next(v for v in d["scorecard"]["violations"] if v["turn"] is None)
    night["quote"] = "通话开始于当地时间 22:40（2026-11-20T14:40:00+00:00）"
    page = transcript_html(d["session"]["turns"], d["scorecard"])
    assert "通话开始于 2026-11-20 22:40" in page and "T14:40" not in page
