"""The LLM judge: quality criteria only, quoted evidence checked, fail-closed, cached on disk."""

from __future__ import annotations

import json

import pytest

from scoring.judge import JudgeError, judge, parse_verdict
from scoring.rubric import Kind, default_rubric, parse_rubric
from tests.fake_openai import Error, FakeOpenAI, Reply, openai_client, time_bound  # noqa: F401

pytestmark = pytest.mark.usefixtures("time_bound")

RUBRIC = default_rubric()
QUALITY = {c.id: c for c in RUBRIC.model.criteria if c.kind == Kind.quality}
TRANSCRIPT = {
    "persona": "hardship_jobless_chen",
    "started_at": "2026-11-20T14:30:00+08:00",
    "turns": [
        {"speaker": "customer", "text": "喂？"},
        {"speaker": "agent", "text": "您好，我是招商银行信用卡中心的小李。"},
        {"speaker": "customer", "text": "我上个月被裁员了，现在还没找到工作。"},
        {"speaker": "agent", "text": "刚被裁员，找工作这段时间压力肯定很大，确实不容易。"},
    ],
}


def verdict(*items: dict) -> str:
    return json.dumps({"criteria": list(items)}, ensure_ascii=False)


GOOD = {
    "id": "empathy_ack",
    "passed": True,
    "points": 13,
    "evidence": [{"turn": 3, "quote": "压力肯定很大，确实不容易"}],
    "reason": "回应了客户被裁员的处境。",
}


@pytest.fixture
def server():
    with FakeOpenAI() as s:
        yield s


def run(server: FakeOpenAI, tmp_path, model: str = "judge-model", rubric=RUBRIC) -> dict:
    return judge(
        TRANSCRIPT,
        rubric,
        model,
        openai_client(server),
        cache_dir=tmp_path / "cache",
        budget_s=2.0,
    )


def test_keeps_quoted_items_and_drops_the_rest(server, tmp_path):
    fabricated = {
        **GOOD,
        "id": "calm_under_pressure",
        "evidence": [{"turn": 3, "quote": "请您冷静"}],
    }
    critical = {**GOOD, "id": "threat", "passed": False, "points": 0}
    too_many = {**GOOD, "id": "plan_affordable", "points": 50}
    no_evidence = {**GOOD, "id": "plan_reached", "evidence": []}
    server.push(Reply(verdict(GOOD, fabricated, critical, too_many, no_evidence)))
    result = run(server, tmp_path)
    assert result["error"] is None
    assert [c["id"] for c in result["criteria"]] == ["empathy_ack"]
    kept = result["criteria"][0]
    assert kept["points"] == 13 and kept["max_points"] == 15 and kept["dimension"] == "empathy"
    why = {d["id"]: d["why"] for d in result["dropped"]}
    assert "quote not found" in why["calm_under_pressure"]
    assert "not a quality criterion" in why["threat"]  # cannot touch critical violations
    assert "points" in why["plan_affordable"]
    assert "no quote" in why["plan_reached"]
    assert set(result) >= {"model", "rubric", "transcript", "criteria", "dropped", "cached"}
    assert "violations" not in result and "plan" not in result
    request = server.chat_requests[0]
    assert "被裁员" not in request["messages"][0]["content"]  # the transcript is data


@pytest.mark.parametrize(
    "raw",
    [
        "```json\n" + verdict(GOOD) + "\n```",
        verdict(GOOD) + "\n以上是我的评分。",
        '{"criteria": [], "violations": [{"criterion": "threat"}]}',
        '{"criteria": {"empathy_ack": true}}',
        "我觉得这通电话不错。",
    ],
    ids=["fenced", "trailing-prose", "extra-key", "shape", "prose"],
)
def test_answer_is_parsed_fail_closed(raw):
    with pytest.raises(JudgeError):
        parse_verdict(raw, TRANSCRIPT["turns"], QUALITY)


def test_unusable_answer_gives_an_error_and_no_results(server, tmp_path):
    server.push(Reply("```json\n" + verdict(GOOD) + "\n```"))
    result = run(server, tmp_path)
    assert result["criteria"] == [] and "rejected" in result["error"]
    assert not list((tmp_path / "cache").glob("*.json"))  # failures are not cached


def test_service_failure_is_reported_not_raised(server, tmp_path):
    server.responder = lambda body: Error(503)
    result = run(server, tmp_path)
    assert result["criteria"] == [] and "HTTP 503" in result["error"]


def test_results_are_cached_by_transcript_rubric_version_and_model(server, tmp_path):
    server.push(Reply(verdict(GOOD)))
    first = run(server, tmp_path)
    again = run(server, tmp_path)
    assert not first["cached"] and again["cached"]
    assert again["criteria"] == first["criteria"]
    assert len(server.chat_requests) == 1
    server.push(Reply(verdict(GOOD)), Reply(verdict(GOOD)))
    assert not run(server, tmp_path, model="other-model")["cached"]
    text = RUBRIC.path.read_text(encoding="utf-8") + "\n# edited\n"
    edited = parse_rubric(text, str(RUBRIC.path))
    assert edited.version != RUBRIC.version
    assert not run(server, tmp_path, rubric=edited)["cached"]
    assert len(server.chat_requests) == 3


def test_client_factory_is_not_called_on_a_cache_hit(server, tmp_path):
    server.push(Reply(verdict(GOOD)))
    run(server, tmp_path)
    calls = []

    def factory():
        calls.append(1)
        raise AssertionError("no request expected")

    result = judge(TRANSCRIPT, RUBRIC, "judge-model", factory, cache_dir=tmp_path / "cache")
    assert result["cached"] and calls == []
