"""Which question the trainee asks, on the issue's lines and on paraphrases of them."""

from __future__ import annotations

from datetime import date

import pytest

from simulator.customer import QUESTIONS, ask
from simulator.understand import understand

TODAY = date(2026, 11, 28)
NAMES = ("王丽娟", "徐桂芳", "李强", "何静")

CASES = [
    # identity by name
    ("请问是王丽娟女士吗？", {"name"}),
    ("喂，徐桂芳是吧？", {"name"}),
    ("您好，请问您是王女士吗？", {"name"}),
    ("是何静本人吗？", {"name"}),
    ("丽娟是吧？", {"name"}),
    # ID digits
    ("麻烦报一下身份证后四位。", {"id_digits"}),
    ("请您说一下证件号码的最后四位，核对一下。", {"id_digits"}),
    ("请问是李强本人吗？麻烦您报一下身份证后四位核实一下身份。", {"name", "id_digits"}),
    ("您的出生日期是？", {"id_digits"}),
    # a third party
    ("请问您是李强的什么人？", {"relation"}),
    ("您跟李强是什么关系？", {"relation"}),
    ("您是他妈妈吧？", {"relation"}),
    ("请问您是哪位？", {"who_are_you"}),
    ("请问怎么称呼您？", {"who_are_you"}),
    ("他大概什么时候在家？", {"when_back"}),
    ("他一般几点到家？", {"when_back"}),
    ("怎么才能联系上他？", {"when_back"}),
    ("他几点下班？", {"when_back"}),
    ("请问李强在家吗？", {"is_in", "name"}),  # the cardholder answers 我就是, a relative 他不在
    # money
    ("方便说一下是遇到什么困难了吗？", {"why_late"}),
    ("怎么一直没还呢？", {"why_late"}),
    ("那您每个月大概能还多少呢？", {"capacity"}),
    ("您一个月最多能拿出多少？", {"capacity"}),
    ("那您哪天能还上？", {"when_pay"}),
    ("您最快什么时候能先还一部分？", {"when_pay"}),
    ("您每个月能还多少，什么时候能开始还？", {"capacity", "when_pay"}),
    ("您看通过什么方式还款方便？", {"channel"}),
    ("您打算用微信还是支付宝还？", {"channel"}),
    ("您平时怎么还款呢？", {"channel"}),
    ("您现在欠款是5320元，这个金额没问题吧？", {"amount_right"}),
    ("账单金额您核对一下，对吗？", {"amount_right"}),
    # say it again
    ("您刚才说什么？我没听清。", {"repeat"}),
    ("不好意思，能再说一遍吗？", {"repeat"}),
    ("啊？", {"repeat"}),
    ("我再说一遍，您每个月还840元，分5期，您看可以吗？", set()),  # the trainee repeats
    # not questions to answer
    ("您好，我是信用卡中心的客服小李，工号1024，本次通话会录音。", set()),
    ("您每个月还1000元，分12期，您看可以吗？", set()),
    ("跟您确认一下，每月一千九百五，分12期，12月4号前还，对吗？", set()),
    ("我们不会联系您家人的，您放心。", set()),
    ("我理解您现在的难处。", set()),
    ("好的，感谢您的配合，再见。", set()),
]


@pytest.mark.parametrize(("text", "kinds"), CASES)
def test_the_question_asked(text, kinds):
    found = ask(understand(text, today=TODAY), names=NAMES)
    assert {q.kind for q in found} == kinds, [(q.kind, q.quote) for q in found]
    assert all(q.kind in QUESTIONS for q in found)


def test_to_a_relative_is_he_in_is_not_a_check_of_identity():
    u = understand("请问李强在家吗？", today=TODAY)
    assert [q.kind for q in ask(u, names=NAMES, third_party=True)] == ["is_in"]


def test_the_bare_text_works_too():
    assert [q.kind for q in ask("您是他什么人？")] == ["relation"]
