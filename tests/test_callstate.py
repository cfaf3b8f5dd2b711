"""The call state: who is on the line, what was disclosed to whom, the plan's steps on terms."""

from __future__ import annotations

import math
from datetime import date, datetime

from simulator.call import Call
from simulator.persona import load_personas
from tests.fixtures.calls import state

from .conftest import PERSONAS_DIR

OPENING = (
    "A:您好，我是招商银行信用卡中心的小李。请问是王丽娟女士本人吗？",
    "C:是我。",
    "A:您尾号3821的卡欠款两万三千四，逾期二十天了。",
)


def test_verified_cardholder_then_the_plan_step_by_step():
    s = state(
        *OPENING,
        "C:我失业了，每个月最多能还两千。",
        "A:那每月还一千九百五，分12期，每月5号前还，可以吗？",
        "C:好的好的。",
        "A:跟您核对一下：每月还一千九百五，一共12期，每月5号前还。",
        "C:知道了。",
    )
    assert s.line.who == "cardholder" and s.line.verified and s.verified_at == 1
    plan = s.plan
    assert plan.reached and plan.steps() == {
        "offer": 4,
        "agreement": 5,
        "readback": 6,
        "confirmation": 7,
    }
    assert (plan.terms.amount.low, plan.terms.months) == (1950, 12)
    assert plan.terms.date.due == date(2026, 12, 5)
    assert [a.high for a in s.stated_capacity.amounts] == [2000]
    assert s.reasons[0].turn == 3 and "job" in s.reasons[0].topics


def test_a_third_party_with_relation_and_what_they_heard():
    s = state(
        "A:您好，请问是刘芳女士吗？",
        "C:我是她表妹，她手机放我这了。",
        "A:她信用卡欠了六千八，您能不能先帮她还一部分？",
    )
    assert s.line.who == "third_party" and s.line.relation.word == "表妹"
    assert s.third_party_from == 1
    (disclosure,) = s.disclosures
    assert disclosure.turn == 2 and disclosure.to.who == "third_party"
    assert s.audience(0).who == "unknown" and s.audience(2).who == "third_party"


def test_the_one_asked_for_by_name_said_to_be_away_makes_a_third_party():
    # at a workplace: whoever answers names the person asked for and says they are out
    s = state(
        "A:喂，你好，我找一下你们店里的周婷。",
        "C:周婷送货去了，下午才回来，你哪位？",
        "A:我是银行的，她那张卡拖了三个月了，一万出头，你见着她跟她说一声。",
    )
    assert s.third_party_from == 1 and s.audience(2).who == "third_party"
    (disclosure,) = s.disclosures
    assert disclosure.turn == 2


def test_the_one_asked_for_by_name_answering_is_not_a_third_party():
    s = state("A:请问是周婷女士吗？", "C:周婷就是我，什么事？", "A:您的卡逾期了三个月。")
    assert s.third_party_from is None
    s = state("A:请问周婷在吗？", "C:我就是周婷。")
    assert s.third_party_from is None


def test_a_yes_to_an_identity_question_from_a_third_party_does_not_make_a_cardholder():
    s = state(
        "A:请问是周强先生吗？",
        "C:他不在，我是他妈妈。",
        "A:请问您是他母亲吗？",
        "C:对。",
    )
    assert s.line.who == "third_party"


def test_the_cardholder_taking_over_the_phone():
    s = state(
        "A:请问是周强先生吗？",
        "C:我是他妈妈，你等一下。",
        "A:好的。",
        "C:喂，我就是周强本人。",
    )
    assert s.audience(2).who == "third_party" and s.line.who == "cardholder"


def test_a_denial_taken_back_with_the_id_digits_asked_for_makes_a_verified_cardholder():
    # an evasive cardholder: 打错了, then the ID digits when asked; a relative who names
    # themselves stays a third party whatever digits they know
    s = state(
        "A:您好，请问是马俊先生吗？",
        "C:不是，你打错了。",
        "A:这个号码是您办卡时留的。麻烦您报一下身份证后四位，我核对一下身份。",
        "C:1146。快说。",
    )
    assert s.audience(2).who == "third_party" and s.line.who == "cardholder" and s.line.verified
    s = state(
        "A:您好，请问是马俊先生吗？",
        "C:我是他妈，他不在。",
        "A:麻烦您报一下他身份证后四位。",
        "C:1146。",
    )
    assert s.line.who == "third_party"


def test_a_mismatching_read_back_keeps_the_agreed_terms_and_names_the_fields():
    s = state(
        *OPENING,
        "A:您看12月15号前先还五千可以吗？",
        "C:太多了，每月一千九百五分12期行不行？",
        "A:可以，那就每月一千九百五，分12期。",
        "C:行。",
        "A:跟您核对一下，每月还一千，分24期，12月15号前还第一期，对吗？",
        "C:对，没错。",
    )
    plan = s.plan
    assert not plan.reached and plan.agreed
    assert (plan.terms.amount.low, plan.terms.months) == (1950, 12)
    assert plan.terms.date is None  # the 12-15 of the first offer is not carried over
    assert plan.readback.differs == ("amount", "months") and plan.readback.answer == "confirmed"


def test_a_corrected_read_back_then_a_right_one():
    s = state(
        *OPENING,
        "A:每月还一千二，分15期，每月10号前还，可以吗？",
        "C:可以。",
        "A:跟您确认一下，每月还一千五，分15期，对吗？",
        "C:不对，我说的是每个月一千二。",
        "A:抱歉，跟您再确认一下，每月还一千二，分15期，每月10号前还，对吗？",
        "C:对。",
    )
    first, second = s.readbacks
    assert first.answer == "corrected" and first.differs == ("amount",)
    assert second.matches and second.answer == "confirmed"
    assert s.plan.reached and s.plan.terms.amount.low == 1200


def test_vague_terms_and_vague_promises_are_not_plans():
    ranged = state(
        *OPENING,
        "A:您看每个月能还多少？",
        "C:每个月五六百吧。",
        "A:好，那就每个月五六百，分12期，跟您确认一下，对吗？",
        "C:对。",
    )
    assert ranged.plan.vague and ranged.plan.vague_fields == ("amount",)
    assert not ranged.plan.reached
    partial = state(
        *OPENING,
        "A:利息已经产生了三百多，您看什么时候能还？",
        "C:行，明天先还一部分。",
    )
    assert partial.plan.agreed and partial.plan.terms.amount is None
    assert partial.plan.vague_fields == ("amount",)
    soft = state(*OPENING, "A:您看这个月能还多少？", "C:我尽量吧，有钱就还。")
    assert not soft.plan.agreed and soft.vague_promises[0].turn == 4
    later = state(*OPENING, "A:下周还三千可以吗？", "C:行。")
    assert later.plan.vague_fields == ("due_date",)


def test_a_disputed_amount_is_kept_apart_from_capacity():
    s = state(*OPENING, "C:那笔2399的消费不是我刷的，我每个月最多能还一千五。")
    assert [a.low for a in s.disputes[0].amounts] == [2399]
    assert [a.low for a in s.stated_capacity.amounts] == [1500]
    only = state(*OPENING, "C:那笔2399的消费不是我刷的。")
    assert only.capacity == () and only.dispute_at == 3


def test_a_refusal_withdraws_an_unconfirmed_yes_and_a_new_offer_replaces_it():
    s = state(*OPENING, "A:月底前还三千可以吗？", "C:行。", "C:不行，我想了一下还是不行。")
    assert not s.plan.agreed
    s = state(*OPENING, "A:月底前还三千可以吗？", "C:行。", "A:要不每月一千分3期？")
    assert not s.plan.agreed and s.offers[-1].turn == 5


def test_the_policy_sees_the_same_call_state_during_a_call():
    persona = load_personas(PERSONAS_DIR)["cooperative_wang"]
    call = Call(persona, seed=0, started_at=datetime.fromisoformat("2026-11-28T10:00:00+08:00"))
    call.open()
    b, f = persona.persona.brief, persona.persona.facts
    call.say("您好，我是招商银行信用卡中心的小李，工号1024，本次通话会录音。")
    call.say(f"请问是{b.name}本人吗？麻烦您报一下身份证后四位。")
    call.say(f"您尾号{b.card_last4}的信用卡欠款{b.amount}元，逾期{b.days_overdue}天了。")
    months = max(2, math.ceil(b.amount / f.monthly_capacity))
    call.say(f"每月还{math.ceil(b.amount / months)}元，分{months}期，每月5号前还，可以吗？")
    seen = call.policy.call
    offer_turn = len(call.turns) - 2
    assert any(o.turn == offer_turn and o.by == "agent" for o in seen.offers)
    assert seen.audience(offer_turn).who == "cardholder" and seen.verified_at is not None
    assert seen.debt_amounts == frozenset({b.amount})
    assert seen.plan.agreed and seen.plan.terms.months == months  # the customer said yes
