"""Per-act precision and recall of the customer-side understanding on the labelled corpus.

Usage: ``.venv/bin/python bench/customer_understanding.py [train|heldout] [--misses ACT]``

Each act is measured twice: the rules alone, and the rules with the example layer
(``customer_index.npz``, which only adds acts). On ``train`` the layer is measured on the lines
it was fitted to (its cross-validated figures are printed by ``callsim corpus build --side
customer``); ``heldout`` is the honest figure.

``train`` is what the rules were written from (use it while developing); ``heldout`` is the
measuring stick, read once for the figures in the report and never to change a rule. With
``--misses ACT`` the lines the rules missed or wrongly flagged for that act are printed
(refused on ``heldout``: reading its lines would tune the rules to them).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.understand.corpus import load_corpus  # noqa: E402
from simulator.understand.customer import customer_acts  # noqa: E402
from simulator.understand.customer_acts import CUSTOMER_ACTS  # noqa: E402
from simulator.understand.evaluate import evaluate  # noqa: E402


def main(argv: list[str]) -> int:
    """Print the table; return 2 on bad arguments."""
    split = argv[0] if argv and not argv[0].startswith("--") else "train"
    show = argv[argv.index("--misses") + 1] if "--misses" in argv else None
    if split not in ("train", "heldout"):
        print("split: train or heldout", file=sys.stderr)
        return 2
    if show and split == "heldout":
        print(
            "--misses is for the train split only: held-out lines are never read", file=sys.stderr
        )
        return 2
    examples = load_corpus("customer", split)
    results = {
        kind: evaluate(
            examples,
            lambda text, rules=(kind == "rules"): [
                a.name for a in customer_acts(text, rules_only=rules)
            ],
            CUSTOMER_ACTS,
        )
        for kind in ("rules", "stack")
    }
    print(f"customer acts, {split} split, {len(examples)} lines: rules alone | rules + examples")
    print(f"{'act':<18} {'support':>7}   {'P':>5} {'R':>5} {'F1':>5} | {'P':>5} {'R':>5} {'F1':>5}")
    totals = {kind: [0, 0, 0] for kind in results}
    for act in CUSTOMER_ACTS:
        cells = []
        for kind, result in results.items():
            s = result.acts[act]
            f1 = (
                2 * s.precision * s.recall / (s.precision + s.recall)
                if s.precision + s.recall
                else 0
            )
            cells.append(f"{s.precision:5.2f} {s.recall:5.2f} {f1:5.2f}")
            t = totals[kind]
            t[0], t[1], t[2] = t[0] + s.tp, t[1] + s.fp, t[2] + s.fn
        print(f"{act:<18} {results['rules'].acts[act].support:>7}   {cells[0]} | {cells[1]}")
    cells = []
    for tp, fp, fn in totals.values():
        p, r = tp / (tp + fp), tp / (tp + fn)
        cells.append(f"{p:5.2f} {r:5.2f} {2 * p * r / (p + r):5.2f}")
    support = totals["rules"][0] + totals["rules"][2]
    print(f"{'micro':<18} {support:>7}   {cells[0]} | {cells[1]}")
    result = results["stack"]
    if show:
        s = result.acts[show]
        print(f"\nmissed {show}:")
        for text in s.misses:
            print("  ", text, [a.name for a in customer_acts(text)])
        print(f"\nwrongly flagged {show}:")
        for text in s.false_alarms:
            print("  ", text, [a.source for a in customer_acts(text) if a.name == show])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
