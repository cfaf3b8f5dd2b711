"""Each trait (``behaviour.traits``) changes what the customer does, not only what they say."""

from __future__ import annotations

from datetime import datetime

import pytest

from simulator.call import Call
from simulator.persona import Trait, load_personas, parse_persona

from .conftest import PERSONAS_DIR

AT = datetime.fromisoformat("2026-11-28T10:00:00+08:00")
PERSONAS = load_personas(PERSONAS_DIR)
INTRO = "您好，我是招商银行信用卡中心的客服小李，工号1024，本次通话会录音。"


def with_trait(trait: Trait) -> list[str]:
    return [p for p, lp in PERSONAS.items() if trait in lp.persona.behaviour.traits]


def play(pid: str, lines: list[str]) -> Call:
    call = Call(PERSONAS[pid], seed=0, started_at=AT)
    call.open()
    for line in lines:
        if call.ended:
            break
        call.say(line)
    return call


def moves(call: Call) -> list[str]:
    return [t.move for t in call.turns if t.speaker == "customer"]


def test_every_trait_has_a_shipped_persona():
    assert {t for lp in PERSONAS.values() for t in lp.persona.behaviour.traits} == set(Trait)


@pytest.mark.parametrize("pid", with_trait(Trait.coached))
def test_a_coached_customer_wants_relief_named_before_any_plan(pid):
    f = PERSONAS[pid].persona.facts
    offer = f"您每个月还{f.monthly_capacity}元，分{f.max_months}期，可以吗？"
    call = play(pid, [INTRO, "您每个月能还多少？", offer])
    assert moves(call)[-2:] == ["demand_relief", "demand_relief"]
    call = play(pid, [INTRO, "利息和违约金会一直累计，还会影响征信。"])
    assert call.turns[-1].move == "cite_rules"
    call = play(pid, [INTRO, "您的情况我们可以帮您申请个性化分期。", "您每个月能还多少？"])
    assert call.turns[-1].move != "demand_relief"


@pytest.mark.parametrize("pid", with_trait(Trait.complains))
def test_a_complainer_warns_once_then_hangs_up_to_complain(pid):
    call = play(pid, [INTRO, "您可以先找朋友借点钱还上。", "实在不行去网贷借点先还上。"])
    assert moves(call)[-2:] == ["threaten_complaint", "complaint_hangup"]
    assert call.ended_by == "customer_hangup"
    assert "12378" in call.turns[-3].text or "投诉" in call.turns[-3].text


@pytest.mark.parametrize("pid", with_trait(Trait.complains))
def test_a_complainer_warns_when_pressed_for_an_unaffordable_plan(pid):
    f = PERSONAS[pid].persona.facts
    too_much = f"每个月还{f.monthly_capacity * 3}元，分2期。"
    call = play(pid, [INTRO, too_much, too_much])
    assert call.turns[-1].move == "threaten_complaint"


@pytest.mark.parametrize("pid", with_trait(Trait.hard_of_hearing))
def test_hard_of_hearing_mishears_a_new_amount_and_takes_it_said_again(pid):
    f = PERSONAS[pid].persona.facts
    offer = f"您每个月还{f.monthly_capacity}元，分{f.max_months}期，可以吗？"
    call = play(pid, [INTRO, f"请问是{PERSONAS[pid].persona.brief.name}吗？", offer, offer])
    misheard, second = call.turns[-3], call.turns[-1]
    assert misheard.move == "mishear_amount"
    assert call.policy.state.accepted is not None and second.move == "accept"


@pytest.mark.parametrize("pid", with_trait(Trait.hard_of_hearing))
def test_hard_of_hearing_loses_every_other_long_line(pid):
    long = "我这边是想跟您说一下，您的信用卡账单这个月还没有按时还款，想跟您商量商量。"
    call = play(pid, [INTRO, long, long])
    assert "didnt_hear" in moves(call)[-2:]


@pytest.mark.parametrize("pid", with_trait(Trait.fraud_claim))
def test_fraud_claim_angers_when_pressed_and_wants_the_card_frozen(pid):
    p = PERSONAS[pid].persona
    full = f"您今天先把{p.brief.amount}元还上吧。"
    call = play(pid, [INTRO, full, full])
    assert call.turns[-1].move == "fraud_insist"
    payable = p.brief.amount - p.facts.dispute.amount
    offer = f"那您每个月还{-(-payable // 2)}元，分2期，可以吗？"
    call = play(pid, [INTRO, "那几笔交易我帮您登记盗刷调查。", offer])
    assert call.turns[-1].move == "demand_freeze"
    call = play(pid, [INTRO, "那几笔交易我帮您登记盗刷调查。", "卡我现在就帮您挂失冻结。", offer])
    assert call.turns[-1].move != "demand_freeze"


@pytest.mark.parametrize("pid", with_trait(Trait.multi_bank))
def test_several_banks_are_played_off_for_the_longest_plan(pid):
    p = PERSONAS[pid].persona
    f = p.facts
    warm = [
        INTRO,
        "我理解您现在的难处，确实不容易。",
        "您别着急，方便说一下是遇到什么困难了吗？",
        "辛苦您了，我们一起想想办法。",
    ]
    call = play(pid, [*warm, f"您每个月还{f.monthly_capacity}元，分12期，可以吗？"])
    last = call.turns[-1]
    assert last.move == "play_banks", moves(call)
    assert any(bank in last.text for bank in f.other_banks) or "别家" in last.text
    plan = call.policy.state.proposed
    assert plan.months == f.max_months and plan.amount <= f.monthly_capacity
    call.say(f"跟您确认一下，每个月{plan.amount}元，分{plan.months}期，对吗？")
    assert call.turns[-1].move == "confirm"


@pytest.mark.parametrize("pid", with_trait(Trait.pretends_relative))
def test_the_cardholder_pretends_until_asked_again_politely(pid):
    p = PERSONAS[pid].persona
    ask = f"请问是{p.brief.name}本人吗？"
    call = play(pid, [INTRO, ask])
    assert call.turns[-1].move in ("third_party_out", "third_party_who")
    assert p.facts.id_last4 not in call.turns[-1].text
    call.say(f"不好意思，这个电话只能和本人沟通，请问您确实不是{p.brief.name}本人吗？")
    assert call.turns[-1].move == "admit_cardholder"
    call.say("好的，谢谢您。麻烦您报一下身份证后四位。")
    assert call.turns[-1].move == "verify_ok" and p.facts.id_last4 in call.turns[-1].text


@pytest.mark.parametrize("pid", with_trait(Trait.pretends_relative))
def test_a_pretender_told_about_the_debt_answers_like_a_relative(pid):
    p = PERSONAS[pid].persona
    call = play(pid, [INTRO, f"请问是{p.brief.name}本人吗？", f"她的卡欠了{p.brief.amount}元。"])
    assert call.turns[-1].move in ("third_party_refuse", "angry")  # as a relative would


def test_a_trait_needs_its_lines_and_facts(tmp_path):
    text = (PERSONAS_DIR / "cooperative_wang.yaml").read_text(encoding="utf-8")
    text = text.replace("behaviour:\n", "behaviour:\n  traits: [multi_bank, pretends_relative]\n")
    with pytest.raises(Exception) as err:
        parse_persona(text, "personas/wang_traits.yaml")
    problems = "\n".join(err.value.problems)
    assert "lines.play_banks: missing (needed for trait multi_bank)" in problems
    assert "facts.other_banks: required for the multi_bank trait" in problems
    assert "facts.third_party: required for the pretends_relative trait" in problems
