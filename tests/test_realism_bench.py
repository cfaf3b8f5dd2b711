"""The realism bench's machinery and its judge (bench/realism*.py), not the bench's figures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import realism  # noqa: E402
from realism_judge import KINDS, corrects, gives_id_digits, is_filler, judge  # noqa: E402
from realism_play import ScriptError, load_script, load_scripts, play  # noqa: E402

from simulator.persona import load_persona  # noqa: E402

PERSONAS = BENCH.parent / "personas"

ANSWERED = [
    ("who_speaking", "不是，我是他妈妈。"),
    ("who_speaking", "我就是张卫东。"),
    ("relation", "我是他同事，他手机落我这儿了。"),
    ("back_time", "他上班去了，晚上七点以后才回来。"),
    ("back_time", "这个我也说不准，他最近老加班。"),
    ("name", "对，我就是。"),
    ("name", "是我，什么事？"),
    ("name", "不是，你打错了。"),
    ("id_digits", "后四位0935。"),
    ("id_digits", "身份证后四位是零九三五。"),
    ("why_late", "去年车出了事故，赔了一大笔钱。"),
    ("why_late", "公司裁员，我没工作了。"),
    ("capacity", "一个月最多两千五。"),
    ("capacity", "我现在一分钱都拿不出来。"),
    ("when", "下个月15号发了工资就还。"),
    ("when", "这周五之前吧。"),
    ("channel", "我用手机银行转。"),
    ("channel", "都行，你说哪个方便。"),
    ("amount_right", "对，是这个数。"),
    ("amount_right", "不对，那笔三千二不是我刷的。"),
    ("offer", "行，就这么办。"),
    ("offer", "太多了，一个月两千我还能试试。"),
    ("readback", "对，没错。"),
    ("readback", "嗯，就是这么回事，到日子我就还。"),
    ("offer", "没错，就按这个来。"),
    ("offer", "那笔是盗刷的，我不还。"),
    ("readback", "不对，我说的是每月一千九百五，十二期。"),
    ("message", "行，我跟他说一声。"),
]
REFUSED = [
    ("id_digits", "凭什么告诉你？你先说你是哪儿的。"),
    ("name", "你谁啊？先把话说清楚！"),
    ("why_late", "为什么没还跟你有什么关系？"),
    ("capacity", "能还多少我自己清楚，不用你管。"),
]
NON_SEQUITURS = [
    ("back_time", "你说什么？我没听懂。"),
    ("relation", "嗯，你找谁呀？"),
    ("name", "好什么呀"),
    ("capacity", "嗯，我在听。"),
    ("when", "嗯，你说。"),
    ("amount_right", "不好意思，你刚才说的什么？"),
]
OTHER = [
    ("relation", "你们怎么能这样打电话到家里来？"),
    ("capacity", "你吓唬谁呢？"),
    ("name", "没事，你录。"),  # a reply to the recording notice, not to the name
    ("back_time", "他上班去了，不在家。"),  # says where, not when
]


@pytest.mark.parametrize(("kind", "reply"), ANSWERED)
def test_judge_credits_answers(kind, reply):
    assert judge(kind, reply).verdict == "answered"


@pytest.mark.parametrize(("kind", "reply"), REFUSED)
def test_judge_credits_refusals_in_character(kind, reply):
    v = judge(kind, reply)
    assert v.verdict == "refused" and v.ok


@pytest.mark.parametrize(("kind", "reply"), NON_SEQUITURS)
def test_judge_flags_fillers_as_non_sequiturs(kind, reply):
    v = judge(kind, reply)
    assert v.verdict == "non_sequitur" and not v.ok


@pytest.mark.parametrize(("kind", "reply"), OTHER)
def test_judge_does_not_credit_replies_that_miss_the_question(kind, reply):
    assert judge(kind, reply).verdict == "other"


def test_judge_repeat_needs_the_previous_line_again():
    previous = "他上班去了，晚上七点以后才回来。"
    assert judge("repeat", "晚上七点以后。", previous=previous).verdict == "answered"
    assert judge("repeat", "我不是刚才说了吗？", previous=previous).verdict == "answered"
    assert judge("repeat", "啥？你再说一遍？", previous=previous).verdict == "non_sequitur"


def test_a_hang_up_is_a_refusal_and_unknown_kinds_are_errors():
    assert judge("capacity", "懒得跟你废话，挂了！", hung_up=True).verdict == "refused"
    with pytest.raises(ValueError, match="unknown question kind"):
        judge("weather", "晴天")
    assert set(KINDS) >= {"name", "id_digits", "back_time", "repeat"}


def test_fillers_are_only_whole_replies_of_filler():
    assert is_filler("嗯，我在听。") and is_filler("嗯，然后呢？")
    assert not is_filler("嗯，我一个月能还两千。")


def test_wrong_read_backs_corrected_rejected_or_confirmed():
    back = "好，我跟您核对一下：每个月两千三，分九期，12月2号之前还第一期，对吧？"
    assert corrects("你记错了吧？是一个月两千三，三期。", back) == "corrected"
    assert corrects("每个月两千三，分三期。", back) == "corrected"  # other terms said
    assert corrects("对，没错。", back) == "confirmed"
    assert corrects("嗯，每个月两千三，九期。", back) == "confirmed"
    assert corrects("不行，拿不出来。", back) == "rejected"


def test_id_digits_in_arabic_and_chinese():
    assert gives_id_digits("嗯，本人。尾号0935。", "0935")
    assert gives_id_digits("后四位是零九三五", "0935")
    assert not gives_id_digits("对，我就是。", "0935")


def test_spoken_numbers():
    assert realism.spoken_round(2500) and realism.spoken_round(1950)
    assert not realism.spoken_round(2340) and not realism.spoken_round(696)
    assert realism.months_said("分十二期吧，一个月两千") == [(12,)]
    assert realism.months_said("剩下的分两三个月") == [(2, 3)]


SCRIPT = """
label: 测试
respectful: true
cardholder:
  - say: 您好，我是信用卡中心的小李，工号1024，本次通话会录音。
  - say: 请问您是{name}本人吗？
    asks: name
  - say: 您每个月大概能还多少？
    asks: capacity
  - offer: capacity
    say: 那每个月{amount}，分{months}期，{date}之前还第一期，可以吗？
    asks: offer
  - readback: wrong
    say: 跟您核对一下，每个月{amount}，分{months}期，对吗？
    say_lump: 跟您核对一下，{date}之前还{amount}，对吗？
    asks: readback
third_party:
  - say: 请问他什么时候回来？
    asks: back_time
"""


def test_bench_plays_a_script_through_the_engine(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    script = load_script(path)
    lp = load_persona(PERSONAS / "cooperative_wang.yaml")
    played = play(script, lp, seed=0)
    assert played.opening and played.exchanges
    assert played.exchanges[1].agent == f"请问您是{lp.persona.brief.name}本人吗？"
    assert all(e.reply for e in played.exchanges)
    assert played.ended_by
    again = play(script, lp, seed=0)
    assert [e.reply for e in again.exchanges] == [e.reply for e in played.exchanges]

    tally = realism.Tally()
    realism.tally_call(tally, played, show=5)
    assert tally.calls == 1
    assert tally.questions == sum(len(e.asks) for e in played.exchanges)
    assert tally.replies_unasked >= 1


def test_third_party_branch_is_taken(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    lp = load_persona(PERSONAS / "third_party_mother_li.yaml")
    played = play(load_script(path), lp, seed=1)
    assert "third_party" in {e.branch for e in played.exchanges}


def test_bad_scripts_name_the_file_and_step(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "cardholder:\n  - say: 你好\n    asks: weather\nthird_party:\n  - say: 再见\n",
        encoding="utf-8",
    )
    with pytest.raises(ScriptError, match=r"bad.yaml: cardholder: step #0: unknown question kind"):
        load_script(path)


@pytest.mark.parametrize("folder", ["", "heldout"])
def test_every_shipped_script_loads_and_asks_every_kind(folder):
    scripts = load_scripts(BENCH / "realism_scripts" / folder)
    assert len(scripts) >= (6 if not folder else 2)
    asked = {k for s in scripts for step in s.cardholder + s.third_party for k in step.asks}
    assert asked == set(KINDS)


def test_relation_words_count_only_said_of_themselves():
    assert judge("relation", "我是他妈妈。").verdict == "answered"
    assert judge("relation", "你这话什么意思？我儿子怎么了？").verdict == "answered"
    assert judge("relation", "嗯，你这孩子说话还挺客气的。").verdict == "other"


def test_generic_confusion_is_a_non_sequitur_but_a_dispute_answers_the_sum():
    assert judge("capacity", "这个跟还款有关系吗？").verdict == "non_sequitur"
    assert judge("when", "对不起，您能再说一遍吗？").verdict == "non_sequitur"
    assert judge("amount_right", "账单里那笔两千三百九十九块根本不是我买的。").verdict == "answered"
    assert judge("name", "嗯，我是。什么事？").verdict == "answered"


def test_tally_counts_what_the_bench_promises(tmp_path):
    """A hand-written call: each figure's count moves for exactly the reason it documents."""
    from realism_play import Exchange, Played

    path = tmp_path / "small.yaml"
    path.write_text(SCRIPT, encoding="utf-8")
    lp = load_persona(PERSONAS / "hostile_zhang.yaml")
    id4 = lp.persona.facts.id_last4
    played = Played(load_script(path), lp, 0, "喂，哪个？", 60)
    played.exchanges = [
        Exchange("请问您是张卫东本人吗？", ("name",), f"是我，后四位{id4}。", "喂，哪个？", 58),
        Exchange("您每个月能还多少？", ("capacity",), "嗯，我在听。", "", 50),
        Exchange("您每个月能还多少？", ("capacity",), "一个月两千三百三，分四十一期。", "", 40),
        Exchange(
            "跟您核对一下，每个月两千三，分九期，对吗？",
            ("readback",),
            "对，没错。",
            "",
            20,
            readback="wrong",
        ),
        Exchange("好的，再见。", (), "嗯，我在听。", "", 20),
    ]
    tally = realism.Tally()
    realism.tally_call(tally, played, show=10)
    assert tally.questions == 4
    assert tally.verdicts == {"answered": 3, "non_sequitur": 1}
    assert tally.id_unasked == 1  # digits given to a name question
    assert (tally.numbers, tally.round_numbers) == (2, 0)  # 2330 and 41 months
    assert tally.wrong_readbacks == {"confirmed": 1}
    assert (tally.repeated_lines, tally.calls_with_repeats) == (1, 1)
    assert realism.calming(played) == (4, 20)  # anger 40 → 20 on the 4th line


def test_the_table_hears_a_yes_only_to_terms_put_and_follows_the_latest_counter():
    """一个月三千都没问题 before any offer states capacity; a later counter replaces the earlier one."""
    from datetime import date

    from realism_play import _Table

    table = _Table(load_persona(PERSONAS / "cooperative_short_liu.yaml"), date(2026, 11, 28))
    table.hear("钱不是问题，一个月三千块都没问题。")
    assert table.agreed is None
    table.hear("这么说吧，12月3号之前先还四千五块，你看行不行？")
    assert table.proposed is not None and table.proposed.amount == 4500
    table.hear("分那么多期干嘛。一个月两千一块，分六个月，12月2号开始还。")
    assert (table.proposed.amount, table.proposed.months) == (2100, 6)
