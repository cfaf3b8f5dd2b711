"""Understanding the person who answered: customer acts with their evidence, and the slots.

The same approach as the trainee's side (:mod:`.core`): each act of
:data:`.customer_acts.CUSTOMER_ACTS` has precompiled patterns (:mod:`.lexicon_customer`) over
normalised text; each hit is a :class:`CustomerAct` naming the words and the pattern
(``rule:<act>#<n>``). A few acts then exclude one another the way a listener would
(:mod:`.customer_rules`: a yes hedged with ``我尽量`` is a vague commitment, not agreement;
``我是她表妹`` is not a confirmation of identity even though it says ``我是``). The slots keep ranges and approximate
dates as such (:mod:`.ranges`, :mod:`.relative_dates`), and keep apart the amounts said in a
dispute from the amounts said as capacity.

The example layer (:mod:`.customer_examples`: a logistic regression per act over the agent
side's character n-grams, learnt from the customer corpus' ``train`` split) then *adds* acts the
rules missed, where cross-validation on ``train`` showed what it adds is right ≥ 90 % of the
time and the exclusions above would keep it; it never removes a rule's act.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from simulator.understand.acts import HasActs
from simulator.understand.customer_examples import add_examples, default_customer_model
from simulator.understand.customer_rules import (
    STRONG_THIRD_PARTY,
    CustomerAct,
    exclude,
    number,
    rule_customer_acts,
)
from simulator.understand.lexicon_customer import HARDSHIP_TOPICS, RELATIONS
from simulator.understand.memo import normalized
from simulator.understand.normalize import Normalized, normalize_with_map
from simulator.understand.numbers import parse_months
from simulator.understand.ranges import Amount, amount_spans
from simulator.understand.relative_dates import DateSpan, date_span
from simulator.understand.terms import CHANNEL, CHANNELS

__all__ = [
    "CustomerAct",
    "CustomerUnderstanding",
    "Relation",
    "customer_acts",
    "hardship_topics",
    "rule_customer_acts",
    "rule_reading",
    "understand_customer",
]

_RELATION = re.compile(
    rf"(?:我|俺|阿拉|额|我们)(?:就|只)?(?:是|系|事|介是)(?:[他她佢伊]+|持卡人|机主|[\u4e00-\u9fff]{{1,4}}?)?"
    rf"(?:的|们家的?)?(?P<a>{RELATIONS})"
    rf"|(?:[他她佢伊]|你找的|你说的)(?:那个人)?(?:是|系)我的?(?P<b>{RELATIONS})"
    rf"|我的?(?P<c>{RELATIONS})的(?:手机|电话|号码|号|卡)"
)
_ANGRY = re.compile(r"烦死|别(再)?打了|催命|够了|烦不烦|有完没完|骚扰")


@dataclass(frozen=True)
class Relation:
    """Who the person who answered is to the cardholder, as they said it."""

    word: str
    """The relation word (表妹 / 同事 / 女儿)."""
    of: str
    """``speaker`` (我是她表妹: the speaker is the cardholder's 表妹) or ``cardholder``
    (这是我女儿的手机: the cardholder is the speaker's 女儿)."""

    def describe(self) -> str:
        """The relation in the scorecard's words."""
        if self.of == "speaker":
            return f"接听人是持卡人的{self.word}"
        return f"持卡人是接听人的{self.word}"


@dataclass(frozen=True)
class CustomerUnderstanding(HasActs):
    """Everything the rules found in one utterance of the customer."""

    text: str
    acts: tuple[CustomerAct, ...] = ()
    amounts: tuple[Amount, ...] = ()
    """Every sum of money said, exact, range or approximation, in order."""
    months: int | None = None
    """Instalment count said (分十二期)."""
    date: DateSpan | None = None
    """The first date said, as a span (这周内 / 过两天 / 12月5号)."""
    channel: str | None = None
    relation: Relation | None = None
    third_party: str | None = None
    """``strong`` (我是他妈 / 打错了) or ``weak`` (他在开会) when ``not_cardholder``."""
    topics: tuple[str, ...] = ()
    """Hardship topics brought up (job, health, family, money, feeling)."""
    angry: bool = False
    """Insulting, threatening to complain, or openly fed up (for calm-under-pressure)."""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def disputed(self) -> tuple[Amount, ...]:
        """Amounts said in a dispute (never a capacity)."""
        return self.extra.get("disputed", ()) if self.has("dispute") else ()

    @property
    def capacity(self) -> tuple[Amount, ...]:
        """Amounts said as what the customer can pay (never one said in a dispute)."""
        return self.extra.get("capacity", ()) if self.has("state_capacity") else ()


def rule_reading(
    nm: Normalized, text: str, today: date
) -> tuple[list[CustomerAct], dict[str, CustomerAct], dict]:
    """What the rules alone read in one line: ``(acts in order, acts by name, slots)``.

    The acts are those left after :func:`.customer_rules.exclude`; ``slots`` is what the
    exclusions read (amounts, months, date, the normalised text). The example layer
    (:mod:`.customer_examples`) adds to this, and its build cross-validates against it.
    """
    amounts = amount_spans(text)
    months = parse_months(text)
    span = date_span(text, today)
    slots = {"amounts": amounts, "months": months, "date": span, "normalized": nm.text}
    hits = sorted(rule_customer_acts(nm), key=lambda hit: hit[0])
    found = {act.name: act for _, act in hits}
    exclude(found, slots, text)
    kept = [act for _, act in hits if found.get(act.name) is act]
    return kept + [act for act in found.values() if act not in kept], found, slots


@lru_cache(maxsize=4096)
def _understand(text: str, today: date, examples: bool = True) -> CustomerUnderstanding:
    nm = normalized(text)
    if not nm.text:
        return CustomerUnderstanding(text=text)
    ordered, found, slots = rule_reading(nm, text, today)
    amounts, months, span = slots["amounts"], slots["months"], slots["date"]
    model = default_customer_model() if examples else None
    if model is not None:
        for act in add_examples(model, nm, found, slots, text):
            found[act.name] = act
            ordered.append(act)
    acts = tuple(ordered)
    relation = None
    third_party = None
    if "not_cardholder" in found:
        m = _RELATION.search(nm.text)
        if m:
            word = m.group("a") or m.group("b") or m.group("c")
            relation = Relation(word, "speaker" if m.group("a") else "cardholder")
        if found["not_cardholder"].source == "example":  # outright only when a relation is said
            strong = relation is not None
        else:
            strong = 0 <= number(found["not_cardholder"]) < STRONG_THIRD_PARTY
        third_party = "strong" if strong else "weak"
    channel = CHANNEL.search(nm.text)
    topics = hardship_topics(nm.text)
    disputed, capacity = _split_amounts(text, amounts, found)
    if "state_capacity" in found and "dispute" in found and not capacity:
        acts = tuple(a for a in acts if a.name != "state_capacity")
    return CustomerUnderstanding(
        text=text,
        acts=acts,
        amounts=amounts,
        months=months,
        date=span,
        channel=CHANNELS[channel.group()] if channel else None,
        relation=relation,
        third_party=third_party,
        topics=topics,
        angry=bool("hostile" in found or "complain" in found or _ANGRY.search(nm.text)),
        extra={"normalized": nm.text, "disputed": disputed, "capacity": capacity},
    )


_CLAUSE = re.compile(r"[^，。,.;；!！?？…]+")


def _split_amounts(
    text: str, amounts: tuple[Amount, ...], found: dict[str, CustomerAct]
) -> tuple[tuple[Amount, ...], tuple[Amount, ...]]:
    """``(disputed, capacity)``: a line that does both keeps each amount with its own clause."""
    dispute, can = "dispute" in found, "state_capacity" in found
    if not (dispute and can):
        return (amounts if dispute else ()), (amounts if can else ())
    disputed: list[Amount] = []
    capacity: list[Amount] = []
    for clause in _CLAUSE.findall(text):
        nm = normalize_with_map(clause)
        said = {act.name for _, act in rule_customer_acts(nm)}
        spans = amount_spans(clause)
        if "dispute" in said:
            disputed.extend(spans)
        elif "state_capacity" in said:
            capacity.extend(spans)
    return tuple(disputed), tuple(capacity)


def understand_customer(
    text: str, *, today: date | None = None, rules_only: bool = False
) -> CustomerUnderstanding:
    """Find the acts and slots in one utterance of the customer.

    Args:
        text: What the customer said, simplified or traditional.
        today: The day of the call, for resolving dates; defaults to today.
        rules_only: Leave out the example layer (what the rules alone read).

    Returns:
        The acts (each with its quote and rule, or its nearest labelled line) and the slots.

    """
    return _understand(text or "", today or date.today(), not rules_only)


def customer_acts(text: str, *, rules_only: bool = False) -> tuple[CustomerAct, ...]:
    """The customer acts in ``text``, each with its evidence (the corpus' unit of measure)."""
    return understand_customer(text, rules_only=rules_only).acts


_HARDSHIP = {name: re.compile(pattern) for name, pattern in HARDSHIP_TOPICS.items()}


def hardship_topics(normalized: str) -> tuple[str, ...]:
    """Hardship topics in normalised text (job, health, family, money, feeling)."""
    return tuple(name for name, regex in _HARDSHIP.items() if regex.search(normalized))
