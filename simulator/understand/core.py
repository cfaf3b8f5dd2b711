"""``understand``: from one utterance of the trainee to dialogue acts with slots.

Each act has one precompiled alternation over the normalised text. A hit preceded in its own
clause by a negation (``我们不会上门的``, ``我可没说要去你家``) goes to ``denied`` instead; a
condition is not a negation (``你不还的话后果自负`` is a threat). Numbers and dates are parsed only
when the text has a digit, a Chinese numeral or a date word.
"""

from __future__ import annotations

import re
from datetime import date

from simulator.understand.acts import ACT_DESCRIPTIONS, Act, Understanding
from simulator.understand.dates import parse_date
from simulator.understand.lexicon_agent import AGENT_LEXICON
from simulator.understand.lexicon_violations import EXTRA_NEGATIONS, VIOLATION_LEXICON
from simulator.understand.normalize import Normalized, normalize_with_map
from simulator.understand.numbers import NUM, parse_amounts, parse_months

__all__ = ["LEXICON", "is_negated", "understand"]

LEXICON: dict[str, tuple[str, ...]] = {**AGENT_LEXICON, **VIOLATION_LEXICON}
"""Every act's patterns over normalised text (``N`` a number, ``P`` 您/你)."""

# Negation cues looked for in the few characters before a hit, inside its clause.
_COMMON_NEGATIONS = (
    r"不是|不会|并不|绝不|决不|从不|不可能|没说|没有说|没要|没打算|不打算|没想|从来没|并没"
    r"|没有要|不至于|哪有|谁说|没有|不存在|没讲|绝没|从没|哪里说|谁要|可没"
)
_NEGATION_WINDOW = 8
_RHETORICAL = re.compile(r"(吗|么|是什么|是啥|呢|不成)$")

_FULL = re.compile(
    r"全额|一次性|全部(欠款|金额|款项)?(还清|还上|结清|付清)|全还(了|清|上)"
    r"|(还清|结清|付清)(全部|所有)|结清|全款|(把|将).{0,8}(全部|都)还(清|上)"
)
_MINIMUM = re.compile(r"最低(还款|额|金额|的|还)")
_SLOT_NEGATION = re.compile(rf"(?:{_COMMON_NEGATIONS}|不用|不需要|不必|无需|不要求)")

_CHANNELS = {
    "手机银行": "手机银行",
    "网上银行": "网银",
    "网银": "网银",
    "微信": "微信",
    "支付宝": "支付宝",
    "柜台": "柜台",
    "网点": "网点",
    "营业厅": "网点",
    "掌上生活": "APP",
    "客户端": "APP",
    "app": "APP",
    "自动扣款": "自动扣款",
    "自动还款": "自动扣款",
    "代扣": "自动扣款",
    "云闪付": "云闪付",
    "atm": "ATM",
    "转账": "转账",
}
_CHANNEL = re.compile("|".join(sorted(_CHANNELS, key=len, reverse=True)))
_NUMERIC_HINT = re.compile(r"[0-9零〇一二两三四五六七八九十百千万半]")
_DATE_HINT = re.compile(r"[天周礼拜星月年号日]")
_REPAY_VERB = re.compile(r"(?<![应待未没])还(?!款日|没|不|是|有|在|要|得)")
_CONFIRM_TAIL = re.compile(r"(对吗|是吗|对吧|是吧|没错吧|对不对|没问题吧|是不是)$")


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str]:
    body = "|".join(f"(?:{p})" for p in patterns)
    body = body.replace("N", f"(?:{NUM})").replace("P", "(?:您|你)")
    return re.compile(body)


_COMPILED: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (
        name,
        _compile(LEXICON[name]),
        re.compile(
            rf"(?:{_COMMON_NEGATIONS}|{EXTRA_NEGATIONS[name]})"
            if name in EXTRA_NEGATIONS
            else rf"(?:{_COMMON_NEGATIONS})"
        ),
    )
    for name in ACT_DESCRIPTIONS
    if name in LEXICON
)


def _negated(nm: Normalized, start: int, end: int, cues: re.Pattern[str]) -> bool:
    """True when the hit ``nm.text[start:end]`` sits under a negation in its own clause."""
    text, clause = nm.text, nm.clause
    own = clause[start]
    lo = max(0, start - _NEGATION_WINDOW)
    while lo < start and clause[lo] != own:
        lo += 1
    if lo == start:
        return False
    window = text[lo:start]
    if window.endswith("不"):
        before = text[start - 2] if start - 2 >= lo else ""
        if before != text[start]:  # 去不去你家: a question, not a denial
            return True
    for cue in cues.finditer(window):
        at = lo + cue.start()
        if at > 0 and text[at - 1] == cue.group()[1:2]:
            continue  # 是不是 / 会不会: a question, not a denial
        if cue.group().startswith("不是"):
            hi = end
            while hi < len(text) and clause[hi] == own:
                hi += 1
            if _RHETORICAL.search(text, end, hi):  # 你这不是老赖吗: rhetorical, not a denial
                continue
        return True
    return False


_COMMON_CUES = re.compile(_COMMON_NEGATIONS)


def is_negated(nm: Normalized, start: int, end: int) -> bool:
    """True when ``nm.text[start:end]`` is denied in its own clause (我可没说要去你家).

    The same rule ``understand`` applies to acts; the scorer uses it for rubric patterns.
    """
    return _negated(nm, start, end, _COMMON_CUES)


def _find(
    nm: Normalized, pattern: re.Pattern[str], cues: re.Pattern[str]
) -> tuple[re.Match[str] | None, re.Match[str] | None]:
    """Return the first affirmed hit and the first negated hit of ``pattern``."""
    denied = None
    for m in pattern.finditer(nm.text):
        if m.end() == m.start():
            continue
        if _negated(nm, m.start(), m.end(), cues):
            denied = denied or m
            continue
        return m, denied
    return None, denied


def _whole(nm: Normalized) -> str:
    """The utterance as evidence for acts inferred from slots rather than words."""
    stripped = nm.original.strip()
    return stripped if len(stripped) <= 60 else stripped[:60]


def understand(text: str, *, today: date | None = None) -> Understanding:
    """Find the dialogue acts and slots in one utterance of the trainee.

    Args:
        text: What the trainee said (typed or recognised).
        today: The day of the call, for resolving dates; defaults to today.

    Returns:
        The acts (each with the original words as its quote), the denied acts, and the slots.

    """
    if not text or not text.strip():
        return Understanding(text=text or "")
    today = today or date.today()
    nm = normalize_with_map(text)
    s = nm.text
    hits: list[tuple[int, Act]] = []
    denied: list[Act] = []
    for name, pattern, cues in _COMPILED:
        hit, neg = _find(nm, pattern, cues)
        if hit is not None:
            hits.append((hit.start(), Act(name, nm.quote(hit.start(), hit.end()))))
        elif neg is not None:
            denied.append(Act(name, nm.quote(neg.start(), neg.end())))

    amounts: list[int] = []
    months = None
    due_date = None
    if _NUMERIC_HINT.search(s):
        amounts = parse_amounts(text)
        months = parse_months(text)
    if _DATE_HINT.search(s):
        due_date = parse_date(text, today)
    channel_match = _CHANNEL.search(s)
    channel = _CHANNELS[channel_match.group()] if channel_match else None
    full = _slot(nm, _FULL)
    minimum = _slot(nm, _MINIMUM)

    found = {act.name for _, act in hits}
    if "offer_plan" not in found and _REPAY_VERB.search(s):
        if months or (amounts and (due_date or channel or full or minimum)):
            hits.append((len(s), Act("offer_plan", _whole(nm))))
    if "summarize_confirm" not in found and (amounts or due_date or months):
        if _CONFIRM_TAIL.search(s):
            hits.append((len(s), Act("summarize_confirm", _whole(nm))))
    hits.sort(key=lambda hit: hit[0])
    return Understanding(
        text=text,
        acts=tuple(act for _, act in hits),
        denied=tuple(denied),
        amounts=tuple(amounts),
        months=months,
        due_date=due_date,
        channel=channel,
        full_payment=full,
        minimum_payment=minimum,
        extra={"normalized": s},
    )


def _slot(nm: Normalized, pattern: re.Pattern[str]) -> bool:
    """True when ``pattern`` occurs in the text other than under a negation."""
    for m in pattern.finditer(nm.text):
        if not _negated(nm, m.start(), m.end(), _SLOT_NEGATION):
            return True
    return False
