"""Every flag and credit says where it came from, beside the quote (#11 point 3); the plan's
steps are shown with their turns and a mismatching read-back is flagged (#12)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from scoring import default_rubric, score
from scoring.evidence import describe, from_act
from scoring.report import render_scorecard
from simulator.llm.classify import parse_acts
from simulator.ui.scorecard import plan_markdown, plan_text, scorecard_markdown, violation_rows
from simulator.understand import Act, understand
from simulator.understand.corpus import load_corpus

RUBRIC = default_rubric()
DAY = date(2026, 11, 20)
OLD = json.loads((Path(__file__).parent / "fixtures" / "scorecard.json").read_text("utf-8"))
OPENING = [
    ("agent", "您好，我是招商银行信用卡中心的小李，请问是王丽娟女士本人吗？"),
    ("customer", "是我。"),
    ("agent", "您尾号3821的信用卡欠款两万三，已经逾期四十五天。"),
]
MISMATCH = [
    ("agent", "每月还一千九百五，分12期，可以吗？"),
    ("customer", "行。"),
    ("agent", "跟您核对一下，每月还一千，分24期，12月15号前还第一期，对吗？"),
    ("customer", "对，没错。"),
]


def _score(*turns: tuple[str, str]) -> dict:
    return score(
        {
            "persona": "t",
            "started_at": "2026-11-20T14:30:00+08:00",
            "turns": [{"speaker": s, "text": t} for s, t in turns],
        },
        RUBRIC,
    )


def test_every_act_found_says_where_it_came_from():
    for ex in load_corpus("agent", "heldout")[:300]:
        for act in understand(ex.text, today=DAY).acts:
            assert act.source.startswith("rule:") or act.source == "example", (ex.text, act)
            if act.source == "example":
                assert act.example and 0 <= act.similarity <= 1 and act.probability is not None


def test_llm_classifier_acts_say_llm():
    acts = parse_acts('{"acts": [{"act": "empathy", "quote": "难为您了"}]}', "真是难为您了")
    assert acts is not None and acts[0].source == "llm"
    assert from_act(acts[0]) == {"found_by": "llm", "act": "empathy"}
    assert describe(from_act(acts[0])) == "模型（LLM 分类器）判定"


def test_fields_and_words_for_each_kind_of_finding():
    rule = from_act(Act("threat", "上门", "rule:threat#3", probability=0.91))
    assert rule == {"found_by": "rule", "act": "threat", "rule": "threat#3", "probability": 0.91}
    assert describe(rule) == "规则（威胁，第4条）"  # #15: Chinese act, counted from 1
    example = from_act(Act("insult", "你还好意思说", "example", "你好意思吗", 0.8712, 0.93))
    assert example["example"] == "你好意思吗" and example["similarity"] == 0.871
    assert describe(example) == "与例句「你好意思吗」相似（相似度 0.87，概率 0.93）"
    assert (
        describe({"found_by": "rule", "rule": "rubric:threat#1"}) == "评分标准规则（威胁，第2条）"
    )
    slots = {"found_by": "rule", "rule": "state_debt/slots"}
    assert describe(slots) == "规则（说明欠款，由金额和日期推断）"
    assert describe({"found_by": "rule", "rule": "third_party_pressure#10"}) == (
        "规则（向第三方施压，第11条）"
    )
    assert describe({}) == "" and from_act(Act("threat", "x")) == {}  # old records say nothing


def test_scorecard_violation_carries_the_rule_beside_the_quote():
    card = _score(*OPENING, ("agent", "不还就让你坐牢。"))
    v = next(v for v in card["violations"] if v["criterion"] == "false_legal_claim")
    assert v["found_by"] == "rule" and v["rule"].startswith("false_legal_claim#")
    crit = next(c for c in card["criteria"] if c["id"] == "false_legal_claim")
    assert crit["evidence"][0]["rule"] == v["rule"]
    report = render_scorecard(card)
    number = int(v["rule"].split("#")[1]) + 1
    words = f"识别依据：规则（虚假法律后果，第{number}条）"
    assert words in report and "规定依据：" in report and v["rule"] not in report
    row = violation_rows(card)[0]
    assert "坐牢" in row[3] and words in row[3] and v["rule"] not in row[3]


def test_scorecard_violation_by_the_example_layer_names_the_example():
    line = next(
        ex.text
        for ex in load_corpus("agent", "heldout")
        if any(
            a.source == "example" and a.name in ("threat", "insult")
            for a in understand(ex.text, today=DAY).acts
        )
    )
    card = _score(*OPENING, ("agent", line))
    found = [v for v in card["violations"] if v.get("found_by") == "example"]
    assert found, line
    v = found[0]
    assert v["example"] and 0 <= v["similarity"] <= 1
    assert f"与例句「{v['example'][:5]}" in render_scorecard(card)
    assert any(f"相似度 {v['similarity']:.2f}" in row[3] for row in violation_rows(card))


def test_old_scorecards_read_as_before():
    assert violation_rows(OLD)[0][3] == "我们会找人去你家"
    assert "| 步骤 |" not in scorecard_markdown(OLD)  # no steps stored: no steps shown
    assert "还款约定：" in render_scorecard({**OLD, "band": "low", "passed": False})


def test_plan_steps_with_turns_and_a_mismatching_read_back_flagged():
    card = _score(*OPENING, *MISMATCH)
    md = plan_markdown(card["plan"])
    assert "| 提出条件 | 第4句 |" in md and "| 客户同意 | 第5句 |" in md
    assert "| 坐席复述 | 第6句 | ⚠ 与约定不一致：金额约定1950 元、复述1000 元" in md
    assert "| 客户确认 | 第7句 |" in md
    assert plan_text(card["plan"]).startswith("未达成：复述与客户同意的条件不一致")
    assert "每期 1950 元，12 期" in plan_text(card["plan"])  # the agreed terms, not the read-back
    report = render_scorecard(card)
    assert "· 坐席复述：第6句（⚠ 与约定不一致" in report
    assert "客户同意的条件：每期 1950 元，12 期" in report


def test_plan_reached_shows_each_step_matching():
    card = _score(
        *OPENING,
        ("agent", "您看12月5号前通过手机银行先还两千五可以吗？"),
        ("customer", "可以。"),
        ("agent", "那我跟您确认一下，12月5号前通过手机银行还两千五，对吗？"),
        ("customer", "对，没问题。"),
    )
    md = scorecard_markdown(card)
    assert "已达成：还款 2,500 元" in md and "| 坐席复述 | 第6句 | 与约定一致 |" in md
    assert "还款约定：已达成；客户同意的条件：2500 元，2026-12-05 前，通过手机银行" in (
        render_scorecard(card)
    )


def test_agreed_without_read_back_says_why_not_reached():
    card = _score(
        *OPENING,
        ("agent", "您看12月5号前通过手机银行先还两千五可以吗？"),
        ("customer", "可以。"),
        ("agent", "好，再见。"),
    )
    assert "坐席没有复述" in plan_text(card["plan"])
    assert "| 坐席复述 | 没有 |" in plan_markdown(card["plan"])
