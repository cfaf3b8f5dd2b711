"""Per-act precision and recall of the customer-side rules on the labelled customer corpus.

Usage: ``.venv/bin/python bench/customer_understanding.py [train|heldout] [--misses ACT]``

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
    result = evaluate(examples, lambda text: [a.name for a in customer_acts(text)], CUSTOMER_ACTS)
    print(f"customer acts, {split} split, {len(examples)} lines (rules only)")
    print(f"{'act':<18} {'support':>7} {'precision':>9} {'recall':>7} {'F1':>6}")
    tp = fp = fn = 0
    for act, s in result.acts.items():
        f1 = 2 * s.precision * s.recall / (s.precision + s.recall) if s.precision + s.recall else 0
        print(f"{act:<18} {s.support:>7} {s.precision:>9.2f} {s.recall:>7.2f} {f1:>6.2f}")
        tp, fp, fn = tp + s.tp, fp + s.fp, fn + s.fn
    micro_p, micro_r = tp / (tp + fp), tp / (tp + fn)
    print(f"{'micro':<18} {tp + fn:>7} {micro_p:>9.2f} {micro_r:>7.2f}")
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
