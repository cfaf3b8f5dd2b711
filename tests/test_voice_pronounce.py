"""How the offline voice says a line: polyphones of this domain, numbers and dates, pinyin."""

from __future__ import annotations

import pytest

from simulator.persona import Voice, load_personas_report
from simulator.voice.espeak import EspeakTTS
from simulator.voice.pronounce import huan_positions, syllables, to_pinyin
from simulator.voice.roundtrip import persona_lines
from simulator.voice.spoken_numbers import cardinal, spell_numbers
from tests.conftest import PERSONAS_DIR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("还款", "huan2 kuan3"),
        ("还钱", "huan2 qian2"),
        ("我还不上", "wo3 huan2 bu2 shang4"),
        ("归还", "gui1 huan2"),
        ("银行", "yin2 hang2"),
        ("重新", "chong2 xin1"),
        ("欠款", "qian4 kuan3"),
        ("分期", "fen1 qi1"),
        ("利率", "li4 lv4"),
        ("还有", "hai2 you3"),
        ("还是", "hai2 shi4"),
        ("能还多少", "neng2 huan2 duo1 shao3"),
        ("我会还的。", "wo3 hui4 huan2 de5."),
        ("我还没还", "wo3 hai2 mei2 huan2"),
        ("先还一部分", "xian1 huan2 yi2 bu4 fen5"),
        ("我还得上班", "wo3 hai2 dei3 shang4 ban1"),
        ("我还得起", "wo3 huan2 de5 qi3"),
        ("一个月还个两千", "yi2 ge4 yue4 huan2 ge4 liang3 qian1"),
        ("全还真拿不出来", "quan2 huan2 zhen1 na2 bu4 chu1 lai2"),
    ],
)
def test_domain_polyphones_are_said_right(text, expected):
    assert to_pinyin(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一天", "yi4 tian1"),
        ("一次", "yi2 ci4"),
        ("第一期", "di4 yi1 qi1"),
        ("不是", "bu2 shi4"),
        ("不行", "bu4 xing2"),
    ],
)
def test_yi_and_bu_change_tone_as_in_speech(text, expected):
    assert to_pinyin(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("每个月还1200元", "每个月还一千二百元"),
        ("一共3,500块", "一共三千五百块"),
        ("2000块", "两千块"),
        ("2个月", "两个月"),
        ("2月5日", "二月五日"),
        ("12期", "十二期"),
        ("1050元", "一千零五十元"),
        ("尾号1234", "尾号幺二三四"),
        ("卡号后四位是0815", "卡号后四位是零八幺五"),
        ("2026年", "二零二六年"),
        ("2026-12-05之前", "二零二六年十二月五日之前"),
        ("14:30打给您", "十四点三十分打给您"),
        ("2:00", "两点"),
        ("年利率5%", "年利率百分之五"),
        ("0.05%", "百分之零点零五"),
        ("13812345678", "幺三八幺二三四五六七八"),
        ("２０００元", "两千元"),
    ],
)
def test_numbers_dates_and_times_are_written_as_said(text, expected):
    assert spell_numbers(text) == expected


@pytest.mark.parametrize(
    ("n", "spoken"),
    [(0, "零"), (10, "十"), (15, "十五"), (20, "二十"), (110, "一百一十"), (200, "两百")]
    + [(10001, "一万零一"), (20000, "两万"), (120000, "十二万"), (100000000, "一亿")],
)
def test_cardinals(n, spoken):
    assert cardinal(n) == spoken


def test_punctuation_becomes_pauses_and_latin_is_left_to_espeak():
    assert to_pinyin("好的，我用App转。行吗？") == "hao3 de5, wo3 yong4 App zhuan3. xing2 ma5?"
    assert to_pinyin("“征信”（个人）") == "zheng1 xin4 ge4 ren2"


def test_only_the_repay_huan_in_a_line_is_huan():
    line = "我还没还，你还想怎样？"
    assert sorted(huan_positions(line)) == [line.index("没还") + 1]


def every_line():
    personas, _ = load_personas_report(PERSONAS_DIR)
    return [line for loaded in personas.values() for line in persona_lines(loaded)]


def test_every_persona_line_becomes_pinyin_syllables_only():
    for line in every_line():
        spoken = to_pinyin(line)
        leftover = [w for w in spoken.replace(",", " ").replace(".", " ").split() if w != "?"]
        for word in leftover:
            assert word[-1].isdigit() or word.isascii(), (line, word)
        assert len(syllables(line)) >= sum("\u3400" <= c <= "\u9fff" for c in line) - 2, line


def test_the_voice_speaks_pinyin_and_the_cache_knows_the_difference(tmp_path):
    from simulator.voice.tts import Cached

    line = "我下个月一定还款。"
    plain = EspeakTTS(pronounce=False).synthesize(line, Voice())
    spoken = EspeakTTS().synthesize(line, Voice())
    assert plain.data != spoken.data
    cached = Cached(EspeakTTS(), tmp_path)
    old = Cached(EspeakTTS(pronounce=False), tmp_path)
    assert cached.synthesize(line, Voice()).path != old.synthesize(line, Voice()).path
