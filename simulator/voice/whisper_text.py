"""What Whisper is told before it listens, and what of its output is believed.

Whisper continues the text it is primed with: a short simplified-Chinese sentence naming the
call's vocabulary (分期, 征信, 最低还款, the customer's name and amount) makes it write those words
— and simplified characters — where it would otherwise guess. On noise or silence it writes
phrases from its training subtitles ("谢谢观看", "字幕由…提供"), repeats a token ("WolfWolfWolf…")
or echoes the prompt; :func:`clean` removes those, so that nothing the trainee did not say
reaches the call. Pure functions: tested on messy output without a model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

__all__ = ["DOMAIN_WORDS", "build_prompt", "call_hints", "clean"]


def to_simplified(text: str) -> str:
    """The understanding layer's converter (imported on first use: it loads OpenCC)."""
    from simulator.understand.simplify import to_simplified as convert

    return convert(text)


DOMAIN_WORDS = (
    "信用卡",
    "还款",
    "逾期",
    "分期",
    "最低还款",
    "征信",
    "利息",
    "违约金",
    "账单",
    "本金",
    "银行",
    "手机银行",
    "协商",
    "减免",
)
"""Words every collection call uses, in the order they are put in the prompt."""

PROMPT_LEAD = "这是信用卡中心的还款电话，说到"
"""How every prompt begins; text that begins so is the prompt echoed, not the trainee."""
MAX_PROMPT_CHARS = 120  # Whisper keeps at most 223 prompt tokens; Chinese costs ~1.5 a character

# Phrases Whisper writes on non-speech (from the subtitles it was trained on). A segment that is
# nothing but one of these is dropped; they are matched on simplified text without punctuation.
HALLUCINATIONS = (
    re.compile(r"^(请)?(不吝)?(点赞|订阅|转发|打赏)+.*$"),
    re.compile(r"^.*字幕(由|来自|提供|制作|志愿者|组|by).*$", re.IGNORECASE),
    re.compile(r"^(谢谢|感谢)(大家|各位)?(的)?(观看|收看|收听|聆听)+.*$"),
    re.compile(r"^(中文)?字幕.*$"),
    re.compile(r"^.*(明镜|点点栏目|优优独播|YoYo Television).*$", re.IGNORECASE),
    re.compile(r"^.*(amara\.org|subtitles by).*$", re.IGNORECASE),
    re.compile(r"^(以下是普通话的句子|这是信用卡中心的还款电话说到).*$"),
)
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_CJK = r"\u3400-\u9fff"
_HALF_TO_FULL = {",": "，", "?": "？", "!": "！", ":": "：", ";": "；"}
# A unit said again and again is a decoding loop, not speech: one character 4 or more times
# (对对对 is how people talk), a longer unit 3 or more times (行为、行为、行为). Digits alone
# are exempt: a card ending 8888 is said that way.
_LOOP_LONG = re.compile(r"(\S.{1,11}?)(?:[\s,，、。]*\1){2,}")
_LOOP_SHORT = re.compile(r"(\S)(?:[\s,，、。]*\1){3,}")
_LATIN_RUN = re.compile(r"(?:[A-Za-z]+[\s,]+){2,}[A-Za-z]+")  # 3+ English words: not this call
_LIST_SPLIT = re.compile(r"[、，,。；;\s]+")


def call_hints(persona: object) -> tuple[str, ...]:
    """Words of this call a trainee is likely to say: the customer's name and their amounts.

    Takes a :class:`simulator.persona.Persona`; only what the trainee's brief shows is used (the
    hidden facts stay hidden, even from the recogniser's prompt).
    """
    from simulator.understand.numbers import spoken_amount

    brief = getattr(persona, "brief", None)
    if brief is None:
        return ()
    hints = [brief.name, f"{spoken_amount(brief.amount)}元"]
    if getattr(brief, "minimum_payment", None):
        hints.append(f"最低还款{spoken_amount(int(brief.minimum_payment))}元")
    return tuple(hints)


def build_prompt(hints: Iterable[str] = ()) -> str:
    """A simplified-Chinese priming sentence with the call's own words first."""
    words: list[str] = []
    for word in [*hints, *DOMAIN_WORDS]:
        word = to_simplified(str(word).strip())
        if word and word not in words:
            words.append(word)
    prompt = PROMPT_LEAD
    for word in words:
        if len(prompt) + len(word) + 2 > MAX_PROMPT_CHARS:
            break
        prompt += word + "、"
    return prompt.rstrip("、") + "。"


def _bare(text: str) -> str:
    return _PUNCT.sub("", text)


def _is_hallucination(text: str, prompt: str) -> bool:
    bare = _bare(text)
    if not bare:
        return True
    if any(pattern.match(bare) for pattern in HALLUCINATIONS):
        return True
    # An echo of the prompt (or a long piece of it) is the prompt, not the trainee.
    if len(bare) >= 4 and bare in _bare(prompt):
        return True
    # A list of the prompt's own words (违约金、账单、本金) is the prompt read back on noise.
    words = [w for w in _LIST_SPLIT.split(text) if w]
    listed = _LIST_SPLIT.split(prompt.removeprefix(PROMPT_LEAD))
    vocabulary = set(DOMAIN_WORDS) | {w for w in listed if w}
    if len(words) < 2 or not all(w in vocabulary for w in words[:-1]):
        return False
    # the last word may be cut off by the token budget (利息、账单、本金、账)
    return any(v.startswith(words[-1]) for v in vocabulary)


def _unless_digits(match: re.Match[str]) -> str:
    unit = match.group(1)
    return match.group(0) if unit.strip().isdigit() else unit


def _collapse_loops(text: str) -> str:
    text = _LATIN_RUN.sub("", text)
    text = _LOOP_LONG.sub(_unless_digits, text)
    return _LOOP_SHORT.sub(_unless_digits, text)


def _punctuate(text: str) -> str:
    """Chinese punctuation between Chinese words; ASCII digits and letters kept."""
    text = unicodedata.normalize("NFKC", text)  # full-width digits and letters → ASCII
    for half, full in _HALF_TO_FULL.items():
        text = re.sub(rf"(?<=[{_CJK}])\s*{re.escape(half)}\s*", full, text)
        text = re.sub(rf"\s*{re.escape(half)}\s*(?=[{_CJK}])", full, text)
    text = re.sub(rf"(?<=[{_CJK}])\s*\.\s*$", "。", text)
    text = re.sub(
        rf"(?<=[{_CJK}，。？！、])\s+(?=[{_CJK}])", "，", text
    )  # a pause written as a space
    return text.strip()


def clean(segments: Sequence[str], prompt: str = "") -> str:
    """The trainee's words from Whisper's segments: simplified, without invented text.

    Segments that are known hallucinations or echoes of ``prompt`` are dropped; decoding loops
    are collapsed to one occurrence; punctuation between Chinese words is made Chinese. The
    result may be empty: nothing believable was heard.
    """
    kept: list[str] = []
    for segment in segments:
        # U+FFFD: a character cut in half by the token budget
        text = _collapse_loops(to_simplified(segment.replace("\ufffd", "").strip()))
        if _is_hallucination(text, prompt):
            continue
        if kept and _bare(text) == _bare(kept[-1]):
            continue  # the same segment twice in a row is a loop across windows
        kept.append(text)
    joined = _punctuate("".join(kept))
    return "" if _is_hallucination(joined, prompt) else joined
