"""A thank-you is a goodbye only when the call is closing; a question after a preamble is asked.

Wordings of our own, not the development scripts': thanks said mid-call before a question or a
new topic goes on with the call, thanks with words of leave and nothing asked ends it, and a
question after a long formal preamble (regulations, a recording notice) is still the question.
"""

from __future__ import annotations

from datetime import date

import pytest

from simulator.customer.questions import ask
from simulator.persona import load_personas
from simulator.policy import Policy
from simulator.understand import understand

from .conftest import PERSONAS_DIR

TODAY = date(2026, 11, 28)
PERSONAS = load_personas(PERSONAS_DIR)


def reply(pid: str, *lines: str):
    policy = Policy(PERSONAS[pid].persona, today=TODAY, seed=0)
    move = None
    for line in lines:
        move = policy.decide(understand(line, today=TODAY))
    return move


@pytest.mark.parametrize(
    "line",
    [
        "谢谢您的耐心。为了核实身份，麻烦报一下您身份证的后四位？",
        "好的，感谢您的理解，那您这个月大概能先还多少？",
        "多谢配合。接下来跟您说一下这笔欠款的情况，您看什么时候方便处理？",
        "辛苦您了，那欠下的这笔钱您准备如何安排？",
    ],
)
def test_thanks_before_a_question_goes_on_with_the_call(line):
    move = reply("cooperative_wang", "您好，请问是王丽娟女士吗？", line)
    assert move.ends_call is None
    assert move.situation != "close"


@pytest.mark.parametrize(
    "line",
    ["好的，谢谢您，再见。", "那今天就先这样，感谢配合。", "谢谢您接听，祝您生活愉快。"],
)
def test_thanks_with_words_of_leave_and_nothing_asked_closes(line):
    move = reply("cooperative_wang", "您好，请问是王丽娟女士吗？", line)
    assert move.situation == "close"


def test_a_relative_thanked_mid_call_still_answers_the_question():
    move = reply(
        "third_party_mother_li",
        "您好，请问李强在家吗？",
        "感谢您告知。依照公司的流程，我需要登记一下，请问您跟他是什么关系？",
    )
    assert move.ends_call is None
    assert move.situation != "close"


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("按照监管要求，为了保障信息安全，本次通话会被记录，请问您是哪一位？", "who_are_you"),
        ("依据本行相关管理办法，在沟通具体事项之前，请问接电话的是哪一位？", "who_are_you"),
        (
            "依照合同约定及相关法律法规，您的账户目前处于逾期状态，请问您打算哪天处理？",
            "when_pay",
        ),
        (
            "依据信用卡业务相关管理办法，为保障您的合法权益，请问您现在每月的还款能力大概多少？",
            "capacity",
        ),
        (
            "本行提供柜台、网银、自动扣款等途径，为便于登记，请问您准备选用哪一种方式还款？",
            "channel",
        ),
    ],
)
def test_a_question_after_a_formal_preamble_is_asked(line, kind):
    assert kind in [q.kind for q in ask(line, names=("王丽娟",))]
