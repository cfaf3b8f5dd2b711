"""The practice handlers called directly, over real SQLite, real personas and the real scorer."""

import pytest

from simulator.services import Exchange, Services
from simulator.ui import call_flow, history
from simulator.ui.call_flow import STATUS, PracticeState
from tests.fixtures.fakes import SPOKEN_LINE, BrokenASR, make_services
from tests.fixtures.speech import speech_wav

INTRO = "您好，我是招商银行信用卡中心的小王，工号1234，本次通话会录音。"
VERIFY = "请问是张卫东先生本人吗？麻烦报一下身份证后四位。"
ABUSE = "你这种老赖不要脸，再不还钱就找人去你家，让你坐牢！"


@pytest.fixture
def services(tmp_path):
    svc = make_services(tmp_path / "data")
    yield svc
    svc.store.close()


def dial(services, persona="hostile_zhang", **kw):
    kw.setdefault("seed", 7)
    return call_flow.start(services, PracticeState(), persona, **kw)


def test_start_needs_a_customer(services):
    state, view = call_flow.start(services, PracticeState(), None)
    assert view.phase == "setup" and "请先选择一位客户" in view.notice
    assert state.call is None


def test_start_rejects_an_unreadable_call_time(services):
    _, view = dial(services, call_time="明天下午")
    assert view.phase == "setup" and "2026-11-20 14:30" in view.notice


def test_start_plays_the_opening_and_stores_the_call_for_this_user(services):
    state, view = dial(services, user="trainee1", call_time="2026-11-20 14:30")
    assert view.phase == "call"
    assert view.messages == [{"role": "assistant", "content": state.call.turns[0].text}]
    assert view.status == STATUS["waiting"]  # no voice backend: nothing to wait for
    row = services.store.session(state.call.session_id)
    assert row["user"] == "trainee1" and row["seed"] == 7
    assert row["started_at"].startswith("2026-11-20T14:30")


def test_typed_turns_grow_the_transcript_and_are_stored(services):
    state, _ = dial(services)
    state, view = call_flow.say(services, state, INTRO)
    state, view = call_flow.say(services, state, VERIFY)
    assert [m["role"] for m in view.messages] == [
        "assistant",
        "user",
        "assistant",
        "user",
        "assistant",
    ]
    assert view.messages[3]["content"] == VERIFY
    assert len(services.store.session(state.call.session_id)["turns"]) == 5


def test_empty_typed_line_is_a_notice_not_a_turn(services):
    state, _ = dial(services)
    state, view = call_flow.say(services, state, "   ")
    assert view.phase == "call" and "请先输入" in view.notice
    assert len(state.call.turns) == 1


def test_a_recording_is_recognised_and_answered(services, tmp_path):
    wav = speech_wav(tmp_path / "speech.wav")
    state, _ = dial(services)
    state, view = call_flow.listen(services, state, str(wav))
    assert view.phase == "call" and not view.notice
    assert view.messages[1] == {"role": "user", "content": SPOKEN_LINE}
    assert len(services.asr.received) == 1
    turn = services.store.session(state.call.session_id)["turns"][1]
    assert turn["audio"]  # the trainee's recording is kept for replay


def test_failed_recognition_is_a_notice_and_typing_still_works(tmp_path):
    svc = make_services(tmp_path / "data", asr=BrokenASR())
    wav = speech_wav(tmp_path / "speech.wav")
    state, _ = dial(svc)
    state, view = call_flow.listen(svc, state, str(wav))
    assert view.phase == "call" and "请直接打字" in view.notice
    assert len(state.call.turns) == 1  # nothing stored for a line nobody understood
    state, view = call_flow.say(svc, state, INTRO)
    assert view.phase == "call" and len(state.call.turns) == 3


def test_a_silent_recording_is_rejected_with_advice(services, tmp_path):
    import wave

    silent = tmp_path / "silent.wav"
    with wave.open(str(silent), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes(b"\0\0" * 16000)
    state, _ = dial(services)
    state, view = call_flow.listen(services, state, str(silent))
    assert "没有听到声音" in view.notice and len(state.call.turns) == 1
    assert services.asr.received == []


class ExplodingServices(Services):
    """Services whose turn path has a bug."""

    def take_turn(self, call, *, text=None, recording=None) -> Exchange:
        raise RuntimeError("bug in understand")


def test_a_bug_in_one_turn_is_a_notice_and_the_call_goes_on(tmp_path):
    svc = make_services(tmp_path / "data")
    broken = ExplodingServices(svc.store, svc.personas_dir, svc.tts, svc.asr)
    state, _ = dial(broken)
    state, view = call_flow.say(broken, state, INTRO)
    assert view.phase == "call" and view.notice == call_flow.BROKEN


def test_hang_up_scores_once_and_shows_the_result(services):
    state, _ = dial(services)
    for line in (INTRO, VERIFY):
        state, _ = call_flow.say(services, state, line)
    state, view = call_flow.hang_up(services, state)
    assert view.phase == "result" and view.status == STATUS["ended"]
    assert isinstance(view.scorecard["overall"], int | float)
    assert set(view.scorecard["dimensions"]) == {"compliance", "empathy", "outcome"}
    assert view.session["ended_by"] == "agent_end" and len(view.session["turns"]) == 5
    state, again = call_flow.hang_up(services, state)  # a second click does not rescore
    assert again.phase == "result"
    assert len(services.store.scores(state.call.session_id)) == 1


def test_the_customer_may_hang_up_first(services):
    state, view = dial(services)
    for _ in range(12):
        state, view = call_flow.say(services, state, ABUSE)
        if view.phase == "result":
            break
    assert view.phase == "result"
    assert view.session["ended_by"] == "customer_hangup"
    criteria = {v["criterion"] for v in view.scorecard["violations"]}
    assert criteria & {"threat", "insult", "false_legal_claim"}
    state, view = call_flow.say(services, state, INTRO)  # talking to a dead line changes nothing
    assert view.phase == "result" and len(services.store.scores(state.call.session_id)) == 1


def test_retry_dials_the_same_customer_with_the_same_seed(services):
    state, first = dial(services, seed=42, call_time="2026-11-20 10:00", coach=True)
    state, _ = call_flow.hang_up(services, state)
    again, view = call_flow.retry(services, state)
    assert view.phase == "call"
    assert again.call.session_id != state.call.session_id
    assert (again.persona_id, again.seed, again.coach) == ("hostile_zhang", 42, True)
    assert view.messages == first.messages  # same seed: the same opening line
    assert again.call.started_at == state.call.started_at


def test_coach_hints_are_off_by_default_and_recorded_when_on(services):
    state, _ = dial(services)
    for line in ("喂，你好。", "我打电话是说一下你的账单。"):
        state, view = call_flow.say(services, state, line)
    assert view.hints == ()
    assert services.store.session(state.call.session_id)["coach"] == 0

    state, _ = dial(services, coach=True)
    for line in ("喂，你好。", "我打电话是说一下你的账单。"):
        state, view = call_flow.say(services, state, line)
    assert "还未核实身份" in view.hints
    assert services.store.session(state.call.session_id)["coach"] == 1


def test_history_lists_only_this_users_calls_and_reopens_them(services):
    mine, _ = dial(services, user="amy")
    call_flow.say(services, mine, INTRO)
    mine, _ = call_flow.hang_up(services, mine)
    theirs, _ = dial(services, user="bob")
    theirs, _ = call_flow.hang_up(services, theirs)

    rows = history.history_rows(services, "amy")
    assert [r[0] for r in rows] == [mine.call.session_id]
    assert rows[0][2] == "张卫东（上次被打到家里，一接就火）" and rows[0][3] == "学员挂断"
    assert rows[0][4] == mine.scorecard["overall"]
    trend = history.trend_frame(services, "amy")
    assert trend["总分"].tolist() == [mine.scorecard["overall"]]

    past = history.reopen(services, "amy", mine.call.session_id)
    assert past.scorecard == mine.scorecard and len(past.session["turns"]) == 3
    with pytest.raises(LookupError, match="找不到"):
        history.reopen(services, "amy", theirs.call.session_id)
    with pytest.raises(LookupError):
        history.reopen(services, "amy", "no-such-id")


def test_user_of_falls_back_to_local():
    class Req:
        username = "lin"

    assert call_flow.user_of(Req()) == "lin"
    assert call_flow.user_of(None) == "local"


def test_hanging_up_before_speaking_is_not_scored(services):
    state, _ = dial(services)
    state, view = call_flow.hang_up(services, state)
    assert view.phase == "result" and view.scorecard is None
    assert "没有说话" in view.notice
    assert services.store.scores(state.call.session_id) == []
