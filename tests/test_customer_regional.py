"""Regional ways of asking when, how much and about him read as their Mandarin question.

Wordings of our own (not the development scripts'): Wu (啥辰光 / 几钿 / 伊 / 阿是 / 伐),
south-western (哪阵 / 好多 / 喃 / 不得行), northern (多会儿 / 多咱 / 哪会儿 / 多钱 / 恁) and
Cantonese (边阵 / 几钱 / 几耐); and ordinary words that only look like them (伊利, 渠道, 很多钱)
are left alone.
"""

from __future__ import annotations

import pytest

from simulator.customer.question_patterns import mandarin
from simulator.customer.questions import ask

NAMES = ("周桂兰",)
ASKED = [
    ("侬啥辰光好把钞票还进来？", "when_pay"),
    ("几辰光能先还一点？", "when_pay"),
    ("伊一般几点钟转来，侬晓得伐？", "when_back"),
    ("侬一个号头顶多还得出几钿？", "capacity"),
    ("阿是周桂兰本人？", "name"),
    ("侬阿好再讲一遍？", "repeat"),
    ("哪阵儿能把第一笔转过来喃？", "when_pay"),
    ("你屋头那个人哪阵回来嘛？他哪阵回来？", "when_back"),
    ("一个月还得起好多？", "capacity"),
    ("您多会儿能先还上一部分？", "when_pay"),
    ("恁多咱能还？", "when_pay"),
    ("他哪会儿下班回家？", "when_back"),
    ("一个月能还多钱？", "capacity"),
    ("你边阵可以还钱？", "when_pay"),
    ("每个月还几钱你供得起？", "capacity"),
    ("这笔钱啷个还嘛？", "channel"),
    ("你打算点还呀？", "channel"),
    ("佢大概几时翻嚟？", "when_back"),
]


@pytest.mark.parametrize(("line", "kind"), ASKED)
def test_a_regional_question_is_read_as_its_kind(line, kind):
    assert kind in [q.kind for q in ask(line, names=NAMES)]


@pytest.mark.parametrize(
    "text",
    ["伊利的牛奶", "从哪个渠道还", "很多钱", "那么多钱", "阿姨您好", "阿拉伯数字", "你早点还吧"],
)
def test_ordinary_words_that_look_regional_are_left_alone(text):
    assert mandarin(text) == text


def test_he_in_wu_is_about_him():
    assert mandarin("伊勿在屋里") == "他不在屋里"
