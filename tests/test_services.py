"""The path of one spoken turn through Services: real SQLite, real espeak, a scripted recogniser."""

from __future__ import annotations

from datetime import datetime

import pytest

from simulator.persona import load_personas
from simulator.services import Services
from simulator.storage import Store
from simulator.voice import ASRError, Transcript, build_tts

from .conftest import PERSONAS_DIR

AT = datetime.fromisoformat("2026-11-28T10:00:00+08:00")


class ScriptedASR:
    """Hears what the test says it hears; raises when told to."""

    name = "scripted"

    def __init__(self, *texts: str | Exception):
        self.texts = list(texts)
        self.heard: list[bytes] = []

    def transcribe(self, wav: bytes) -> Transcript:
        self.heard.append(wav)
        item = self.texts.pop(0)
        if isinstance(item, Exception):
            raise item
        return Transcript(item, 0.9, self.name)


def speech_wav() -> bytes:
    """Real Mandarin from the offline voice: a tone no longer passes the speech detector."""
    from simulator.persona import Voice
    from simulator.voice.espeak import EspeakTTS

    return EspeakTTS().synthesize("您好，我是信用卡中心的小李。", Voice()).data


@pytest.fixture
def services(data_dir):
    store = Store(data_dir)
    svc = Services(
        store=store,
        personas_dir=PERSONAS_DIR,
        tts=build_tts("espeak", cache_dir=data_dir / "tts-cache"),
        asr=ScriptedASR(
            "您好，我是招商银行信用卡中心的小李。",
            ASRError("语音识别服务连不上，请直接打字。", "connection refused"),
        ),
    )
    yield svc
    store.close()


def test_a_spoken_turn_is_recognised_answered_in_voice_and_kept(services, data_dir):
    persona = load_personas(PERSONAS_DIR)["cooperative_wang"]
    call, opening, audio = services.start_call(persona, seed=1, started_at=AT)
    assert audio is not None and audio.stat().st_size > 1000  # the opening line is spoken
    ex = services.take_turn(call, recording=speech_wav())
    assert ex.agent.text == "您好，我是招商银行信用卡中心的小李。"
    assert ex.customer is not None and ex.audio is not None and ex.notice is None
    turns = Store(data_dir).session(call.session_id)["turns"]
    assert turns[1]["audio"].endswith("-agent.wav") and (data_dir / turns[1]["audio"]).exists()
    assert turns[2]["audio"] and (data_dir / turns[2]["audio"]).exists()


def test_a_failed_recogniser_loses_nothing_and_typing_still_works(services, data_dir):
    persona = load_personas(PERSONAS_DIR)["cooperative_wang"]
    call, _, _ = services.start_call(persona, seed=1, started_at=AT)
    services.take_turn(call, recording=speech_wav())
    before = len(call.turns)
    ex = services.take_turn(call, recording=speech_wav())
    assert ex.agent is None and ex.notice == "语音识别服务连不上，请直接打字。"
    assert len(call.turns) == before  # the call is untouched
    ex = services.take_turn(call, text="请问是王丽娟女士本人吗？")
    assert ex.customer.move == "confirm_name"  # asked the name only: the name, no ID digits
    assert len(Store(data_dir).session(call.session_id)["turns"]) == before + 2


def test_a_rejected_recording_gets_a_chinese_message(services):
    persona = load_personas(PERSONAS_DIR)["cooperative_wang"]
    call, _, _ = services.start_call(persona, seed=1, started_at=AT)
    ex = services.take_turn(call, recording=b"RIFF\x00\x00")
    assert ex.agent is None and ex.customer is None
    assert ex.notice and any("\u4e00" <= ch <= "\u9fff" for ch in ex.notice)
    assert len(call.turns) == 1


def test_finishing_a_call_scores_and_stores_it(services, data_dir):
    persona = load_personas(PERSONAS_DIR)["cooperative_wang"]
    call, _, _ = services.start_call(persona, seed=1, started_at=AT)
    services.take_turn(call, text="你这个老赖，不还钱就让你坐牢！")
    card = services.finish_call(call)
    assert card["passed"] is False and card["dimensions"]["compliance"]["score"] == 0
    stored = Store(data_dir).scores(call.session_id)
    assert stored[-1]["scorecard"] == card
    assert Store(data_dir).session(call.session_id)["ended_by"] in ("agent_end", "customer_hangup")


def test_one_call_takes_one_turn_at_a_time(services):
    persona = load_personas(PERSONAS_DIR)["cooperative_wang"]
    call, _, _ = services.start_call(persona, seed=1, started_at=AT)
    with call.turn_lock:  # a turn is in flight (another request of the same trainee)
        ex = services.take_turn(call, text="请问是王丽娟女士本人吗？")
    assert ex.agent is None and ex.notice == "上一句还在处理中，请等客户说完再说。"
    assert len(call.turns) == 1
    assert services.take_turn(call, text="请问是王丽娟女士本人吗？").customer.move == "confirm_name"
