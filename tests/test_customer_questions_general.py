"""The customer hears questions however they are put: a fixed sample of paraphrases per kind.

Four per kind — plain northern Mandarin, recogniser output without punctuation, traditional
characters, southern (Cantonese-influenced) Mandarin — none of them corpus lines, and statements
on the same topics that ask nothing. Then the policy's side: an on-topic question the customer
did not understand gets a clarification without the patience an off-topic line costs.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from simulator.call import Call
from simulator.customer.questions import ask, is_question, on_topic_question
from simulator.persona import load_personas
from simulator.understand import understand

from .conftest import PERSONAS_DIR

NAMES = ("王丽娟", "李强", "周桂兰")
TO_A_RELATIVE = {"who_are_you", "relation", "is_in", "when_back", "leave_message"}
PARAPHRASES = {
    "who_are_you": [
        "麻烦问下您是哪一位？",
        "你好这边怎么称呼你呀",
        "請問您是哪位？",
        "你是边位啊？",
    ],
    "relation": ["您跟李强是……？", "你和他是啥关系呀", "請問您是他的家屬嗎？", "你是他屋企人？"],
    "is_in": ["李强现在在家没？", "他在旁边吗麻烦让他听一下", "請問他在家嗎？", "佢喺唔喺度啊？"],
    "when_back": [
        "他大概几点能回家呀？",
        "那我什么时候打过来能找到他",
        "他幾點回來？",
        "佢几时返屋企？",
    ],
    "name": [
        "请问您是周桂兰女士吗？",
        "喂王丽娟是吧",
        "請問是李強先生本人嗎？",
        "系唔系王丽娟啊？",
    ],
    "id_digits": [
        "身份证号最后四位您报一下。",
        "请说一下你的证件后四位",
        "麻煩報一下身份證後四位。",
        "你身份证尾数几多啊？",
    ],
    "why_late": [
        "这几个月怎么都没还呀？",
        "是碰到啥难处了吗",
        "為什麼一直沒還呢？",
        "点解冇还啊？",
    ],
    "capacity": [
        "您一个月大概能拿出多少来？",
        "那你现在手上能先还多少",
        "您每個月能還多少？",
        "你一个月还得几多？",
    ],
    "when_pay": [
        "那您大概哪天能还上？",
        "最快什么时候能把钱打进来",
        "您什麼時候能還款？",
        "你几时可以还钱啊？",
    ],
    "channel": [
        "您打算用什么方式还呢？",
        "你是微信还还是支付宝还",
        "您通過什麼方式還款？",
        "你用咩方法还啊？",
    ],
    "amount_right": [
        "欠款一万二千块，这个数您认吗？",
        "一共欠八千六对吧",
        "欠款金額是一萬二，沒錯吧？",
        "欠款一万二，啱唔啱啊？",
    ],
    "repeat": [
        "不好意思，您刚才说什么？",
        "没听清麻烦再说一遍",
        "您剛才說什麼？",
        "你讲咩啊？听唔清。",
    ],
    "leave_message": [
        "麻烦您转告他给我们回个电话好吗？",
        "等他回来让他打给我行吗",
        "請您轉告他回電，好嗎？",
        "你同佢讲声叫佢覆电话啦？",
    ],
}
STATEMENTS = [
    "今天必须还。",
    "我是招商银行信用卡中心的。",
    "您的欠款是一万二千元。",
    "您可以用手机银行还款。",
    "我再说一遍，每月一千。",
    "好的，我晚上再打给他。",
]
AT = datetime.fromisoformat("2026-11-28T10:00:00+08:00")
PERSONAS = load_personas(PERSONAS_DIR)


# Paraphrases the layers are known to miss (strict: a fix shows). 你一个月还得几多？ was one
# (sixth session); the seventh session's corpus holds a near copy of it (你一个月还得几多啊？,
# from a writer given 几多 as an example of the register), so it passes now and no longer shows
# that 几多 generalises.
KNOWN_MISSES: set[str] = set()


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        pytest.param(k, t, marks=pytest.mark.xfail(strict=True)) if t in KNOWN_MISSES else (k, t)
        for k, lines in PARAPHRASES.items()
        for t in lines
    ],
)
def test_a_paraphrase_asks_its_kind(kind, text):
    found = ask(understand(text), names=NAMES, third_party=kind in TO_A_RELATIVE)
    assert kind in {q.kind for q in found}, [(q.kind, q.quote) for q in found]


@pytest.mark.parametrize("text", STATEMENTS)
def test_a_statement_on_the_same_topics_asks_nothing(text):
    assert ask(understand(text), names=NAMES) == ()


def test_the_rules_alone_miss_what_the_model_adds():
    """The model is what hears a southern request to pass a message on."""
    text = "你同佢讲声叫佢覆电话啦？"
    assert "leave_message" in {q.kind for q in ask(understand(text), third_party=True)}
    assert is_question("报一下身份证后四位") and is_question("今天能还不")
    assert not is_question("今天必须还。")


@pytest.mark.parametrize("persona", ["cooperative_wang", "third_party_mother_li"])
def test_an_on_topic_question_not_understood_gets_a_clarification_not_lost_patience(persona):
    call = Call(PERSONAS[persona], seed=0, started_at=AT)
    call.open()
    before = call.state["patience"]
    text = "那张卡您现在还在用吗？"
    assert ask(understand(text)) == () and on_topic_question(text)
    reply = call.say(text)
    assert reply.move == "clarify"
    assert call.state["patience"] >= before - 2  # only the turn's wear, not the off-topic cost


def test_an_off_topic_question_is_still_off_topic():
    call = Call(PERSONAS["cooperative_wang"], seed=0, started_at=AT)
    call.open()
    before = call.state["patience"]
    assert call.say("今天天气真不错，你喜欢吃火锅吗？").move == "confused"
    assert call.state["patience"] <= before - 10


def test_a_southern_when_question_is_answered_as_one():
    call = Call(PERSONAS["cooperative_wang"], seed=0, started_at=AT)
    call.open()
    call.say("您好，我是招商银行信用卡中心的，请问是王丽娟女士吗？")
    reply = call.say("你几时可以还钱啊？")
    assert reply.move in ("give_when", "deflect_when", "vague_promise")


def test_a_channel_question_the_example_layer_takes_for_a_fee_is_answered():
    call = Call(PERSONAS["cooperative_wang"], seed=0, started_at=AT)
    call.open()
    call.say("您好，我是招商银行信用卡中心的，请问是王丽娟女士吗？")
    reply = call.say("钱打算咋还？网银还是支付宝？")
    assert reply.move == "give_channel"
