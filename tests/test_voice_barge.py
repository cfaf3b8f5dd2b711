"""Barge-in: a customer line the trainee spoke over is stored, shown and scored as far as it was said."""

import json

import pytest

from simulator.ui import call_flow
from simulator.ui.call_flow import INTERRUPTED, STATUS, PracticeState
from simulator.voice.barge import INTERRUPTED_MARK, parse_played, said_part
from tests.fixtures.fakes import make_services

LINE = "我跟你讲，饭馆这一年生意一直不好，上个月又换了灶台，钱压住了。"
INTRO = "您好，我是招商银行信用卡中心的小王，工号1234，本次通话会录音。"


@pytest.fixture
def services(tmp_path):
    svc = make_services(tmp_path / "data")
    yield svc
    svc.store.close()


def played(seconds: float, of: float) -> str:
    return json.dumps({"played": seconds, "duration": of, "at": 1})


@pytest.mark.parametrize(
    ("share", "said"),
    [
        (0.0, ""),
        (0.01, ""),  # not even one syllable: nothing was said
        (0.15, "我跟你讲"),  # the comma after it is dropped: the line was broken off
        (0.2, "我跟你讲，饭"),
        (0.5, "我跟你讲，饭馆这一年生意一直不"),  # a half-said syllable is not counted
        (0.97, LINE),
        (1.0, LINE),
    ],
)
def test_said_part_is_the_start_of_the_line_in_proportion_to_playback(share, said):
    assert said_part(LINE, share) == said


def test_said_part_never_grows_with_less_playback():
    lengths = [len(said_part(LINE, s / 100)) for s in range(101)]
    assert lengths == sorted(lengths)


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "",
        "{",
        '{"played": 1}',
        played(-1, 3),
        played(1, 0),
        '{"played": "NaN", "duration": 2}',
    ],
)
def test_unusable_reports_cut_nothing(payload):
    assert parse_played(payload) is None


def test_played_past_the_end_is_the_end():
    assert parse_played(played(5.0, 3.0)) == (3.0, 3.0)


def test_a_cut_line_is_stored_shown_marked_and_scored_as_said(services):
    state, _ = call_flow.start(services, PracticeState(), "hostile_zhang", seed=7)
    state, _ = call_flow.say(services, state, INTRO)
    call = state.call
    full = call.turns[-1].text
    assert call.turns[-1].speaker == "customer" and len(full) > 4

    view = call_flow.cut_off(services, state, played(0.4, 2.0))

    said = said_part(full, 0.2)
    assert view is not None and view.status == STATUS["waiting"]
    assert view.messages[-1]["content"] == said + INTERRUPTED_MARK + INTERRUPTED
    assert call.turns[-1].text == said + INTERRUPTED_MARK
    row = services.store.session(call.session_id)["turns"][-1]
    assert row["text"] == said + INTERRUPTED_MARK
    assert row["meta"]["interrupted"] is True
    assert said + row["meta"]["unsaid"] == full
    # the scorer reads the stored transcript: the unsaid words are not in it
    transcript = services.store.transcript(call.session_id)
    assert transcript["turns"][-1]["text"] == said + INTERRUPTED_MARK
    assert full not in json.dumps(transcript, ensure_ascii=False) or said == full

    # the next turn goes on from the cut line, and a second report cuts nothing more
    assert call_flow.cut_off(services, state, played(0.1, 2.0)) is None
    state, view = call_flow.say(services, state, "请问是张卫东先生本人吗？")
    assert view.phase == "call" and view.messages[2]["content"].endswith(INTERRUPTED)
    state, result = call_flow.hang_up(services, state)
    assert result.phase == "result"
    assert result.session["turns"][2]["text"] == said + INTERRUPTED_MARK


def test_nothing_playing_or_played_whole_or_the_trainees_turn_cuts_nothing(services):
    state, _ = call_flow.start(services, PracticeState(), "hostile_zhang", seed=7)
    full = state.call.turns[-1].text
    assert call_flow.cut_off(services, state, "") is None
    assert call_flow.cut_off(services, state, played(2.0, 2.0)) is None
    assert state.call.turns[-1].text == full
    assert call_flow.cut_off(services, PracticeState(), played(0.5, 2.0)) is None


def test_a_line_cut_before_its_first_syllable_is_stored_as_broken_off(services):
    state, _ = call_flow.start(services, PracticeState(), "hostile_zhang", seed=7)
    view = call_flow.cut_off(services, state, played(0.0, 2.0))
    assert view is not None
    assert state.call.turns[-1].text == INTERRUPTED_MARK
    assert view.messages[-1]["content"] == INTERRUPTED_MARK + INTERRUPTED
