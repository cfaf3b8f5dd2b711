"""The LLM judge beside the rules: ``callsim score --judge`` and ``callsim rubric test --judge``.

Every test talks to the fake OpenAI-compatible server over real sockets with the real openai
client; nothing in the SDK or the project is patched.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from scoring import default_rubric, load_transcript, score
from scoring.cli import main
from scoring.judged import attach_judge, recompute, score_with_judge
from tests.fake_openai import Error, FakeOpenAI, Reply, time_bound  # noqa: F401

pytestmark = pytest.mark.usefixtures("time_bound")

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION = ROOT / "tests" / "calibration"
HARDSHIP = CALIBRATION / "good_hardship_instalment.json"
RUBRIC = default_rubric()

EMPATHY = {
    "id": "empathy_ack",
    "passed": False,
    "points": 6,
    "evidence": [{"turn": 5, "quote": "压力肯定很大，确实不容易"}],
    "reason": "回应了处境，但随即转入催收，略显套路。",
}


def verdict(*items: dict, **extra: object) -> str:
    return json.dumps({"criteria": list(items), **extra}, ensure_ascii=False)


def strip_judge(card: dict) -> dict:
    """The card without anything the judge added."""
    card = json.loads(json.dumps(card))
    card.pop("judge", None)
    for c in card["criteria"]:
        c.pop("judge", None)
    return card


@pytest.fixture
def server():
    with FakeOpenAI() as s:
        yield s


@pytest.fixture
def llm_env(monkeypatch, tmp_path):
    """Point the LLM settings at a URL (set by the test) and keep the cache in tmp_path."""
    monkeypatch.setenv("CALLSIM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("CALLSIM_LLM_MODEL", "judge-model")

    def point(url: str) -> None:
        monkeypatch.setenv("OPENAI_BASE_URL", url)

    return point


def test_judge_shown_beside_the_rules(server, llm_env, capsys):
    llm_env(server.base_url)
    server.push(Reply(verdict(EMPATHY)))
    assert main(["score", str(HARDSHIP), "--judge"]) == 0
    out = capsys.readouterr().out
    assert "回应客户的具体处境：规则 15/15 · 模型 6/15" in out
    assert "模型理由：回应了处境，但随即转入催收，略显套路。" in out
    assert "第6句：“压力肯定很大，确实不容易”" in out
    assert "正式得分以上面的规则评分为准" in out
    assert "总分 100（通过，评级：优）" in out  # the official score is the rules'
    assert "若按模型的共情评分计算" in out and "评级：中" in out
    assert "达成具体还款约定：规则 40/40 · 模型 未评（模型没有评这一条）" in out
    request = server.chat_requests[0]
    assert request["model"] == "judge-model"
    assert "被裁员" in request["messages"][1]["content"]


def test_judge_json_keeps_the_rules_card(server, llm_env, capsys):
    llm_env(server.base_url)
    server.push(Reply(verdict(EMPATHY)))
    assert main(["score", str(HARDSHIP), "--judge", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert strip_judge(card) == score(load_transcript(HARDSHIP), RUBRIC)
    ack = next(c for c in card["criteria"] if c["id"] == "empathy_ack")
    assert ack["points"] == 15 and ack["passed"]
    assert ack["judge"] == {
        "passed": False,
        "points": 6,
        "max_points": 15,
        "evidence": [{"turn": 5, "quote": "压力肯定很大，确实不容易"}],
        "reason": EMPATHY["reason"],
    }
    assert card["judge"]["model"] == "judge-model" and card["judge"]["error"] is None
    assert card["judge"]["adjusted"]["band"] == "medium"
    assert card["judge"]["adjusted"]["dimensions"]["empathy"]["score"] < 100
    assert not any("judge" in c for c in card["criteria"] if c["kind"] != "quality")


def test_malformed_answer_gives_the_rules_with_a_note(server, llm_env, capsys):
    llm_env(server.base_url)
    server.push(Reply("```json\n" + verdict(EMPATHY) + "\n```"))
    assert main(["score", str(HARDSHIP), "--judge"]) == 0
    captured = capsys.readouterr()
    assert "模型评审（judge-model）未完成：judge answer rejected" in captured.out
    assert "以上是规则评分，不受影响" in captured.out
    assert "总分 100（通过，评级：优）" in captured.out and "模型理由" not in captured.out
    assert "注意：模型评审未完成" in captured.err and "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def closed_port_url() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/v1"


def test_dead_server_gives_the_rules_in_bounded_time(llm_env, capsys):
    llm_env(closed_port_url())
    started = time.monotonic()
    assert main(["score", str(HARDSHIP), "--judge", "--json"]) == 0
    elapsed = time.monotonic() - started
    card = json.loads(capsys.readouterr().out)
    assert elapsed < 8.0  # three refused connections with backoff, not the 60 s budget
    assert strip_judge(card) == score(load_transcript(HARDSHIP), RUBRIC)
    assert card["judge"]["error"] == "judge service failed: connection error"
    assert all(
        c["judge"] == {"error": card["judge"]["error"]}
        for c in card["criteria"]
        if c["kind"] == "quality"
    )


def test_dead_server_folder_is_asked_once_then_skipped(server, llm_env, tmp_path, capsys):
    llm_env(server.base_url)
    server.responder = lambda body: Error(503)
    folder = tmp_path / "calls"
    folder.mkdir()
    for name in ("good_dispute.json", "bad_insult.json", "good_hostile_calm.json"):
        (folder / name).write_bytes((CALIBRATION / name).read_bytes())
    assert main(["score", str(folder), "--judge", "--judge-budget", "5"]) == 0
    out = capsys.readouterr().out
    assert len(server.chat_requests) == 3  # one file's three attempts; the others not asked
    assert out.count("模型评审（judge-model）未完成") == 3
    assert "not asked again" in out
    assert "模型评审：完成 0 个，未完成 3 个" in out and "共 3 个文件，已评分 3 个" in out


def test_no_configuration_is_one_line_and_exit_2(monkeypatch, capsys):
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "CALLSIM_LLM_MODEL"):
        monkeypatch.delenv(var, raising=False)
    assert main(["score", str(HARDSHIP), "--judge"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and captured.out == ""
    assert "OPENAI_BASE_URL" in err and "OPENAI_API_KEY" in err and "CALLSIM_LLM_MODEL" in err
    assert main(["rubric", "test", str(CALIBRATION), "--judge"]) == 2
    assert capsys.readouterr().err.strip() == err


def test_judge_cannot_add_a_violation(server, llm_env, tmp_path, capsys):
    llm_env(server.base_url)
    claims_threat = {
        "id": "threat",
        "passed": False,
        "points": 0,
        "evidence": [{"turn": 7, "quote": "影响征信"}],
        "reason": "坐席威胁客户。",
    }
    plan_denied = {
        "id": "plan_reached",
        "passed": False,
        "points": 0,
        "evidence": [{"turn": 9, "quote": "分12期"}],
        "reason": "没有约定。",
    }
    rules = score(load_transcript(HARDSHIP), RUBRIC)
    # an item for a prohibited criterion is dropped; the plan verdict is only shown
    server.push(Reply(verdict(EMPATHY, claims_threat, plan_denied)))
    assert main(["score", str(HARDSHIP), "--judge", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert strip_judge(card) == rules
    assert card["violations"] == [] and card["plan"] == rules["plan"] and card["passed"]
    assert {"id": "threat", "why": "not a quality criterion of this rubric"} in card["judge"][
        "dropped"
    ]
    plan = next(c for c in card["criteria"] if c["id"] == "plan_reached")
    assert plan["points"] == 40 and plan["judge"]["points"] == 0
    assert main(["score", str(HARDSHIP), "--judge"]) == 0  # readable, from the cache
    out = capsys.readouterr().out
    assert "模型对 威胁恐吓 的结论已忽略：违规和还款约定只由规则判定。" in out
    assert "违规：" not in out and "达成具体还款约定：规则 40/40 · 模型 0/40" in out
    # a whole answer that carries violations is rejected outright
    server.push(Reply(verdict(EMPATHY, violations=[{"criterion": "threat", "turn": 7}])))
    transcript = load_transcript(HARDSHIP)
    transcript["turns"][13]["text"] += "祝您顺利。"  # a new transcript: no cache hit
    path = tmp_path / "call.json"
    path.write_text(json.dumps(transcript, ensure_ascii=False), encoding="utf-8")
    assert main(["score", str(path), "--judge", "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["violations"] == [] and card["judge"]["error"].startswith("judge answer rejected")
    assert strip_judge(card) == score(transcript, RUBRIC)
    assert len(server.chat_requests) == 2


def test_a_judge_function_cannot_change_the_rules_part():
    """attach_judge re-checks what any judge_fn returns, not only the parser's output."""
    transcript = load_transcript(CALIBRATION / "bad_threat_as_advice.json")
    rules = score(transcript, RUBRIC)
    assert rules["violations"] and not rules["passed"] and not rules["plan"]["success"]

    def rogue(transcript: dict, rubric) -> dict:
        evidence = [{"turn": 7, "quote": "12月1号前还五千"}]
        made_up = [{"turn": 5, "quote": "我很理解您的难处"}]
        return {
            "model": "rogue",
            "error": None,
            "violations": [],
            "plan": {"success": True},
            "passed": True,
            "criteria": [
                {"id": "threat", "passed": True, "points": 99, "evidence": evidence},
                {"id": "empathy_ack", "passed": True, "points": 999, "evidence": evidence},
                {"id": "plan_reached", "passed": True, "points": 40, "evidence": evidence},
                {"id": "plan_affordable", "passed": True, "points": 10, "evidence": made_up},
            ],
        }

    card = score_with_judge(transcript, RUBRIC, judge_fn=rogue)
    assert strip_judge(card) == rules
    assert card["violations"] == rules["violations"] and not card["passed"]
    assert card["plan"] == rules["plan"] and card["overall"] == rules["overall"]
    judged = {c["id"]: c["judge"] for c in card["criteria"] if "judge" in c}
    # the judge's word is kept only beside the quality criteria that apply to this call
    quality = {c["id"] for c in rules["criteria"] if c.get("kind") == "quality"}
    assert set(judged) == quality and "plan_reached" in judged  # quality criteria only
    for c in card["criteria"]:
        if c["id"] == "empathy_ack" and "judge" in c:
            assert "error" in c["judge"]  # points out of range: refused
    assert "plan_affordable" not in {c["id"] for c in card["criteria"]}  # not scored here
    assert judged["plan_reached"]["points"] == 40  # shown beside, nothing more
    assert card["judge"]["adjusted"] is None

    def broken(transcript: dict, rubric) -> dict:
        raise RuntimeError("boom")

    card = score_with_judge(transcript, RUBRIC, judge_fn=broken)
    assert strip_judge(card) == rules and "boom" in card["judge"]["error"]


def test_cache_hit_on_the_second_run(server, llm_env, capsys):
    llm_env(server.base_url)
    server.push(Reply(verdict(EMPATHY)))
    assert main(["score", str(HARDSHIP), "--judge", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["score", str(HARDSHIP), "--judge", "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert main(["score", str(HARDSHIP), "--judge", "--json"]) == 0
    third = json.loads(capsys.readouterr().out)
    assert len(server.chat_requests) == 1
    assert not first["judge"]["cached"] and second["judge"]["cached"]
    assert second == third  # same input, cached judge: same output
    first["judge"]["cached"] = True
    assert first == second
    assert main(["score", str(HARDSHIP), "--judge"]) == 0
    assert "结果来自缓存" in capsys.readouterr().out


def test_recompute_reproduces_the_rules_totals():
    for path in sorted(CALIBRATION.glob("*.json")):
        card = score(load_transcript(path), RUBRIC)
        again = recompute(card, RUBRIC, {})
        assert again == {
            "dimensions": card["dimensions"],
            "overall": card["overall"],
            "passed": card["passed"],
            "band": card["band"],
        }, path.name


def test_attach_judge_does_not_touch_its_input():
    card = score(load_transcript(HARDSHIP), RUBRIC)
    before = json.dumps(card, sort_keys=True)
    item = {**EMPATHY}
    out = attach_judge(card, {"model": "m", "criteria": [item], "error": None}, RUBRIC)
    assert json.dumps(card, sort_keys=True) == before
    assert out["criteria"] is not card["criteria"]
    made_up = {**EMPATHY, "evidence": [{"turn": 5, "quote": "我非常理解您的难处"}]}
    fake = {"model": "m", "criteria": [made_up], "error": None}
    transcript = load_transcript(HARDSHIP)
    unchecked = attach_judge(card, fake, RUBRIC)  # without the transcript: shape only
    assert (
        next(c for c in unchecked["criteria"] if c["id"] == "empathy_ack")["judge"]["points"] == 6
    )
    refused = attach_judge(card, fake, RUBRIC, transcript)
    ack = next(c for c in refused["criteria"] if c["id"] == "empathy_ack")
    assert ack["judge"] == {"error": "not rated by the judge"}
    real = attach_judge(card, {"model": "m", "criteria": [item], "error": None}, RUBRIC, transcript)
    assert next(c for c in real["criteria"] if c["id"] == "empathy_ack")["judge"]["points"] == 6
    stale = {"model": "m", "criteria": [item], "rubric": {"version": "0000"}, "error": None}
    assert attach_judge(card, stale, RUBRIC)["judge"]["error"].startswith("judge result is for")


def responder_from_transcript(body: dict) -> Reply:
    """A judge that rates empathy_ack on every call, quoting the first agent turn."""
    lines = body["messages"][1]["content"].splitlines()[1:]
    turns = [json.loads(line) for line in lines]
    first = next(t for t in turns if t["speaker"] == "agent")
    item = {
        "id": "empathy_ack",
        "passed": True,
        "points": 15,
        "evidence": [{"turn": first["turn"], "quote": first["text"][:4]}],
        "reason": "态度温和。",
    }
    return Reply(verdict(item))


def test_rubric_test_reports_the_judge_beside_the_rules(server, llm_env, capsys):
    llm_env(server.base_url)
    assert main(["rubric", "test", str(CALIBRATION)]) == 0
    rules_only = capsys.readouterr().out
    server.responder = responder_from_transcript
    assert main(["rubric", "test", str(CALIBRATION), "--judge"]) == 0
    out = capsys.readouterr().out
    n = len(list(CALIBRATION.glob("*.json")))
    assert len(server.chat_requests) == n
    assert out.startswith(rules_only.removesuffix("通过\n"))  # the rules' report is unchanged
    assert f"模型评审（judge-model）：{n} 个通话有结果，0 个未完成" in out
    assert "没有逐条的质量评分" in out
    assert "评级（用模型的共情得分重算总分后的评级）：规则 " in out
    assert "empathy_ack" in out and "不影响下面是否通过的判断" in out
    assert out.rstrip().endswith("通过")


def test_rubric_test_with_a_dead_judge_keeps_the_rules_verdict(llm_env, capsys):
    llm_env(closed_port_url())
    started = time.monotonic()
    assert main(["rubric", "test", str(CALIBRATION), "--judge"]) == 0
    assert time.monotonic() - started < 10.0
    out = capsys.readouterr().out
    assert "0 个通话有结果" in out and "judge service failed: connection error" in out
    assert "还款约定（模型对 plan_reached 的判断，严重违规时一律不算）：规则 无可比较的通话" in out
