"""``callsim understand`` and ``callsim corpus {check,build}``: thin commands over the library.

- ``callsim understand TEXT… [--json] [--file F] [--rules-only]`` prints, for each utterance,
  the acts found with their evidence (the rule, or the nearest labelled line and its
  similarity), the denied and overruled acts, and the slots.
- ``callsim corpus check [--root DIR]`` prints one line per problem and exits 1 if there is any.
- ``callsim corpus build [--check]`` rebuilds ``example_index.npz`` from the ``train`` split
  (needs scikit-learn: ``pip install -e '.[build]'``) and prints the cross-validated figures;
  ``--check`` only says whether the shipped index is up to date (exit 1 if stale);
  ``--refit`` keeps the current index's C, ``w`` and gate per act and cross-validates once
  (minutes, not the grid's half hour: for a small change of ``train``).
  ``--side customer`` does the same for ``customer_index.npz`` from the customer corpus only
  (the agent index is left untouched).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from simulator.understand.acts import VIOLATION_ACTS, Act, Understanding
from simulator.understand.core import understand
from simulator.understand.corpus import CORPUS_DIR, SIDES, check_corpus, load_corpus

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``understand`` and ``corpus {check,build}`` to a parent parser's subcommands."""
    p = subparsers.add_parser("understand", help="the acts in trainee utterances, with evidence")
    p.add_argument("text", nargs="*", help="utterances (each argument is one)")
    p.add_argument("--file", help="a UTF-8 file with one utterance per line ('-': stdin)")
    p.add_argument("--json", action="store_true", help="one JSON object per utterance")
    p.add_argument("--rules-only", action="store_true", help="leave out the example layer")
    p.add_argument("--today", help="the call's date for resolving dates (YYYY-MM-DD)")
    p.set_defaults(handler=_cmd_understand)

    c = subparsers.add_parser("corpus", help="the labelled utterance corpus")
    csub = c.add_subparsers(dest="corpus_command", required=True)
    k = csub.add_parser("check", help="validate the corpus: one line per problem, exit 1 if any")
    k.add_argument("--root", default=str(CORPUS_DIR), help="corpus folder (agent/, customer/)")
    k.set_defaults(handler=_cmd_check)
    b = csub.add_parser("build", help="rebuild the example index from the train split")
    b.add_argument("--check", action="store_true", help="only say if the index is up to date")
    b.add_argument(
        "--refit",
        action="store_true",
        help="keep the current index's C, w and gate per act: one cross-validation, not the grid",
    )
    b.add_argument(
        "--side",
        choices=("agent", "customer"),
        default="agent",
        help="which index: example_index.npz (agent) or customer_index.npz (customer)",
    )
    b.set_defaults(handler=_cmd_build)


def _utterances(args: argparse.Namespace) -> list[str]:
    lines = list(args.text)
    if args.file:
        if args.file == "-":
            lines += sys.stdin.read().splitlines()
        else:
            lines += Path(args.file).read_text(encoding="utf-8-sig").splitlines()
    return [line for line in lines if line.strip()]


def act_json(act: Act) -> dict:
    """One act as JSON: name, quote, source, and the example evidence when there is some."""
    out: dict = {"act": act.name, "quote": act.quote, "source": act.source}
    if act.example is not None:
        out["example"] = act.example
        out["similarity"] = act.similarity
    if act.probability is not None:
        out["probability"] = act.probability
    return out


def understanding_json(u: Understanding) -> dict:
    """What ``callsim understand --json`` prints for one utterance."""
    return {
        "text": u.text,
        "acts": [act_json(a) for a in u.acts],
        "denied": [act_json(a) for a in u.denied],
        "overruled": [act_json(a) for a in u.extra.get("overruled", ())],
        "slots": {
            "amounts": list(u.amounts),
            "months": u.months,
            "due_date": u.due_date.isoformat() if u.due_date else None,
            "channel": u.channel,
            "full_payment": u.full_payment,
            "minimum_payment": u.minimum_payment,
        },
    }


def _describe(u: Understanding) -> list[str]:
    lines = [u.text]
    for act in u.acts:
        mark = "!" if act.name in VIOLATION_ACTS else " "
        lines.append(f"  {mark} {act.name}: “{act.quote}” — {act.evidence}")
    for act in u.denied:
        lines.append(f"    (denied) {act.name}: “{act.quote}” — {act.evidence}")
    for act in u.extra.get("overruled", ()):
        lines.append(
            f"    (overruled, P={act.probability:.2f}) {act.name}: “{act.quote}” — {act.evidence}"
        )
    if not u.acts and not u.denied:
        lines.append("    (no act)")
    slots = understanding_json(u)["slots"]
    said = {k: v for k, v in slots.items() if v not in (None, [], False)}
    if said:
        lines.append("    slots: " + json.dumps(said, ensure_ascii=False))
    return lines


def _cmd_understand(args: argparse.Namespace) -> int:
    try:
        texts = _utterances(args)
        today = date.fromisoformat(args.today) if args.today else None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"callsim understand: {exc}", file=sys.stderr)
        return 2
    if not texts:
        print("callsim understand: give utterances as arguments or --file", file=sys.stderr)
        return 2
    for text in texts:
        u = understand(text, today=today, examples=not args.rules_only)
        if args.json:
            print(json.dumps(understanding_json(u), ensure_ascii=False))
        else:
            print("\n".join(_describe(u)))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    problems = check_corpus(args.root)
    for line in problems:
        print(line)
    if problems:
        return 1
    counts = []
    for side in SIDES:
        lines = load_corpus(side, root=args.root)
        held = sum(ex.split == "heldout" for ex in lines)
        counts.append(f"{side} {len(lines)} lines ({len(lines) - held} train, {held} heldout)")
    print("corpus ok: " + "; ".join(counts), file=sys.stderr)
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from simulator.understand.build import build_index, index_is_current, refit_index

    if getattr(args, "side", "agent") == "customer":
        return _cmd_build_customer(args)
    if args.check:
        current, why = index_is_current()
        print(why, file=sys.stderr if not current else sys.stdout)
        return 0 if current else 1
    try:
        meta = refit_index() if getattr(args, "refit", False) else build_index()
    except ModuleNotFoundError as exc:
        print(f"callsim corpus build: {exc.name} is missing: pip install -e '.[build]'")
        return 2
    print(f"built from {meta['train_lines']} train lines; cross-validated on train:")
    print(
        f"{'act':24s} {'low':>5s} {'high':>5s} {'floor':>5s}  {'P≥':>4s} {'P':>5s} {'R':>5s}"
        f" {'near':>5s}   rules P / R"
    )
    for act, c in meta["cv"].items():
        r = c["rules"]
        print(
            f"{act:24s} {c['low']:5.2f} {c['high']:5.2f} {c['floor']:5.2f}  "
            f"{c['precision_target']:4.2f} {c['precision']:5.2f} {c['recall']:5.2f}"
            f" {c['near_miss_rate']:5.3f}   {r['precision']:.2f} / {r['recall']:.2f}"
        )
    both, rules = meta["cv_any_violation"], meta["rules_any_violation"]
    print(
        f"any violation: P {both['precision']:.2f} R {both['recall']:.2f}"
        f" (rules alone P {rules['precision']:.2f} R {rules['recall']:.2f});"
        f" near-miss lines flagged {meta['cv_near_miss_rate']:.3f}"
        f" (rules alone {rules['near_miss_rate']:.3f})"
    )
    if meta.get("encoder"):
        ws = ", ".join(f"{act} {w:g}" for act, w in meta["settings"]["w_by_act"])
        print(
            f"sentence encoder {meta['encoder']['package']}=={meta['encoder']['version']}:"
            f" run when some violation act is ≥ {meta['settings']['gate']:g} likely without it;"
            f" weight per act: {ws}"
        )
    return 0


def _cmd_build_customer(args: argparse.Namespace) -> int:
    """``callsim corpus build --side customer``: the customer index only."""
    from simulator.understand.build import index_is_current
    from simulator.understand.customer_examples import CUSTOMER_INDEX_PATH

    if args.check:
        current, why = index_is_current(CUSTOMER_INDEX_PATH, side="customer")
        print(why, file=sys.stderr if not current else sys.stdout)
        return 0 if current else 1
    try:
        from simulator.understand.customer_build import build_customer_index

        meta = build_customer_index()
    except ModuleNotFoundError as exc:
        print(f"callsim corpus build: {exc.name} is missing: pip install -e '.[build]'")
        return 2
    print(f"built from {meta['train_lines']} customer train lines; cross-validated on train:")
    print(f"{'act':18s} {'high':>5s} {'floor':>5s} {'P':>5s} {'R':>5s}   rules P / R")
    for act, c in meta["cv"].items():
        r = c["rules"]
        print(
            f"{act:18s} {c['high']:5.2f} {c['floor']:5.2f} {c['precision']:5.2f} "
            f"{c['recall']:5.2f}   {r['precision']:.2f} / {r['recall']:.2f}"
        )
    both, rules = meta["cv_micro"], meta["rules_micro"]
    print(
        f"micro: P {both['precision']:.2f} R {both['recall']:.2f}"
        f" (rules alone P {rules['precision']:.2f} R {rules['recall']:.2f})"
    )
    return 0
