"""Customer-side understanding: acts with evidence, who answered, and what they said they can pay."""

from __future__ import annotations

from datetime import date

import pytest

from simulator.understand.corpus import load_corpus
from simulator.understand.customer import customer_acts, understand_customer
from simulator.understand.customer_acts import CUSTOMER_ACTS
from simulator.understand.evaluate import evaluate

TODAY = date(2026, 11, 20)


def names(text: str) -> set[str]:
    return {a.name for a in customer_acts(text)}


@pytest.mark.parametrize(
    ("text", "relation", "of"),
    [
        ("我是她表妹，她手机放我这了。", "表妹", "speaker"),
        ("我是他同事，他在开会。", "同事", "speaker"),
        ("这是我女儿的手机，她上班去了。", "女儿", "cardholder"),
        ("他不在，我是他姐姐。", "姐姐", "speaker"),
        ("我是他室友，他手机落宿舍了。", "室友", "speaker"),
        ("你找的是我儿子，他出差了。", "儿子", "cardholder"),
        ("我是王经理的秘书，他在开会。", "秘书", "speaker"),
        ("我是她房东，她早就搬走了。", "房东", "speaker"),
    ],
)
def test_not_the_cardholder_with_relation(text, relation, of):
    u = understand_customer(text, today=TODAY)
    assert u.has("not_cardholder") and not u.has("confirm_identity", "agree")
    assert (u.relation.word, u.relation.of) == (relation, of)
    assert u.third_party == "strong"


@pytest.mark.parametrize(
    "text", ["你打错了。", "这号我刚买的，不认识什么刘强。", "我不是他，你找错人了。"]
)
def test_wrong_number_or_denial_is_not_the_cardholder(text):
    u = understand_customer(text, today=TODAY)
    assert u.has("not_cardholder") and u.third_party == "strong" and u.relation is None


def test_the_cardholder_spoken_of_is_weak_evidence_and_absent():
    u = understand_customer("他在开会，你晚点再打。", today=TODAY)
    assert u.has("not_cardholder", "cardholder_absent") and u.third_party == "weak"
    own = understand_customer("我在开车呢，等会儿再打。", today=TODAY)
    assert own.has("cardholder_absent") and not own.has("not_cardholder")


@pytest.mark.parametrize(
    "text", ["是我。", "对，我是。", "我就是，你说吧。", "身份证后四位是3817。", "对，就是我本人。"]
)
def test_identity_confirmed(text):
    assert "confirm_identity" in names(text)


@pytest.mark.parametrize(
    "text", ["你先说你是哪个单位的。", "身份证号不能随便给你。", "我凭什么告诉你？"]
)
def test_identity_refused(text):
    assert "refuse_identity" in names(text) and "confirm_identity" not in names(text)


@pytest.mark.parametrize(
    "text",
    [
        "好的好的。",
        "行吧。",
        "就这么办吧。",
        "知道了。",
        "对，没错。",
        "行，没问题。",
        "嗯嗯可以。",
    ],
)
def test_agreement_in_ordinary_words(text):
    assert "agree" in names(text)


@pytest.mark.parametrize(
    "text", ["我尽量吧。", "看情况吧。", "有钱就还。", "行吧，我尽量。", "好，等我发了工资再说。"]
)
def test_vague_commitment_is_not_agreement(text):
    found = names(text)
    assert "vague_commitment" in found and "agree" not in found and "promise_to_pay" not in found


@pytest.mark.parametrize(
    "text", ["好你说，我听着。", "可以延期还款吗？", "好几个月没回来了。", "年费我没同意。"]
)
def test_not_agreement(text):
    assert "agree" not in names(text)


def test_promise_counter_refuse_and_correction_are_told_apart():
    assert "promise_to_pay" in names("我明天先还五百。")
    assert "counter_offer" in names("每个月七百行不行？")
    assert "refuse" in names("一个月两千太多了，不行。")
    assert "correct" in names("不对，我说的是每月一千九百五，十二期。")
    assert "request_stop" in names("以后别打我单位了。")
    assert "hangup_intent" in names("不说了，我挂了。")


def test_capacity_keeps_ranges_and_a_dispute_amount_is_not_capacity():
    cap = understand_customer("每个月能挤出个五六百吧。", today=TODAY)
    assert cap.has("state_capacity")
    assert [(a.low, a.high) for a in cap.capacity] == [(500, 600)]
    dispute = understand_customer("那笔两千三百九十九的消费不是我刷的。", today=TODAY)
    assert dispute.has("dispute") and not dispute.has("state_capacity")
    assert [a.low for a in dispute.disputed] == [2399] and dispute.capacity == ()


def test_evidence_names_the_rule_and_quotes_the_words():
    act = next(
        a for a in customer_acts("我是她表妹，她手机放我这了。") if a.name == "not_cardholder"
    )
    assert act.source.startswith("rule:not_cardholder#") and "表妹" in act.quote


def test_dates_and_amounts_are_slots():
    u = understand_customer("这周内先还八百多。", today=TODAY)
    assert u.date.latest == date(2026, 11, 22) and u.date.kind == "by"
    assert [(a.low, a.high) for a in u.amounts] == [(800, 900)]


def test_rules_hold_on_the_train_split():
    # The train split is what the rules were written from: this guards them against regressions.
    # The held-out split is measured by bench/customer_understanding.py, never asserted here.
    result = evaluate(
        load_corpus("customer", "train"),
        lambda text: [a.name for a in customer_acts(text, rules_only=True)],
        CUSTOMER_ACTS,
    )
    weak = {
        act: (round(s.precision, 2), round(s.recall, 2))
        for act, s in result.acts.items()
        if s.precision < 0.85 or s.recall < 0.8
    }
    assert not weak
