"""Agent scripts for the realism bench, and playing them through the offline engine.

A script (``bench/realism_scripts/*.yaml``) is what one style of collector says, in order: a
``cardholder`` list and a ``third_party`` list the agent switches to, as a real collector would,
once the person who answered says they are not the cardholder or speaks of them as away
(我是他妈妈 / 他上班去了). Each step is a line
(``say``) and, when the line asks something, the kind of question (``asks``, one of
:data:`realism_judge.KINDS`). Two kinds of step take numbers from what was heard, the way a
collector builds an offer on the customer's words:

- ``offer: capacity | odd | round | full | theirs`` — terms built from the capacity the customer
  stated (or the debt over twelve months when none was heard), deliberately odd numbers, a round
  twelve-month split, the whole debt in three days, or the customer's own last proposal
  (skipped when they proposed nothing).
- ``readback: right | wrong`` — the terms on the table (the last ones the customer agreed to or
  proposed) read back as they are, or with one term changed; ``say_lump`` is used for a one-off
  payment. Skipped when no terms were heard.

Every call is played exactly as the app plays one: :class:`simulator.call.Call` with the renderer
from :func:`simulator.engine.build_renderer` (``scripted``) and the understanding from
:func:`simulator.engine.build_understander` (rules only), in memory only. Nothing here reads the
policy's decisions: only what the customer said, and the mood the call exposes.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml
from realism_judge import KINDS

from simulator.call import Call
from simulator.engine import build_renderer, build_understander
from simulator.persona import LoadedPersona
from simulator.understand import spoken_amount, spoken_date
from simulator.understand.customer import understand_customer
from simulator.understand.terms import Terms, terms_of

AT = datetime.fromisoformat("2026-11-25T10:00:00+08:00")
"""When every bench call happens: a Wednesday morning, inside contact hours."""
SCRIPTS_DIR = Path(__file__).resolve().parent / "realism_scripts"
OFFERS = ("capacity", "odd", "round", "full", "theirs")
READBACKS = ("right", "wrong")
SPOKEN_MONTHS = (3, 6, 12, 18, 24, 36)
_STEP_KEYS = {"say", "asks", "offer", "readback", "say_lump"}
_PROPOSING = frozenset({"counter_offer", "promise_to_pay", "state_capacity"})


class ScriptError(ValueError):
    """A script file that cannot be played; the message names the file and step."""


@dataclass(frozen=True)
class Step:
    """One agent line of a script."""

    say: str
    asks: tuple[str, ...] = ()
    offer: str | None = None
    readback: str | None = None
    say_lump: str | None = None


@dataclass(frozen=True)
class Script:
    """One collector style."""

    id: str
    label: str
    respectful: bool
    """Counts toward the hostile customers' calming figures."""
    cardholder: tuple[Step, ...]
    third_party: tuple[Step, ...]


@dataclass(frozen=True)
class Plan:
    """Terms as the bench heard them: per-month amount and count, or a sum by a date."""

    amount: int
    months: int | None = None
    due: date | None = None


@dataclass
class Exchange:
    """One agent line and the customer's reply to it."""

    agent: str
    asks: tuple[str, ...]
    reply: str
    previous_reply: str
    """The customer's line before this agent line (what a 'repeat' question refers to)."""
    anger: int | None
    """The customer's anger after the reply (the call's read-only mood), 0–100."""
    hung_up: bool = False
    branch: str = "cardholder"
    readback: str | None = None
    """``right`` or ``wrong`` for a read-back line."""
    readback_base: str | None = None
    """Where the terms read back came from: ``agreed`` or ``proposed`` (by the customer)."""


@dataclass
class Played:
    """One script played against one persona."""

    script: Script
    persona: LoadedPersona
    seed: int
    opening: str
    start_anger: int
    exchanges: list[Exchange] = field(default_factory=list)
    ended_by: str | None = None
    skipped_readbacks: int = 0
    cut_short: bool = False
    """The call ended before the script ran out (hang-up, or a line taken for goodbye)."""

    @property
    def customer_lines(self) -> list[str]:
        """Everything the customer said, the opening first."""
        return [self.opening, *(e.reply for e in self.exchanges)]


def _step(source: str, i: int, raw: object) -> Step:
    where = f"{source}: step #{i}"
    if not isinstance(raw, dict):
        raise ScriptError(f"{where}: a mapping with 'say:' expected")
    unknown = set(raw) - _STEP_KEYS
    if unknown:
        raise ScriptError(f"{where}: unknown keys {sorted(unknown)}")
    if not isinstance(raw.get("say"), str) or not raw["say"].strip():
        raise ScriptError(f"{where}: missing 'say:'")
    asks = raw.get("asks") or ()
    asks = (asks,) if isinstance(asks, str) else tuple(asks)
    bad = [k for k in asks if k not in KINDS]
    if bad:
        raise ScriptError(f"{where}: unknown question kind {bad}; known: {', '.join(KINDS)}")
    offer, readback = raw.get("offer"), raw.get("readback")
    if offer is not None and offer not in OFFERS:
        raise ScriptError(f"{where}: offer must be one of {', '.join(OFFERS)}")
    if readback is not None and readback not in READBACKS:
        raise ScriptError(f"{where}: readback must be one of {', '.join(READBACKS)}")
    if (offer == "theirs" or readback) and not raw.get("say_lump"):
        raise ScriptError(f"{where}: 'say_lump:' needed (the terms may be a one-off payment)")
    return Step(raw["say"].strip(), asks, offer, readback, raw.get("say_lump"))


def load_script(path: Path) -> Script:
    """Read and check one script file.

    Raises:
        ScriptError: naming the file and the step.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ScriptError(f"{path}: a mapping expected")
    lists = {}
    for part in ("cardholder", "third_party"):
        steps = data.get(part)
        if not isinstance(steps, list) or not steps:
            raise ScriptError(f"{path}: '{part}:' must be a non-empty list of steps")
        lists[part] = tuple(_step(f"{path}: {part}", i, s) for i, s in enumerate(steps))
    return Script(
        id=str(data.get("id") or path.stem),
        label=str(data.get("label") or path.stem),
        respectful=bool(data.get("respectful", False)),
        cardholder=lists["cardholder"],
        third_party=lists["third_party"],
    )


def load_scripts(directory: Path = SCRIPTS_DIR) -> list[Script]:
    """Every script in a folder, sorted by file name."""
    return [load_script(p) for p in sorted(directory.glob("*.yaml"))]


# --- numbers a collector would build from what was heard ----------------------------------------


def _up(value: float, step: int) -> int:
    return int(math.ceil(value / step) * step)


def _fit(debt: int, monthly: int) -> int:
    """The shortest spoken instalment count that clears ``debt`` at ``monthly`` (36 at most)."""
    for months in SPOKEN_MONTHS:
        if monthly * months >= debt:
            return months
    return SPOKEN_MONTHS[-1]


class _Table:
    """The terms on the table, as heard: the agent's last offer, the customer's words."""

    def __init__(self, lp: LoadedPersona, today: date):
        self.lp, self.today = lp, today
        self.debt = lp.persona.brief.amount
        self.capacity: int | None = None
        """The last monthly sum the customer said they could pay."""
        self.offered: Plan | None = None
        self.proposed: Plan | None = None
        """The customer's own last terms."""
        self.agreed: Plan | None = None

    def _plan(self, terms: Terms, fallback: Plan | None) -> Plan | None:
        """The terms said, with what they leave out taken from ``fallback`` (the offer agreed to).

        A yes that names only a date (行，12月2号开始还) keeps the offer's instalments; one that
        says 一次 (all at once) does not.
        """
        amount = terms.amount.low if terms.amount else (fallback.amount if fallback else None)
        if amount is None:
            return None
        months = terms.months or (fallback.months if fallback and not terms.partial else None)
        due = terms.date.due if terms.date else (fallback.due if fallback else None)
        return Plan(amount, months, due)

    def hear(self, reply: str, *, to_terms: bool = True) -> None:
        """Take in the customer's reply.

        ``to_terms``: the line it answers put terms (an offer or a read-back), so a yes in it
        agrees to them; 就手机银行吧 after a channel question answers how they pay.
        """
        u = understand_customer(reply, today=self.today)
        terms = terms_of(reply, self.today, debt={self.debt})
        proposing = bool(_PROPOSING & set(u.names)) and terms.amount is not None
        if proposing:
            self.proposed = self._plan(terms, None)
            if "state_capacity" in u.names or terms.months:
                self.capacity = terms.amount.low
        # a yes needs terms put to it: 一个月三千都没问题 before any offer states what they can pay
        offered = self.offered is not None and to_terms
        if (
            offered
            and u.has("agree")
            and not u.has("refuse", "counter_offer", "correct", "dispute")
        ):
            lump = "一次" in reply and not terms.months
            self.agreed = self._plan(terms, None if lump else self.offered) or self.agreed

    def offer(self, kind: str, seed: int) -> Plan:
        monthly = self.capacity or _up(self.debt / 12, 100)
        if kind == "capacity":
            months = _fit(self.debt, monthly)
            plan = Plan(min(monthly, _up(self.debt / months, 50)), months)
        elif kind == "odd":
            amount = max(monthly - 37 - 10 * (seed % 3), 101)
            plan = Plan(amount, max(2, math.ceil(self.debt / amount)) + 1)
        elif kind == "round":
            plan = Plan(_up(self.debt / 12, 100), 12)
        elif kind == "full":
            plan = Plan(self.debt, None, self.today + timedelta(days=3))
        else:  # theirs (played only when the customer proposed something)
            plan = self.proposed or Plan(monthly, _fit(self.debt, monthly))
        self.offered = self._dated(plan)
        return self.offered

    def _dated(self, plan: Plan) -> Plan:
        """A collector names a first payment date; a week from today when none was said."""
        if plan.due is None:
            return Plan(plan.amount, plan.months, self.today + timedelta(days=7))
        return plan

    def read_back(self, kind: str, seed: int) -> tuple[Plan, str] | None:
        base, source = (self.agreed, "agreed") if self.agreed else (self.proposed, "proposed")
        if base is None:
            return None
        dated = base.due is not None  # said in the call, not the week this table assumes
        base = self._dated(base)
        if kind == "right":
            return base, source
        if base.months and seed % 2 == 0:
            return Plan(base.amount, base.months + 6, base.due), source
        # a wrong read-back changes a term the customer heard or said: a date they never named
        # (their own 先还两千 with no day) cannot be "wrong" to them
        if dated and (seed % 2 == 1 or not base.months):
            return Plan(base.amount, base.months, base.due + timedelta(days=1)), source
        return Plan(base.amount + 100, base.months, base.due), source


# --- playing ----------------------------------------------------------------------------------


def _values(lp: LoadedPersona, today: date, plan: Plan | None) -> dict[str, str]:
    b = lp.persona.brief
    values = {
        "name": b.name,
        "surname": b.name[0],
        "debt": spoken_amount(b.amount),
        "debt_n": str(b.amount),
        "card_last4": b.card_last4,
        "days_overdue": str(b.days_overdue),
        "minimum": spoken_amount(b.minimum_payment or _up(b.amount / 10, 10)),
    }
    if plan:
        values["amount"] = spoken_amount(plan.amount)
        values["amount_n"] = str(plan.amount)
        if plan.months:
            values["months"] = "两" if plan.months == 2 else spoken_amount(plan.months)
            values["months_n"] = str(plan.months)
        if plan.due:
            values["date"] = spoken_date(plan.due, today)
    return values


def _fill(text: str, values: dict[str, str], where: str) -> str:
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    missing = names - values.keys()
    if missing:
        raise ScriptError(f"{where}: no value for {sorted(missing)} here")
    return text.format(**values)


def _third_party_said(reply: str, today: date) -> bool:
    """The person who answered said they are not the cardholder, or spoke of them as away."""
    return understand_customer(reply, today=today).has("not_cardholder")


def new_call(lp: LoadedPersona, seed: int) -> Call:
    """A call wired as the app wires one (offline renderer, rules-only understanding)."""
    return Call(
        lp,
        seed=seed,
        started_at=AT,
        renderer=build_renderer(lp, seed=seed, name="scripted"),
        understand_fn=build_understander(False),
    )


def play(script: Script, lp: LoadedPersona, seed: int = 0) -> Played:
    """Play ``script`` against ``lp`` until it runs out or the call ends."""
    call = new_call(lp, seed)
    opening = call.open()
    today = call.today
    played = Played(script, lp, seed, opening.text, call.state["anger"])
    table = _Table(lp, today)
    steps, branch, i, last = script.cardholder, "cardholder", 0, opening.text
    if _third_party_said(opening.text, today):
        steps, branch = script.third_party, "third_party"
    while i < len(steps) and not call.ended:
        step = steps[i]
        i += 1
        plan, base, text = None, None, step.say
        if step.offer == "theirs" and table.proposed is None:
            continue  # nothing of theirs to take up
        if step.offer:
            plan = table.offer(step.offer, seed)
        elif step.readback:
            back = table.read_back(step.readback, seed)
            if back is None:
                played.skipped_readbacks += step.readback == "wrong"
                continue
            plan, base = back
        if plan and not plan.months and step.say_lump:
            text = step.say_lump
        where = f"{script.id}: {branch} step #{i - 1}"
        line = _fill(text, _values(lp, today, plan), where)
        reply = call.say(line)
        played.exchanges.append(
            Exchange(
                agent=line,
                asks=step.asks,
                reply=reply.text,
                previous_reply=last,
                anger=(reply.state or {}).get("anger"),
                hung_up=call.ended_by == "customer_hangup",
                branch=branch,
                readback=step.readback,
                readback_base=base,
            )
        )
        last = reply.text
        table.hear(reply.text, to_terms=bool(step.offer or step.readback))
        if branch == "cardholder" and _third_party_said(reply.text, today):
            steps, branch, i = script.third_party, "third_party", 0
    played.cut_short = i < len(steps)
    if not call.ended:
        call.hang_up("script_end")
    played.ended_by = call.ended_by
    return played
