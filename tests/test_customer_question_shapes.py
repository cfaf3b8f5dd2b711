"""Questions read by what they ask, not by their words (issue #13, fourth round).

Each kind of shape the clause patterns used to miss, in wordings of our own: a guess put for a
yes or no (the answer is the customer's own figure, date or channel), a question inside a
statement or a request, northern colloquial words, elliptical follow-ups, and a relative asked
when the cardholder is back in other shapes. Beside each, statements or near-misses on the same
words that must not read as that question.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from simulator.call import Call
from simulator.customer.questions import Question, ask, is_question
from simulator.persona import load_personas
from simulator.understand import parse_amounts, understand

from .conftest import PERSONAS_DIR

NAMES = ("王丽娟", "李强", "周桂兰")
AT = datetime.fromisoformat("2026-11-24T10:00:00+08:00")
TODAY = AT.date()
PERSONAS = load_personas(PERSONAS_DIR)


def kinds(text: str, *, third_party: bool = False, previous: tuple[str, ...] = ()) -> set[str]:
    """The kinds ``ask`` reads in ``text`` (with the question model, as the policy reads)."""
    before = tuple(Question(k, "") for k in previous)
    u = understand(text, today=TODAY)
    return {q.kind for q in ask(u, names=NAMES, third_party=third_party, previous=before)}


# --- a guess put for a yes or no: the kind is the guess's topic -----------------------------


@pytest.mark.parametrize(
    "line, kind",
    [
        ("您看每个月八百块，应该能拿出来吧？", "capacity"),
        ("那一千八是不是总能拿得出来？", "capacity"),
        ("一千块钱一个月，您还得起吧？", "capacity"),
        ("三千是不是凑得出来？", "capacity"),
        ("发了薪水就能先还一点吧？", "when_pay"),
        ("等月中货款到账，您就能转过来吧？", "when_pay"),
        ("您就不能下礼拜先还上一部分吗？", "when_pay"),
        ("您支付宝里绑了卡没有？", "channel"),
        ("您是在网上自己转，还是跑一趟网点？", "channel"),
        ("用微信还是不是省事一点？", "channel"),
        ("两千块对您来说压力不大吧？", "capacity"),
        ("下周之前没问题吧？", "when_pay"),
        ("这笔钱难道要拖到明年？", "when_pay"),
        ("您明天上午能去办一下吧？", "when_pay"),
        ("您那边方便在线上操作吗？", "channel"),
        ("那要是八百呢，是不是就轻松一些？", "capacity"),
        ("实在不行去网点交现金也可以，您觉得呢？", "channel"),
    ],
)
def test_a_guess_or_an_alternative_asks_its_topic(line, kind):
    assert kind in kinds(line)


@pytest.mark.parametrize(
    "line, kind",
    [
        ("欠款一共是一万八，这个数没问题吧？", "capacity"),  # whether the debt is right
        ("这个金额您没问题吧？", "capacity"),
        ("跟您核对一下，每月九百，分十期，12月3号前还，对吗？", "when_pay"),  # a read-back
        ("有没有别的办法能联系上他？", "channel"),  # how to reach him, not how to pay
        ("他回来以后让他给我回个电话，好吗？", "when_back"),  # a message to pass on
        ("您这个月还得上不？", "when_pay"),  # whether at all: how much
        ("每个月九百，分六期，走网银还款，您看呢？", "channel"),  # terms offered with a channel
    ],
)
def test_a_guess_on_other_words_is_not_that_question(line, kind):
    assert kind not in kinds(line, third_party="他" in line)


def test_a_sum_within_reach_is_confirmed_with_that_sum():
    call = Call(PERSONAS["cooperative_wang"], seed=0, started_at=AT)  # 8000 a month
    call.open()
    call.say("您好，我是招商银行信用卡中心的，请问是王丽娟女士吗？")
    reply = call.say("您看每个月一千五，应该能拿出来吧？")
    assert reply.move == "guess_fits"
    assert "一千五" in reply.text


def test_a_sum_they_said_they_can_manage_is_taken_when_offered():
    call = Call(PERSONAS["hardship_jobless_chen"], seed=0, started_at=AT)  # 700 a month
    call.open()
    call.say("您好，我是招商银行信用卡中心的，请问是本人吗？")
    call.say("我理解您现在的难处，我们一起想想办法。")
    assert call.say("一个月五百，应该拿得出来吧？").move == "guess_fits"
    assert call.say("那每月五百，分十期，12月5号前还第一期，行吗？").move == "accept"


def test_a_sum_beyond_reach_is_corrected_with_the_customers_own_figure():
    call = Call(PERSONAS["hardship_jobless_chen"], seed=0, started_at=AT)  # 700 a month
    call.open()
    call.say("您好，我是招商银行信用卡中心的，请问是本人吗？")
    call.say("我理解您现在的难处，我们一起想想办法。")
    reply = call.say("那每个月一千二，您还得起吧？")
    assert reply.move == "give_capacity"
    assert "一千二" in reply.text  # the guess, then what they can
    assert set(parse_amounts(reply.text)) - {1200}


def test_a_guessed_sum_to_a_guarded_customer_is_deflected_not_weighed_as_an_offer():
    call = Call(PERSONAS["hostile_zhang"], seed=0, started_at=AT)
    call.open()
    call.say("您好，我是招商银行信用卡中心的，请问是本人吗？")
    reply = call.say("那一千八是不是总能拿得出来？")
    assert reply.move == "deflect_capacity"  # 能还多少我自己清楚: how much, not a plan refused


# --- a question inside a statement or a request ---------------------------------------------


@pytest.mark.parametrize(
    "line, kind",
    [
        ("我这边得核实一下，接电话的是不是王丽娟本人。", "name"),
        ("系统里要填个还款日期，您给我个日子。", "when_pay"),
        ("我想跟您确认下，这个欠款数跟您账单上的是否一致。", "amount_right"),
        ("还款方式这一项我得补上，您是手机上转还是去柜台，跟我说一声。", "channel"),
        ("我这边要填一个每月还款金额。", "capacity"),
        ("麻烦您说一下每月大概能拿出的金额。", "capacity"),
        ("我这边需要记一下您的还款方式。", "channel"),
        ("我这边需要登记一个还款时间。", "when_pay"),
        ("麻烦您跟我确认下，到时候拿哪张卡还？", "channel"),
    ],
)
def test_a_question_inside_a_statement_is_asked(line, kind):
    assert kind in kinds(line)


@pytest.mark.parametrize(
    "line",
    ["我已经了解了您的情况。", "好的，这个日子我给您记上了。", "按规定我们得先核实一下您的身份。"],
)
def test_a_statement_on_the_same_words_asks_nothing(line):
    assert kinds(line) == set()


# --- northern colloquial words --------------------------------------------------------------


@pytest.mark.parametrize(
    "line, kind",
    [
        ("头期款您几儿能还上？", "when_pay"),
        ("您一般几号开支？", "when_pay"),
        ("今儿能转过来不？", "when_pay"),
        ("您自个儿拿手机转，还是上银行去？", "channel"),
        ("您开了支就还吧？", "when_pay"),
        ("您打算上哪儿还？", "channel"),
    ],
)
def test_northern_words_are_read_as_their_mandarin(line, kind):
    assert kind in kinds(line)


def test_expenses_are_not_payday():
    assert "when_pay" not in kinds("我知道您家里开支大，压力不小。")


# --- elliptical follow-ups ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, previous, kind",
    [
        ("您刚说的'回头'，是多长时间？", ("when_pay",), "when_pay"),
        ("那得多久？", ("when_back",), "when_back"),
        ("那到底选哪个？", ("channel",), "channel"),
        ("还有别的吗？", ("channel",), "channel"),
        ("除了网银，还能用别的吗？", (), "channel"),
        ("那“月底”是几号？", ("when_pay",), "when_pay"),
        ("还有其他办法没？", ("channel",), "channel"),
        ("那要是今天回不来呢？", ("when_back",), "when_back"),
        ("那还有其他理由吗？", ("why_late",), "why_late"),
        ("能不能再提前些？", ("when_pay",), "when_pay"),
        ("那再往前一点呢？", ("when_pay",), "when_pay"),
        ("能再多一点吗？", ("capacity",), "capacity"),
    ],
)
def test_an_elliptical_follow_up_asks_the_call_question_it_goes_on_with(line, previous, kind):
    assert kind in kinds(line, previous=previous, third_party=previous == ("when_back",))


# --- a relative asked when the cardholder is back, in other shapes ---------------------------


@pytest.mark.parametrize(
    "line",
    [
        "他明天一早能到家吧？",
        "那他下了班是不是就回来了？",
        "今晚能回来不？",
        "八九点钟回得来吗？",
        "周末他总在家吧？",
        "我这边得记一下他方便接电话的时间。",
        "他明天晚上回不回家",
    ],
)
def test_a_guess_at_when_he_is_back_asks_when_he_is_back(line):
    assert "when_back" in kinds(line, third_party=True)


def test_whether_he_is_home_now_is_not_when_he_is_back():
    assert "when_back" not in kinds("他到家了没？", third_party=True)


def test_a_relative_asked_a_guess_at_his_return_says_when():
    call = Call(PERSONAS["third_party_mother_li"], seed=0, started_at=AT)
    call.open()
    call.say("您好，我是招商银行信用卡中心的，请问李强在家吗？")
    reply = call.say("今晚十点前能到家不？")
    assert reply.move == "third_party_back"
    assert "七点" in reply.text


def test_a_relative_asked_to_note_a_number_is_asked_to_pass_on_a_message():
    assert "leave_message" in kinds("这个号码您帮着记下来行吗？", third_party=True)


def test_a_relative_asked_again_for_his_return_time_says_it_again_without_offence():
    call = Call(PERSONAS["third_party_mother_li"], seed=0, started_at=AT)
    call.open()
    call.say("您好，我是招商银行信用卡中心的，请问李强在家吗？")
    call.say("那他一般几点到家？")
    reply = call.say("刚才断了一下，麻烦把他下班回来的点再跟我重复一遍。")
    assert reply.move == "repeat"
    assert "七点" in reply.text


# --- a question on the plan once agreed is answered from the plan ---------------------------


def test_when_asked_after_an_agreement_is_answered_from_the_agreed_plan():
    call = Call(PERSONAS["cooperative_wang"], seed=0, started_at=AT)
    call.open()
    call.say("您好，我是招商银行信用卡中心的，请问是王丽娟女士吗？")
    call.say("您欠款六千八百五，这个数对吧？")
    assert call.say("那11月28号之前一次还清六千八百五，可以吗？").move == "accept"
    reply = call.say("系统这边要登个日子，您给我个准日子。")
    assert reply.move == "give_when"
    assert "28号" in reply.text


def test_an_id_check_in_the_variant_spelling_asks_for_digits_not_the_name():
    found = kinds("您把身分证最后四位说一下。")
    assert "id_digits" in found and "name" not in found


@pytest.mark.parametrize(
    "line", ["打扰了，信用卡中心的，您是周桂兰女士不是？", "您好，这边有录音。您是王丽娟本人不是？"]
)
def test_a_name_with_a_negative_tag_is_a_check_of_identity(line):
    assert "name" in kinds(line)


@pytest.mark.parametrize(
    "line", ["您的证件号我们系统里都有，不用再报了。", "身份证就不用说了，我这边都有。"]
)
def test_digits_said_not_to_be_needed_are_not_asked_for(line):
    assert "id_digits" not in kinds(line)


@pytest.mark.parametrize("line", ["那她一般啥时候回？", "差不多几点能到？"])
def test_a_bare_when_with_a_verb_of_coming_back_asks_when_they_are_back(line):
    """Asked by someone who claims to be a relative too (the customer may be pretending)."""
    assert kinds(line) & {"when_back"} and "when_pay" not in kinds(line)


def test_another_way_to_pay_is_not_another_way_to_reach_him():
    assert kinds("有没有其它途径？", previous=("channel",)) == {"channel"}
    assert "channel" not in kinds("他电话一直关机，还有别的法子找到他吗？", third_party=True)


@pytest.mark.parametrize(
    "line",
    ["这个数还能再往上提点吗？最多能还多少？", "这个数字还有没有商量的余地？您最多能拿多少？"],
)
def test_this_sum_in_a_how_much_question_is_theirs_not_the_debt(line):
    found = kinds(line)
    assert "capacity" in found and "amount_right" not in found


@pytest.mark.parametrize(
    "line",
    [
        "您每个月可以接受的还款额大概是多少？",
        "要是觉得这个方案吃力，请您提出一个您能承担的月供。",
    ],
)
def test_the_sum_they_can_bear_named_as_a_noun_asks_capacity(line):
    assert "capacity" in [q.kind for q in ask(line)]


@pytest.mark.parametrize(
    ("line", "asks"),
    [
        ("那先这样，往后有什么事您随时找我们，再见。", False),
        ("遇到啥问题尽管打过来，拜拜。", False),
        ("您最近遇到什么问题了吗？", True),
    ],
)
def test_anything_in_an_offer_of_later_contact_asks_nothing(line, asks):
    assert is_question(line) is asks
