"""Terms the customer said themselves are checked when they come back, in any wording (#13).

Wordings of our own, not the development scripts': the one-off sum a customer said they could
raise, read back with another day; their own counter-offer said back slightly off, with no
read-back cue; lines that claim an agreement (照刚才咱俩谈的 / 您是答应了…); and a customer's own
instalment terms after a refusal, which the judge must hear as a counter-offer.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from simulator.customer.questions import ask
from simulator.persona import load_personas
from simulator.policy import Policy
from simulator.understand import understand
from simulator.understand.customer import understand_customer
from simulator.understand.numbers import spoken_amount

from .conftest import PERSONAS_DIR

TODAY = date(2026, 11, 28)
PERSONAS = load_personas(PERSONAS_DIR)
OPENING = ("您好，我是信用卡中心的，请问是{name}本人吗？", "您每个月大概能还多少？")


def _day(d: date) -> str:
    return f"{d.month}月{d.day}号"


def policy_after(pid: str, *lines: str) -> tuple[Policy, object]:
    lp = PERSONAS[pid]
    policy = Policy(lp.persona, today=TODAY, seed=0)
    move = None
    for line in (*OPENING, *lines):
        move = policy.decide(understand(line.format(name=lp.persona.brief.name), today=TODAY))
    return policy, move


@pytest.mark.parametrize("pid", ["cooperative_short_liu", "cooperative_deaf_zhou"])
@pytest.mark.parametrize(
    "template",
    [
        "好的，我给您复述一下：{day}之前一次性还{sum}，对吧？",
        "跟您核对一下，您是{day}前先还{sum}块，没错吧？",
    ],
)
def test_their_own_lump_sum_read_back_with_another_day_is_corrected(pid, template):
    facts = PERSONAS[pid].persona.facts
    own_day = TODAY + timedelta(days=facts.lump_sum_in_days)
    line = template.format(day=_day(own_day + timedelta(days=3)), sum=spoken_amount(facts.lump_sum))
    policy, move = policy_after(pid, line)
    assert "capacity" in policy.state.revealed, "the opening must have let them say what they can"
    assert move.situation == "correct_readback"
    assert move.plan.amount == facts.lump_sum and move.plan.due_date == own_day
    assert policy.state.accepted is None


def test_their_own_lump_sum_read_back_as_said_is_confirmed():
    facts = PERSONAS["cooperative_short_liu"].persona.facts
    own_day = TODAY + timedelta(days=facts.lump_sum_in_days)
    line = f"我跟您确认一下：{_day(own_day)}前一次性还{spoken_amount(facts.lump_sum)}，对吗？"
    policy, move = policy_after("cooperative_short_liu", line)
    assert move.situation in ("confirm", "accept")
    assert policy.state.accepted is not None and policy.state.accepted.amount == facts.lump_sum


def test_a_lump_read_back_before_they_said_anything_is_weighed_as_an_offer():
    """Nothing of theirs on the table yet: the terms are an offer, not a misheard read-back."""
    lp = PERSONAS["cooperative_short_liu"]
    policy = Policy(lp.persona, today=TODAY, seed=0)
    policy.decide(understand(f"您好，请问是{lp.persona.brief.name}本人吗？", today=TODAY))
    move = policy.decide(understand("跟您核对一下：12月20号前一次性还四千，对吧？", today=TODAY))
    assert move.situation != "correct_readback"


@pytest.mark.parametrize(
    "template",
    [
        "{day}前还{sum}，行吧？",  # the day a little off, no read-back cue
        "那就{day}之前{sum}块，中不？",
    ],
)
def test_their_own_offer_said_back_slightly_off_without_a_cue_is_corrected(template):
    policy, _ = policy_after("cooperative_short_liu", "那您哪天能先还上一笔？")
    own = policy.state.proposed
    assert own is not None and own.due_date is not None, "asked when, they name a day and a sum"
    line = template.format(
        day=_day(own.due_date + timedelta(days=2)), sum=spoken_amount(own.amount)
    )
    _, move = policy_after("cooperative_short_liu", "那您哪天能先还上一笔？", line)
    assert move.situation == "correct_readback"
    assert move.plan.due_date == own.due_date and move.plan.amount == own.amount


def test_an_offer_far_from_their_own_is_still_an_offer():
    """要不… or other terms altogether are the collector's offer, weighed as one."""
    _, move = policy_after("cooperative_short_liu", "一个月一千，分十二期，下个月5号开始，行吧？")
    assert move.situation != "correct_readback"


@pytest.mark.parametrize(
    "line",
    [
        "照刚才咱们谈的，您是每月两千一，分六期，12月5号起还，这个您认吧？",
        "您刚才是答应了每月两千一，分六期，12月5号开始，是这意思吧？",
        "依着之前我们定的，每月两千一，六期，12月5号开始，您看呢？",
    ],
)
def test_a_line_that_claims_an_agreement_is_a_read_back(line):
    """Claimed as agreed, terms never agreed are denied, not taken as a fresh offer."""
    _, move = policy_after("cooperative_short_liu", line)
    said = [m.situation for m in (*move.lead, move)]
    assert said[0] in ("not_agreed", "not_agreed_yet", "correct_readback"), said


@pytest.mark.parametrize(
    "line",
    [
        "分那么多期没必要。每月两千五，分五个月，12月3号开始还。",
        "十二期太长了，我一个月两千四，六个月还完。",
    ],
)
def test_own_instalment_terms_after_a_refusal_are_a_counter_offer(line):
    u = understand_customer(line, today=TODAY)
    assert "counter_offer" in u.names


@pytest.mark.parametrize(
    "template",
    [
        "表上我现在填的是：{day}前还{sum}元。是这样吗？",
        "等下，我再看一眼，您刚说的是{day}前还{sum}吧？",
        "那我再念叨一遍：{day}前还{sum}，没差儿吧？",
    ],
)
def test_cues_of_what_was_written_or_said_make_a_read_back(template):
    facts = PERSONAS["cooperative_short_liu"].persona.facts
    own_day = TODAY + timedelta(days=facts.lump_sum_in_days)
    line = template.format(day=_day(own_day + timedelta(days=4)), sum=spoken_amount(facts.lump_sum))
    _, move = policy_after("cooperative_short_liu", line)
    assert move.situation == "correct_readback"


def test_the_pretender_asked_when_the_cardholder_is_back_answers_as_a_relative():
    lp = PERSONAS["evasive_pretender_song"]
    name = lp.persona.brief.name
    policy = Policy(lp.persona, today=TODAY, seed=0)
    policy.decide(understand(f"您好，我是信用卡中心的，请问{name}在吗？", today=TODAY))
    move = policy.decide(understand(f"那{name}一般几点能回来，您清楚吗？", today=TODAY))
    assert move.situation == "third_party_back"


@pytest.mark.parametrize(
    ("line", "amount", "months"),
    [
        ("那我记一下 每月八百 三十六期 下个月开始", 800, 36),
        ("好 每月一千二 十八期 12月2号开始 对吧", 1200, 18),
    ],
)
def test_a_line_without_punctuation_keeps_its_terms_apart(line, amount, months):
    """A space between words is a pause: 每月八百 三十六期 is 800 a month for 36 months."""
    u = understand(line, today=TODAY)
    assert (u.amounts[0], u.months) == (amount, months)


def test_a_spaced_out_number_is_still_one_number():
    assert understand("每月 一 千 五", today=TODAY).amounts == (1500,)


def test_terms_said_back_as_submitted_are_checked():
    policy, _ = policy_after("cooperative_short_liu", "那您哪天能先还上一笔？")
    own = policy.state.proposed
    line = f"好 那我这边就提交了啊 {_day(own.due_date + timedelta(days=5))}前还{spoken_amount(own.amount)}"
    _, move = policy_after("cooperative_short_liu", "那您哪天能先还上一笔？", line)
    assert move.situation == "correct_readback"


@pytest.mark.parametrize(
    "line", ["核对一下：两千，12月3号前到账，对伐？", "记录如下：两千五，12月5号前还清。"]
)
def test_a_sum_after_a_colon_is_money(line):
    assert understand(line, today=TODAY).amounts[0] >= 2000


@pytest.mark.parametrize("line", ["工号：2290", "尾号是：3054", "身份证后四位：1385"])
def test_an_identifier_after_a_colon_is_not_money(line):
    assert understand(line, today=TODAY).amounts == ()


def test_terms_with_a_due_date_are_not_a_check_of_the_debt():
    asked = [q.kind for q in ask(understand("核对下：两千，12月3号前到账，对伐？", today=TODAY))]
    assert "amount_right" not in asked


def test_asking_them_to_accept_new_terms_is_an_offer_not_a_read_back():
    """系统核算的方案……请您确认是否接受 puts terms; it does not claim they were agreed."""
    _, move = policy_after(
        "cooperative_short_liu",
        "另外还有一个方案：每月两千，分六期，12月5号开始。请您确认是否接受。",
    )
    assert not any(m.situation in ("not_agreed", "not_agreed_yet") for m in move.lead)


def test_asked_the_most_they_can_raise_at_once_they_answer_how_much():
    """要是一次性结清，您最多能拿出多少？ asks for a sum; it does not demand the whole debt."""
    _, move = policy_after("hardship_medical_sun", "要是一次性结清的话，您手头最多能拿出多少？")
    assert move.situation not in ("cannot_pay_full", "refuse", "counter")


def test_what_kind_is_not_read_as_how():
    """什么样 / 怎么样 keep their own words: 么样 is read only where it stands alone."""
    from simulator.customer.question_patterns import mandarin

    assert mandarin("什么样的方案您能接受？") == "什么样的方案您能接受？"
    assert mandarin("您看怎么样？") == "您看怎么样？"


@pytest.mark.parametrize(
    ("line", "corrected"),
    [
        ("再确认一下，12月5号那天两千能准时到账吧？", False),  # the first instalment
        ("好的，我记一下：12月5号前一次性还两千，对吗？", True),  # the plan said as a one-off
        ("好的，我记一下：12月6号前还两千，对吗？", True),  # another day
    ],
)
def test_the_first_instalment_asked_about_is_not_a_wrong_read_back(line, corrected):
    agreed = "好的，那就每月两千，分六期，12月5号开始，可以吗？"
    policy, move = policy_after("cooperative_short_liu", agreed)
    assert policy.state.accepted is not None and policy.state.accepted.months == 6
    _, move = policy_after("cooperative_short_liu", agreed, line)
    assert (move.situation == "correct_readback") is corrected


@pytest.mark.parametrize("cue", ["俺对一遍：", "我给您读一次哈，", "那我念一下："])
def test_dui_yi_bian_marks_a_read_back(cue):
    policy, _ = policy_after("cooperative_short_liu", "那您哪天能先还上一笔？")
    own = policy.state.proposed
    line = f"{cue}{_day(own.due_date + timedelta(days=3))}前还{spoken_amount(own.amount)}，是不？"
    _, move = policy_after("cooperative_short_liu", "那您哪天能先还上一笔？", line)
    assert move.situation == "correct_readback"


# Questions in the words real collectors use, one kind each: requests that ask (请您告知…), the
# written register (何日 / 烦请), regional words (湖北/湖南, 台湾, 粤), and other shapes of a kind.
HEARD = [
    ("请问您打算于哪一日还上这笔？", "when_pay"),
    ("还是等月底发了工资再还？", "when_pay"),
    ("那您哪天得空过去办一下？", "when_pay"),
    ("这个月顶多能拿出来多少？", "capacity"),
    ("麻烦您喊他回个电话给我。", "leave_message"),
    ("卡上一共六千三，您自己查的是不是也这个数？", "amount_right"),
    ("您看哪天有空去网点办一下？", "when_pay"),
    ("那去柜台的话大概几号能去？", "when_pay"),
    ("让他回个电话就行，号码您帮忙记下呗？", "leave_message"),
    ("这个手机号您替他记一下好吗？", "leave_message"),
    ("拖了两个月了，到底是哪块卡住了？", "why_late"),
    ("您这个情况，难就难在哪儿呢？", "why_late"),
    ("那您心里是打算怎么安排的？", "capacity"),
    ("这些都不合适的话，您自己希望怎么分？", "capacity"),
    ("唔好意思，听唔清，麻烦你讲多一遍。", "repeat"),
    ("烦请您说明一下每月能用来还卡的钱大概有多少。", "capacity"),
    ("请您明确一下首笔还款的日期。", "when_pay"),
    ("麻烦您选择一下还款方式。", "channel"),
    ("那请问您是……？", "who_are_you"),
    ("他一般几点钟回屋头？", "when_back"),
    ("号码是这个，您帮我记一记。", "leave_message"),
    ("烦请您说明一下本月款项没能按期偿还的具体原因。", "why_late"),
    ("敬请告知，您拟于何日将首期款项存入？", "when_pay"),
    ("信号不太好，麻烦您再慢慢讲一次。", "repeat"),
    ("那首笔款是月底还是月初能到账？", "when_pay"),
    ("请问他今天大约何时返回？", "when_back"),
    ("假如一次性处理，您手头所能筹集的最多是多少？", "capacity"),
    ("上个月么样冇还咧？", "why_late"),
    ("屋里是不是出了么子事啵？", "why_late"),
    ("您是他屋里的哪个？", "relation"),
    ("请问您是李强啵？", "name"),
    ("那么样称呼您？", "who_are_you"),
    ("这笔钱怎么就拖成这样了？", "why_late"),
    ("您这张卡还剩九千块没有缴，这个金额您核对过吗？", "amount_right"),
    ("紧一紧的话，每月还得起好多？", "capacity"),
    ("你一个月能凑好多出来嘛？", "capacity"),
    ("那你撒时候能把头一笔还上？", "when_pay"),
    ("你打算拿啥还？微信还是支付宝？", "channel"),
    ("这边声音断了，您跟我再学一遍。", "repeat"),
    ("刚才我讲到哪儿了？对，您上个月为啥没还？", "why_late"),
    ("截至今天欠款九千二，这个数目您认同吗？", "amount_right"),
    ("那您到时候用啥来还？网银、云闪付都可以。", "channel"),
    ("俺问问恁，这钱么法儿还？", "channel"),
]

# Words that look like those above but ask nothing of the kind.
NOT_HEARD = [
    ("我听说好多人都是这么拖着的。", "capacity"),
    ("咱可不能撒谎啊，您放心。", "channel"),
    ("刚才我讲到哪儿了？哦对，下面说一下还款的方案。", "repeat"),
    ("刚刚讲到什么地方了，嗯，下面说还款方式。", "repeat"),
]


@pytest.mark.parametrize(("line", "kind"), HEARD)
def test_a_question_in_other_words_is_heard(line, kind):
    assert kind in [q.kind for q in ask(understand(line, today=TODAY), names=("李强", "王丽娟"))]


@pytest.mark.parametrize(("line", "kind"), NOT_HEARD)
def test_a_line_that_only_looks_like_a_question_is_not_one(line, kind):
    assert kind not in [
        q.kind for q in ask(understand(line, today=TODAY), names=("李强", "王丽娟"))
    ]
