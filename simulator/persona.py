"""Persona files: one simulated customer per YAML file, validated completely at load.

A persona file is data only. This module owns its schema (pydantic models with unknown keys
rejected), loading, and the error format every tool prints: one line per problem, as
``personas/hostile_zhang.yaml: facts.monthly_capacity: Input should be greater than 0``.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, model_validator

from simulator.datafile import (
    DataFileError,
    check_files,
    content_version,
    read_data_file,
    read_mapping,
    report_once,
    validation_problems,
)

__all__ = [
    "ARCHETYPE_LABELS",
    "Archetype",
    "Persona",
    "PersonaError",
    "LoadedPersona",
    "ANSWER_SITUATIONS",
    "REQUIRED_SITUATIONS",
    "COMMON_SITUATIONS",
    "SLOTS",
    "TRAIT_SITUATIONS",
    "Trait",
    "load_persona",
    "load_personas",
    "load_personas_report",
    "check_paths",
    "default_personas_dir",
]


class Archetype(StrEnum):
    """The kinds of customer a trainee must learn to handle."""

    cooperative = "cooperative"
    hostile = "hostile"
    hardship = "hardship"
    evasive = "evasive"
    disputing = "disputing"
    third_party = "third_party"


ARCHETYPE_LABELS = {
    Archetype.cooperative: "配合型",
    Archetype.hostile: "对抗型",
    Archetype.hardship: "困难型",
    Archetype.evasive: "拖延型",
    Archetype.disputing: "异议型",
    Archetype.third_party: "第三方接听",
}


class Trait(StrEnum):
    """A way of behaving on top of the archetype: the situations trainees meet on real lines."""

    coached = "coached"
    """Coached by a debt-relief agent: demands 停息挂账 / 个性化分期 first, cites rules, records."""
    complains = "complains"
    """Threatens a regulator complaint at the first offence and hangs up to file it at the next."""
    hard_of_hearing = "hard_of_hearing"
    """Elderly, hard of hearing: mishears amounts (an offer must be said twice) and long lines."""
    fraud_claim = "fraud_claim"
    """Says the charges are fraud (盗刷): wants them investigated and the card frozen first."""
    multi_bank = "multi_bank"
    """Owes several banks and plays them off: wants the longest plan another bank gave."""
    pretends_relative = "pretends_relative"
    """The cardholder pretending to be a relative, until pressed politely about identity."""


# Situations each trait needs lines for (the renderer has plain ones; a persona should not).
TRAIT_SITUATIONS = {
    Trait.coached: ("demand_relief", "cite_rules"),
    Trait.complains: ("threaten_complaint", "complaint_hangup"),
    Trait.hard_of_hearing: ("didnt_hear", "mishear_amount"),
    Trait.fraud_claim: ("fraud_insist", "demand_freeze"),
    Trait.multi_bank: ("play_banks",),
    Trait.pretends_relative: (
        "third_party_out",
        "third_party_refuse",
        "third_party_message",
        "admit_cardholder",
    ),
}

# Every situation the offline renderer may be asked to voice. Each names one decided move.
REQUIRED_SITUATIONS = (
    "opening",  # first words on picking up
    "ack",  # neutral "嗯，你说" to a greeting or an introduction
    "ask_who",  # asks who is calling / which bank, when the agent skipped the introduction
    "verify_ok",  # confirms identity from the hidden facts
    "verify_refuse",  # won't give identity details yet
    "acknowledge_debt",  # admits the debt
    "give_reason",  # reveals why the payment is late
    "deflect_reason",  # won't say why (trust too low)
    "give_capacity",  # reveals what they can really pay
    "deflect_capacity",  # won't say what they can pay
    "accept",  # accepts the offer on the table
    "counter",  # counter-offers what they can afford
    "refuse",  # refuses the offer outright
    "confirm",  # confirms the plan read back by the agent
    "angry",  # reacts to a threat, insult or pressure
    "warn_hangup",  # last warning before hanging up
    "hangup",  # hangs up
    "soften",  # responds to genuine empathy
    "consequence",  # responds to a factual explanation of consequences
    "silence",  # the agent said nothing
    "confused",  # the agent said something off-topic
    "filler",  # nothing in particular to say; invites the agent to go on
    "close",  # says goodbye after an agreement or a polite close
    "impatient",  # patience wearing thin
)

# Situations that come up in most calls: each needs at least three variants.
COMMON_SITUATIONS = ("ack", "filler", "angry", "silence", "confused", "refuse", "counter")

# Archetype-specific situations.
ARCHETYPE_SITUATIONS = {
    Archetype.evasive: ("vague_promise",),
    Archetype.disputing: ("dispute", "dispute_registered"),
    Archetype.third_party: ("third_party_out", "third_party_refuse", "third_party_message"),
    Archetype.hardship: ("cannot_pay_full",),
}

# Situations added for issue #13 (answers in kind, objections, memory): optional in a persona
# file; the renderer has plain lines for each (``simulator.customer.lines``) when a file has none.
ANSWER_SITUATIONS = (
    "confirm_name",  # "是我" to a check of identity by name; no ID digits
    "i_am_cardholder",  # asked as if a relative (您是他什么人 / 他在家吗): "我就是本人"
    "third_party_who",  # who the person who answered is, and their relation to the cardholder
    "third_party_back",  # when the cardholder is back (the same time every time)
    "third_party_not_me",  # asked for the cardholder's ID digits: "我又不是他"
    "give_when",  # when they can pay (the plan's date / count)
    "deflect_when",  # won't say when
    "give_channel",  # which channel they pay through
    "amount_ok",  # the stated amount is right
    "repeat",  # says the last line again
    "clarify",  # a question about the call they did not follow: 你是问我什么？
    "correct_readback",  # a read-back that differs from what was agreed: corrects it
    "contradiction",  # holds the agent to an earlier promise ({earlier})
    "object_monthly",  # too much a month
    "object_months",  # too many instalments
    "object_lump",  # more at once than they can raise
    "object_soon",  # a one-off sum before they can raise it
    "object_channel",  # a channel they cannot use
    "object_full",  # the whole debt at once
    "vague_when",  # evasive, asked when: 过两天吧
    "vague_capacity",  # evasive, asked how much: 多少我现在说不好
    "guess_fits",  # asked whether a sum is within reach, and it is: {amount}可以
    "guess_too_high",  # asked whether a sum is within reach, and it is not: {amount}可拿不出来
    "hold_offer",  # holding out for a demand (停息挂账 / 冻卡): 这个方案我不接受
    "hold_capacity",  # holding out, asked how much: 多少先不说
    "hold_when_pay",  # holding out, asked when: 日子我先不说
    "hold_why_late",  # holding out, asked why: 原因先不说
    "hold_channel",  # holding out, asked how they pay: 渠道的事先不说
    "hold_amount_right",  # holding out, asked whether the sum is right: 数对不对我先不说
    "not_agreed",  # terms read back as agreed that they never agreed: 不对，这个我可没答应
    "not_agreed_yet",  # claimed as agreed, never agreed, but acceptable: 不对，刚才还没说定呢
    "hold_own",  # holding out, their own terms read back: 数是我说的没错，可是……
    "wait",  # agreed, and the agent says there is more to come (我录一下，再跟您对一遍): 好，你弄
    "busy_hangup",  # out of patience but not angry: 我这边还有事，先挂了 (default: calm hangup lines)
)

OPTIONAL_SITUATIONS = (
    *ANSWER_SITUATIONS,
    "demand_relief",  # coached: 先给我办停息挂账, before any plan
    "cite_rules",  # coached: quotes the rules back at a consequence
    "threaten_complaint",  # complains: 再这样我就打12378投诉
    "complaint_hangup",  # complains: hangs up to file the complaint
    "didnt_hear",  # hard of hearing: 啊？你说什么？大点声
    "mishear_amount",  # hard of hearing: says the offer back with the amount wrong
    "fraud_insist",  # fraud claim: 盗刷的钱凭什么让我还
    "demand_freeze",  # fraud claim: 卡先给我冻上
    "play_banks",  # multi bank: 别家都给我分了这么多期
    "admit_cardholder",  # pretends relative: 好吧，我就是本人
    "vague_promise",
    "dispute",
    "dispute_registered",
    "third_party_out",
    "third_party_refuse",
    "third_party_message",
    "cannot_pay_full",
    "recording_ok",
    "greet_back",
)

# Slots a line may use. The renderer fills them from the persona and the decided move.
SLOTS = {
    "name": "the cardholder's name",
    "debt": "the overdue amount, spoken",
    "minimum": "the minimum payment, spoken",
    "card_last4": "card number, last four digits",
    "id_last4": "ID-card number, last four digits",
    "capacity": "what they can pay per month, spoken",
    "lump_sum": "the one-off sum they can raise, spoken",
    "lump_sum_date": "when the lump sum is available, spoken",
    "reason": "why the payment is late (from facts.reason)",
    "amount": "the amount in the move (offer, counter or plan), spoken",
    "months": "number of instalments in the move",
    "date": "the due date in the move, spoken",
    "channel": "the payment channel in the move",
    "disputed_amount": "the disputed charge, spoken",
    "disputed_merchant": "who the disputed charge is from",
    "cardholder": "the cardholder's name (third party)",
    "relation": "how the person who answered is related to the cardholder",
    "back_time": "when the cardholder will be back (third party)",
    "pay_channel": "the channel the customer pays through (facts.pay_channel)",
    "earlier": "an earlier promise of the agent, in the customer's words (不找我家里人)",
    "other_banks": "the other banks the customer owes (facts.other_banks), spoken",
}


# Channels as a plan records them (simulator.understand's channel tables map words to these).
PLAN_CHANNELS = (
    "手机银行", "网银", "微信", "支付宝", "柜台", "网点", "APP", "自动扣款", "云闪付", "转账", "ATM",
)  # fmt: skip

log = logging.getLogger(__name__)


class _Strict(BaseModel):
    # .nan and .inf are not numbers a trainer means; without this a NaN fails "must be <= 3"
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# Numbers are strict: ``difficulty: true`` or ``amount: 3.5`` is a mistake, not 1 or a rounding.
Int = Annotated[int, Strict()]
Float = Annotated[float, Strict()]
Digits4 = Annotated[str, Field(pattern=r"^\d{4}$", description="four digits, quoted in YAML")]
Level = Annotated[Int, Field(ge=0, le=100)]
Money = Annotated[Int, Field(ge=0, description="yuan, whole numbers")]


class Brief(_Strict):
    """What the trainee sees before dialling."""

    name: str = Field(min_length=1, description="the cardholder's name")
    card_last4: Digits4
    amount: Annotated[Int, Field(gt=0, description="overdue amount in yuan")]
    minimum_payment: Money | None = Field(None, description="minimum payment due, yuan")
    days_overdue: Annotated[Int, Field(ge=1, le=2000)]
    note: str = Field("", description="one line of context for the trainee")


class Dispute(_Strict):
    """A charge the customer says is not theirs."""

    amount: Annotated[Int, Field(gt=0)]
    merchant: str = Field(min_length=1)
    detail: str = ""


class ThirdParty(_Strict):
    """Who answered instead of the cardholder."""

    relation: str = Field(min_length=1, description="e.g. 母亲, 妻子")
    back_time: str = Field(min_length=1, description="when the cardholder is back, spoken")


class SorePoint(_Strict):
    """A topic that makes the customer angry when the agent brings it up."""

    topic: str = Field(min_length=1)
    keywords: list[str] = Field(min_length=1)
    anger: Annotated[Int, Field(ge=1, le=60)] = 15


class Facts(_Strict):
    """Hidden facts: the trainee learns them only by asking well."""

    id_last4: Digits4
    reason: str = Field(min_length=1, description="why the payment is late, spoken")
    monthly_capacity: Annotated[Int, Field(gt=0, description="yuan a month they can really pay")]
    lump_sum: Money = Field(0, description="one-off sum they can raise")
    lump_sum_in_days: Annotated[Int, Field(ge=0, le=365)] = Field(
        0, description="days from the call until the lump sum is available"
    )
    max_months: Annotated[Int, Field(ge=1, le=60)] = Field(
        24, description="longest instalment plan they will take (Art. 70 caps at 60)"
    )
    can_pay_full: bool = Field(False, description="can clear the whole debt by the lump-sum date")
    accepts: list[str] = Field(default_factory=list, description="plans they accept, in words")
    refuses: list[str] = Field(default_factory=list, description="what they refuse, in words")
    sore_points: list[SorePoint] = Field(default_factory=list)
    pay_channel: str = Field(
        "手机银行", min_length=1, description="how they pay when asked (手机银行 / 微信 / 柜台)"
    )
    no_channels: list[str] = Field(
        default_factory=list,
        description="channels they cannot use, as a plan records them (手机银行, APP, 网银 …)",
    )
    other_banks: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, description="other banks they owe (for the multi_bank trait)"
    )
    dispute: Dispute | None = None
    third_party: ThirdParty | None = None


class Start(_Strict):
    """The customer's mood when the call begins."""

    anger: Level
    trust: Level
    patience: Level


class Behaviour(_Strict):
    """How the customer's mood moves; defaults suit an ordinary person."""

    temper: Annotated[Float, Field(gt=0, le=3)] = Field(
        1.0, description="multiplies every anger increase"
    )
    warmth: Annotated[Float, Field(ge=0, le=3)] = Field(
        1.0, description="multiplies every trust increase"
    )
    calm_with_respect: Annotated[Float, Field(ge=0, le=3)] = Field(
        1.0, description="multiplies anger decreases from empathy and respect"
    )
    trust_to_reveal: Level = Field(40, description="trust needed to tell the reason and capacity")
    trust_to_accept: Level = Field(50, description="trust needed to accept a plan")
    trust_to_give_id: Level = Field(
        20, description="trust needed to give ID-card digits when asked for them"
    )
    hangup_anger: Level = Field(90, description="anger at which they hang up")
    traits: list[Trait] = Field(
        default_factory=list, description="ways of behaving on top of the archetype"
    )


class Voice(_Strict):
    """How the customer sounds."""

    edge_voice: str = Field("zh-CN-XiaoxiaoNeural", pattern=r"^zh-CN-[A-Za-z-]+Neural$")
    rate: str = Field("+0%", pattern=r"^[+-]\d{1,2}%$")
    pitch: str = Field("+0Hz", pattern=r"^[+-]\d{1,2}Hz$")
    espeak_variant: str = Field("", pattern=r"^(|[mf][1-7])$", description="m1-m7, f1-f5")


class Persona(_Strict):
    """One simulated customer."""

    name: str = Field(min_length=1, description="display name in the customer list")
    archetype: Archetype
    difficulty: Annotated[Int, Field(ge=1, le=5)]
    description: str = Field("", description="one line for trainers: who this is")
    brief: Brief
    facts: Facts
    start: Start
    behaviour: Behaviour = Behaviour()
    voice: Voice = Voice()
    lines: dict[str, list[str]]

    @model_validator(mode="after")
    def _check(self) -> Persona:
        problems: list[str] = []
        known = set(REQUIRED_SITUATIONS) | set(OPTIONAL_SITUATIONS)
        for situation in self.lines:
            if situation not in known:
                problems.append(f"lines.{situation}: unknown situation")
        for situation in REQUIRED_SITUATIONS + ARCHETYPE_SITUATIONS.get(self.archetype, ()):
            if not self.lines.get(situation):
                problems.append(f"lines.{situation}: missing (needed for {self.archetype})")
        for trait in self.behaviour.traits:
            for situation in TRAIT_SITUATIONS[trait]:
                if not self.lines.get(situation):
                    problems.append(f"lines.{situation}: missing (needed for trait {trait})")
        traits = set(self.behaviour.traits)
        if Trait.multi_bank in traits and not self.facts.other_banks:
            problems.append("facts.other_banks: required for the multi_bank trait")
        if Trait.fraud_claim in traits and self.facts.dispute is None:
            problems.append("facts.dispute: required for the fraud_claim trait")
        if Trait.pretends_relative in traits and self.facts.third_party is None:
            problems.append("facts.third_party: required for the pretends_relative trait")
        if Trait.pretends_relative in traits and self.archetype == Archetype.third_party:
            problems.append("behaviour.traits: a third party cannot pretend to be one")
        for situation in COMMON_SITUATIONS:
            variants = self.lines.get(situation) or []
            if variants and len(variants) < 3:
                problems.append(
                    f"lines.{situation}: needs at least 3 variants, has {len(variants)}"
                )
        for situation, variants in self.lines.items():
            for i, line in enumerate(variants):
                for slot in _slots_in(line):
                    if slot not in SLOTS:
                        problems.append(f"lines.{situation}.{i}: unknown slot {{{slot}}}")
                if not line.strip():
                    problems.append(f"lines.{situation}.{i}: empty line")
        if self.archetype == Archetype.disputing and self.facts.dispute is None:
            problems.append("facts.dispute: required for a disputing customer")
        if self.archetype == Archetype.third_party and self.facts.third_party is None:
            problems.append("facts.third_party: required for a third_party persona")
        if self.archetype == Archetype.hardship and self.facts.can_pay_full:
            problems.append("facts.can_pay_full: a hardship customer cannot pay in full")
        for i, channel in enumerate(self.facts.no_channels):
            if channel not in PLAN_CHANNELS:
                problems.append(
                    f"facts.no_channels.{i}: unknown channel {channel!r} "
                    f"(known: {', '.join(PLAN_CHANNELS)})"
                )
        if self.facts.pay_channel in self.facts.no_channels:
            problems.append("facts.pay_channel: is also listed in facts.no_channels")
        if self.facts.dispute and self.facts.dispute.amount >= self.brief.amount:
            problems.append("facts.dispute.amount: must be less than brief.amount")
        if problems:
            raise ValueError("\n".join(problems))
        return self


def _slots_in(line: str) -> list[str]:
    try:
        return [field for _, field, _, _ in string.Formatter().parse(line) if field]
    except ValueError as exc:  # unbalanced braces
        return [f"<{exc}>"]


class PersonaError(DataFileError):
    """A persona file could not be loaded; ``problems`` holds one line per problem."""


@dataclass(frozen=True)
class LoadedPersona:
    """A validated persona with where it came from."""

    id: str
    """The file's stem: ``hostile_zhang`` for ``personas/hostile_zhang.yaml``."""
    path: Path
    persona: Persona
    version: str
    """sha256 prefix of the file's bytes, recorded on every call that used it."""


def default_personas_dir() -> Path:
    """The personas folder: ``CALLSIM_PERSONAS_DIR`` or ``personas/`` beside the package."""
    import os

    env = os.environ.get("CALLSIM_PERSONAS_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "personas"


def parse_persona(text: str, source: str, persona_id: str | None = None) -> LoadedPersona:
    """Validate persona YAML text; ``source`` names it in errors.

    Raises:
        PersonaError: with one ``source: field.path: message`` line per problem.
    """
    data = read_mapping(text, source, PersonaError)
    try:
        persona = Persona.model_validate(data)
    except ValidationError as exc:
        raise PersonaError(validation_problems(source, exc)) from None
    stem = persona_id or Path(source).stem
    return LoadedPersona(id=stem, path=Path(source), persona=persona, version=content_version(text))


def load_persona(path: str | Path) -> LoadedPersona:
    """Load and validate one persona file.

    Raises:
        PersonaError: the file is missing, unreadable, too big, or invalid.

    """
    path = Path(path)
    return parse_persona(read_data_file(path, PersonaError), str(path))


def load_personas_report(
    directory: str | Path | None = None,
) -> tuple[dict[str, LoadedPersona], list[str]]:
    """Every good persona in a folder, sorted by id, and one line per problem in the others.

    One broken file never hides the good ones: the practice page, the CLI and the app's start
    all serve what loads and show what does not.
    """
    directory = Path(directory) if directory else default_personas_dir()
    found: dict[str, LoadedPersona] = {}
    problems: list[str] = []
    if not directory.is_dir():
        return found, [f"{directory}: personas folder not found"]
    for path in sorted(directory.glob("*.yaml")):
        try:
            loaded = load_persona(path)
        except PersonaError as exc:
            problems.extend(exc.problems)
        else:
            found[loaded.id] = loaded
    return found, problems


def load_personas(
    directory: str | Path | None = None, emit: Callable[[str], None] | None = None
) -> dict[str, LoadedPersona]:
    """Every good persona in a folder, sorted by id; each problem is reported once per change.

    Args:
        directory: the personas folder (``CALLSIM_PERSONAS_DIR`` or ``personas/`` by default).
        emit: where a new problem goes; a warning in this module's log by default.

    Use :func:`load_personas_report` to show the problems to a person as well.
    """
    directory = Path(directory) if directory else default_personas_dir()
    found, problems = load_personas_report(directory)
    report_once(f"personas:{directory.resolve()}", problems, emit or log.warning)
    return found


def check_paths(paths: Iterable[str | Path]) -> list[str]:
    """Validate persona files or folders; return every problem found (empty when all good)."""

    def check(file: Path) -> list[str]:
        try:
            load_persona(file)
        except PersonaError as exc:
            return exc.problems
        return []

    return check_files(paths, "persona", check)
