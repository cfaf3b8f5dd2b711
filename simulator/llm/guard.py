"""Checking what the model wrote before the customer says it.

A model that is told to ignore its instructions may do so; this module is why that changes
nothing. Every sentence is cleaned (speaker labels, stage directions, quotes) and then rejected
when it is not short spoken Chinese, when it steps out of role (我是AI / 作为一个语言模型 / talk
of prompts and role-play), when it agrees to something the policy did not decide, when it says
a number that is neither the move's nor a fact already revealed, or when it tells a hidden
reason the customer has not given yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from simulator.persona import LoadedPersona
from simulator.policy import Move
from simulator.render import RenderContext
from simulator.understand import spoken_date
from simulator.understand.normalize import normalize
from simulator.understand.numbers import chinese_to_number

__all__ = ["ReplyGuard", "build_guard", "number_values", "revealed_facts"]

MAX_SENTENCES = 3
MAX_SENTENCE_CHARS = 40
MAX_REPLY_CHARS = 90

_CN_NUM = "零〇一二两三四五六七八九十百千万"
_NUMBER = re.compile(rf"\d+(?:\.\d+)?[万千百]?|[{_CN_NUM}]+")
# A lone 一/两/三 only counts when a unit follows (一下, 一定, 三心二意 are not numbers).
_UNIT_AFTER = "块元万千百月号日天期个年周岁次笔成倍"
_WEEKDAY_BEFORE = "周拜期"  # 周五, 礼拜五, 星期五
# Phrases with numerals that state no number (strip before scanning).
_VAGUE = re.compile(
    r"过两天|这两天|那两天|两句|两下|两回|一两|两三|三四|四五|五六|六七|七八|八九|三五|十来|"
    r"一下子?|一点|一些|一直|一定|一样|一起|一会儿?|一边|一次性|一口气|一时|万一|千万|"
    r"一天到晚|三天两头|一分钱|第[一二两三四五六七八九十]"
)
_AI_SELF = re.compile(
    r"(我是|作为|身为|我只是)(一个|一名|一款|个)?(ai|人工智能|语言模型|大模型|模型|智能助手|助手|机器人|"
    r"chatgpt|gpt|虚拟|程序)|ai助手|语言模型|人工智能|chatgpt|openai|提示词|系统提示|"
    r"扮演|角色设定|我的设定|模拟器|培训|学员|受训|指令"
)
_LATIN = re.compile(r"[A-Za-z]{2,}")
_OTHER_LABEL = re.compile(
    r"(催收员|坐席|银行|学员|用户|助手|系统|assistant|user|system)\s*[:：]", re.I
)
_STAGE = re.compile(r"[（(\[【*][^）)\]】*]{0,20}[）)\]】*]")
_QUOTES = "“”‘’「」『』\"'《》 "
_AGREE = re.compile(
    r"我同意|同意还|答应你|就按你说的|按你说的办|就这么定|一言为定|成交|我这就还|我马上还"
)
_REFUSE = re.compile(r"不同意|不答应|不接受")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_AGREEING_MOVES = frozenset({"accept", "confirm", "close", "dispute_registered"})


def _shingles(text: str, n: int) -> set[str]:
    norm = normalize(text)
    return {norm[i : i + n] for i in range(len(norm) - n + 1)}


def number_values(text: str) -> list[float]:
    """Every number the text states (amounts, dates, counts); vague ones (两三天, 一下) left out."""
    text = _VAGUE.sub("、", text)
    values: list[float] = []
    for m in _NUMBER.finditer(text):
        token = m.group()
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if "几" in (before, after) or "多" == after and token in ("十", "百"):
            continue  # 十几, 几千: vague
        if token[0].isdigit():
            mult = {"万": 10_000, "千": 1_000, "百": 100}.get(token[-1], 1)
            values.append(float(token.rstrip("万千百")) * mult)
            continue
        if len(token) == 1 and after not in _UNIT_AFTER and before not in _WEEKDAY_BEFORE:
            continue
        value = chinese_to_number(token)
        if value is not None:
            values.append(value)
    return values


@dataclass(frozen=True)
class ReplyGuard:
    """What this turn's reply may say; :meth:`check` names the first problem in a sentence."""

    allowed_numbers: frozenset[float]
    allowed_phrases: tuple[str, ...]
    """Spoken forms of allowed values (下周五, 明天, 三千五): removed before numbers are read."""
    hidden_shingles: frozenset[str]
    """4-character pieces of facts not yet revealed (the reason)."""
    name: str
    may_agree: bool
    may_refuse: bool

    def clean(self, sentence: str) -> str:
        """Strip what a voice must not read: own speaker label, stage directions, quotes."""
        text = sentence.strip()
        text = re.sub(rf"^\s*({re.escape(self.name)}|客户|顾客|我)\s*[:：]\s*", "", text)
        text = _STAGE.sub("", text)
        return text.strip(_QUOTES + "\n\t")

    def check(self, sentence: str, index: int = 0) -> str | None:
        """The first problem with a piece of the reply, or None when fine.

        ``index`` counts the sentences already finished before this piece (0-based), so a
        fourth sentence is refused; clauses cut at a long comma do not count as sentences.
        """
        if index >= MAX_SENTENCES:
            return "more than three sentences"
        if len(sentence) > MAX_SENTENCE_CHARS:
            return "sentence too long"
        lowered = sentence.lower()
        if _AI_SELF.search(lowered):
            return "out of role (AI self-reference or prompt talk)"
        if _OTHER_LABEL.search(sentence) or "\n" in sentence:
            return "speaks for someone else"
        if _LATIN.search(sentence):
            return "not Chinese"
        cjk = len(_CJK.findall(sentence))
        foreign = sum(1 for ch in sentence if ch.isalpha() and not _CJK.match(ch))
        if cjk == 0 or foreign > 1:  # kana, hangul, Cyrillic … (Latin was caught above)
            return "not Chinese"
        if not self.may_agree and _AGREE.search(sentence):
            return "agrees although the policy did not accept"
        if not self.may_refuse and _REFUSE.search(sentence):
            return "refuses although the policy accepted"
        stripped = sentence
        for phrase in self.allowed_phrases:
            stripped = stripped.replace(phrase, "、")
        for value in number_values(stripped):
            if value not in self.allowed_numbers:
                return f"unsupported number: {value:g}"
        if self.hidden_shingles and _shingles(sentence, 4) & self.hidden_shingles:
            return "tells an unrevealed fact"
        return None

    def check_text(self, text: str) -> str | None:
        """Check a whole reply (for a reference line or a finished text)."""
        from simulator.llm.stream import ends_sentence, split_sentences

        pieces = split_sentences(text)
        if not pieces:
            return "empty reply"
        if len(text) > MAX_REPLY_CHARS:
            return "reply too long"
        done = 0
        for piece in pieces:
            problem = self.check(piece, done)
            if problem:
                return problem
            done += ends_sentence(piece)
        return None


def revealed_facts(move: Move, ctx: RenderContext) -> frozenset[str]:
    """Facts the customer has told, counting the one this move tells now (``verify_ok``)."""
    return frozenset(ctx.revealed) | frozenset(move.reveals)


def _date_numbers(d: date, today: date) -> tuple[set[float], set[str]]:
    spoken = spoken_date(d, today)
    days = (d - today).days
    return {float(d.month), float(d.day), float(d.isoweekday()), float(days)}, {spoken}


def build_guard(loaded: LoadedPersona, move: Move, ctx: RenderContext) -> ReplyGuard:
    """The checks for one turn: numbers from the brief, the move and the revealed facts only."""
    p = loaded.persona
    brief, facts = p.brief, p.facts
    revealed = revealed_facts(move, ctx)
    numbers: set[float] = {
        1.0,
        float(brief.amount),
        float(brief.card_last4),
        float(brief.days_overdue),
    }
    phrases: set[str] = set()
    if brief.minimum_payment:
        numbers.add(float(brief.minimum_payment))
    if facts.dispute:
        numbers.add(float(facts.dispute.amount))
    if "identity" in revealed:
        numbers.add(float(facts.id_last4))
    if "capacity" in revealed:
        numbers |= {float(facts.monthly_capacity), float(facts.max_months)}
        if facts.lump_sum:
            numbers.add(float(facts.lump_sum))
            lump = ctx.today + timedelta(days=max(facts.lump_sum_in_days, 1))
            more, spoken = _date_numbers(lump, ctx.today)
            numbers |= more
            phrases |= spoken
    if move.plan:
        plan = move.plan
        numbers.add(float(plan.amount))
        if plan.months:
            numbers |= {float(plan.months), float(plan.amount * plan.months)}
        if plan.due_date:
            more, spoken = _date_numbers(plan.due_date, ctx.today)
            numbers |= more
            phrases |= spoken
    if facts.third_party:
        phrases.add(facts.third_party.back_time)
    hidden: set[str] = set()
    if "reason" not in revealed:
        hidden = _shingles(facts.reason, 4)
    return ReplyGuard(
        allowed_numbers=frozenset(numbers),
        allowed_phrases=tuple(sorted(phrases, key=len, reverse=True)),
        hidden_shingles=frozenset(hidden),
        name=brief.name,
        may_agree=move.situation in _AGREEING_MOVES,
        may_refuse=move.situation not in ("accept", "confirm"),
    )
