import json
from pathlib import Path

from simulator.ui.scorecard import (
    messages,
    missed_markdown,
    mood_frame,
    plan_text,
    scorecard_markdown,
    turn_context,
    violation_rows,
)

SCORECARD = json.loads((Path(__file__).parent / "fixtures" / "scorecard.json").read_text("utf-8"))
TURNS = [
    {"idx": 0, "speaker": "customer", "text": "喂？", "anger": 20, "trust": 30},
    {"idx": 1, "speaker": "agent", "text": "您好，我是招商银行的小王。"},
    {"idx": 2, "speaker": "customer", "text": "什么事？", "anger": 25, "trust": 35},
    {"idx": 3, "speaker": "agent", "text": "不还钱我们会找人去你家。"},
    {"idx": 4, "speaker": "customer", "text": "你威胁我？", "anger": 70, "trust": 10},
]


def test_headline_shows_overall_verdict_dimensions_plan_and_ending():
    md = scorecard_markdown(SCORECARD, "customer_hangup")
    assert "总分 58" in md and "未通过" in md
    assert "| 40 | 70 | 65 |" in md
    assert "每月 2,500 元，分 12 期" in md and "2026-12-05" in md and "手机银行" in md
    assert "（第6句）" in md  # turn 5 is the sixth line
    assert "客户挂断" in md


def test_missing_scorecard_says_the_call_is_kept():
    md = scorecard_markdown(None, "agent_end")
    assert "暂时无法评分" in md and "已完整保存" in md


def test_violation_rows_name_turn_severity_title_and_quote():
    rows = violation_rows(SCORECARD)
    # the basis is the rubric's citation as it reads now, not the one stored with the score
    basis = "《商业银行信用卡业务监督管理办法》第68条；中国银行业协会催收工作指引2026（二手资料）"
    assert rows[0] == ["第4句", "严重", "威胁恐吓", "我们会找人去你家", basis]
    assert rows[1][0] == "整通电话"  # a call-level violation has no turn
    # a scorecard of a rubric that is gone keeps what it carries
    gone = {**SCORECARD, "rubric": {"id": "retired_rubric", "version": "x"}}
    assert violation_rows(gone)[0][2:] == ["威胁恐吓", "我们会找人去你家", "M2011 Art. 68"]


def test_missed_steps_leave_out_violations_and_carry_advice():
    md = missed_markdown(SCORECARD)
    assert "询问逾期原因" in md and "用开放式问题" in md
    assert "威胁恐吓" not in md and "自我介绍" not in md


def test_plan_not_reached():
    assert plan_text({"reached": False, "amount": None}) == "未达成还款计划"
    assert plan_text(None) == "未达成还款计划"


def test_messages_put_trainee_right_and_mark_a_highlighted_turn():
    msgs = messages(TURNS, highlight=3)
    assert [m["role"] for m in msgs] == ["assistant", "user", "assistant", "user", "assistant"]
    assert "<mark>" in msgs[3]["content"] and "第4句" in msgs[3]["content"]
    assert all("<mark>" not in m["content"] for i, m in enumerate(msgs) if i != 3)


def test_turn_context_quotes_neighbours_and_bolds_the_line():
    md = turn_context(TURNS, 3)
    assert "**第4句 · 您：不还钱我们会找人去你家。**" in md
    assert "第3句 · 客户" in md and "第5句 · 客户" in md and "第1句" not in md
    assert "整通电话" in turn_context(TURNS, None)


def test_mood_frame_has_anger_and_trust_per_customer_line():
    frame = mood_frame(TURNS)
    assert len(frame) == 6
    anger = frame[frame["指标"] == "愤怒"]["数值"].tolist()
    assert anger == [20, 25, 70]
    assert mood_frame([]).empty


def test_a_third_party_calls_plan_line_says_it_does_not_apply():
    """#15: a call answered by someone else is not 未达成还款计划 but 本通不适用."""
    from scoring.plan_words import plan_status
    from simulator.ui.scorecard import plan_text

    plan = {"reached": False, "applies": False, "not_applicable": "third_party", "agreed": False}
    assert plan_text(plan) == "本通不适用（接听人不是持卡人）"
    assert plan_status(plan) == "本通不适用（接听人不是持卡人）"
    assert plan_text({"reached": False, "applies": True, "agreed": False}) == "未达成还款计划"
