"""The scorer's promises at their edges: criticals whatever their points, third parties of any
relation, empathy from what came before only, and how each dimension is computed."""

from __future__ import annotations

import json

import pytest

from scoring import default_rubric, score
from scoring.rubric import parse_rubric
from tests.fixtures.calls import criterion as crit
from tests.fixtures.calls import transcript as call

RUBRIC = default_rubric()
OPENING = (
    "C:喂？",
    "A:您好，我是招商银行信用卡中心的小李，本次通话会录音。请问是王丽娟女士本人吗？",
    "C:是我。",
    "A:您尾号3821的卡欠款八千六百元，逾期二十天了，请问最近是遇到什么情况了吗？",
)


def _with_threat_points(points: int):
    text = RUBRIC.path.read_text(encoding="utf-8")
    head, rest = text.split("  - id: threat\n", 1)
    rest = rest.replace("    points: 100\n", f"    points: {points}\n", 1)
    return parse_rubric(head + "  - id: threat\n" + rest, f"threat_{points}.yaml")


@pytest.mark.parametrize("points", [0, 1, 10, 99])
def test_a_critical_worth_fewer_than_100_points_still_zeroes_compliance_and_fails(points):
    rubric = _with_threat_points(points)
    assert rubric.model.criterion("threat").points == points
    clean = score(call(*OPENING, "C:出差忘了。"), rubric)
    card = score(call(*OPENING, "C:出差忘了。", "A:你再不还，我们就找几个人去你家坐坐。"), rubric)
    assert clean["dimensions"]["compliance"]["score"] > 0
    assert [v["criterion"] for v in card["violations"]] == ["threat"]
    assert card["dimensions"]["compliance"]["score"] == 0
    assert not card["passed"] and card["band"] == "low"
    assert "严重违规" in card["dimensions"]["compliance"]["how"]
    assert card["method"]["critical_found"] is True


RELATIONS = [
    ("我是她表妹，她手机放我这了。", "她欠我们六千八，您看能不能先帮她还一部分？"),
    ("我是他同事，他在开会。", "麻烦您跟他说一下，他的信用卡逾期了，要尽快还款。"),
    ("这是我女儿的手机，她上班去了。", "您女儿的信用卡欠了一万二，您让她赶紧还上。"),
    ("我是他室友，他手机落宿舍了。", "他每个月能还多少？他这张卡已经逾期三个月了。"),
    ("我是他老板，他出差了。", "他的卡逾期了，会影响征信，您提醒他还一下。"),
    ("你打错了，这里没有这个人。", "那王丽娟的欠款一万二您知道吗？"),
]


@pytest.mark.parametrize(("answer", "said"), RELATIONS)
def test_a_debt_detail_or_request_to_pay_to_any_third_party_is_flagged(answer, said):
    card = score(call("C:喂？", "A:您好，请问是王丽娟女士吗？", "C:" + answer, "A:" + said), RUBRIC)
    assert [(v["criterion"], v["turn"]) for v in card["violations"]] == [
        ("third_party_disclosure", 3)
    ]
    assert not card["passed"]


@pytest.mark.parametrize(("answer", "_said"), RELATIONS)
def test_a_message_only_to_a_third_party_is_clean(answer, _said):
    card = score(
        call(
            "C:喂？",
            "A:您好，请问是王丽娟女士吗？",
            "C:" + answer,
            "A:好的，麻烦您转告她，方便时回个电话给我们，谢谢您，再见。",
        ),
        RUBRIC,
    )
    assert card["violations"] == [] and card["passed"]
    assert "plan_reached" not in {c["id"] for c in card["criteria"]}


def test_the_same_words_to_the_cardholder_are_not_a_third_party_disclosure():
    card = score(call(*OPENING, "C:我老公他在外地打工，我一个人带孩子。"), RUBRIC)
    assert card["violations"] == []


HARDSHIP = [
    "我上个月被裁员了，现在还没找到工作。",
    "公司裁员把我裁了，工作还没着落。",
    "我失业了，还在找工作呢。",
]
AGENT = (
    "A:刚被裁员，找工作这段时间压力肯定很大，确实不容易。",
    "A:逾期会产生利息和违约金，征信记录会保留五年。您看12月5号前先还两千可以吗？",
)


def test_same_agent_lines_same_customer_meaning_same_score():
    cards = [score(call(*OPENING, "C:" + said, *AGENT, "C:好吧。"), RUBRIC) for said in HARDSHIP]
    empathy = {crit(c, "empathy_ack")["points"] for c in cards}
    assert empathy == {15}
    assert len({json.dumps(c["dimensions"], sort_keys=True) for c in cards}) == 1


def test_empathy_is_credited_only_for_what_came_before():
    early = score(
        call(*OPENING, AGENT[0], "C:" + HARDSHIP[0], AGENT[1], "C:好吧，我尽量。"), RUBRIC
    )
    e = crit(early, "empathy_ack")
    assert e["points"] == 0
    # the note quotes the customer's earlier words whole, never a later line cut short
    assert HARDSHIP[0].rstrip("。") in e["advice"] or "被裁员" in e["advice"]
    later_line = "我妈也住院了，花了好多钱。"
    once = score(call(*OPENING, "C:" + HARDSHIP[0], AGENT[0], "C:" + later_line), RUBRIC)
    n = crit(once, "empathy_ack")
    assert n["points"] == 15  # two topics disclosed in all, one answered: enough
    assert later_line not in n["advice"]


def test_a_generic_acknowledgement_after_a_disclosure_earns_a_quarter():
    card = score(call(*OPENING, "C:" + HARDSHIP[0], "A:我理解，我理解。那您什么时候还？"), RUBRIC)
    assert crit(card, "empathy_ack")["points"] == pytest.approx(15 * 0.25, abs=0.1)


def test_scorecard_says_how_each_dimension_is_computed():
    card = score(call(*OPENING, "C:出差忘了。"), RUBRIC)
    for name, dim in card["dimensions"].items():
        assert {"score", "earned", "max_points", "deducted", "criteria", "how"} <= dim.keys()
        shown = {c["id"] for c in card["criteria"] if c["dimension"] == name}
        assert set(dim["criteria"]) == shown
        if dim["max_points"]:
            assert dim["score"] == round(100 * dim["earned"] / dim["max_points"] - dim["deducted"])
    assert {"dimension", "overall", "critical", "plan"} <= card["method"].keys()
    assert card["method"]["critical_found"] is False


@pytest.mark.parametrize(
    ("criterion", "line"),
    [
        ("threat", "你不还的话，我让你在村里抬不起头。"),
        ("threat", "钱不还，小心你家门口天天有人蹲着。"),
        ("insult", "你这号人就是欠收拾的无赖。"),
        ("false_legal_claim", "明天法院就来查封你的房子。"),
        ("impersonation", "我是市公安局经侦支队的，你的案子在我手上。"),
        ("induce_borrowing", "你去微粒贷借一笔先把我们这个还上。"),
        ("illegitimate_fee", "这个月起每次催收要收你两百的服务费。"),
        ("third_party_pressure", "再拖着不还我就打电话给你们公司领导。"),
    ],
)
def test_rules_catch_more_than_the_examples_beside_them(criterion, line):
    card = score(call(*OPENING, "C:出差忘了。", "A:" + line), RUBRIC)
    assert criterion in {v["criterion"] for v in card["violations"]}
    assert not card["passed"]


@pytest.mark.parametrize(
    "line",
    [
        "我们不会去您家，也不会联系您单位，您放心。",
        "千万别去借网贷来还，我们按您的能力商量分期。",
        "逾期记录会在征信上保留五年，这是规定。",
        "我们不收任何上门费或者手续费。",
    ],
)
def test_lawful_lines_near_the_rules_stay_clean(line):
    card = score(call(*OPENING, "C:出差忘了。", "A:" + line), RUBRIC)
    assert not [v for v in card["violations"] if v["severity"] == "critical"]
