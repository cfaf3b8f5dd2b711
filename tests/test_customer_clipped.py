"""A clipped agent: a bare "say again" asks to repeat, and a clipped read-back is a read-back.

Wordings of our own: 再讲？/ 再念？/ 啊？ ask for the last line again (回头再说 does not); terms
read back after a two-word cue (核下： / 过一遍：) or with only a tag (……，没错吧？) are checked
field by field against what was agreed, so one term changed is corrected, not accepted.
"""

from __future__ import annotations

import pytest

from simulator.customer.questions import ask
from simulator.understand import understand

from .test_customer_edges import CARDHOLDERS, PERSONAS, TODAY, offer, trusting


@pytest.mark.parametrize("line", ["再讲？", "再念？", "再报一下？", "啊？", "你再来一遍？"])
def test_a_clipped_say_again_asks_to_repeat(line):
    assert [q.kind for q in ask(line)] == ["repeat"]


@pytest.mark.parametrize("line", ["回头再说。", "这个以后再讲吧。", "那就再说。"])
def test_putting_off_is_not_say_again(line):
    assert "repeat" not in [q.kind for q in ask(line)]


def _agreed(pid: str):
    f = PERSONAS[pid].persona.facts
    policy = trusting(pid)
    move = offer(policy, f"那您每个月还{f.monthly_capacity}元，分{f.max_months}期，您看可以吗？")
    assert move.situation == "accept", move
    return policy, f


@pytest.mark.parametrize("cue", ["核下：", "过一遍，", ""])
@pytest.mark.parametrize("pid", CARDHOLDERS[:6])
def test_a_clipped_readback_with_a_term_changed_is_corrected(pid, cue):
    policy, f = _agreed(pid)
    wrong = f.monthly_capacity + 300
    line = f"{cue}每月{wrong}，{f.max_months}期，没错吧？"
    move = policy.decide(understand(line, today=TODAY))
    assert move.situation == "correct_readback", (line, move)
    assert move.plan.amount == f.monthly_capacity


@pytest.mark.parametrize("pid", CARDHOLDERS[:6])
def test_a_clipped_readback_of_the_agreed_terms_is_confirmed(pid):
    policy, f = _agreed(pid)
    line = f"核下：每月{f.monthly_capacity}，{f.max_months}期，对？"
    move = policy.decide(understand(line, today=TODAY))
    assert move.situation == "confirm", (line, move)


@pytest.mark.parametrize("pid", CARDHOLDERS[:6])
def test_wrong_terms_are_corrected_even_out_of_patience(pid):
    policy, f = _agreed(pid)
    policy.state.patience = 0.0
    line = f"现在复核：每月{f.monthly_capacity + 200}元，共{f.max_months}期，请问信息是否正确？"
    move = policy.decide(understand(line, today=TODAY))
    assert move.situation == "correct_readback", (line, move)
    assert move.ends_call is None


@pytest.mark.parametrize("pid", CARDHOLDERS[:6])
def test_terms_asked_as_accurate_are_a_readback(pid):
    policy, f = _agreed(pid)
    line = f"每月{f.monthly_capacity}元，{f.max_months + 2}期，以上准确吗？"
    move = policy.decide(understand(line, today=TODAY))
    assert move.situation == "correct_readback", (line, move)


@pytest.mark.parametrize("pid", CARDHOLDERS[:6])
def test_a_check_cue_before_a_question_on_the_sum_asks_about_the_sum(pid):
    policy, f = _agreed(pid)
    policy.decide(
        understand(
            f"跟您确认一下：每月{f.monthly_capacity}元，{f.max_months}期，对吧？", today=TODAY
        )
    )
    move = policy.decide(understand("最后再确认一下，欠的这个总数您还有异议吗？", today=TODAY))
    assert move.situation not in ("confirm", "correct_readback"), move


@pytest.mark.parametrize(
    ("line", "kinds"),
    [
        ("哪天？多少？", {"when_pay", "capacity"}),
        ("多少钱？什么时候？", {"when_pay", "capacity"}),
        ("最晚几号，最多多少？", {"when_pay", "capacity"}),
    ],
)
def test_a_line_of_bare_question_words_asks_each_of_them(line, kinds):
    assert {q.kind for q in ask(line)} == kinds


@pytest.mark.parametrize("pid", CARDHOLDERS)
def test_terms_never_agreed_are_denied_even_out_of_patience(pid):
    # nothing was agreed; the trainee reads terms back as if it had been. Whatever a patient
    # customer says about the record (我可没答应) is still said by one about to hang up.
    f = PERSONAS[pid].persona.facts
    line = f"我给您登记一下：每月{f.monthly_capacity + 100}元，共{f.max_months}期，这样没错吧？"
    patient = trusting(pid).decide(understand(line, today=TODAY))
    policy = trusting(pid)
    policy.state.patience = 0.0
    move = policy.decide(understand(line, today=TODAY))
    assert move.ends_call == "customer_hangup"
    # first the denial; a calm customer then also says what they would have said, and leaves
    said = [m.situation for m in move.lead]
    assert said[:1] == ["not_agreed"] and said.count("not_agreed") == 1, (pid, move)
    if pid != "cooperative_deaf_zhou":  # patient, she mishears the sum: 八百？你说八百？
        denied = [m.situation for m in patient.lead if m.situation == "not_agreed"]
        assert denied == ["not_agreed"], (pid, patient)


def _settled(pid: str):
    """A plan the customer accepts: within the debt and their capacity, first payment dated."""
    f = PERSONAS[pid].persona.facts
    debt = PERSONAS[pid].persona.brief.amount
    amount = min(f.monthly_capacity, -(-debt // f.max_months // 100) * 100)
    policy = trusting(pid)
    move = offer(policy, f"每个月{amount}元，分{f.max_months}期，12月5号前还第一期，可以吗？")
    assert move.situation == "accept", move
    return policy, f, amount


SAID_BACK = [  # the plan said again with no cue and no question, as collectors do
    "好嘞，{amount}块一个月，{months}期，12月5号头一期，就按这个走。",
    "那我这边提交了：每期{amount}，{months}期，首期12月5号。",
    "OK，月供{amount}，12月5号开始，我在系统里备注好了。",
]
_PLAIN = [p for p in CARDHOLDERS if p != "cooperative_deaf_zhou"]  # she mishears sums


@pytest.mark.parametrize("template", SAID_BACK)
@pytest.mark.parametrize("pid", _PLAIN[::3])
def test_the_agreed_plan_said_back_without_a_cue_is_confirmed(pid, template):
    policy, f, amount = _settled(pid)
    line = template.format(amount=amount, months=f.max_months)
    assert policy.decide(understand(line, today=TODAY)).situation == "confirm", line


@pytest.mark.parametrize("template", SAID_BACK)
@pytest.mark.parametrize("pid", _PLAIN[::3])
def test_the_agreed_plan_said_back_with_a_term_changed_is_corrected(pid, template):
    policy, f, amount = _settled(pid)
    line = template.format(amount=amount, months=f.max_months).replace("12月5号", "12月6号")
    move = policy.decide(understand(line, today=TODAY))
    assert move.situation == "correct_readback", (line, move)


@pytest.mark.parametrize("pid", _PLAIN[::3])
def test_other_terms_offered_after_a_yes_are_weighed_as_an_offer(pid):
    policy, f, amount = _settled(pid)
    line = f"如果您觉得压力大，也可以改成每月{amount - 100}元，多分几期。"
    assert policy.decide(understand(line, today=TODAY)).situation != "correct_readback", line


def _countered(pid: str):
    """The customer turned down an offer and put terms of their own on the table."""
    f = PERSONAS[pid].persona.facts
    policy = trusting(pid)
    move = offer(policy, f"每个月{f.monthly_capacity * 2}元，分3期，12月5号前还第一期，可以吗？")
    own = policy.state.proposed
    if move.situation != "counter" or own is None or not own.months:
        pytest.skip(f"{pid} makes no instalment counter-offer here ({move.situation})")
    return policy, own


OWN_SAID_BACK = [  # their own terms said back, settled, in our words
    "成，那就照您的意思，{amount}一个月，一共{months}期，我这就给您报上去。",
    "那行，每月{amount}，分{months}期，就这么办了。",
]


@pytest.mark.parametrize("template", OWN_SAID_BACK)
@pytest.mark.parametrize("pid", _PLAIN[::2])
def test_their_own_terms_said_back_are_taken(pid, template):
    policy, own = _countered(pid)
    line = template.format(amount=own.amount, months=own.months)
    move = policy.decide(understand(line, today=TODAY))
    assert move.situation in ("accept", "confirm"), (line, move)


@pytest.mark.parametrize("template", OWN_SAID_BACK)
@pytest.mark.parametrize("pid", _PLAIN[::2])
def test_their_own_terms_said_back_wrong_are_corrected(pid, template):
    policy, own = _countered(pid)
    line = template.format(amount=own.amount + 200, months=own.months)
    move = policy.decide(understand(line, today=TODAY))
    assert move.situation == "correct_readback", (line, move)
    assert move.plan.amount == own.amount


@pytest.mark.parametrize("pid", _PLAIN[::2])
def test_a_new_offer_after_their_counter_is_weighed_not_corrected(pid):
    policy, own = _countered(pid)
    line = f"您说的有点少，每月{own.amount + 500}元，分{own.months + 3}期，您看能不能接受？"
    move = policy.decide(understand(line, today=TODAY))
    assert move.situation != "correct_readback", (line, move)


@pytest.mark.parametrize("pid", _PLAIN[::3])
def test_the_plan_declared_again_after_the_read_back_is_checked_again(pid):
    policy, f, amount = _settled(pid)
    check = f"跟您核对一下：每月{amount}元，{f.max_months}期，12月5号前还第一期，对吗？"
    assert policy.decide(understand(check, today=TODAY)).situation == "confirm"
    line = f"好的，我这边提交了：每月{amount + 100}元，{f.max_months}期，12月5号起还。"
    assert policy.decide(understand(line, today=TODAY)).situation == "correct_readback", line


@pytest.mark.parametrize("pid", ["hostile_coached_wu", "hostile_complainer_qian", "hostile_zhang"])
def test_a_hang_up_on_terms_never_agreed_says_so_first(pid):
    # whatever ends the call (a trait, anger, patience), terms read back as agreed that were
    # never agreed are denied in the same breath
    from simulator.customer.moves import Move

    f = PERSONAS[pid].persona.facts
    policy = trusting(pid)
    line = f"我给您提交还款计划：每月{f.monthly_capacity}元，分{f.max_months}期，是这样吧？"
    u = understand(line, today=TODAY)
    move = policy._maybe_give_up(Move("hangup", ends_call="customer_hangup"), u)
    assert [m.situation for m in move.lead] == ["not_agreed"], move
    other = understand("算了，今天先这样吧。", today=TODAY)
    assert policy._maybe_give_up(Move("hangup", ends_call="customer_hangup"), other).lead == ()
