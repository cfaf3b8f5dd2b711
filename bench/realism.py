"""Realism of the simulated customer: agent scripts of several styles against every persona.

Usage: ``.venv/bin/python bench/realism.py [--seeds N] [--persona ID] [--script ID] [--show N]
[--no-heldout]``

Each script in ``bench/realism_scripts/`` (by-the-book, brisk, warm, a questioner, odd numbers
with a wrong read-back, third-party-aware) is played against every persona in the personas
folder through the offline engine, exactly as the app plays a call (``realism_play.py``), once
per seed. The replies are read by an independent judge (``realism_judge.py``: rules over the
customer's words, never the policy's situation names). Printed per persona and overall, each
with the count behind it:

- questions answered in kind (or refused in character) — target ≥ 95 %;
- non sequiturs: replies to a question made only of generic fillers — target ≤ 2 %;
- ID digits said when the line answered did not ask for them — target 0;
- the customer's own numbers in spoken round form — target 100 %: every sum the customer says
  that is not the debt, the minimum, the disputed sum, an ID or card number, or a number the
  agent said earlier in the call, is a multiple of 100 (of 50 below 5,000: 一千九百五); every
  instalment count (分N期 / N期 / 分N个月) is 3, 6, 12, 18, 24 or 36 (a range such as 分两三个月
  passes when either end does);
- wrong read-backs corrected — target 100 %: the odd-numbers script reads back the terms the
  customer agreed to or proposed with one term changed; the reply must correct it (a reply
  that corrects it and then hangs up counts as corrected; one that only hangs up does not);
- turns for a hostile customer (archetype ``hostile`` or starting anger ≥ 35) to calm under a
  respectful script: agent lines until the anger the call exposes (``Turn.state``, read-only)
  is below 30, with the largest fall in one turn;
- lines repeated within a call: identical customer lines in one call — target 0;
- calls cut short: the call ended before the script ran out, by whom (no target: a hang-up may be
  in character, but ``agent_end`` means a mid-call line was taken for goodbye; ``agreement`` is a
  customer who agreed closing the call, when out of patience or at a line taken for goodbye).

``--show N`` prints up to N misses of each kind (the agent's line and the reply) to read.

The scripts in ``bench/realism_scripts/heldout/`` ask the same kinds of question in other words
(a colloquial veteran, a trainee reading the script aloud). Their figures are printed apart and
their misses never: like the corpus' held-out split, they show whether the customer answers
questions or only the main scripts' phrasings. Do not tune the customer on them.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from realism_judge import KINDS, corrects, gives_id_digits, judge  # noqa: E402
from realism_play import AT, SCRIPTS_DIR, Played, Script, load_scripts, play  # noqa: E402

from simulator.persona import Archetype, load_personas  # noqa: E402
from simulator.understand import parse_amounts  # noqa: E402
from simulator.understand.numbers import NUM, chinese_to_number  # noqa: E402
from simulator.understand.ranges import amount_spans  # noqa: E402

SPOKEN_MONTHS = frozenset({3, 6, 12, 18, 24, 36})
CALM_BELOW = 30
HOSTILE_START = 35
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_MONTHS = re.compile(rf"分\s*(?P<a>{NUM})\s*(?:期|个月|次)|(?P<b>{NUM})\s*期")


@dataclass
class Tally:
    """The figures for one group of calls (a persona, or all)."""

    calls: int = 0
    verdicts: Counter = field(default_factory=Counter)
    by_kind: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    id_unasked: int = 0
    replies_unasked: int = 0
    numbers: int = 0
    round_numbers: int = 0
    wrong_readbacks: Counter = field(default_factory=Counter)
    skipped_readbacks: int = 0
    cut_short: Counter = field(default_factory=Counter)
    calls_with_repeats: int = 0
    repeated_lines: int = 0
    misses: dict[str, list[tuple[str, str, str]]] = field(default_factory=lambda: defaultdict(list))
    odd: list[str] = field(default_factory=list)

    @property
    def questions(self) -> int:
        """Questions asked."""
        return sum(self.verdicts.values())


def spoken_round(amount: int) -> bool:
    """A sum people say: whole hundreds, or fifties below 5,000 (一千九百五)."""
    return amount % 100 == 0 or (amount < 5000 and amount % 50 == 0)


def months_said(text: str) -> list[tuple[int, ...]]:
    """Instalment counts said (分十二期 / 12期 / 分六个月), a range as both ends (分两三个月).

    一个月 (a month) is not a count.
    """
    out = []
    for m in _MONTHS.finditer(text):
        token = m.group("a") or m.group("b")
        if len(token) == 2 and all(c in _DIGITS for c in token):  # 两三 / 五六: a range
            out.append((_DIGITS[token[0]], _DIGITS[token[1]]))
            continue
        value = chinese_to_number(token)
        if value and value >= 2:
            out.append((int(value),))
    return out


def _own_numbers(text: str, known: set[int]) -> Iterable[tuple[int, bool]]:
    """(number, is spoken-round) for each sum and instalment count the customer said anew."""
    for span in amount_spans(text):
        for value in {span.low, span.high}:
            if value not in known:
                yield value, spoken_round(value)
    for said in months_said(text):
        if not set(said) & known:
            yield said[-1], bool(set(said) & SPOKEN_MONTHS)


def _facts(p: Played) -> set[int]:
    persona = p.persona.persona
    b, f = persona.brief, persona.facts
    known = {b.amount, b.days_overdue, int(b.card_last4), int(f.id_last4)}
    if b.minimum_payment:
        known.add(b.minimum_payment)
    if f.dispute:
        known.update({f.dispute.amount, b.amount - f.dispute.amount})
    return known


def tally_call(t: Tally, p: Played, show: int) -> None:
    """Add one played call to ``t``."""
    t.calls += 1
    id4 = p.persona.persona.facts.id_last4
    known = _facts(p)
    for line in (p.opening,):  # the opening answers nothing: any ID digits in it are unasked
        t.replies_unasked += 1
        if gives_id_digits(line, id4):
            t.id_unasked += 1
            t.odd.append(f"ID digits in the opening: {line}")
    for e in p.exchanges:
        known.update(parse_amounts(e.agent))
        known.update(n for said in months_said(e.agent) for n in said)
        for kind in e.asks:
            v = judge(kind, e.reply, previous=e.previous_reply, hung_up=e.hung_up)
            t.verdicts[v.verdict] += 1
            t.by_kind[kind][v.verdict] += 1
            if not v.ok and len(t.misses[kind]) < show:
                t.misses[kind].append((v.verdict, e.agent, e.reply))
        if "id_digits" not in e.asks:
            t.replies_unasked += 1
            if gives_id_digits(e.reply, id4):
                t.id_unasked += 1
                if len(t.odd) < show:
                    t.odd.append(f"ID digits unasked: {e.agent} → {e.reply}")
        for value, ok in _own_numbers(e.reply, known):
            t.numbers += 1
            t.round_numbers += ok
            if not ok and len(t.odd) < show:
                t.odd.append(f"number not round ({value}): {e.agent} → {e.reply}")
        if e.readback == "wrong":
            # 你记错了，我没答应。不说了，挂了！ corrects the record, then ends the call
            outcome = corrects(e.reply, e.agent, AT.date())
            outcome = "hung up" if e.hung_up and outcome != "corrected" else outcome
            t.wrong_readbacks[outcome] += 1
            if outcome != "corrected" and len(t.odd) < show:
                t.odd.append(f"wrong read-back {outcome}: {e.agent} → {e.reply}")
    t.skipped_readbacks += p.skipped_readbacks
    if p.cut_short:
        t.cut_short[p.ended_by] += 1
    said = Counter(line.strip() for line in p.customer_lines if line.strip())
    repeats = sum(n - 1 for n in said.values() if n > 1)
    t.repeated_lines += repeats
    t.calls_with_repeats += repeats > 0
    if repeats and len(t.odd) < show:
        t.odd.append(f"repeated: {[s for s, n in said.items() if n > 1]}")


def hostile(p: Played) -> bool:
    """The customer starts hostile: archetype hostile, or angry from the first word."""
    persona = p.persona.persona
    return persona.archetype == Archetype.hostile or persona.start.anger >= HOSTILE_START


def calming(p: Played) -> tuple[int | None, int]:
    """(agent lines until the anger is below :data:`CALM_BELOW` or None, largest one-turn fall)."""
    before, turns, biggest = p.start_anger, None, 0
    for i, e in enumerate(p.exchanges, 1):
        if e.anger is None:
            continue
        biggest = max(biggest, before - e.anger)
        before = e.anger
        if turns is None and e.anger < CALM_BELOW:
            turns = i
    if p.start_anger < CALM_BELOW:
        turns = 0
    return turns, biggest


# --- printing ----------------------------------------------------------------------------------


def pct(part: int, whole: int) -> str:
    """``part/whole (x %)``, or ``—`` when there is nothing to count."""
    if not whole:
        return "—"
    return f"{100 * part / whole:5.1f} % ({part}/{whole})"


def _ok(c: Counter) -> int:
    return c["answered"] + c["refused"]


def row(name: str, t: Tally) -> str:
    wrong = sum(t.wrong_readbacks.values())
    return (
        f"{name:<24} {t.calls:>5}  {pct(_ok(t.verdicts), t.questions):<20} "
        f"{pct(t.verdicts['non_sequitur'], t.questions):<20} {t.id_unasked:>3}/{t.replies_unasked:<4} "
        f"{pct(t.round_numbers, t.numbers):<20} {pct(t.wrong_readbacks['corrected'], wrong):<18} "
        f"{t.repeated_lines:>3} in {t.calls_with_repeats}/{t.calls}"
    )


def print_tables(tallies: dict[str, Tally], scripts: dict[str, Tally], total: Tally) -> None:
    if tallies:
        print(
            f"{'persona':<24} {'calls':>5}  {'answered in kind':<20} {'non sequiturs':<20} "
            f"{'ID unasked':<8} {'round numbers':<20} {'read-back fixed':<18} repeated lines"
        )
        for name, t in tallies.items():
            print(row(name, t))
        print(row("ALL", total))
        print()
    print(
        f"{'script':<24} {'calls':>5}  {'answered in kind':<20} {'non sequiturs':<20} "
        "calls cut short (by)"
    )
    for name, t in scripts.items():
        print(f"{row(name, t)[:72]} {sum(t.cut_short.values()):>3} {dict(t.cut_short) or ''}")
    print()
    print(
        f"{'question kind':<14} {'answered in kind':<20} {'refused':>7} {'non seq':>8} {'other':>6}"
    )
    for kind in KINDS:
        c = total.by_kind.get(kind)
        if c:
            print(
                f"{kind:<14} {pct(_ok(c), sum(c.values())):<20} {c['refused']:>7} "
                f"{c['non_sequitur']:>8} {c['other']:>6}"
            )
    print()


def print_overall(total: Tally, title: str) -> None:
    wrong = sum(total.wrong_readbacks.values())
    print(f"{title} (target):")
    print(f"  questions answered in kind (≥ 95 %): {pct(_ok(total.verdicts), total.questions)}")
    print(
        f"  non sequiturs (≤ 2 %):               {pct(total.verdicts['non_sequitur'], total.questions)}"
    )
    print(
        f"  ID digits given unasked (0):         {total.id_unasked} of {total.replies_unasked} replies"
    )
    print(f"  own numbers spoken round (100 %):    {pct(total.round_numbers, total.numbers)}")
    print(
        f"  wrong read-backs corrected (100 %):  {pct(total.wrong_readbacks['corrected'], wrong)}"
        f" — {dict(total.wrong_readbacks)}; {total.skipped_readbacks} not read back (no terms heard)"
    )
    print(
        f"  lines repeated within a call (0):    {total.repeated_lines} "
        f"in {total.calls_with_repeats} of {total.calls} calls"
    )
    print(
        f"  calls cut short before the script ran out: {sum(total.cut_short.values())} "
        f"of {total.calls} ({dict(total.cut_short)}; agent_end: a mid-call line taken for "
        "goodbye; agreement: closed on the plan agreed, out of patience or at a goodbye)"
    )
    print()


def print_calm(calm: dict[str, list]) -> None:
    print(f"hostile customers under respectful scripts: agent lines until anger < {CALM_BELOW}")
    for name, runs in calm.items():
        turns = [t for t, _ in runs if t is not None]
        falls = [f for _, f in runs]
        never = len(runs) - len(turns)
        spread = (
            f"median {statistics.median(turns):g}, min {min(turns)}, max {max(turns)} "
            f"(calmed in {len(turns)} of {len(runs)} calls)"
            if turns
            else f"never calmed in {len(runs)} calls"
        )
        print(
            f"  {name:<24} {spread}; never {never}; largest one-turn fall: median "
            f"{statistics.median(falls):g}, max {max(falls)}"
        )
    print()


def print_misses(total: Tally) -> None:
    print("misses by question kind:")
    for kind in KINDS:
        for verdict, agent, reply in total.misses.get(kind, []):
            print(f"  [{kind} / {verdict}] {agent}\n      → {reply}")
    print("\nother findings:")
    for line in total.odd:
        print("  " + line)


@dataclass
class Run:
    """The tallies of one set of scripts against the personas."""

    by_persona: dict[str, Tally]
    by_script: dict[str, Tally]
    total: Tally = field(default_factory=Tally)
    calm: dict[str, list] = field(default_factory=lambda: defaultdict(list))


def run(scripts: list[Script], personas: dict, seeds: int, show: int) -> Run:
    """Play every script against every persona once per seed, and tally."""
    r = Run({pid: Tally() for pid in personas}, {s.id: Tally() for s in scripts})
    for pid, lp in personas.items():
        for script in scripts:
            for seed in range(seeds):
                p = play(script, lp, seed)
                tally_call(r.by_persona[pid], p, 0)
                tally_call(r.by_script[script.id], p, 0)
                tally_call(r.total, p, show)
                if script.respectful and hostile(p):
                    r.calm[pid].append(calming(p))
    return r


def main(argv: list[str]) -> int:
    """Play, judge, print; 2 on bad arguments."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3, help="seeds per script and persona")
    ap.add_argument("--persona", action="append", help="only this persona (repeatable)")
    ap.add_argument("--script", action="append", help="only this script (repeatable)")
    ap.add_argument("--scripts-dir", type=Path, default=SCRIPTS_DIR)
    ap.add_argument("--personas-dir", type=Path, default=None)
    ap.add_argument("--show", type=int, default=0, help="print up to N misses of each kind")
    ap.add_argument("--no-heldout", action="store_true", help="skip the held-out scripts")
    args = ap.parse_args(argv)
    personas = load_personas(args.personas_dir)
    scripts = load_scripts(args.scripts_dir)
    heldout = [] if args.no_heldout else load_scripts(args.scripts_dir / "heldout")
    if args.persona:
        personas = {k: v for k, v in personas.items() if k in args.persona}
    if args.script:
        scripts = [s for s in scripts if s.id in args.script]
        heldout = [s for s in heldout if s.id in args.script]
    if not personas or not scripts:
        print("no personas or no scripts to play", file=sys.stderr)
        return 2
    started = time.perf_counter()
    main_run = run(scripts, personas, args.seeds, args.show)
    held = run(heldout, personas, args.seeds, 0) if heldout else None
    calls = main_run.total.calls + (held.total.calls if held else 0)
    print(
        f"realism: {len(scripts)} scripts (+{len(heldout)} held out) × {len(personas)} personas "
        f"× {args.seeds} seeds = {calls} calls ({time.perf_counter() - started:.1f} s)\n"
    )
    print_tables(main_run.by_persona, main_run.by_script, main_run.total)
    print_overall(main_run.total, f"overall, {main_run.total.questions} questions")
    print_calm(main_run.calm)
    if held:
        print("held-out phrasings (bench/realism_scripts/heldout: never tune the customer on them)")
        print_tables({}, held.by_script, held.total)
        print_overall(held.total, f"held out, {held.total.questions} questions")
    if args.show:
        print_misses(main_run.total)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
