"""Command line for scoring: ``score``, ``rubric check`` and ``rubric test``.

The main ``callsim`` CLI calls :func:`register`; ``python -m scoring.cli`` runs these commands on
their own. Each handler parses, calls the library, prints, and returns an exit code: 0 good,
1 the rubric or a transcript failed a check, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scoring.calibration import CalibrationError, run_calibration
from scoring.examples import check_paths
from scoring.report import render_scorecard, render_summary
from scoring.rubric import (
    LoadedRubric,
    RubricError,
    default_rubric,
    default_rubrics_dir,
    load_rubric,
)
from scoring.scorer import score
from scoring.transcript import TranscriptError, load_transcript

__all__ = ["main", "register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``score`` and ``rubric {check,test}`` to a parent parser's subcommands."""
    p = subparsers.add_parser("score", help="score a transcript file or a folder of them")
    p.add_argument("path", help="a transcript .json file or a folder of them")
    p.add_argument("--rubric", help="rubric id or path (default: cn_card_collection)")
    p.add_argument("--json", action="store_true", help="print the scorecard JSON")
    p.set_defaults(handler=_cmd_score)

    r = subparsers.add_parser("rubric", help="check or calibrate rubric files")
    rsub = r.add_subparsers(dest="rubric_command", required=True)
    c = rsub.add_parser("check", help="validate rubric files and run their examples")
    c.add_argument("paths", nargs="*", help="files or folders (default: the rubrics folder)")
    c.set_defaults(handler=_cmd_check)
    t = rsub.add_parser("test", help="precision and recall on a labelled calibration folder")
    t.add_argument("dir", help="folder with transcripts and labels.yaml")
    t.add_argument("--rubric", help="rubric id or path (default: labels.yaml's, else the default)")
    t.set_defaults(handler=_cmd_test)


def _rubric(choice: str | None) -> LoadedRubric:
    return load_rubric(choice) if choice else default_rubric()


def _progress(done: int, total: int) -> None:
    if not sys.stderr.isatty() and total < 2:
        return
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r评分中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _cmd_score(args: argparse.Namespace) -> int:
    try:
        rubric = _rubric(args.rubric)
    except RubricError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    path = Path(args.path)
    if not path.exists():
        print(f"{path}: not found", file=sys.stderr)
        return 2
    if path.is_file():
        try:
            card = score(load_transcript(path), rubric)
        except TranscriptError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        if args.json:
            print(json.dumps(card, ensure_ascii=False, indent=2))
        else:
            print(render_scorecard(card, path.name))
        return 0
    files = sorted(path.glob("*.json"))
    if not files:
        print(f"{path}: no *.json transcripts", file=sys.stderr)
        return 2
    rows: list[tuple[str, dict | str]] = []
    errors = 0
    for i, file in enumerate(files, 1):
        try:
            rows.append((file.name, score(load_transcript(file), rubric)))
        except TranscriptError as exc:
            errors += 1
            rows.append((file.name, str(exc)))
            print(str(exc), file=sys.stderr)
        _progress(i, len(files))
    if args.json:
        print(json.dumps([c for _, c in rows if isinstance(c, dict)], ensure_ascii=False, indent=2))
    else:
        for name, card in rows:
            if isinstance(card, dict):
                print(render_scorecard(card, name))
                print()
        print(render_summary(rows))
    return 2 if errors else 0


def _cmd_check(args: argparse.Namespace) -> int:
    paths = args.paths or [default_rubrics_dir()]
    problems = check_paths(paths)
    for line in problems:
        print(line)
    if problems:
        return 1
    print(f"ok: {', '.join(str(p) for p in paths)}")
    return 0


def _cmd_test(args: argparse.Namespace) -> int:
    choice = args.rubric
    try:
        if choice is None:
            import yaml

            labels = Path(args.dir) / "labels.yaml"
            if labels.exists():
                data = yaml.safe_load(labels.read_text(encoding="utf-8")) or {}
                choice = data.get("rubric") if isinstance(data, dict) else None
        rubric = _rubric(choice)
        report = run_calibration(args.dir, rubric)
    except RubricError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    except (CalibrationError, OSError, ValueError) as exc:
        print(str(exc).splitlines()[0], file=sys.stderr)
        return 2
    th = rubric.model.calibration
    print(f"评分标准 {rubric.id}@{rubric.version}，校准集 {report.files} 个通话")
    print(f"{'criterion':<32} {'TP':>3} {'FP':>3} {'FN':>3} {'precision':>9} {'recall':>7}")
    for s in report.criteria:
        print(
            f"{s.criterion:<32} {s.true_pos:>3} {s.false_pos:>3} {s.false_neg:>3} "
            f"{s.precision:>9.2f} {s.recall:>7.2f}"
        )
    print(
        f"还款约定判断准确率 {report.plan_correct / report.files:.2f}（阈值 {th.min_plan_accuracy}），"
        f"评级准确率 {report.band_correct / report.files:.2f}（阈值 {th.min_band_accuracy}）"
    )
    print(f"阈值：precision ≥ {th.min_precision}，recall ≥ {th.min_recall}")
    for line in report.mismatches:
        print(f"  不一致：{line}")
    if report.failures:
        for line in report.failures:
            print(f"未达标：{line}")
        return 1
    print("通过")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the scoring commands on their own: ``python -m scoring.cli score PATH``."""
    parser = argparse.ArgumentParser(prog="callsim", description="callsim scoring commands")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
