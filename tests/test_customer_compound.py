"""Every question of a line is answered: two at once, elliptical follow-ups, terms without a verb.

The wordings here are not the bench scripts' (``bench/realism_scripts``): they check the kind of
line — a compound question, a follow-up that names only its topic, an offer made of bare terms —
not one phrasing.
"""

from __future__ import annotations

from datetime import date

import pytest

from simulator.customer.questions import Question, ask, follow_up
from simulator.persona import Archetype, Trait, load_personas
from simulator.policy import Move, Plan, Policy
from simulator.render import TemplateRenderer
from simulator.understand import understand

from .conftest import PERSONAS_DIR

TODAY = date(2026, 11, 28)
PERSONAS = load_personas(PERSONAS_DIR)
INTRO = "您好，我是信用卡中心的小周，工号3307，通话有录音。"


def _policy(pid: str, *lines: str) -> Policy:
    policy = Policy(PERSONAS[pid].persona, today=TODAY, seed=1)
    for line in lines:
        policy.decide(understand(line, today=TODAY))
    return policy


def _say(pid: str, warmup: list[str], line: str):
    """The move and the rendered reply for ``line`` after ``warmup``."""
    policy = _policy(pid, *warmup)
    move = policy.decide(understand(line, today=TODAY))
    return move, TemplateRenderer(PERSONAS[pid], seed=1).line(move, TODAY)


# --- elliptical follow-ups ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, kind",
    [
        ("那还款的途径呢？", "channel"),
        ("还有日期呢", "when_pay"),
        ("那原因呢？", "why_late"),
        ("您那个月供呢？", "capacity"),
        ("那身份证呢？", "id_digits"),
    ],
)
def test_a_follow_up_that_names_its_topic_asks_about_it(line, kind):
    assert [q.kind for q in ask(line)] == [kind]


@pytest.mark.parametrize("line", ["那具体呢？", "大概呢", "然后呢？"])
def test_a_follow_up_without_a_topic_asks_the_last_question_again(line):
    before = (Question("when_pay", "您哪天能还？"),)
    assert [q.kind for q in follow_up(line, before)] == ["when_pay"]
    assert follow_up(line, ()) == ()


def test_a_statement_is_not_a_follow_up():
    assert follow_up("好的，我记下了。", (Question("capacity", "多少"),)) == ()


def test_the_policy_reads_a_follow_up_from_the_call():
    policy = _policy("cooperative_wang", INTRO, "请问是王丽娟女士吗？")
    move = policy.decide(understand("那您打算怎么还，渠道呢？", today=TODAY))
    assert "channel" in move.answers
    move = policy.decide(understand("一个月大概能拿出多少？", today=TODAY))
    move = policy.decide(understand("那最少呢？", today=TODAY))
    assert move.situation != "clarify" and "capacity" in move.answers


# --- two questions in one line -----------------------------------------------------------------


COOPERATIVE = [p for p, lp in PERSONAS.items() if lp.persona.archetype == Archetype.cooperative]


@pytest.mark.parametrize("pid", COOPERATIVE)
def test_two_questions_in_one_line_get_two_answers(pid):
    name = PERSONAS[pid].persona.brief.name
    warm = [INTRO, f"请问是{name}吗？", "我理解您的难处，咱们一起想办法。"]
    move, said = _say(pid, warm, "您一个月大概能还上多少？打算几号开始还？")
    assert {"capacity", "when_pay"} <= move.answers, said
    move, said = _say(pid, warm, "您这个钱准备通过啥还？另外为啥这个月没还上呢？")
    assert {"channel", "why_late"} <= move.answers, said


def test_an_offer_that_also_asks_the_channel_gets_the_channel_said():
    p = PERSONAS["cooperative_wang"].persona
    warm = [INTRO, f"请问是{p.brief.name}吗？"]
    offer = f"那下周三之前您先还{p.facts.monthly_capacity}，成吗？钱从哪儿转过来？"
    move, said = _say("cooperative_wang", warm, offer)
    assert "channel" in move.answers
    assert p.facts.pay_channel in said


COACHED = [p for p, lp in PERSONAS.items() if Trait.coached in lp.persona.behaviour.traits]


@pytest.mark.parametrize("pid", COACHED)
def test_a_customer_holding_out_refuses_the_question_aloud(pid):
    move, said = _say(pid, [INTRO], "您看每个月能拿出多少来还？")
    assert move.situation == "demand_relief"
    assert [m.situation for m in move.lead] == ["hold_capacity"]
    assert "不说" in said


EVASIVE = [
    p
    for p, lp in PERSONAS.items()
    if lp.persona.archetype == Archetype.evasive and not lp.persona.behaviour.traits
]


@pytest.mark.parametrize("pid", EVASIVE)
def test_an_evasive_customer_answers_how_much_vaguely_not_with_a_promise_alone(pid):
    move, said = _say(pid, [INTRO], "你一个月到底能还多少钱？")
    assert "capacity" in move.answers, said


# --- terms without a verb, and sums that only sound like insults --------------------------------


def test_bare_terms_with_a_yes_no_tag_are_an_offer():
    p = PERSONAS["cooperative_wang"].persona
    move, said = _say(
        "cooperative_wang",
        [INTRO, f"请问是{p.brief.name}吗？"],
        f"一个月{p.facts.monthly_capacity}，{p.facts.max_months}期，下周一头一笔，成不成？",
    )
    assert move.situation in ("accept", "counter", "refuse", "cannot_pay_full"), said


@pytest.mark.parametrize("sum_said", ["两千二百五", "一千二百五", "五千二百五"])
def test_a_sum_ending_in_250_is_not_an_insult(sum_said):
    p = PERSONAS["cooperative_wang"].persona
    policy = _policy("cooperative_wang", INTRO, f"请问是{p.brief.name}吗？")
    anger = policy.state.anger
    move = policy.decide(understand(f"每月{sum_said}块，分六期，您看怎么样？", today=TODAY))
    assert move.situation not in ("angry", "warn_hangup", "hangup")
    assert policy.state.anger <= anger


def test_calling_someone_250_still_is():
    policy = _policy("cooperative_wang", INTRO)
    move = policy.decide(understand("你是不是二百五啊，这都算不明白？", today=TODAY))
    assert move.situation in ("angry", "warn_hangup", "hangup")


# --- lines that were taken for something else ----------------------------------------------------


@pytest.mark.parametrize("line", ["钱大概哪天能转进来？", "那最快啥时候能存进卡里？"])
def test_money_coming_in_is_when_to_pay_not_when_he_is_back(line):
    kinds = [q.kind for q in ask(line)]
    assert "when_pay" in kinds and "when_back" not in kinds and "is_in" not in kinds


HARD_OF_HEARING = [
    p for p, lp in PERSONAS.items() if Trait.hard_of_hearing in lp.persona.behaviour.traits
]


@pytest.mark.parametrize("pid", HARD_OF_HEARING)
def test_hard_of_hearing_catches_the_question_at_the_end_of_a_long_line(pid):
    long_ask = "我这边呢主要是想跟您核对一下您的个人信息，请您把身份证上最后那四位数字告诉我好吗？"
    policy = _policy(pid, INTRO, "我这边是想跟您说一下，您的信用卡账单这个月还没有按时还款。")
    move = policy.decide(understand(long_ask, today=TODAY))
    assert move.situation != "didnt_hear" and "id_digits" in move.answers


def test_after_the_plan_is_read_back_a_question_on_it_is_answered_not_hung_up_on():
    p = PERSONAS["cooperative_wang"].persona
    offer = f"您每个月还{p.facts.monthly_capacity}元，分{p.facts.max_months}期，可以吗？"
    policy = _policy("cooperative_wang", INTRO, f"请问是{p.brief.name}吗？", offer)
    assert policy.state.accepted is not None
    readback = f"好，跟您确认：每月{p.facts.monthly_capacity}元，{p.facts.max_months}期，对吧？"
    policy.decide(understand(readback, today=TODAY))
    assert policy.state.confirmed
    move = policy.decide(understand("那第一期您打算几号还上？", today=TODAY))
    assert move.ends_call is None and "when_pay" in move.answers


# --- read-backs -----------------------------------------------------------------------------------


def _trusting(pid: str) -> Policy:
    p = PERSONAS[pid].persona
    return _policy(
        pid,
        INTRO,
        f"请问是{p.brief.name}吗？",
        "理解您，不着急，咱们慢慢商量。",
        "我理解您的难处。",
    )


def test_a_read_back_of_the_date_they_named_with_another_day_is_corrected():
    policy = _trusting("cooperative_wang")
    move = policy.decide(understand("那您最早哪天能先还上一笔？", today=TODAY))
    assert move.situation == "give_when" and move.plan is not None and move.plan.due_date
    said = move.plan
    later = said.due_date.replace(day=said.due_date.day + 1)
    line = f"好，我登记一下：{later.month}月{later.day}号之前还{said.amount}元，是吧？"
    answer = policy.decide(understand(line, today=TODAY))
    assert answer.situation == "correct_readback"


@pytest.mark.parametrize("pid", ["hostile_zhang", "cooperative_wang", "hardship_jobless_chen"])
def test_terms_read_back_as_agreed_that_were_refused_are_denied_first(pid):
    policy = _policy(pid, INTRO, f"请问是{PERSONAS[pid].persona.brief.name}吗？")
    move = policy.decide(understand("我复述一下：每月五百，分四十八期，是这样吧？", today=TODAY))
    assert move.situation in ("refuse", "counter")
    assert move.lead and move.lead[0].situation == "not_agreed"
    said = TemplateRenderer(PERSONAS[pid], seed=1).line(move, TODAY)
    assert said.startswith(("不对", "你记错了"))


def test_is_that_right_after_terms_asks_about_the_terms_not_the_debt():
    line = "我再念一遍，一个月八百，六期，下周五前头一笔，对吧？"
    assert "amount_right" not in [q.kind for q in ask(line)]


# --- bare question words, holding out on terms, a second read-back ---------------------------------


@pytest.mark.parametrize("line", ["大约几点钟？", "那最晚什么时候？", "具体哪一天呢？"])
def test_a_bare_time_question_goes_on_with_the_time_asked_about(line):
    back = (Question("when_back", "他什么时候回来？"),)
    pay = (Question("when_pay", "您哪天能还？"),)
    assert [q.kind for q in ask(line, previous=back, third_party=True)] == ["when_back"]
    assert [q.kind for q in ask(line, previous=pay)] == ["when_pay"]


@pytest.mark.parametrize("pid", COACHED)
def test_terms_put_to_a_customer_holding_out_are_refused_aloud(pid):
    move, said = _say(pid, [INTRO], "一个月还一千五，分二十四期，您看行不行？")
    assert move.situation in ("demand_relief", "warn_hangup")
    assert move.lead and move.lead[0].situation == "hold_offer", said


def test_a_second_read_back_after_the_confirmation_is_confirmed_again_not_hung_up_on():
    p = PERSONAS["cooperative_wang"].persona
    offer = f"您每个月还{p.facts.monthly_capacity}元，分{p.facts.max_months}期，可以吗？"
    readback = f"好，跟您确认：每月{p.facts.monthly_capacity}元，{p.facts.max_months}期，对吧？"
    policy = _policy("cooperative_wang", INTRO, f"请问是{p.brief.name}吗？", offer, readback)
    assert policy.state.confirmed
    again = f"我再核一遍哈，一个月{p.facts.monthly_capacity}，{p.facts.max_months}期，是这样吧？"
    move = policy.decide(understand(again, today=TODAY))
    assert move.situation == "confirm" and move.ends_call is None


def test_a_reply_said_already_this_call_is_said_in_other_words():
    p = PERSONAS["cooperative_wang"].persona
    renderer = TemplateRenderer(PERSONAS["cooperative_wang"], seed=0)
    plan = Plan(p.facts.monthly_capacity, months=p.facts.max_months)
    first = renderer.line(Move("confirm", plan=plan), TODAY)
    history = (("customer", first), ("agent", "我再确认一遍。"))
    assert renderer.line(Move("confirm", plan=plan), TODAY, history=history) != first


# --- more of the same kinds, in other words --------------------------------------------------------


@pytest.mark.parametrize("line", ["张卫东？", "喂，张先生？", "请问张卫东本人？"])
def test_a_name_asked_bare_is_a_check_of_identity(line):
    assert [q.kind for q in ask(line, names=("张卫东",))] == ["name"]


@pytest.mark.parametrize(
    "line, kind",
    [
        ("他一般啥点儿下班？", "when_back"),
        ("她多会儿能到家？", "when_back"),
        ("那您准备咋还钱？", "channel"),
        ("钱您打算怎么付？", "channel"),
    ],
)
def test_colloquial_questions_are_read_as_their_kind(line, kind):
    assert kind in [q.kind for q in ask(line, third_party=kind == "when_back")]


def test_still_coming_home_is_not_an_offer_to_a_relative():
    move, said = _say("third_party_mother_li", [INTRO], "他今晚还回来不？")
    assert move.situation == "third_party_back", said


def test_terms_noted_down_are_not_a_dispute_registered():
    p = PERSONAS["disputing_he"].persona
    policy = _policy("disputing_he", INTRO, f"请问是{p.brief.name}吗？")
    policy.decide(understand("我帮您登记好了：下周一前还两千，对吧？", today=TODAY))
    assert not policy.state.dispute_registered


def test_a_counter_on_the_sum_keeps_the_date_offered():
    p = PERSONAS["hardship_jobless_chen"].persona
    policy = _trusting("hardship_jobless_chen")
    too_much = p.facts.monthly_capacity * 3
    move = policy.decide(
        understand(f"每个月还{too_much}元，分3期，12月8号前还第一期，可以吗？", today=TODAY)
    )
    assert move.situation == "counter"
    assert move.plan.due_date == date(2026, 12, 8)


def test_terms_said_with_a_count_are_an_offer_even_if_they_read_like_the_debt():
    p = PERSONAS["cooperative_wang"].persona
    move, said = _say(
        "cooperative_wang",
        [INTRO, f"请问是{p.brief.name}吗？"],
        f"月{p.facts.monthly_capacity - 37}，{p.facts.max_months + 1}期，下周起，干不干？",
    )
    assert move.situation in ("accept", "counter", "refuse", "cannot_pay_full"), said


@pytest.mark.parametrize("pid", ["hardship_medical_sun", "hardship_jobless_chen"])
def test_their_own_one_off_sum_read_back_a_day_late_is_corrected(pid):
    p = PERSONAS[pid].persona
    policy = _trusting(pid)
    move = policy.decide(understand(f"那您{p.brief.amount}元明天一次还清吧？", today=TODAY))
    own = policy.state.proposed
    if own is None or own.months or own.due_date is None:
        pytest.skip(f"{pid} proposed no one-off sum here ({move.situation})")
    late = own.due_date.replace(day=own.due_date.day + 1)
    line = f"我帮您记上了：{late.month}月{late.day}号前还{own.amount}元，是这样吧？"
    assert policy.decide(understand(line, today=TODAY)).situation == "correct_readback"


def test_how_much_and_when_asked_together_get_one_answer_with_both():
    move, said = _say(
        "cooperative_wang",
        [INTRO, "请问是王丽娟吗？", "理解您，不着急，咱们慢慢商量。"],
        "那您每月大概能凑多少，哪天能开始？",
    )
    assert move.situation == "give_when" and not move.also, said
    assert {"capacity", "when_pay"} <= move.answers


@pytest.mark.parametrize("pid", EVASIVE)
def test_an_evasive_customer_asked_how_much_and_when_is_vague_about_both(pid):
    move, said = _say(pid, [INTRO], "你一个月能还多少？哪天能先还一点？")
    assert {"capacity", "when_pay"} <= move.answers, said
    assert [m.situation for m in move.lead] == ["vague_capacity"], said


def test_terms_said_again_are_not_a_request_to_repeat():
    line = "不好意思，刚才我念错了，应该是下周二前还一千二，这下对了吧？"
    assert "repeat" not in [q.kind for q in ask(line)]


def test_a_customer_disputing_part_names_all_the_rest_as_their_one_off_sum():
    p = PERSONAS["disputing_fraud_lin"].persona
    policy = _trusting("disputing_fraud_lin")
    move = policy.decide(understand("那您最快哪天能还一笔？", today=TODAY))
    if move.situation == "give_when":
        assert move.plan.amount == p.brief.amount - p.facts.dispute.amount


# --- south-western Mandarin, more compound lines, traits under compound lines ----------------------


@pytest.mark.parametrize(
    "line, kind",
    [
        ("那你是不是李强迈？", "name"),
        ("你每个月好多钱拿得出来嘛", "capacity"),
        ("啥子时候能把钱打过来嘛", "when_pay"),
        ("他好久到家嘛？", "when_back"),
        ("首期打算放在几号？", "when_pay"),
    ],
)
def test_south_western_and_plain_variants_are_read_as_their_kind(line, kind):
    kinds = [q.kind for q in ask(line, names=("李强",), third_party=kind == "when_back")]
    assert kind in kinds


def test_a_time_of_day_follow_up_goes_on_with_the_time_asked_about():
    back = (Question("when_back", "他一般什么时候方便接电话？"),)
    assert [q.kind for q in ask("那中午呢？", previous=back, third_party=True)] == ["when_back"]


def test_a_reason_and_income_asked_together_both_stand():
    line = "方便说说是遇到什么困难了吗？另外您目前收入情况怎么样？"
    kinds = [q.kind for q in ask(understand(line, today=TODAY))]
    assert {"why_late", "capacity"} <= set(kinds)


@pytest.mark.parametrize("pid", COACHED)
def test_terms_that_also_ask_the_channel_still_meet_the_coached_demand(pid):
    f = PERSONAS[pid].persona.facts
    line = f"每月{f.monthly_capacity}，分{f.max_months}期，下周一前首期，行吗？钱您从哪儿转？"
    policy = _policy(pid, INTRO)
    move = policy.decide(understand(line, today=TODAY))
    assert move.situation in ("demand_relief", "warn_hangup")
    assert policy.state.accepted is None


def test_a_dispute_raised_by_an_offer_still_says_the_channel_asked():
    p = PERSONAS["disputing_he"].persona
    line = f"每个月{p.brief.amount // 3}，分3期，下周一前首期，可以吗？钱用什么转？"
    move, said = _say("disputing_he", [INTRO, f"请问是{p.brief.name}吗？"], line)
    assert "channel" in move.answers and p.facts.pay_channel in said, said


MULTI_BANK = [p for p, lp in PERSONAS.items() if Trait.multi_bank in lp.persona.behaviour.traits]


@pytest.mark.parametrize("pid", MULTI_BANK)
def test_the_longest_plan_they_ask_for_keeps_the_date_offered(pid):
    p = PERSONAS[pid].persona
    months = -(-p.brief.amount // p.facts.monthly_capacity)  # clears the debt, short of the most
    policy = _trusting(pid)
    policy.decide(understand("您别着急，咱们一起想办法，我尽量帮您争取。", today=TODAY))
    line = f"每月{p.facts.monthly_capacity}，分{months}期，12月9号前首期，可以吗？"
    move = policy.decide(understand(line, today=TODAY))
    assert move.situation == "play_banks"
    assert policy.state.proposed.due_date == date(2026, 12, 9)


def test_a_push_to_borrow_only_the_example_layer_hears_in_a_when_question_is_no_offence():
    from dataclasses import replace as with_acts

    from simulator.understand.acts import Act

    policy = _policy("cooperative_wang", INTRO, "请问是王丽娟吗？")
    line = "那您哪天能先转一笔进来？"
    u = understand(line, today=TODAY)
    u = with_acts(u, acts=(*u.acts, Act("induce_borrowing", line, source="example")))
    anger = policy.state.anger
    move = policy.decide(u)
    assert move.situation not in ("angry", "warn_hangup", "hangup")
    assert policy.state.anger <= anger


# --- asking to hear it again, channels, after the agreement ----------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "刚才那个日子是几号来着？",
        "我这边听不太清，",
        "您说大声点！",
        "麻烦慢点讲",
        "你再念一下",
        "没记住。",
    ],
)
def test_asking_to_hear_it_again_in_other_words(line):
    assert "repeat" in [q.kind for q in ask(understand(line, today=TODAY))]


@pytest.mark.parametrize("line", ["这个事以后再说吧。", "我再说一遍，每个月两千。", "那就下回再说"])
def test_later_and_the_trainee_repeating_are_not_requests_to_repeat(line):
    assert "repeat" not in [q.kind for q in ask(line, model=False)]


@pytest.mark.parametrize(
    "line", ["平时都在哪儿交钱？", "支付宝可以还吗？", "您是网上还还是去网点？"]
)
def test_where_and_which_way_to_pay_ask_the_channel(line):
    assert "channel" in [q.kind for q in ask(understand(line, today=TODAY))]


def test_after_the_agreement_a_question_is_answered_and_hear_again_is_said_again():
    p = PERSONAS["cooperative_wang"].persona
    offer = f"您每个月还{p.facts.monthly_capacity}元，分{p.facts.max_months}期，可以吗？"
    readback = f"好，跟您确认：每月{p.facts.monthly_capacity}元，{p.facts.max_months}期，对吧？"
    policy = _policy("cooperative_wang", INTRO, f"请问是{p.brief.name}吗？", offer, readback)
    assert policy.state.confirmed
    assert policy.decide(understand("啊？您刚说啥？", today=TODAY)).situation == "repeat"
    move = policy.decide(understand("那您打算用什么还？", today=TODAY))
    assert move.ends_call is None and "channel" in move.answers
    assert policy.decide(understand("好的，那就这样，再见。", today=TODAY)).ends_call == "agreement"


def test_a_bare_why_asks_why_and_a_bare_when_with_dao_di_goes_on():
    assert [q.kind for q in ask("那到底是为什么呢？")] == ["why_late"]
    back = (Question("when_back", "他啥时候回？"),)
    assert [q.kind for q in ask("究竟几点？", previous=back, third_party=True)] == ["when_back"]


def test_the_same_answer_asked_for_again_is_said_as_said_before():
    renderer = TemplateRenderer(PERSONAS["cooperative_wang"], seed=0)
    move = Move("give_channel", question="channel")
    history: tuple[tuple[str, str], ...] = ()
    said = []
    for _ in range(6):
        line = renderer.line(move, TODAY, history=history)
        said.append(line)
        history = (*history, ("agent", "用什么还？"), ("customer", line))
    assert len(set(said)) == len(said), said


@pytest.mark.parametrize(
    "line, kind",
    [
        ("你准备边日还呀？", "when_pay"),
        ("月尾得唔得？", "when_pay"),
        ("后天前行不行？", "when_pay"),
        ("你用边个平台还？", "channel"),
        ("这钱你咋打过来？", "channel"),
        ("你每个月可以俾几多呀？", "capacity"),
        ("讲慢啲啦", "repeat"),
        ("咩话？", "repeat"),
        ("重说。", "repeat"),
        ("你讲啥呢？", "repeat"),
        ("没听懂。", "repeat"),
        ("数再说下", "repeat"),
    ],
)
def test_terse_and_southern_questions_are_read_as_their_kind(line, kind):
    assert kind in [q.kind for q in ask(understand(line, today=TODAY))]


@pytest.mark.parametrize(
    "line, kind",
    [
        ("一个月多少你能扛得住？", "capacity"),
        ("这个月还得上不？", "capacity"),
        ("那这笔钱哪天能凑够？", "when_pay"),
        ("下礼拜能不能先还一点？", "when_pay"),
        ("最迟几号？", "when_pay"),
        ("下星期？", "when_pay"),
        ("您给个日子吧", "when_pay"),
        ("这钱咋给？", "channel"),
        ("从哪张卡还？", "channel"),
        ("云闪付？", "channel"),
        ("现金还是转账？", "channel"),
        ("月供？", "capacity"),
    ],
)
def test_short_and_plain_questions_on_money_are_read_as_their_kind(line, kind):
    assert kind in [q.kind for q in ask(understand(line, today=TODAY))]


def test_an_example_only_offence_in_a_line_that_asks_is_the_question():
    from dataclasses import replace as with_acts

    from simulator.understand.acts import Act

    for name in ("insult", "threat"):
        policy = _policy("cooperative_wang", INTRO, "请问是王丽娟吗？")
        line = "那这笔钱您打算从哪张卡转？"
        u = understand(line, today=TODAY)
        u = with_acts(u, acts=(*u.acts, Act(name, line, source="example")))
        move = policy.decide(u)
        assert move.situation == "give_channel", name


def test_an_offence_the_rules_find_still_counts_in_a_question():
    policy = _policy("cooperative_wang", INTRO, "请问是王丽娟吗？")
    move = policy.decide(understand("你是不是傻，什么时候还钱？", today=TODAY))
    assert move.situation in ("angry", "warn_hangup", "hangup")


def test_noting_a_date_down_is_not_registering_the_dispute():
    policy = _policy("disputing_fraud_lin", INTRO, "请问是林浩吗？")
    policy.decide(understand("您先定个日子，我这边好登记。", today=TODAY))
    assert not policy.state.dispute_registered
    policy.decide(understand("那几笔盗刷我先给您登记调查。", today=TODAY))
    assert policy.state.dispute_registered


def test_the_sum_owed_beside_an_open_question_is_not_an_offer():
    p = PERSONAS["cooperative_wang"].persona
    warm = [INTRO, f"请问是{p.brief.name}吗？", "我理解您的难处。"]
    move, said = _say("cooperative_wang", warm, f"您这欠款是{p.brief.amount}，每月大概能还多少？")
    assert move.situation not in ("accept", "counter", "refuse"), said
    assert "capacity" in move.answers
    move, said = _say("cooperative_wang", warm, "我们最长能给分二十四期，您一个月能拿出多少？")
    assert move.situation not in ("accept", "counter", "refuse"), said


def test_a_money_question_is_answered_even_if_the_line_also_seems_to_ask_about_him():
    p = PERSONAS["cooperative_wang"].persona
    policy = _policy("cooperative_wang", INTRO, f"请问是{p.brief.name}吗？", "我理解您的难处。")
    u = understand("银行有他的规定，您看月底前能不能先还一部分？", today=TODAY)
    move = policy.decide(u)
    assert move.situation != "i_am_cardholder" and "when_pay" in move.answers


@pytest.mark.parametrize(
    "line, kind",
    [
        ("每月还款额度？", "capacity"),
        ("报个准数。", "capacity"),
        ("首付日？", "when_pay"),
        ("何日能还？", "when_pay"),
        ("给个准信，哪天？", "when_pay"),
        ("报个方式。", "channel"),
    ],
)
def test_form_like_questions_are_read_as_their_kind(line, kind):
    assert kind in [q.kind for q in ask(understand(line, today=TODAY))]


def test_three_questions_put_as_requests_in_one_line_get_three_answers():
    line = "这样吧，您报个每月的数，再定个开始的日子，另外用什么还也说一下。"
    kinds = {q.kind for q in ask(understand(line, today=TODAY))}
    assert {"capacity", "when_pay", "channel"} <= kinds
    p = PERSONAS["cooperative_wang"].persona
    warm = [INTRO, f"请问是{p.brief.name}吗？", "我理解您的难处。"]
    move, said = _say("cooperative_wang", warm, line)
    assert {"capacity", "when_pay", "channel"} <= move.answers, said


@pytest.mark.parametrize(
    "line", ["你每个月供唔供得起八百蚊？", "一个月还不还得起一千？", "每月多少？"]
)
def test_can_you_afford_it_asks_capacity(line):
    assert "capacity" in [q.kind for q in ask(understand(line, today=TODAY))]


@pytest.mark.parametrize(
    "line, kind",
    [
        ("咁你估计边个时候可以先还一笔？", "when_pay"),
        ("咁即系话月底先有钱？具体系几号呀？", "when_pay"),
        ("咁样啦，你每个月可以还几多？", "capacity"),
    ],
)
def test_more_guangdong_mandarin_is_read_as_its_kind(line, kind):
    assert kind in [q.kind for q in ask(understand(line, today=TODAY))]


@pytest.mark.parametrize(
    "line",
    [
        "您先别挂，我把这个计划录到系统里，录完再跟您过一遍。",
        "请稍等，我这边登记一下。",
        "最后再跟您核对一次。",
        "还有件事跟您说一下。",
    ],
)
def test_after_the_agreement_more_to_come_is_waited_for_not_taken_for_goodbye(line):
    p = PERSONAS["cooperative_wang"].persona
    offer = f"您每个月还{p.facts.monthly_capacity}元，分{p.facts.max_months}期，可以吗？"
    readback = f"好，跟您确认：每月{p.facts.monthly_capacity}元，{p.facts.max_months}期，对吧？"
    policy = _policy("cooperative_wang", INTRO, f"请问是{p.brief.name}吗？", offer, readback)
    assert policy.state.confirmed
    move = policy.decide(understand(line, today=TODAY))
    assert move.ends_call is None and move.situation == "wait"
    goodbye = policy.decide(understand("好的，谢谢您，我这边登记好了，再见。", today=TODAY))
    assert goodbye.ends_call == "agreement"
