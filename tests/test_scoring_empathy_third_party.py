"""What a third party says is not a hardship the agent must answer (#12)."""

from __future__ import annotations

import pytest

from scoring import default_rubric, score
from tests.fixtures.calls import criterion as crit
from tests.fixtures.calls import transcript as call

RUBRIC = default_rubric()


@pytest.mark.parametrize(
    "who",
    [
        "我是他们家请的阿姨，家里就我一个。",
        "我爸爸不在家，我是他女儿。",
        "我是他老婆，他去医院看朋友了。",
        "这是我老公的手机，孩子在哭，我先挂了。",
    ],
)
def test_a_third_party_s_words_are_no_empathy_opportunity(who):
    card = score(
        call(
            "C:喂？",
            "A:您好，我是招商银行信用卡中心的小钱。请问是方明先生本人吗？",
            "C:" + who,
            "A:好的，麻烦您转告他回个电话，号码是4008205555，谢谢。",
            "C:好。",
            "A:再见。",
        ),
        RUBRIC,
    )
    ack = crit(card, "empathy_ack")
    assert ack is None or ack["passed"], ack
    assert crit(card, "summarize_confirm") is None


def test_the_cardholder_s_hardship_after_a_handover_still_wants_an_answer():
    card = score(
        call(
            "C:喂？",
            "A:您好，我是招商银行信用卡中心的小钱。请问是方明先生本人吗？",
            "C:我是他老婆，你等一下。",
            "A:好的。",
            "C:喂，我就是方明本人，我最近住院了。",
            "A:方先生您好，您尾号4410的卡欠款五千，您看什么时候能还？",
            "C:下个月吧。",
            "A:好，再见。",
        ),
        RUBRIC,
    )
    ack = crit(card, "empathy_ack")
    assert ack is not None and ack["points"] == 0
