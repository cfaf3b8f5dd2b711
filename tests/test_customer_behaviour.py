"""Issue #13 through whole calls: answers in kind, identity, objections, read-backs, moods, memory."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

import pytest

from simulator.call import Call
from simulator.customer import ask
from simulator.persona import Archetype, Trait, load_personas
from simulator.understand import spoken_amount, understand

from .conftest import PERSONAS_DIR

AT = datetime.fromisoformat("2026-11-28T10:00:00+08:00")
TODAY = AT.date()
PERSONAS = load_personas(PERSONAS_DIR)
INTRO = "您好，我是招商银行信用卡中心的客服小李，工号1024，本次通话会录音。"
CARDHOLDERS = [p for p, lp in PERSONAS.items() if lp.persona.archetype != Archetype.third_party]
HONEST = [
    p for p in CARDHOLDERS if Trait.pretends_relative not in PERSONAS[p].persona.behaviour.traits
]
"""Cardholders who say who they are (not the one who pretends to be a relative)."""
THIRD_PARTIES = [p for p, lp in PERSONAS.items() if lp.persona.archetype == Archetype.third_party]
HOSTILE = [p for p, lp in PERSONAS.items() if lp.persona.archetype == Archetype.hostile]


def call_of(pid: str, lines: list[str], seed: int = 0) -> Call:
    call = Call(PERSONAS[pid], seed=seed, started_at=AT)
    call.open()
    for line in lines:
        if call.ended:
            break
        call.say(line)
    return call


def replies(call: Call) -> list[tuple[str, str, str]]:
    """(agent line, customer move, customer line) for each exchange."""
    t = call.turns
    return [(t[i].text, t[i + 1].move, t[i + 1].text) for i in range(1, len(t) - 1, 2)]


def said(day: date) -> str:
    return f"{day.month}月{day.day}号"


@pytest.mark.parametrize("pid", HONEST)
def test_the_name_asked_gets_the_name_and_never_the_id_digits(pid):
    p = PERSONAS[pid].persona
    call = call_of(pid, [INTRO, f"请问是{p.brief.name}本人吗？"])
    last = call.turns[-1]
    assert last.move == "confirm_name", last
    assert p.facts.id_last4 not in last.text


@pytest.mark.parametrize("pid", HONEST)
def test_id_digits_only_when_asked_for_and_trusted(pid):
    p = PERSONAS[pid].persona
    call = call_of(pid, [INTRO, f"请问是{p.brief.name}本人吗？", "麻烦您报一下身份证后四位。"])
    last = call.turns[-1]
    if last.move == "verify_ok":
        assert p.facts.id_last4 in last.text
        assert call.policy.state.trust >= p.behaviour.trust_to_give_id
    else:
        assert last.move == "verify_refuse", last
        assert p.facts.id_last4 not in last.text


def test_a_wary_customer_will_not_give_id_digits_to_a_caller_who_has_not_said_who_they_are():
    pid = min(HOSTILE, key=lambda p: PERSONAS[p].persona.start.trust)
    call = call_of(pid, ["喂，报一下你身份证后四位。"])
    assert call.turns[-1].move in ("ask_who", "verify_refuse")
    assert PERSONAS[pid].persona.facts.id_last4 not in call.turns[-1].text


SCRIPTS = [
    [INTRO, "请问您是{name}吗？", "方便说一下是遇到什么困难了吗？", "您每个月能还多少？"],
    ["喂，{name}是吧？", "您欠款{debt}元，这个金额没问题吧？", "您打算怎么还？"],
    [INTRO, "我先核实一下您的身份。", "好的，您尾号{card}的卡逾期了。", "什么时候能还？"],
    ["{name}在家吗？", INTRO, "您刚才说什么？", "您是哪位？"],
]


@pytest.mark.parametrize("pid", list(PERSONAS))
@pytest.mark.parametrize("script", range(len(SCRIPTS)))
def test_id_digits_are_never_volunteered(pid, script):
    p = PERSONAS[pid].persona
    fill = {"name": p.brief.name, "debt": p.brief.amount, "card": p.brief.card_last4}
    call = call_of(pid, [line.format(**fill) for line in SCRIPTS[script]])
    for agent, move, text in replies(call):
        if p.facts.id_last4 in text:
            asked = {q.kind for q in ask(understand(agent, today=TODAY))}
            assert "id_digits" in asked or move == "repeat", (agent, text)


@pytest.mark.parametrize("pid", THIRD_PARTIES)
def test_a_relative_says_who_she_is_and_when_he_is_back_the_same_way_each_time(pid):
    p = PERSONAS[pid].persona
    tp = p.facts.third_party
    call = call_of(
        pid,
        [
            "您好，我是招商银行信用卡中心的客服小李。",
            f"请问您是{p.brief.name}的什么人？",
            "他大概什么时候在家？",
            "那他一般几点到家？",
            "请问怎么称呼您？",
        ],
    )
    moves = [m for _, m, _ in replies(call)]
    assert moves[1:] == [
        "third_party_who",
        "third_party_back",
        "third_party_back",
        "third_party_who",
    ]
    for _, move, text in replies(call):
        if move == "third_party_back":
            assert tp.back_time in text
        if move == "third_party_who":
            assert tp.relation in text
        assert p.facts.id_last4 not in text


def test_a_relative_repeats_what_she_said_when_asked_again():
    pid = THIRD_PARTIES[0]
    call = call_of(
        pid, ["您好，我是信用卡中心的。", "他什么时候回来？", "您刚才说什么？我没听清。"]
    )
    back, again = call.turns[-3].text, call.turns[-1].text
    assert call.turns[-1].move == "repeat" and back in again


def agreed_call(pid: str) -> tuple[Call, int, int, date]:
    """A respectful call that ends with the customer accepting a plan they can keep."""
    p = PERSONAS[pid].persona
    f, b = p.facts, p.brief
    debt = b.amount - (f.dispute.amount if f.dispute else 0)
    months = min(f.max_months, max(2, math.ceil(debt / f.monthly_capacity)))
    monthly = min(f.monthly_capacity, math.ceil(debt / months))
    start = TODAY + timedelta(days=7)
    traits = set(p.behaviour.traits)
    if Trait.multi_bank in traits:
        months = f.max_months
        monthly = min(f.monthly_capacity, math.ceil(debt / months))
    lines = [INTRO, f"请问是{b.name}本人吗？麻烦您报一下身份证后四位核实一下身份。"]
    if Trait.pretends_relative in traits:
        lines.append(f"不好意思，这个电话只能跟本人沟通，请问您确实不是{b.name}本人吗？")
    if f.dispute:
        lines.append(
            f"那笔{f.dispute.amount}元的交易我现在帮您登记调查，同时给您的卡挂失冻结，"
            "调查期间先不用还。"
        )
    lines += [
        "您别着急，方便说一下是遇到什么困难了吗？",
        "我理解您现在的难处，这段时间确实不容易，谢谢您跟我说这些。",
    ]
    if Trait.coached in traits:
        lines.append("您的情况我们可以帮您申请个性化分期，不收额外费用。")
    offer = f"您每个月还{monthly}元，分{months}期，{said(start)}开始还，您看可以吗？"
    lines += ["那您每个月大概能还多少呢？", f"那这样，{offer}"]
    if Trait.hard_of_hearing in traits:
        lines.append(f"我再说一遍，{offer}")
    return call_of(pid, lines), monthly, months, start


@pytest.mark.parametrize("pid", CARDHOLDERS)
def test_a_read_back_that_differs_is_corrected_not_confirmed(pid):
    call, monthly, months, start = agreed_call(pid)
    assert call.turns[-1].move == "accept", call.turns[-1]
    wrong_day = start + timedelta(days=1)
    call.say(f"跟您确认一下，您每个月还{monthly}元，分{months}期，{said(wrong_day)}开始还，对吗？")
    assert call.turns[-1].move == "correct_readback", call.turns[-1]
    assert not call.policy.state.confirmed
    call.say(f"跟您确认一下，您每个月还{monthly + 100}元，分{months}期，对吗？")
    assert call.turns[-1].move == "correct_readback"
    assert spoken_amount(monthly) in call.turns[-1].text or str(monthly) in call.turns[-1].text
    call.say(f"不好意思，再确认一下，每个月{monthly}元，分{months}期，{said(start)}开始，对吗？")
    assert call.turns[-1].move == "confirm", call.turns[-1]


def test_a_longer_plan_after_a_yes_is_refused_for_its_length_not_its_amount():
    pid = "hostile_zhang" if "hostile_zhang" in PERSONAS else HOSTILE[0]
    f = PERSONAS[pid].persona.facts
    call, monthly, months, _ = agreed_call(pid)
    assert call.turns[-1].move == "accept"
    call.say(f"要不这样，每个月还{monthly // 2}元，分{f.max_months * 2}期，您看行吗？")
    last = call.turns[-1]
    assert last.move in ("counter", "refuse") and call.policy.state.accepted
    assert not re.search(r"拿不出|还不起|这么多|太多", last.text), last.text


@pytest.mark.parametrize("pid", HOSTILE)
def test_one_factual_line_moves_anger_a_little(pid):
    call = call_of(pid, [INTRO])
    before = call.policy.state.anger
    call.say("逾期以后利息是按日万分之五计算的，会一直累计。")
    assert before - call.policy.state.anger <= 5


@pytest.mark.parametrize("pid", HOSTILE)
def test_calming_takes_several_respectful_turns(pid):
    p = PERSONAS[pid].persona
    respectful = [
        INTRO,
        "真不好意思打扰您了，我理解您现在心里很烦。",
        "您别着急，方便说一下是遇到什么困难了吗？",
        "确实不容易，辛苦您了。",
        "我理解，换成是我也会着急的。",
        "您慢慢说，我在听。",
    ]
    call = Call(PERSONAS[pid], seed=0, started_at=AT)
    call.open()
    angers = [call.policy.state.anger]
    for line in respectful:
        call.say(line)
        angers.append(call.policy.state.anger)
    drops = [a - b for a, b in zip(angers, angers[1:], strict=False)]
    assert max(drops[:2]) < 15, angers  # no single early line undoes the grievance
    assert angers[-1] < angers[0], angers  # sustained respect does calm them
    if p.start.anger >= 40:
        assert angers[2] > angers[0] - 30, angers


@pytest.mark.parametrize("pid", CARDHOLDERS)
def test_a_broken_promise_is_remembered(pid):
    call = call_of(
        pid, [INTRO, "我们不会联系您家人的，您放心。", "您再不还，我就只能打给您家里人了。"]
    )
    last = call.turns[-1]
    if call.ended_by == "customer_hangup":
        pytest.skip("hung up at once")
    assert last.move == "contradiction", last
    assert "家" in last.text and "刚" in last.text


@pytest.mark.parametrize("pid", HONEST)
def test_questions_are_answered_in_kind(pid):
    p = PERSONAS[pid].persona
    call = call_of(
        pid,
        [
            INTRO,
            f"请问是{p.brief.name}吗？",
            "您打算通过什么方式还款？",
            f"您现在欠款{p.brief.amount}元，这个金额没问题吧？",
            "您刚才说什么？我没听清。",
        ],
    )
    moves = [m for _, m, _ in replies(call)][1:]
    assert moves[0] == "confirm_name"
    assert moves[1] == "give_channel" and p.facts.pay_channel in call.turns[6].text
    assert moves[2] in ("amount_ok", "dispute")
    assert moves[3] == "repeat" and call.turns[8].text in call.turns[10].text


@pytest.mark.parametrize("pid", HOSTILE)
def test_how_fees_are_computed_is_a_consequence_not_an_offer(pid):
    call = call_of(pid, [INTRO])
    before = call.policy.state.anger
    call.say("利息是按日万分之五计算的，违约金是最低还款未还部分的5%。")
    assert call.turns[-1].move in ("consequence", "cite_rules"), call.turns[-1]
    assert before - call.policy.state.anger <= 5
