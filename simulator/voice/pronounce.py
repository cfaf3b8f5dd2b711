"""How the offline voice says a Chinese line: numbered pinyin for espeak's ``cmn-latn-pinyin``.

espeak-ng reads Chinese characters through its own small dictionary and gets this domain's
most frequent word wrong: 还款 comes out as *hái*kuǎn. pypinyin (MIT; its dictionaries ship in
the wheel) knows far more phrases, but it too reads 还款, 还不上, 能还多少 with *hái*. So:

1. numbers, dates and times are written out as they are said (:mod:`.spoken_numbers`);
2. pypinyin reads the characters, with :data:`PHRASES` — this domain's polyphones — loaded;
3. every 还 is decided by its neighbours (:func:`huan_positions`): *huán* (to repay) before
   款/钱/清/不上/a number, after 先/会/能/没/得 …, at the end of a clause; *hái* otherwise;
4. 一 and 不 change tone before the next syllable (espeak does the third-tone sandhi itself);
5. punctuation becomes the commas and full stops espeak pauses on.
"""

from __future__ import annotations

import functools
import re

from simulator.voice.spoken_numbers import spell_numbers

__all__ = ["PHRASES", "PRONUNCIATION_VERSION", "huan_positions", "syllables", "to_pinyin"]

PRONUNCIATION_VERSION = "py1-clear1"
"""Changes whenever what a line sounds like changes, so cached clips are made again."""

PHRASES: dict[str, list[list[str]]] = {
    word: [[syllable] for syllable in reading.split()]
    for word, reading in {
        "还款": "huán kuǎn",
        "还钱": "huán qián",
        "还清": "huán qīng",
        "还债": "huán zhài",
        "还贷": "huán dài",
        "归还": "guī huán",
        "偿还": "cháng huán",
        "退还": "tuì huán",
        "银行": "yín háng",
        "行长": "háng zhǎng",
        "支行": "zhī háng",
        "分行": "fēn háng",
        "重新": "chóng xīn",
        "重复": "chóng fù",
        "欠款": "qiàn kuǎn",
        "分期": "fēn qī",
        "期数": "qī shù",
        "利率": "lì lǜ",
        "逾期": "yú qī",
        "征信": "zhēng xìn",
        "滞纳金": "zhì nà jīn",
        "账单": "zhàng dān",
        "转账": "zhuǎn zhàng",
        "着急": "zháo jí",
        "睡着": "shuì zháo",
        "一宿": "yī xiǔ",
        "差不多": "chà bu duō",
        "差点": "chà diǎn",
        "出差": "chū chāi",
        "负担": "fù dān",
        "担心": "dān xīn",
        "当时": "dāng shí",
        "上当": "shàng dàng",
        "只能": "zhǐ néng",
        "只有": "zhǐ yǒu",
        "处理": "chǔ lǐ",
        "调整": "tiáo zhěng",
        "了解": "liǎo jiě",
        "供房": "gōng fáng",
        "房贷": "fáng dài",
        "部分": "bù fen",
        "便宜": "pián yi",
        "方便": "fāng biàn",
        "为了": "wèi le",
        "因为": "yīn wèi",
        "得了": "dé le",
        "觉得": "jué de",
        "记得": "jì de",
        "会计": "kuài jì",
        "数额": "shù é",
        "数字": "shù zì",
        "朝阳": "cháo yáng",
        "一月": "yī yuè",
    }.items()
}
"""This domain's polyphones, read the way a collections call says them."""

_HANZI = re.compile(r"[\u3400-\u9fff]+")
_CLAUSE_END = "，。！？、；：,.!?;:…~ \n"
# 还 is *huán* (repay) before these …
_HUAN_BEFORE = re.compile(
    r"还(?=[款钱清债贷给完个第掉]|多少|的(?:[，。！？…,.!?]|$)|了(?:[吧吗呢啊，。！？…,.!?]|$)"
    r"|不[上起清了完]|得(?:[起清了完]|上(?!班|学|课))|上(?!班|学|网|午|面|边)"
    r"|[\d零一二两三四五六七八九十百千万几半](?!直|样|定|向|般|些话|堆|会儿))"
)
# … and after these, unless what follows makes it *hái* (还有, 还是, 还没, 还要 …).
_HUAN_AFTER = re.compile(
    r"(?<=[归偿退交先再会能要得想没不都就去来把该肯按准时全部么起只])"
    r"还(?![有是在要能想差剩好行可没会得过也很挺算不真])"
)
_HUAN_AFTER_ALL = re.compile(r"(?<=全|部)还(?![有是在没要])")  # 全还, 全部还: repay it all
_HAI_AFTER_NOT = re.compile(r"还(?=没还)")
# 得 meaning "must" (děi): 得还, 还得 + a verb when 还 is *hái*.
_DEI = re.compile(r"(?:^|(?<=[我你他她们就也都还，。\s]))得(?=[还去先交付赶跟找给想上])")


def huan_positions(text: str) -> set[int]:
    """Indexes of the 还 in ``text`` that mean "repay" (*huán*); every other 还 is *hái*."""
    found = {m.start() for m in _HUAN_BEFORE.finditer(text)}
    found |= {m.start() for m in _HUAN_AFTER.finditer(text)}
    found |= {m.start() for m in _HUAN_AFTER_ALL.finditer(text)}
    for i, char in enumerate(text):
        if char == "还" and (i + 1 == len(text) or text[i + 1] in _CLAUSE_END):
            found.add(i)  # "我会还。" — a 还 that ends a clause is the verb
    found -= {m.start() for m in _HAI_AFTER_NOT.finditer(text)}
    return found


@functools.cache
def _pypinyin():
    """Pypinyin with this domain's phrases loaded (once per process)."""
    import pypinyin

    pypinyin.load_phrases_dict(PHRASES)
    return pypinyin


def _sandhi(readings: list[str], chars: str) -> list[str]:
    """一 and 不 before another syllable: 一个 yi2 ge4, 一千 yi4 qian1, 不是 bu2 shi4."""
    out = list(readings)
    for i, char in enumerate(chars[:-1]):
        following = out[i + 1]
        tone = following[-1] if following[-1:].isdigit() else "5"
        if char == "一" and out[i] == "yi1" and not _is_ordinal_or_number(chars, i):
            out[i] = "yi2" if tone == "4" else "yi4" if tone in "123" else out[i]
        elif char == "不" and out[i] in ("bu4", "bu2") and tone == "4":
            out[i] = "bu2"
    return out


def _is_ordinal_or_number(chars: str, i: int) -> bool:
    """一 read as a digit keeps its first tone: 第一, 十一, 一一, 一月."""
    before = chars[i - 1] if i else ""
    after = chars[i + 1] if i + 1 < len(chars) else ""
    return bool(before and before in "第十零一二三四五六七八九百千万") or bool(
        after and after in "月日号零一二三四五六七八九十"
    )


def syllables(text: str) -> list[str]:
    """The numbered-pinyin syllables of ``text``'s Chinese characters (others dropped)."""
    return [s for s in re.split(r"[\s,.?]+", to_pinyin(text)) if s[-1:].isdigit()]


def _run_pinyin(run: str, offset: int, huan: set[int], dei: set[int]) -> list[str]:
    pypinyin = _pypinyin()
    readings = pypinyin.lazy_pinyin(
        run, style=pypinyin.Style.TONE3, neutral_tone_with_five=True, v_to_u=False
    )
    if len(readings) != len(run):  # pypinyin groups characters it cannot read
        readings = [pypinyin.lazy_pinyin(c, style=pypinyin.Style.TONE3)[0] for c in run]
    for i, char in enumerate(run):
        where = offset + i
        if char == "还":
            readings[i] = "huan2" if where in huan else "hai2"
            if (
                where in huan
                and run[i + 1 : i + 2] == "得"
                and run[i + 2 : i + 3] in tuple("起上清了完")
            ):
                readings[i + 1] = "de5"
        elif char == "得" and where in dei:
            readings[i] = "dei3"
    return _sandhi(readings, run)


_PAUSE = str.maketrans(
    {
        "，": ",", "、": ",", "；": ",", "：": ",", "—": ",", "…": ",", "～": ",", "~": ",",
        "。": ".", "！": ".", "!": ".", "？": "?", ";": ",", ":": ",",
    }
)  # fmt: skip
_DROP = re.compile(r"[\"'“”‘’「」『』《》〈〉()（）\[\]【】*#]")


def to_pinyin(text: str) -> str:
    """``text`` as numbered pinyin for espeak (``"huan2 kuan3, ni3 hao3."``).

    Anything that is not Chinese (a brand name in Latin letters) is left for espeak to read.
    """
    text = _DROP.sub("", spell_numbers(text))
    huan = huan_positions(text)
    dei = {m.start() for m in _DEI.finditer(text)} - {i + 1 for i in huan}  # 还得起: de
    parts: list[str] = []
    last = 0
    for match in _HANZI.finditer(text):
        parts.append(text[last : match.start()].translate(_PAUSE))
        parts.append(" " + " ".join(_run_pinyin(match.group(0), match.start(), huan, dei)) + " ")
        last = match.end()
    parts.append(text[last:].translate(_PAUSE))
    spoken = "".join(parts)
    spoken = re.sub(r"\s+([,.?])", r"\1", spoken)
    spoken = re.sub(r"([,.?])(?=\S)", r"\1 ", spoken)
    return re.sub(r"\s+", " ", spoken).strip()
