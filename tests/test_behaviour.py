"""How each kind of customer behaves when a scripted trainee talks to them."""

from __future__ import annotations

import math
from datetime import datetime

import pytest

from simulator.call import Call
from simulator.persona import Archetype, Trait, load_personas

from .conftest import PERSONAS_DIR

AT = datetime.fromisoformat("2026-11-28T10:00:00+08:00")
PERSONAS = load_personas(PERSONAS_DIR)
ABUSE = [
    "你这个老赖，欠钱不还还有脸接电话？",
    "废物，不要脸的东西！",
    "再不还我们找几个人去你家坐坐。",
    "你给我听好了，不还就让你坐牢！",
]


def run(persona_id: str, lines: list[str], seed: int = 0) -> Call:
    call = Call(PERSONAS[persona_id], seed=seed, started_at=AT)
    call.open()
    for line in lines:
        if call.ended:
            break
        call.say(line)
    call.hang_up("script_end")
    return call


def by_archetype(archetype: Archetype) -> list[str]:
    """Personas of the archetype, those with no traits first (a trait changes the basics)."""
    found = [pid for pid, lp in PERSONAS.items() if lp.persona.archetype == archetype]
    return sorted(found, key=lambda pid: len(PERSONAS[pid].persona.behaviour.traits))


def opening_lines(lp) -> list[str]:
    b = lp.persona.brief
    return [
        "您好，我是招商银行信用卡中心的客服小李，工号1024，本次通话会录音。",
        f"请问是{b.name}本人吗？麻烦您报一下身份证后四位核实一下身份。",
    ]


def good_call_lines(lp) -> list[str]:
    """A patient, respectful trainee who asks, listens and fits the plan to the capacity."""
    b, f = lp.persona.brief, lp.persona.facts
    debt = b.amount - (f.dispute.amount if f.dispute else 0)
    months = min(f.max_months, max(2, math.ceil(debt / f.monthly_capacity)))
    monthly = math.ceil(debt / months)
    traits = set(lp.persona.behaviour.traits)
    if Trait.multi_bank in traits:  # another bank gave the longest plan: offer it
        months = f.max_months
        monthly = math.ceil(debt / months)
    lines = opening_lines(lp)
    if Trait.pretends_relative in traits:  # asked politely once more, the cardholder admits it
        lines.append(f"不好意思，这个电话只能跟本人沟通，请问您确实不是{b.name}本人吗？")
    lines.append(f"您尾号{b.card_last4}的信用卡目前逾期{b.days_overdue}天，欠款{b.amount}元。")
    if f.dispute:
        freeze = "，同时给您的卡挂失冻结" if Trait.fraud_claim in traits else ""
        lines.append(
            f"您说的那笔{f.dispute.amount}元的交易，我现在帮您登记调查{freeze}，"
            "调查期间这笔先不用还。"
        )
    lines += [
        "您别着急，方便说一下是遇到什么困难了吗？",
        "我理解您现在的难处，这段时间确实不容易，谢谢您跟我说这些。",
    ]
    if Trait.coached in traits:
        lines.append("您的情况我们可以帮您申请个性化分期，不收额外费用。")
    offer = f"您每个月还{monthly}元，分{months}期，每月通过{f.pay_channel}还款，您看可以吗？"
    lines += ["那您每个月大概能还多少呢？", f"那这样，{offer}"]
    if Trait.hard_of_hearing in traits:
        lines.append(f"我再说一遍，{offer}")
    return lines + [
        f"跟您确认一下，您每个月还{monthly}元，分{months}期还清，对吗？",
        "好的，感谢您的配合，我们会按时提醒您，再见。",
    ]


@pytest.mark.parametrize(
    "pid", [p for p in PERSONAS if PERSONAS[p].persona.archetype != Archetype.third_party]
)
def test_a_good_call_reaches_a_confirmed_plan(pid):
    lp = PERSONAS[pid]
    call = run(pid, good_call_lines(lp))
    assert call.ended_by == "agreement", [(t.speaker, t.text, t.move) for t in call.turns]
    plan = call.plan_dict()
    assert plan and plan["amount"] <= lp.persona.facts.monthly_capacity
    assert call.turns[-2].speaker == "agent"


@pytest.mark.parametrize("pid", list(PERSONAS))
def test_repeated_abuse_ends_in_a_hang_up(pid):
    call = run(pid, opening_lines(PERSONAS[pid]) + ABUSE + ABUSE)
    assert call.ended_by == "customer_hangup"
    assert call.turns[-1].move in ("hangup", "complaint_hangup")
    assert call.plan_dict() is None
    angers = [t.state["anger"] for t in call.turns if t.speaker == "customer"]
    assert angers[-1] > angers[1]


def test_threats_raise_anger_steeply():
    pid = by_archetype(Archetype.cooperative)[0]
    call = run(pid, opening_lines(PERSONAS[pid]))
    before = call.state["anger"]
    call2 = run(pid, opening_lines(PERSONAS[pid]) + ["你再不还，后果自负，我们会上门找你。"])
    assert call2.state["anger"] >= before + 20


@pytest.mark.parametrize("pid", list(PERSONAS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_unaffordable_demand_is_never_accepted(pid, seed):
    lp = PERSONAS[pid]
    f = lp.persona.facts
    too_much = max(f.monthly_capacity, f.lump_sum) * 3 + 1000
    lines = good_call_lines(lp)[:-3] + [
        f"您今天必须一次性还{too_much}元。",
        f"每个月还{f.monthly_capacity * 2 + 500}元，分3期，这是最低要求了。",
        "明天之前全额还清，不能再拖了。",
        f"跟您确认一下，您明天还{too_much}元，对吗？",
    ]
    call = run(pid, lines, seed=seed)
    assert call.plan_dict() is None
    assert not any(t.move in ("accept", "confirm") for t in call.turns)


@pytest.mark.parametrize("pid", by_archetype(Archetype.hardship))
def test_hardship_customer_cannot_pay_in_full_whatever_is_said(pid):
    lp = PERSONAS[pid]
    lines = good_call_lines(lp)[:-3] + [
        f"您就一次性把{lp.persona.brief.amount}元全还了吧，您月底前还清就行。",
        "全额还款对您征信最好，我真心建议您全部还清。",
    ]
    call = run(pid, lines)
    moves = [t.move for t in call.turns if t.speaker == "customer"]
    assert "accept" not in moves
    assert {"cannot_pay_full", "counter", "refuse"} & set(moves)


@pytest.mark.parametrize("pid", by_archetype(Archetype.hardship))
def test_hardship_customer_accepts_an_affordable_instalment(pid):
    call = run(pid, good_call_lines(PERSONAS[pid]))
    assert call.ended_by == "agreement"
    assert call.plan_dict()["months"] and call.plan_dict()["months"] > 1


@pytest.mark.parametrize("pid", by_archetype(Archetype.third_party))
def test_third_party_never_confirms_the_debt(pid):
    lp = PERSONAS[pid]
    b = lp.persona.brief
    lines = opening_lines(lp) + [
        f"您家{b.name}的信用卡欠了{b.amount}元，已经逾期{b.days_overdue}天了。",
        "那您替他还一下吧，还个最低还款也行。",
        "您是他家人，这个钱您得负责。",
        "麻烦您转告他尽快回个电话，谢谢。",
        "好的，打扰您了，再见。",
    ]
    call = run(pid, lines)
    moves = {t.move for t in call.turns if t.speaker == "customer"}
    assert not moves & {
        "acknowledge_debt",
        "accept",
        "confirm",
        "verify_ok",
        "give_capacity",
        "give_reason",
    }
    assert "third_party_out" in moves
    assert call.plan_dict() is None
    said = "".join(t.text for t in call.turns if t.speaker == "customer")
    assert str(b.amount) not in said


@pytest.mark.parametrize("pid", by_archetype(Archetype.evasive))
def test_evasive_customer_gives_vague_promises_until_pinned(pid):
    lp = PERSONAS[pid]
    lines = good_call_lines(lp)[:-3] + ["那您尽快还一下吧。", "您看什么时候能还上？"]
    call = run(pid, lines)
    assert call.plan_dict() is None
    assert "vague_promise" in {t.move for t in call.turns}
    assert run(pid, good_call_lines(lp)).ended_by == "agreement"


@pytest.mark.parametrize("pid", by_archetype(Archetype.disputing))
def test_disputing_customer_will_not_pay_the_disputed_part_until_registered(pid):
    lp = PERSONAS[pid]
    b = lp.persona.brief
    lines = opening_lines(lp) + [
        f"您尾号{b.card_last4}的卡欠款{b.amount}元，已经逾期{b.days_overdue}天。",
        "方便说一下是什么原因没按时还款吗？",
        f"那您下周五之前把{b.amount}元全部还清吧。",
    ]
    call = run(pid, lines)
    assert call.turns[-1].move == "dispute"
    assert call.plan_dict() is None


def test_empty_input_gets_a_are_you_there_line_and_off_topic_costs_patience():
    pid = by_archetype(Archetype.cooperative)[0]
    call = Call(PERSONAS[pid], seed=0, started_at=AT)
    call.open()
    assert call.say("").move == "silence"
    before = call.state["patience"]
    reply = call.say("今天天气真不错，你喜欢吃火锅吗？")
    assert reply.move == "confused"
    assert call.state["patience"] <= before - 10


def test_same_seed_same_call_and_no_line_twice_in_a_row():
    pid = by_archetype(Archetype.cooperative)[0]
    lines = opening_lines(PERSONAS[pid]) + ["嗯。"] * 6 + [""] * 4
    first = [t.text for t in run(pid, lines, seed=7).turns]
    second = [t.text for t in run(pid, lines, seed=7).turns]
    assert first == second
    customer = list(first[::2])
    assert all(a != b for a, b in zip(customer, customer[1:], strict=False))


def test_identity_questions_are_answered_from_the_hidden_facts():
    pid = by_archetype(Archetype.cooperative)[0]
    lp = PERSONAS[pid]
    call = run(pid, opening_lines(lp))
    verify = [t for t in call.turns if t.move == "verify_ok"]
    assert verify and lp.persona.facts.id_last4 in verify[0].text


def test_the_reason_comes_out_only_when_asked_and_trust_allows():
    hostile = list(by_archetype(Archetype.hostile))
    pid = min(hostile, key=lambda p: PERSONAS[p].persona.start.trust)
    call = run(pid, ["方便说一下是什么原因没按时还款吗？"])
    assert call.turns[-1].move != "give_reason"
    coop = by_archetype(Archetype.cooperative)[0]
    call = run(coop, opening_lines(PERSONAS[coop]) + ["方便说一下是什么原因没按时还款吗？"])
    assert call.turns[-1].move == "give_reason"


def test_denied_threat_is_not_a_threat():
    pid = by_archetype(Archetype.cooperative)[0]
    call = run(pid, opening_lines(PERSONAS[pid]) + ["我不是要威胁您，只是提醒一下还款日。"])
    assert call.turns[-1].move != "angry"


@pytest.mark.parametrize("pid", by_archetype(Archetype.third_party))
def test_third_party_takes_a_message_when_asked_politely(pid):
    name = PERSONAS[pid].persona.brief.name
    call = run(
        pid,
        [
            "您好，我是招商银行信用卡中心的客服小李。",
            f"请问{name}在家吗？",
            "麻烦您转告他尽快回个电话，谢谢。",
            "好的，打扰您了，再见。",
        ],
    )
    moves = [t.move for t in call.turns if t.speaker == "customer"]
    assert moves[2:] == ["third_party_out", "third_party_message", "close"]
    assert call.ended_by == "agent_end"


def test_a_denied_sore_point_does_not_anger():
    lp = PERSONAS["hostile_prickly_zhao"]  # sore point: fees (服务费)
    denied = run("hostile_prickly_zhao", opening_lines(lp) + ["这笔分期我们不收服务费。"])
    # A lawful mention of the fee touches the sore point; "我们要收服务费" is read as an
    # illegitimate fee (a violation: the customer threatens to hang up, a stronger move), and
    # since the sixth session's corpus so is a bare 分期是有服务费的 (its writers label a
    # 服务费 nobody can look up as invented); the lawful mention says where the rate is published.
    touched = run(
        "hostile_prickly_zhao",
        opening_lines(lp) + ["办分期的话，每月有服务费，具体费率App上能查。"],
    )
    assert touched.turns[-1].move == "angry"
    assert denied.turns[-1].move != "angry"
    assert denied.state["anger"] < touched.state["anger"]
