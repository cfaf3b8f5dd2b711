"""Read-backs announced in ordinary words, with or without a question tag (#12).

After the customer agreed to terms, a line that restates terms behind an announcement (我给您记一下 /
我这边登记一下 / 我再跟您对一遍 / 那就是说 / 我重复一遍 / 给您备注上) is the read-back, not a new
offer: the plan is reached when it matches, and a mismatch read back this way is flagged.
"""

from __future__ import annotations

from datetime import date

import pytest

from simulator.understand import understand
from tests.fixtures.calls import TODAY, state

OPENING = (
    "A:您好，我是招商银行信用卡中心的小王。请问是陈静女士本人吗？",
    "C:对，是我。",
    "A:您尾号5512的卡欠款六千，逾期一个月了。",
)


def _after_a_yes(readback: str, reply: str):
    """The call state once the customer said yes to 6000 by 12月8号 and ``readback`` was said."""
    return state(
        *OPENING,
        "A:您看12月8号前通过微信一次性还6000，可以吗？",
        "C:行吧。",
        "A:" + readback,
        "C:" + reply,
    )


ANNOUNCED = [
    "好，我这边登记一下：12月8号前，用微信还6000元。",
    "行，我帮您记下来，12月8号前微信还六千。",
    "我再跟您对一遍，12月8号之前，微信一次性还6000。",
    "那就是说，您12月8号前通过微信还6000元。",
    "我重复一遍：12月8号前微信还款6000元。",
    "好的，给您备注上了，12月8号前微信还6000。",
    "我记录一下，十二月八号前，微信还六千块。",
]


@pytest.mark.parametrize("readback", ANNOUNCED)
def test_an_announced_restatement_after_a_yes_is_the_read_back(readback):
    s = _after_a_yes(readback, "嗯，好。")
    plan = s.plan
    assert [r.turn for r in s.readbacks] == [5]
    assert plan.reached, plan
    assert plan.steps() == {"offer": 3, "agreement": 4, "readback": 5, "confirmation": 6}
    assert [o.turn for o in s.offers] == [3]


@pytest.mark.parametrize(
    "readback",
    [
        "好，我这边登记一下：12月18号前，用微信还6000元。",
        "我再跟您对一遍，12月8号之前，支付宝一次性还6000。",
        "我重复一遍：12月8号前微信还款5000元。",
    ],
)
def test_an_announced_restatement_of_other_terms_is_a_mismatch_not_a_new_offer(readback):
    s = _after_a_yes(readback, "嗯，知道了。")
    assert [r.turn for r in s.readbacks] == [5]
    assert s.readbacks[0].differs and not s.readbacks[0].matches
    plan = s.plan
    assert not plan.reached and plan.agreement == 4
    assert plan.terms.amount.low == 6000 and plan.terms.date.due == date(2026, 12, 8)


def test_an_announcement_before_any_yes_is_still_an_offer():
    s = state(
        *OPENING,
        "A:我给您记一下，12月8号前微信还6000，您看行吗？",
        "C:行。",
    )
    assert [o.turn for o in s.offers] == [3]
    assert s.plan.agreement == 4 and not s.plan.reached


def test_a_dispute_registered_after_a_yes_is_not_a_read_back():
    s = state(
        *OPENING,
        "A:您看12月8号前通过微信一次性还6000，可以吗？",
        "C:可以。",
        "A:那笔300元的消费，我给您登记一下争议，核实后回复您。",
    )
    assert not s.readbacks


@pytest.mark.parametrize(
    "line",
    [
        "好，我这边登记一下：12月8号前，用微信还6000元。",
        "给您备注上，明天前支付宝还800",
        "我记录一下，十二月八号前，微信还六千块。",
        "我再跟您对一遍，12月8号之前，微信一次性还6000。",
        "我再念一遍，每月10号前还一千二，分8期。",
    ],
)
def test_understand_reads_an_announced_restatement_as_summarize_confirm(line):
    assert "summarize_confirm" in understand(line, today=TODAY).names


@pytest.mark.parametrize(
    "line",
    [
        "我记一下您的电话号码，稍后还会联系您",
        "我帮您记下来了，让他回个电话",
        "我给您登记一下争议，这笔300的消费我们核实后还您",
    ],
)
def test_writing_down_something_else_is_not_a_read_back(line):
    assert "summarize_confirm" not in understand(line, today=TODAY).names


@pytest.mark.parametrize(
    "readback",
    [
        "表上我现在填的是：12月8号前，微信还6000元。",
        "我没记岔吧，12月8号之前微信还六千？",
        "照刚才咱们说的，12月8号前通过微信还6000。",
    ],
)
def test_the_customer_s_check_words_mark_the_scorer_s_read_back_too(readback):
    """The words that make the customer check terms (shared in ``terms.READBACK_CHECK``) make
    the same line the read-back on the scorecard."""
    s = _after_a_yes(readback, "对。")
    assert [r.turn for r in s.readbacks] == [5]
    assert s.plan.reached, s.plan
