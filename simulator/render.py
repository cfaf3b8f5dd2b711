"""Saying the decided move in the persona's own words, from the persona file's lines.

The offline renderer never decides anything: it picks a variant of the situation's lines whose
slots it can fill, never the line it said last, and fills the slots in spoken form (三千五, 明天).
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from simulator.customer.lines import (
    DEFAULT_LINES,
    OBJECTION_WORDS,
    calm_hangups,
    objection_situation,
)
from simulator.persona import LoadedPersona
from simulator.policy import Move
from simulator.understand import spoken_amount, spoken_date

__all__ = ["Rendered", "Renderer", "RenderContext", "TemplateRenderer", "slot_values"]

# Said when a persona has no fillable line for a move (schema checks make this rare).
FALLBACK = {"hangup": "不说了，挂了。", "close": "好，再见。"}
DEFAULT_FALLBACK = "嗯……"
_STATES_OBJECTION = re.compile(OBJECTION_WORDS)
_REPEAT_PREFIXES = ("我说，", "我是说，", "我刚说了，", "我再说一遍，")
_AGAIN_PREFIXES = (
    "我刚说了，",
    "还是那句话，",
    "跟你说过了，",
    "我再说一次，",
    "都说了几遍了，",
    "你听清楚，",
    "说多少遍了，",
    "你记好了，",
)
"""How a customer asked the same thing again opens the same answer."""
_PLAN_SLOTS = frozenset({"amount", "months", "date", "channel"})
_OBJECTING = ("counter", "refuse")
"""Moves that say their objection first (分那么多期不行。……)."""


@dataclass(frozen=True)
class RenderContext:
    """What a renderer may know when voicing a move."""

    today: date
    history: tuple[tuple[str, str], ...] = ()
    """(speaker, text) of the call so far."""
    revealed: frozenset[str] = frozenset()
    call: object | None = None
    """The call as a whole (:class:`simulator.callstate.CallState`), when the caller has one."""


@dataclass(frozen=True)
class Rendered:
    """A customer line and where it came from."""

    text: str
    engine: str
    """``scripted``, ``llm:<model>``, or ``scripted (fallback: <why>)``."""


class Renderer(Protocol):
    """Turns a decided move into the customer's words."""

    name: str

    def render(self, move: Move, ctx: RenderContext) -> Rendered:
        """Return the customer's line for ``move``; never raise for a service failure."""
        ...


def slot_values(loaded: LoadedPersona, move: Move, today: date) -> dict[str, str]:
    """Every slot a line may use for this move, already in spoken form."""
    p = loaded.persona
    f = p.facts
    values = {
        "name": p.brief.name,
        "debt": spoken_amount(p.brief.amount),
        "card_last4": p.brief.card_last4,
        "id_last4": f.id_last4,
        "capacity": spoken_amount(f.monthly_capacity),
        "reason": f.reason,
        "cardholder": p.brief.name,
        "pay_channel": f.pay_channel,
    }
    if f.other_banks:
        values["other_banks"] = "、".join(f.other_banks)
    if move.recalls:
        values["earlier"] = move.recalls
    if p.brief.minimum_payment:
        values["minimum"] = spoken_amount(p.brief.minimum_payment)
    if f.lump_sum:
        values["lump_sum"] = spoken_amount(f.lump_sum)
        values["lump_sum_date"] = spoken_date(_days(today, f.lump_sum_in_days), today)
    if f.dispute:
        values["disputed_amount"] = spoken_amount(f.dispute.amount)
        values["disputed_merchant"] = f.dispute.merchant
    if f.third_party:
        values["relation"] = f.third_party.relation
        values["back_time"] = f.third_party.back_time
    plan = move.plan
    if plan:
        values["amount"] = spoken_amount(plan.amount)
        if plan.months:
            values["months"] = "两" if plan.months == 2 else spoken_amount(plan.months)
        if plan.due_date:
            values["date"] = spoken_date(plan.due_date, today)
        if plan.channel:
            values["channel"] = plan.channel
    return values


def _sentence(text: str) -> str:
    """``text`` closed as a sentence, so that the next part can follow it."""
    text = text.strip()
    return text if not text or text[-1] in "。！？!?…，," else text + "。"


def _days(today: date, n: int) -> date:
    return today + timedelta(days=max(n, 1))


def _slots(line: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(line) if name}


class TemplateRenderer:
    """The offline renderer: persona lines with slots filled, deterministic for a seed."""

    name = "scripted"

    def __init__(self, loaded: LoadedPersona, *, seed: int = 0):
        self.loaded = loaded
        self.rng = random.Random(seed)
        self._last: str | None = None
        self._used: dict[str, list[str]] = {}
        self._relaxed = False
        """Set while a line said already this call is said again in other words."""

    def render(self, move: Move, ctx: RenderContext) -> Rendered:
        """Pick a fillable variant not said last time (preferring ones not said yet)."""
        return Rendered(self.line(move, ctx.today, history=ctx.history), self.name)

    def variants(self, situation: str) -> list[str]:
        """The persona's lines for a situation, or the plain ones of issue #13's answers.

        ``busy_hangup`` without lines of its own takes the persona's calm ``hangup`` lines.
        """
        own = self.loaded.persona.lines
        if situation == "busy_hangup" and not own.get(situation):
            calm = calm_hangups(own.get("hangup") or ())
            return calm or list(DEFAULT_LINES["busy_hangup"])
        return list(own.get(situation) or DEFAULT_LINES.get(situation, ()))

    def line(self, move: Move, today: date, history: tuple[tuple[str, str], ...] = ()) -> str:
        """The persona's line for ``move`` and its parts, slots filled (``history``: the call so far).

        A move's ``lead`` is said first and its ``also`` after: one reply that meets every
        question of a compound line (多少先不说，…… / ……，用手机银行还。).
        """
        text = self._compose(move, today, history)
        said = {t.strip() for speaker, t in history if speaker == "customer"}
        if text.strip() in said and move.situation != "repeat":
            self._relaxed = True  # said already this call: any fitting variant, not the richest
            try:
                other = self._compose(move, today, history)
            finally:
                self._relaxed = False
            text = other if other.strip() not in said else self._again(text, said)
        return text

    @staticmethod
    def _again(text: str, said: set[str]) -> str:
        """A line said already, said as people say a thing twice (我刚说了，……)."""
        fresh = [p + text for p in _AGAIN_PREFIXES if (p + text).strip() not in said]
        return fresh[0] if fresh else text

    def _compose(self, move: Move, today: date, history: tuple[tuple[str, str], ...]) -> str:
        parts = [self._one(m, today, history) for m in (*move.lead, move, *move.also)]
        return "".join(_sentence(p) for p in parts[:-1]) + parts[-1]

    def _one(self, move: Move, today: date, history: tuple[tuple[str, str], ...]) -> str:
        if move.situation == "repeat":
            return self._repeat(history, today)
        values = slot_values(self.loaded, move, today)
        said = self._pick(move.situation, move, values)
        why = objection_situation(move.objection) if move.situation in _OBJECTING else None
        if why is None:
            return said if said is not None else FALLBACK.get(move.situation, DEFAULT_FALLBACK)
        reason = self._pick(why, Move(why), values) or ""
        if move.situation == "refuse" or said is None:
            return reason or said or DEFAULT_FALLBACK
        return f"{reason}{said}"

    def _repeat(self, history: tuple[tuple[str, str], ...], today: date) -> str:
        said = [text for speaker, text in history if speaker == "customer"]
        last = said[-1] if said else ""
        if not last:
            return self._one(Move("filler"), today, ())
        for prefix in _REPEAT_PREFIXES:  # say the words again, not the "我说" of last time
            if last.startswith(prefix):
                last = last[len(prefix) :]
                break
        fresh = [p for p in _REPEAT_PREFIXES if p + last not in said] or list(_REPEAT_PREFIXES)
        return fresh[0] + last

    def _pick(self, situation: str, move: Move, values: dict[str, str]) -> str | None:
        variants = self.variants(situation)
        fillable = [v for v in variants if _slots(v) <= values.keys()]
        if move.plan and fillable:
            # Say the plan's own kind (instalments name a count, a lump sum a date), and prefer
            # the variants that state the most terms: a plan is only real when said aloud.
            same_kind = [v for v in fillable if ("months" in _slots(v)) == bool(move.plan.months)]
            if self._relaxed:  # in other words: the same kind of terms, or none said at all
                fillable = same_kind + [v for v in fillable if not _slots(v) & _PLAN_SLOTS]
            else:
                fillable = same_kind or fillable
                richest = max(len(_slots(v)) for v in fillable)
                fillable = [v for v in fillable if len(_slots(v)) == richest]
        if move.objection and situation in _OBJECTING:
            # The objection is said first, in its own words: not a reason of the line's own.
            plain = [v for v in fillable if not _STATES_OBJECTION.search(v)]
            fillable = plain or fillable
        if not fillable:
            return None
        used = self._used.setdefault(situation, [])
        fresh = [v for v in fillable if v not in used] or [v for v in fillable if v != self._last]
        choice = self.rng.choice(fresh or fillable)
        used.append(choice)
        if len(used) >= len(fillable):
            del used[:-1]  # every variant said once: start over, still never the last one
        line = choice.format(**values)
        self._last = choice
        return line
