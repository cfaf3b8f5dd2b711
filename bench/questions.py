"""Which questions an agent line asks: the question corpus' held-out split, rules vs rules + model.

Usage: ``.venv/bin/python bench/questions.py [--split heldout|train]``

Every line of ``simulator/customer/corpus/questions.jsonl``'s held-out split (never used to build
or tune the question model) is read by ``understand`` and then by
:func:`simulator.customer.questions.ask` twice: with the clause rules alone and with the question
model beside them. Printed per kind: precision and recall of each, with the counts behind them
(target ≥ 0.9 recall at ≥ 0.9 precision); then recall per register, and how many statements
were read as asking something.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent)]

from simulator.customer.question_corpus import NAMES, load_questions  # noqa: E402
from simulator.customer.questions import QUESTIONS, ask  # noqa: E402
from simulator.understand import understand  # noqa: E402


def _pr(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return f"{p:5.2f} {r:5.2f}"


def main(argv: list[str] | None = None) -> None:
    """Print per-kind precision/recall of the rules and of the stack on one split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="heldout", choices=("heldout", "train"))
    args = parser.parse_args(argv)
    rows = load_questions(args.split)
    counts = {name: Counter() for name in ("rules", "stack")}
    by_register = {name: Counter() for name in ("rules", "stack")}
    register_total: Counter = Counter()
    statements = dict.fromkeys(("rules", "stack"), 0)
    for ex in rows:
        u = understand(ex.text)
        for name, model in (("rules", False), ("stack", True)):
            found = {q.kind for q in ask(u, names=NAMES, third_party=ex.third_party, model=model)}
            c = counts[name]
            for kind in found & ex.kinds:
                c[kind, "tp"] += 1
            for kind in found - ex.kinds:
                c[kind, "fp"] += 1
            for kind in ex.kinds - found:
                c[kind, "fn"] += 1
            if ex.kinds:
                by_register[name][ex.register] += len(found & ex.kinds)
            elif found:
                statements[name] += 1
        register_total[ex.register] += len(ex.kinds)
    n_statements = sum(1 for ex in rows if not ex.kinds)
    print(f"question corpus, {args.split} split: {len(rows)} lines ({n_statements} statements)")
    print(f"{'kind':<14} {'n':>4}   rules P     R   stack P     R")
    for kind in QUESTIONS:
        rc, sc = counts["rules"], counts["stack"]
        n = rc[kind, "tp"] + rc[kind, "fn"]
        rules = _pr(rc[kind, "tp"], rc[kind, "fp"], rc[kind, "fn"])
        stack = _pr(sc[kind, "tp"], sc[kind, "fp"], sc[kind, "fn"])
        print(f"{kind:<14} {n:>4}   {rules}   {stack}")
    for name in ("rules", "stack"):
        c = counts[name]
        tp = sum(v for (k, m), v in c.items() if m == "tp")
        fp = sum(v for (k, m), v in c.items() if m == "fp")
        fn = sum(v for (k, m), v in c.items() if m == "fn")
        print(f"all kinds ({name}): P R {_pr(tp, fp, fn)}")
    print("recall per register (rules → stack):")
    for register, total in sorted(register_total.items()):
        if total:
            r, s = by_register["rules"][register] / total, by_register["stack"][register] / total
            print(f"  {register:<12} {total:>4}  {r:.2f} → {s:.2f}")
    print(
        "statements read as asking something: "
        f"rules {statements['rules']}/{n_statements}, stack {statements['stack']}/{n_statements}"
    )


if __name__ == "__main__":
    main()
