"""Plan precision/recall and violation recall of the default rubric on a labelled call set.

Usage: ``.venv/bin/python bench/calibration.py [heldout|tuned|DIR]``

``heldout`` (the default) is ``tests/calibration_heldout``: calls written from realistic
situations after the rules were tuned, never used to tune anything. ``tuned`` is
``tests/calibration``, what the rules were tuned on. Printed: plan reached precision and
recall, violation recall per criterion and over all, third-party disclosure recall, clean calls
(labelled exemplary: band high, no violation) the scorer flagged or failed, band accuracy, and
each disagreement. Issue #12's
targets on the held-out split: the plan right on every call, third-party disclosure recall 1.0,
no clean call failed.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring import default_rubric  # noqa: E402
from scoring.calibration import run_calibration  # noqa: E402

SETS = {"heldout": ROOT / "tests" / "calibration_heldout", "tuned": ROOT / "tests" / "calibration"}


def main(argv: list[str]) -> int:
    """Print the figures; return 1 when a #12 target is missed on the held-out split."""
    name = argv[0] if argv else "heldout"
    directory = SETS.get(name, Path(name))
    report = run_calibration(directory, default_rubric())
    tp, fp, fn = report.plan_counts
    print(f"{directory} ({report.split or name}): {report.files} calls")
    print(
        f"plan reached    precision {report.plan_precision:.2f}  recall {report.plan_recall:.2f}"
        f"  (tp {tp}, fp {fp}, fn {fn}); right on {report.plan_correct}/{report.files} calls"
    )
    found = sum(s.true_pos for s in report.criteria)
    expected = found + sum(s.false_neg for s in report.criteria)
    overall = found / expected if expected else 1.0
    print(f"violation recall  {overall:.2f} ({found}/{expected} labelled (call, criterion, turn))")
    for s in report.criteria:
        print(
            f"  {s.criterion:<32} recall {s.recall:.2f}  precision {s.precision:.2f}"
            f"  (tp {s.true_pos}, fp {s.false_pos}, fn {s.false_neg})"
        )
    tpd = report.recall_of("third_party_disclosure")
    print(f"third-party disclosure recall {tpd if tpd is None else f'{tpd:.2f}'}")
    clean = ", ".join(report.clean_failed) or "none"
    print(f"clean calls failed: {len(report.clean_failed)} ({clean})")
    print(f"band accuracy {report.band_correct}/{report.files}")
    for line in report.mismatches:
        print("  ", line)
    missed = (
        report.plan_correct < report.files
        or (tpd is not None and tpd < 1.0)
        or bool(report.clean_failed)
    )
    return 1 if missed and (report.split == "heldout" or name == "heldout") else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
