"""The realism judge credits plain answers and in-character refusals it used to miss — and no more.

Wordings of our own (not the bench scripts' or the personas'): a name said back (我是刘建国。),
"I am the cardholder" to a question about him, refusals that say so (跟你们没关系 / 问这些干什么 /
电话里不能随便报), asking who is calling first. The fillers and off-question replies stay misses.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from realism_judge import judge  # noqa: E402

ANSWERED = [
    ("name", "嗯，我是刘建国。身份证后四位是0417。"),
    ("name", "我是周敏，有事你说。"),
    ("relation", "什么他不他的，我就是他本人。"),
    ("relation", "没别人，就是我。"),
    ("back_time", "不用等他回来，我就是本人。"),
    ("why_late", "家里的事，一时顾不过来。"),
    ("why_late", "是我疏忽了，没看短信。"),
    ("amount_right", "这里面有两笔是盗刷，不能算我的。"),
    ("id_digits", "那几位数我记不住了。"),
]
REFUSED = [
    ("why_late", "为啥没还跟你们没关系。"),
    ("why_late", "这事不想跟你们讲。"),
    ("why_late", "你问这些干什么？"),
    ("why_late", "说了有啥用？你们又不听。"),
    ("id_digits", "电话里不能随便报身份证。"),
    ("id_digits", "这个我不敢随便说。"),
    ("name", "你是……哪位？"),
    ("name", "你工号是多少？"),
    ("id_digits", "你们是哪家的？"),
    ("capacity", "一个月多少先不说。"),
]
MISSES = [
    ("relation", "你找他干什么？"),
    ("back_time", "他呀，不在。"),
    ("why_late", "这个不重要。"),
    ("capacity", "你先说方案。"),
    ("name", "嗯。"),
    ("back_time", "嗯，你说。"),
]


@pytest.mark.parametrize(("kind", "reply"), ANSWERED)
def test_plain_answers_are_credited(kind, reply):
    assert judge(kind, reply).verdict == "answered"


@pytest.mark.parametrize(("kind", "reply"), REFUSED)
def test_refusals_said_aloud_are_credited_as_refusals(kind, reply):
    assert judge(kind, reply).verdict == "refused"


@pytest.mark.parametrize(("kind", "reply"), MISSES)
def test_replies_that_do_not_answer_stay_misses(kind, reply):
    assert not judge(kind, reply).ok


def test_a_plain_no_to_terms_and_it_is_me_to_a_message_are_answers():
    assert judge("offer", "这个我不答应。").verdict == "answered"
    assert judge("message", "不用转，我就是他本人。").verdict == "answered"
    assert not judge("message", "你说吧，我听着。").ok


def test_not_knowing_whether_the_sum_is_right_answers_it():
    assert judge("amount_right", "这个数我也不清楚，得问问他。").verdict == "answered"
    assert not judge("amount_right", "你们银行怎么老打电话？").ok


def test_it_is_me_said_as_its_own_clause_answers_a_question_about_him():
    assert judge("back_time", "哎，是我，周敏。刚才没说实话。").verdict == "answered"
    assert not judge("back_time", "是我不对，你说吧。").ok


def test_terms_more_than_all_one_earns_is_a_no():
    assert judge("offer", "这么多？我一个月挣的都不够啊。").verdict == "answered"
    assert judge("offer", "那我工资全贴进去还不够。").verdict == "answered"
    assert not judge("offer", "嗯，你接着说，我听着呢。").ok
