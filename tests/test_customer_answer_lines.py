"""Every persona's answer lines answer the question they are said to, or refuse it aloud.

The realism bench's judge (``bench/realism_judge.py``) reads each line of the situations that
answer a question (a deflection included: 多少先不说 / 说不准 are answers in kind, 这个不重要 is
not) as a reply to that kind of question. Parametrized over every shipped persona file and the
renderer's plain lines, so a line added later is checked too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from realism_judge import judge  # noqa: E402

from simulator.customer.lines import DEFAULT_LINES  # noqa: E402
from simulator.persona import load_personas  # noqa: E402

from .conftest import PERSONAS_DIR  # noqa: E402

ASKED = {
    "give_reason": ("why_late",),
    "deflect_reason": ("why_late",),
    "give_capacity": ("capacity",),
    "deflect_capacity": ("capacity",),
    "vague_capacity": ("capacity",),
    "hold_capacity": ("capacity",),
    "give_when": ("when",),
    "deflect_when": ("when",),
    "vague_when": ("when",),
    "hold_when_pay": ("when",),
    "give_channel": ("channel",),
    "hold_channel": ("channel",),
    "hold_why_late": ("why_late",),
    "amount_ok": ("amount_right",),
    "dispute": ("amount_right",),
    "hold_amount_right": ("amount_right",),
    "confirm_name": ("name",),
    "verify_ok": ("id_digits", "name"),
    "verify_refuse": ("id_digits",),
    "ask_who": ("name", "id_digits"),
    "third_party_who": ("relation", "who_speaking"),
    "third_party_back": ("back_time",),
    "third_party_message": ("message",),
    "third_party_not_me": ("id_digits",),
    "i_am_cardholder": ("relation", "back_time", "name"),
}
"""Situation → the bench's question kinds its lines answer."""
SLOTS = {
    "name": "王丽娟",
    "cardholder": "李强",
    "relation": "妈妈",
    "back_time": "晚上七点",
    "pay_channel": "手机银行",
    "channel": "微信",
    "capacity": "两千",
    "amount": "两千",
    "months": "六",
    "date": "12月2号",
    "id_last4": "0417",
    "debt": "六千",
    "disputed_amount": "四千八",
    "disputed_merchant": "一家网店",
    "reason": "厂里停工了",
    "lump_sum": "三千",
    "lump_sum_date": "12月2号",
    "minimum": "六百",
    "card_last4": "5521",
    "other_banks": "工行",
    "earlier": "不找我家里人",
}
PERSONAS = load_personas(PERSONAS_DIR)
SOURCES = {"plain lines": DEFAULT_LINES} | {p: lp.persona.lines for p, lp in PERSONAS.items()}
CASES = [
    pytest.param(source, situation, line, kind, id=f"{source}-{situation}-{i}-{kind}")
    for source, lines in SOURCES.items()
    for situation, kinds in ASKED.items()
    for i, line in enumerate(lines.get(situation) or ())
    for kind in kinds
]


@pytest.mark.parametrize(("source", "situation", "line", "kind"), CASES)
def test_an_answer_line_answers_its_question_in_kind(source, situation, line, kind):
    verdict = judge(kind, line.format(**SLOTS))
    assert verdict.ok, f"{source}: lines.{situation}: {line!r} does not answer {kind}"
