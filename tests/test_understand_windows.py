"""A violation slipped into a long, mostly lawful turn is found; a long lawful turn stays clean.

The kind: read whole, a long turn dilutes the few words that violate, and the example layer's
probability falls below its threshold. The lines here were written for this test, in the
project's own words, not taken from any corpus split.
"""

from __future__ import annotations

from datetime import date

import pytest

from simulator.understand import understand
from simulator.understand.normalize import normalize_with_map
from simulator.understand.windows import MIN_CLAUSES, SIZE, STRIDE, windows

DAY = date(2026, 11, 20)

SLIPPED_IN = [
    (
        "induce_borrowing",
        "王先生，您的情况我都记下了，工资下个月才发，这个我理解，家里老人看病也要花钱，"
        "那您看这样行不行，您那几个关系好的同学，每人先凑个两三千给您，先把这期结了，"
        "下个月我们再慢慢谈分期。",
        # missed by the ninth session's index among the plan words; since the tenth a rule
        # reads the sum split among friends (每人先凑个两三千)
    ),
    (
        "threat",
        "好的好的，我先给您核对一下，欠款一万三千二，最低还款两千，逾期五十一天，"
        "您说下周一能还一部分，我记下了，不过说句实在话，您住的那个小区我们同事上个月刚去过，"
        "门口那家早餐店挺有名的哈，您自己掂量掂量。",
    ),
    (
        "third_party_pressure",
        "嗯嗯，您说，我在听，您最近确实不容易，换工作又赶上孩子上学，"
        "可是您这一直拖着也不是办法呀，您登记的那几位联系人，您表哥、您原来的同事，"
        "我们这周都会挨个打过去，问问他们知不知道您的情况。",
    ),
    (
        # missed by the seventh session's index (its insult floor 0.20 was above this window's
        # nearest insult line, 0.188 alike); found again since the eighth session's build
        "insult",
        "女士，我再说一遍，您的最低还款是一千八，今天之内还进来就不算逾期加重，"
        "可以用手机银行，也可以去柜台，您说不会操作？都快四十的人了，"
        "这么简单的事都学不会，脑子里装的都是啥呀，行吧，我一步步教您。",
    ),
]

LAWFUL_LONG = [
    "先生，我理解您现在压力大，您刚才说有朋友劝您去网上借钱先还上，这个我真心不建议，"
    "借新还旧只会越滚越多，咱们这边可以申请分期，每个月还您能承受的数，您看分十二期怎么样？",
    "您别担心，我们这边的流程很清楚，逾期会按合同计息，也会如实报送征信，"
    "但是不会联系您的单位和家人，也不存在什么上门抓人的说法，那些都是网上乱传的，"
    "您今天把最低还款还上，后面就好办了。",
    # read alone, 就是最好的处理方式 resembles 相信您很快就会明白我们的处理方式 (a veiled threat)
    "我跟您说明一下，银行协商不成的话确实有可能起诉，但起诉是民事程序，"
    "最后怎么判由法院决定，跟坐牢完全是两回事，您现在主动来谈，就是最好的处理方式，"
    "我这边先帮您登记一个还款计划。",
]


@pytest.mark.parametrize(("act", "text"), SLIPPED_IN)
def test_a_violation_slipped_into_a_long_turn_is_found(act: str, text: str) -> None:
    found = understand(text, today=DAY)
    acts = {a.name: a for a in found.violations}
    assert act in acts, (act, found.names, found.extra.get("examples"))
    # the quote is the trainee's words around the violation, not the whole turn
    assert len(acts[act].quote) < len(text)


@pytest.mark.parametrize("text", LAWFUL_LONG)
def test_a_long_lawful_turn_stays_clean(text: str) -> None:
    found = understand(text, today=DAY)
    assert found.violations == (), [(a.name, a.quote, a.source) for a in found.violations]


def test_windows_are_runs_of_consecutive_clauses_with_their_offsets() -> None:
    nm = normalize_with_map("一二，三四，五六，七八，九十")
    got = [(offset, w.text) for offset, w in windows(nm)]
    assert (SIZE, STRIDE) == (3, 2)
    assert got == [(0, "一二三四五六"), (4, "五六七八九十")]
    # the last window ends at the last clause even off the stride
    four = normalize_with_map("一二，三四，五六，七八")
    assert [(offset, w.text) for offset, w in windows(four)] == [
        (0, "一二三四五六"),
        (2, "三四五六七八"),
    ]
    assert windows(normalize_with_map("一二，三四，五六")) == []
    assert MIN_CLAUSES == SIZE + 1


def test_a_window_keeps_the_original_words_for_the_quote() -> None:
    nm = normalize_with_map("您好，我們這邊，幫您看看，有沒有合適的方案")  # four clauses
    (_, first), (_, second) = windows(nm)
    assert first.original == "您好，我們這邊，幫您看看"
    assert second.original == "我們這邊，幫您看看，有沒有合適的方案"
