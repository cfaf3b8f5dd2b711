"""``understand``: from one utterance of the trainee to dialogue acts with slots.

Two layers. The rules: each act has one precompiled alternation over the normalised (simplified)
text; a hit preceded in its own clause by a denial (``我们不会上门的``, ``我可没说要去你家``) goes
to ``denied`` instead (:mod:`.negation`); a condition is not a denial (``你不还的话后果自负`` is a
threat). The example layer (:mod:`.examples`, combined in :mod:`.fusion`): acts recognised by
their likeness to the labelled corpus, which generalises past the word lists. Numbers and dates
are parsed only when the text has a digit, a Chinese numeral or a date word.
"""

from __future__ import annotations

import re
from datetime import date

from simulator.understand.acts import ACT_DESCRIPTIONS, Act, Understanding
from simulator.understand.dates import parse_date
from simulator.understand.examples import default_model
from simulator.understand.fusion import combine
from simulator.understand.lexicon_agent import AGENT_LEXICON
from simulator.understand.lexicon_violations import VIOLATION_LEXICON
from simulator.understand.memo import normalized
from simulator.understand.negation import COMMON_NEGATIONS, cues_for, negated
from simulator.understand.normalize import Normalized
from simulator.understand.numbers import NUM, parse_amounts, parse_months
from simulator.understand.scan import Scanner
from simulator.understand.simplify import to_simplified

__all__ = ["LEXICON", "is_negated", "rule_acts", "rule_end", "understand"]

LEXICON: dict[str, tuple[str, ...]] = {**AGENT_LEXICON, **VIOLATION_LEXICON}
"""Every act's patterns over normalised text (``N`` a number, ``P`` 您/你)."""

_SLOT_NEGATION = re.compile(
    rf"(?:{COMMON_NEGATIONS}|不用|不需要|不必|无需|不要求|没必要|没有必要|不一定要?|用不着|犯不着)"
)

_FULL = re.compile(
    r"全额|一次性|全部(欠款|金额|款项)?(还清|还上|结清|付清)|全还(了|清|上)"
    r"|(还清|结清|付清)(全部|所有)|结清|全款|(把|将).{0,8}(全部|都)还(清|上)"
)
_MINIMUM = re.compile(r"最低(还款|额|金额|的|还|(?=[，,。！？!?吧呗啊嘛]|$))")

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
PERSON = "您|你|侬"
"""What a pattern's ``P`` stands for: the person addressed, Shanghainese 侬 too (侬再勿还，有侬
好看). 恁 (Henan, Shandong) is left out: it is also "so" (恁大 / 恁多)."""


def _compile(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...]]:
    """One alternation for an act's patterns, and each pattern alone (to name the one that hit)."""
    parts = tuple(p.replace("N", f"(?:{NUM})").replace("P", f"(?:{PERSON})") for p in patterns)
    return re.compile("|".join(f"(?:{p})" for p in parts)), tuple(re.compile(p) for p in parts)


_COMPILED: tuple[tuple[str, re.Pattern[str], tuple[re.Pattern[str], ...], re.Pattern[str]], ...] = (
    tuple(
        (name, *_compile(LEXICON[name]), cues_for(name))
        for name in ACT_DESCRIPTIONS
        if name in LEXICON
    )
)
_SCANNERS: dict[str, Scanner] = {name: Scanner(pattern) for name, pattern, _, _ in _COMPILED}
"""Each act's alternation, tried only where one of its branches can start (:mod:`.scan`)."""
_COMMON_CUES = re.compile(COMMON_NEGATIONS)


def is_negated(nm: Normalized, start: int, end: int, acts: tuple[str, ...] = ()) -> bool:
    """True when ``nm.text[start:end]`` is denied in its own clause (我可没说要去你家).

    The same rule ``understand`` applies to acts; the scorer uses it for rubric patterns. With
    ``acts``, each act's own denial cues count too (``别琢磨着去借`` denies borrowing), exactly
    as when ``understand`` reads those acts.
    """
    if not acts:
        return negated(nm, start, end, _COMMON_CUES)
    return any(negated(nm, start, end, cues_for(act)) for act in acts)


_MOTION = frozenset("到去上给打找")
"""Verbs of going to or contacting someone, which a pattern puts right before its person."""


def _split_verb(nm: Normalized, start: int, end: int) -> bool:
    """Whether a hit's motion verb ends one clause and its person opens the next.

    ``机构能看到，您单位看不到`` is no "到您单位": the verb is the last word of a clause, and
    the clause after it starts with its own subject.
    """
    return (
        end - start > 1 and nm.text[start] in _MOTION and nm.clause[start] != nm.clause[start + 1]
    )


def _find(
    nm: Normalized, pattern: Scanner, cues: re.Pattern[str]
) -> tuple[re.Match[str] | None, re.Match[str] | None]:
    """Return the first affirmed hit and the first negated hit of ``pattern``."""
    denied = None
    for m in pattern.finditer(nm.text):
        if m.end() == m.start():
            continue
        if _split_verb(nm, m.start(), m.end()):
            continue
        if negated(nm, m.start(), m.end(), cues):
            denied = denied or m
            continue
        return m, denied
    return None, denied


def _rule(name: str, parts: tuple[re.Pattern[str], ...], text: str, at: int) -> str:
    """``rule:<act>#<n>``: which of the act's patterns matched at ``at``."""
    for number, part in enumerate(parts):
        if part.match(text, at):
            return f"rule:{name}#{number}"
    return f"rule:{name}"


def _whole(nm: Normalized) -> str:
    """The utterance as evidence for acts inferred from slots rather than words."""
    stripped = nm.original.strip()
    return stripped if len(stripped) <= 60 else stripped[:60]


def rule_end(nm: Normalized, at: int, name: str) -> int:
    """Where the words of act ``name``'s rule hit starting at ``at`` end (``at`` if none does)."""
    for act, pattern, _, _ in _COMPILED:
        if act == name:
            found = pattern.match(nm.text, at)
            return found.end() if found else at
    return at


def rule_acts(nm: Normalized) -> tuple[list[tuple[int, Act]], list[Act]]:
    """The lexicon's acts in a normalised utterance.

    Returns:
        ``(hits, denied)``: each affirmed act with the position it was found at, and the acts
        whose words appeared only under a denial.

    """
    hits: list[tuple[int, Act]] = []
    denied: list[Act] = []
    for name, _, parts, cues in _COMPILED:
        hit, neg = _find(nm, _SCANNERS[name], cues)
        if hit is not None:
            source = _rule(name, parts, nm.text, hit.start())
            hits.append((hit.start(), Act(name, nm.quote(hit.start(), hit.end()), source)))
        elif neg is not None:
            source = _rule(name, parts, nm.text, neg.start())
            denied.append(Act(name, nm.quote(neg.start(), neg.end()), source))
    return hits, denied


def understand(text: str, *, today: date | None = None, examples: bool = True) -> Understanding:
    """Find the dialogue acts and slots in one utterance of the trainee.

    The single entry point for the simulated customer, the scorer, the coach and the studio.
    Traditional characters are simplified first; quotes are still the trainee's own words.

    Args:
        text: What the trainee said (typed or recognised), simplified or traditional.
        today: The day of the call, for resolving dates; defaults to today.
        examples: Also consult the example layer (the shipped index); ``False`` gives the
            rules alone (for comparison in ``bench/understanding.py``).

    Returns:
        The acts (each with the original words as its quote and its ``source``), the denied
        acts, and the slots. ``extra`` holds ``normalized`` (the matched text), and when the
        example layer ran, ``examples`` (P per modelled act) and ``overruled`` (rule hits the
        example layer found too unlikely, as acts).

    """
    if not text or not text.strip():
        return Understanding(text=text or "")
    today = today or date.today()
    nm = normalized(text)
    s = nm.text
    hits, denied = rule_acts(nm)
    extra: dict = {"normalized": s}
    model = default_model() if examples else None
    if model is not None:
        hits, denied, overruled, probabilities = combine(model, nm, hits, denied)
        extra["examples"] = {a: round(p, 3) for a, p in probabilities.items()}
        if overruled:
            extra["overruled"] = overruled

    simple = to_simplified(text)
    amounts: list[int] = []
    months = None
    due_date = None
    if _NUMERIC_HINT.search(s):
        amounts = parse_amounts(simple)
        months = parse_months(simple)
    if _DATE_HINT.search(s):
        due_date = parse_date(simple, today)
    channel_match = _CHANNEL.search(s)
    channel = _CHANNELS[channel_match.group()] if channel_match else None
    full = _slot(nm, _FULL)
    minimum = _slot(nm, _MINIMUM)

    found = {act.name for _, act in hits}
    if "offer_plan" not in found and _REPAY_VERB.search(s):
        if months or (amounts and (due_date or channel or full or minimum)):
            hits.append((len(s), Act("offer_plan", _whole(nm), "rule:offer_plan/slots")))
    if "summarize_confirm" not in found and (amounts or due_date or months):
        if _CONFIRM_TAIL.search(s):
            hits.append(
                (len(s), Act("summarize_confirm", _whole(nm), "rule:summarize_confirm/slots"))
            )
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
        extra=extra,
    )


_CANNOT_AFTER = re.compile(
    r".{0,8}?(?:不上|不起|不了|不出|不清|不完|不到|有困难|有难度|有压力|困难|吃力|不容易|够呛"
    r"|做不到|不太?现实|不太?可能|不实际)"
)
"""After a slot word, in its clause: it cannot be done (一次性还不上 / 全额拿不出来 /
最低还款您这个月也还不了 / 一次性还清肯定有困难), which negates what comes before it."""


def _slot(nm: Normalized, pattern: re.Pattern[str]) -> bool:
    """True when ``pattern`` occurs in the text other than under a negation.

    Negated before the words (不用一次性还清) or after them (一次性还不上).
    """
    for m in pattern.finditer(nm.text):
        if negated(nm, m.start(), m.end(), _SLOT_NEGATION):
            continue
        cannot = _CANNOT_AFTER.match(nm.text, m.end())
        if cannot and nm.clause[cannot.end() - 1] == nm.clause[m.start()]:
            continue
        return True
    return False
