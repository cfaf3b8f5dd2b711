"""The offline recogniser: its pinned model, its prompt, its clean-up, and real speech through it.

Recognition tests use speech made by the project's own offline voice (espeak-ng) and the model
the project installs (the bundled faster-whisper base); they are few and short, marked slow.
"""

from __future__ import annotations

import hashlib
import io
import wave

import numpy as np
import pytest

from simulator.persona import Voice, load_personas_report
from simulator.voice import ASRError, check_recording
from simulator.voice.asr import WhisperASR, build_asr, transcribe
from simulator.voice.espeak import EspeakTTS
from simulator.voice.roundtrip import cer, comparable
from simulator.voice.whisper import loaded_models
from simulator.voice.whisper_model import ModelUnavailable, join_verified, locate_model
from simulator.voice.whisper_text import build_prompt, call_hints, clean
from tests.conftest import PERSONAS_DIR

# --- what is believed of Whisper's output ---------------------------------------------------


@pytest.mark.parametrize(
    "segments",
    [
        ["谢谢观看"],
        ["謝謝觀看!"],
        ["字幕由Amara.org社区提供"],
        ["中文字幕志愿者 李宗盛"],
        ["请不吝点赞 订阅 转发 打赏支持明镜与点点栏目"],
        ["   "],
        [],
    ],
)
def test_subtitle_phrases_on_non_speech_are_dropped(segments):
    assert clean(segments) == ""


def test_an_echo_of_the_prompt_is_not_the_trainee():
    prompt = build_prompt(["张卫东"])
    assert clean([prompt]) == ""
    assert clean(["这是信用卡中心的还款电话"], prompt) == ""


def test_a_decoding_loop_is_collapsed():
    assert clean(["我想分期WolfWolfWolfWolfWolfWolf"]) == "我想分期Wolf"
    assert clean(["好的好的好的好的好的好的"]) == "好的"
    assert clean(["对对对，可以。"]) == "对对对，可以。"  # three times is how people talk


def test_a_character_cut_in_half_is_dropped():
    assert clean(["这个月能先还\ufffd"]) == "这个月能先还"


def test_digits_are_never_collapsed():
    assert clean(["卡号尾号8888"]) == "卡号尾号8888"


def test_a_list_of_the_prompts_words_is_the_prompt_read_back():
    prompt = build_prompt(["张卫东"])
    assert clean(["违约金、账单、本金、账单、"], prompt) == ""
    assert clean(["张卫东、分期"], prompt) == ""
    assert clean(["利息、账单、本金、账"], prompt) == ""
    assert clean(["我想分期"], prompt) == "我想分期"


def test_a_unit_said_three_times_with_pauses_is_a_loop():
    assert clean(["行为、行为、行为。"]) == "行为。"


def test_a_run_of_english_words_is_not_this_call():
    assert clean(["上 point 里面达到 World of War"]) == "上 point 里面达到"
    assert clean(["我用App转"]) == "我用App转"


def test_the_same_segment_twice_is_said_once():
    assert clean(["我下个月还。", "我下个月还。"]) == "我下个月还。"


def test_traditional_output_becomes_simplified_with_chinese_punctuation():
    assert clean(["我這個月沒辦法還款,下個月再說吧?"]) == "我这个月没办法还款，下个月再说吧？"


def test_full_width_digits_become_digits():
    assert clean(["每個月還２０００塊"]) == "每个月还2000块"


def test_the_prompt_names_the_call_first_then_the_domain():
    prompt = build_prompt(["張衛東", "三千五百元"])
    assert prompt.startswith("这是信用卡中心的还款电话，说到张卫东、三千五百元、")
    for word in ("分期", "征信", "最低还款", "逾期"):
        assert word in prompt
    assert len(prompt) <= 120


def test_hints_come_from_the_brief_only():
    personas, _ = load_personas_report(PERSONAS_DIR)
    persona = personas["hostile_zhang"].persona
    hints = call_hints(persona)
    assert hints[0] == persona.brief.name
    assert any("元" in h for h in hints)
    assert str(persona.facts.monthly_capacity) not in "".join(hints)


def test_character_error_rate_reads_numbers_as_values():
    assert cer("我一个月还两千块。", "我一个月还2000块") == 0.0
    assert cer("分十二期", "分12期") == 0.0
    assert cer("还款", "爱款") == 0.5
    assert comparable("還款，好嗎？") == "还款好吗"


# --- the pinned model -------------------------------------------------------------------------


def parts(tmp_path, data: bytes):
    halves = [tmp_path / "p1", tmp_path / "p2"]
    halves[0].write_bytes(data[:7])
    halves[1].write_bytes(data[7:])
    side = tmp_path / "config.json"
    side.write_text("{}")
    return halves, [side]


def test_parts_are_joined_into_a_model_folder_when_the_hash_matches(tmp_path):
    data = b"model weights, joined"
    halves, side = parts(tmp_path, data)
    digest = hashlib.sha256(data).hexdigest()
    folder = join_verified(halves, side, tmp_path / "m", sha256=digest, size=len(data))
    assert (folder / "model.bin").read_bytes() == data
    assert (folder / "config.json").read_text() == "{}"


def test_a_wrong_hash_is_refused_and_nothing_is_left_to_load(tmp_path):
    halves, side = parts(tmp_path, b"tampered weights here")
    with pytest.raises(ModelUnavailable, match="refusing to load"):
        join_verified(halves, side, tmp_path / "m", sha256="0" * 64, size=21)
    assert not (tmp_path / "m" / "model.bin").exists()


def test_a_damaged_joined_file_is_rebuilt_from_the_parts(tmp_path):
    data = b"model weights, joined"
    halves, side = parts(tmp_path, data)
    digest = hashlib.sha256(data).hexdigest()
    target = tmp_path / "m"
    target.mkdir()
    (target / "model.bin").write_bytes(b"x" * len(data))  # right size, wrong bytes
    join_verified(halves, side, target, sha256=digest, size=len(data))
    assert (target / "model.bin").read_bytes() == data


def test_a_folder_without_a_model_is_named(tmp_path):
    with pytest.raises(ModelUnavailable, match="no model.bin"):
        locate_model(str(tmp_path))


def test_a_model_folder_can_be_chosen(tmp_path, monkeypatch):
    (tmp_path / "model.bin").write_bytes(b"")
    monkeypatch.setenv("CALLSIM_WHISPER_MODEL", str(tmp_path))
    assert locate_model().ref == str(tmp_path)


def test_a_missing_folder_path_is_named(tmp_path):
    with pytest.raises(ModelUnavailable, match="no such folder"):
        locate_model(str(tmp_path / "nope" / "model"))


def test_an_unknown_model_name_is_refused_with_the_reason():
    pytest.importorskip("faster_whisper")
    with pytest.raises(ModelUnavailable):
        locate_model("enormous-v9")


def test_a_broken_model_makes_the_backend_say_why(tmp_path):
    (tmp_path / "model.bin").write_bytes(b"not a model")
    asr = WhisperASR(str(tmp_path))
    with pytest.raises(ASRError) as caught:
        asr.transcribe(speech_wav("你好。"))
    assert caught.value.message == "语音识别还没有配置好，请直接打字。"
    assert "failed to load" in caught.value.reason
    assert asr.probe() and "failed to load" in asr.probe()


# --- real speech, the real model ------------------------------------------------------------

needs_model = pytest.mark.skipif(
    WhisperASR().probe() is not None, reason=f"no offline recogniser: {WhisperASR().probe()}"
)


def speech_wav(text: str, variant: str = "") -> bytes:
    clip = EspeakTTS().synthesize(text, Voice(espeak_variant=variant))
    return check_recording(clip.data).wav


@pytest.fixture(scope="module")
def whisper() -> WhisperASR:
    asr = WhisperASR()
    asr.warm()
    return asr


@needs_model
def test_offline_auto_gives_the_local_recogniser(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("CALLSIM_ASR", raising=False)
    assert build_asr().name == "faster-whisper"


@needs_model
@pytest.mark.slow
@pytest.mark.parametrize(
    ("line", "variant"),
    [("您好，我是信用卡中心的小王。", "m3"), ("请问是张卫东先生吗？", "f2")],
)
def test_espeak_speech_is_recognised_in_simplified_chinese(whisper, line, variant):
    heard = transcribe(whisper, speech_wav(line, variant), hints=("张卫东",))
    assert heard.backend == "faster-whisper"
    # a sanity bound, not a quality figure (bench/voice_asr.py measures CER): whisper-base int8 on
    # espeak's m3 voice stayed within 0.35 until 2026-11-30 and gave 0.42 on 2026-12-01 on this VM's
    # CPU, the ninth session's commit alike (0.31 with float32); garbage reads near 1.0
    assert cer(line, heard.text) <= 0.5, heard.text
    assert heard.text == clean([heard.text])  # already simplified and cleaned
    assert heard.confidence is not None and 0 < heard.confidence <= 1


@needs_model
@pytest.mark.slow
def test_the_model_is_built_once_per_process(whisper):
    transcribe(WhisperASR(), speech_wav("我想分期。"))
    key = (whisper.spec, whisper.compute_type, whisper.threads)
    assert loaded_models()[key] == "ready"
    assert sum(1 for k in loaded_models() if k[0] == whisper.spec) == 1


@needs_model
@pytest.mark.slow
def test_noise_that_reaches_the_recogniser_is_not_turned_into_words(whisper):
    walk = np.cumsum(np.random.default_rng(4).standard_normal(16_000 * 3))
    walk -= np.convolve(walk, np.ones(800) / 800, "same")
    noise = walk / np.abs(walk).max() * 0.05
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes((noise * 32767).astype("<i2").tobytes())
    with pytest.raises(ASRError) as caught:
        whisper.transcribe(out.getvalue())
    assert caught.value.retry and "再说一遍" in caught.value.message
