"""The scorer: dimensions, criticals, plans, third parties, contact time, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scoring import default_rubric, load_transcript, score
from tests.fixtures.calls import criterion as crit
from tests.fixtures.calls import transcript as call

RUBRIC = default_rubric()
CALIBRATION = Path(__file__).parent / "calibration"


OPENING = (
    "C:喂？",
    "A:您好，我是招商银行信用卡中心的小李，本次通话会录音。请问是王丽娟女士本人吗？",
    "C:是我。",
    "A:您尾号3821的卡欠款八千六百元，逾期二十天了，请问最近是遇到什么情况了吗？",
)
PLAN = (
    "A:逾期会产生利息和违约金，征信记录会保留五年。您看11月27号前通过手机银行还清八千六可以吗？",
    "C:可以。",
    "A:那我跟您确认一下，11月27号前通过手机银行还八千六百元，对吗？",
    "C:对，没问题。",
    "A:感谢您的配合，再见。",
)


def test_good_call_scores_high_with_plan():
    card = score(call(*OPENING, "C:出差忘了。", *PLAN), RUBRIC)
    assert card["passed"] and card["band"] == "high" and not card["violations"]
    assert card["rubric"] == {"id": RUBRIC.id, "version": RUBRIC.version}
    want = {
        "reached": True,
        "amount": 8600,
        "due_date": "2026-11-27",
        "channel": "手机银行",
        "turn": 8,
        "success": True,
    }
    assert {k: card["plan"][k] for k in want} == want
    assert set(card["dimensions"]) == {"compliance", "empathy", "outcome"}


def test_critical_violation_zeroes_compliance_and_voids_plan():
    card = score(call(*OPENING, "C:出差忘了。", "A:不还就让你坐牢。", *PLAN), RUBRIC)
    assert card["dimensions"]["compliance"]["score"] == 0
    assert not card["passed"] and card["band"] == "low"
    v = card["violations"][0]
    assert {k: v[k] for k in ("criterion", "severity", "turn", "quote", "source")} == {
        "criterion": "false_legal_claim",
        "severity": "critical",
        "turn": 5,
        "quote": v["quote"],
        "source": RUBRIC.model.criterion("false_legal_claim").source,
    }
    assert "坐牢" in v["quote"]
    # where the flag came from: the understanding's rule, named (#11)
    assert v["found_by"] == "rule" and v["act"] == "false_legal_claim"
    assert v["rule"].startswith("false_legal_claim#")
    assert card["plan"]["reached"] and not card["plan"]["success"]
    assert crit(card, "plan_reached")["points"] == 0


@pytest.mark.parametrize("reply", ["我尽量吧。", "有钱就还。", "再说吧。"])
def test_vague_promise_is_not_a_plan(reply):
    card = score(call(*OPENING, "C:出差忘了。", PLAN[0], "C:" + reply), RUBRIC)
    assert not card["plan"]["reached"] and not card["plan"]["agreed"]
    assert card["plan"]["vague_promise_turn"] == 6
    assert "不是还款计划" in crit(card, "plan_reached")["advice"]


def test_agreed_but_not_confirmed_is_not_reached():
    card = score(call(*OPENING, "C:出差忘了。", PLAN[0], "C:可以。", "A:好，再见。"), RUBRIC)
    assert card["plan"]["agreed"] and not card["plan"]["reached"]
    assert 0 < crit(card, "plan_reached")["points"] < crit(card, "plan_reached")["max_points"] / 2


def test_instalment_plan_and_affordability():
    base = (*OPENING, "C:我失业了，每个月最多只能还一千。")
    ok = score(
        call(
            *base,
            "A:那每月还一千，分12期，每月5号前还，可以吗？",
            "C:可以。",
            "A:那我跟您确认一下，每月还一千，分12期，对吗？",
            "C:对。",
        ),
        RUBRIC,
    )
    assert ok["plan"]["reached"] and ok["plan"]["amount"] == 1000 and ok["plan"]["months"] == 12
    assert crit(ok, "plan_affordable")["passed"]
    too_much = score(
        call(
            *base,
            "A:那每月还三千，分4期，每月5号前还，可以吗？",
            "C:好吧。",
            "A:那我跟您确认一下，每月还三千，分4期，对吗？",
            "C:对。",
        ),
        RUBRIC,
    )
    assert too_much["plan"]["amount"] == 3000
    assert crit(too_much, "plan_affordable")["points"] == 0
    assert too_much["band"] != "high"


def test_third_party_from_customer_words_and_from_outcome():
    said = score(
        call(
            "C:喂？",
            "A:您好，请问是张伟先生吗？",
            "C:他不在，我是他妈妈。",
            "A:他的信用卡欠款一万二，逾期三个月了。",
        ),
        RUBRIC,
    )
    assert [(v["criterion"], v["turn"]) for v in said["violations"]] == [
        ("third_party_disclosure", 3)
    ]
    quiet = call(
        "C:喂？",
        "A:您好，我是浦发银行信用卡中心的小孙，请问周强在吗？",
        "C:你说吧。",
        "A:周强的信用卡欠款一万二，逾期三个月了。",
    )
    assert score(quiet, RUBRIC, {"persona_archetype": "third_party"})["violations"][0][
        "criterion"
    ] == ("third_party_disclosure")
    # the same words to the cardholder are only a disclosure before verification
    plain = score(quiet, RUBRIC)
    assert [v["criterion"] for v in plain["violations"]] == ["disclosure_before_verification"]


def test_disclosure_before_verification_is_a_violation_not_a_miss():
    card = score(
        call(
            "C:喂？",
            "A:您好，我是招商银行的小李，您的卡欠款八千六，逾期二十天了。",
            "C:哦。",
            "A:请问是王丽娟女士本人吗？",
            "C:是我。",
        ),
        RUBRIC,
    )
    assert [(v["criterion"], v["severity"], v["turn"]) for v in card["violations"]] == [
        ("disclosure_before_verification", "major", 1)
    ]
    assert card["band"] != "high"


@pytest.mark.parametrize(
    ("started_at", "quiet"),
    [
        ("2026-11-20T22:40:00+08:00", True),
        ("2026-11-20T07:59:00+08:00", True),
        ("2026-11-20T08:00:00+08:00", False),
        ("2026-11-20T21:59:00+08:00", False),
        (
            "2026-11-20T14:40:00+00:00",
            False,
        ),  # 22:40 in Beijing, but the call states its own offset
        ("2026-11-20T23:30:00-05:00", True),
    ],
)
def test_contact_time_uses_the_stated_offset(started_at, quiet):
    card = score(call(*OPENING, started_at=started_at), RUBRIC)
    night = [v for v in card["violations"] if v["criterion"] == "contact_time"]
    assert bool(night) is quiet
    if quiet:
        assert night[0]["turn"] is None and not card["passed"]


def test_dispute_must_be_registered():
    base = (*OPENING, "C:那笔三千的消费不是我刷的。")
    missed = score(call(*base, "A:系统显示就是您刷的，您必须还。"), RUBRIC)
    assert not crit(missed, "register_dispute")["passed"]
    done = score(call(*base, "A:好的，我先给您登记异议，核实期间不会催收这笔。"), RUBRIC)
    assert crit(done, "register_dispute")["passed"]
    assert "register_dispute" not in {c["id"] for c in score(call(*OPENING), RUBRIC)["criteria"]}


def test_outcome_cross_check_reports_disagreement():
    transcript = call(*OPENING, "C:出差忘了。", *PLAN)
    same = {
        "ended_by": "agreement",
        "plan": {"amount": 8600, "months": None, "due_date": "2026-11-27", "channel": "手机银行"},
        "trace": [],
        "persona_archetype": "cooperative",
    }
    assert score(transcript, RUBRIC, same)["plan"]["simulator_agrees"] is True
    other = json.loads(json.dumps(same))
    other["plan"]["amount"] = 5000
    card = score(transcript, RUBRIC, other)
    assert card["plan"]["simulator_agrees"] is False and "金额不一致" in card["plan"]["note"]
    hung = score(call(*OPENING, "C:挂了。"), RUBRIC, same)
    assert hung["plan"]["simulator_agrees"] is False and not hung["plan"]["reached"]


def test_same_input_same_score():
    transcript = load_transcript(CALIBRATION / "good_hostile_calm.json")
    first = json.dumps(score(transcript, RUBRIC), sort_keys=True)
    for _ in range(3):
        assert (
            json.dumps(score(json.loads(json.dumps(transcript)), RUBRIC), sort_keys=True) == first
        )


def test_empathy_answering_the_customer_beats_keywords():
    base = (*OPENING, "C:我爸住院做手术，钱全花在医院了。")
    genuine = score(call(*base, "A:您父亲住院做手术，您又要照顾又要筹钱，真是不容易。"), RUBRIC)
    generic = score(call(*base, "A:我理解。"), RUBRIC)
    spam = score(call(*base, "A:我理解，我理解，我非常理解，我真的理解，我完全理解您。"), RUBRIC)
    none = score(call(*base, "A:那您什么时候还？"), RUBRIC)
    g, s, n = (crit(c, "empathy_ack")["points"] for c in (genuine, spam, none))
    assert g == 15 and s == crit(generic, "empathy_ack")["points"] < g / 2 and n == 0


def test_calm_when_insulted_counts():
    base = (*OPENING, "C:你们这些催收的烦死了，骗子！")
    calm = score(call(*base, "A:不好意思打扰您了，我明白您现在很烦，我们好好说。"), RUBRIC)
    back = score(call(*base, "A:你才是骗子。"), RUBRIC)
    assert crit(calm, "calm_under_pressure")["passed"]
    assert crit(back, "calm_under_pressure")["points"] == 0


def test_polite_thanks_is_not_a_disclosed_hardship():
    # "麻烦您了" contains 烦 but is thanks, not a feeling the agent must answer
    card = score(
        call(*OPENING, "C:出差忘了。", *PLAN[:-1], "C:嗯，麻烦您了，拜拜。", PLAN[-1]), RUBRIC
    )
    assert "empathy_ack" not in {
        c["id"] for c in card["criteria"]
    }  # nothing to answer: not applicable
    assert "麻烦您了" not in json.dumps(
        [c.get("advice") for c in card["criteria"]], ensure_ascii=False
    )
