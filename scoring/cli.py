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

from scoring.calibration import CalibrationError, JudgeAgreement, labels_rubric, run_calibration
from scoring.examples import check_paths
from scoring.judge import JudgeFn, default_cache_dir, llm_judge
from scoring.judged import score_with_judge
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
from simulator.llm.settings import LLMSettings, LLMUnavailable

__all__ = ["main", "register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``score`` and ``rubric {check,test}`` to a parent parser's subcommands."""
    p = subparsers.add_parser("score", help="score a transcript file or a folder of them")
    p.add_argument("path", help="a transcript .json file or a folder of them")
    p.add_argument("--rubric", help="rubric id or path (default: cn_card_collection)")
    p.add_argument("--json", action="store_true", help="print the scorecard JSON")
    _judge_options(p)
    p.set_defaults(handler=_cmd_score)

    r = subparsers.add_parser("rubric", help="check or calibrate rubric files")
    rsub = r.add_subparsers(dest="rubric_command", required=True)
    c = rsub.add_parser("check", help="validate rubric files and run their examples")
    c.add_argument("paths", nargs="*", help="files or folders (default: the rubrics folder)")
    c.set_defaults(handler=_cmd_check)
    t = rsub.add_parser("test", help="precision and recall on a labelled calibration folder")
    t.add_argument("dir", help="folder with transcripts and labels.yaml")
    t.add_argument("--rubric", help="rubric id or path (default: labels.yaml's, else the default)")
    _judge_options(t)
    t.set_defaults(handler=_cmd_test)


def _judge_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--judge",
        action="store_true",
        help="also ask the configured LLM (OPENAI_BASE_URL, OPENAI_API_KEY, CALLSIM_LLM_MODEL) "
        "to rate the quality criteria; shown beside the rules' score, which stays official",
    )
    parser.add_argument(
        "--judge-budget",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="time for one judgement, retries included (default 60)",
    )


def _judge_fn(args: argparse.Namespace) -> JudgeFn | None:
    """The judge asked for with ``--judge``, or None.

    Raises:
        LLMUnavailable: ``--judge`` without a configured LLM.

    """
    if not args.judge:
        return None
    settings = LLMSettings.from_env()
    if not settings.configured:
        raise LLMUnavailable(
            "--judge: no LLM configured: set OPENAI_BASE_URL (a local server) and/or "
            "OPENAI_API_KEY, and CALLSIM_LLM_MODEL for the model name"
        )
    if args.judge_budget <= 0:
        raise LLMUnavailable("--judge-budget: must be more than 0 seconds")
    return llm_judge(settings, cache_dir=default_cache_dir(), budget_s=args.judge_budget)


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
        judge_fn = _judge_fn(args)
        rubric = _rubric(args.rubric)
    except LLMUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except RubricError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2

    warned: list[str] = []

    def rate(transcript: dict, rubric: LoadedRubric) -> dict:
        if judge_fn is None:
            return score(transcript, rubric)
        card = score_with_judge(transcript, rubric, judge_fn=judge_fn)
        if card["judge"]["error"] and not warned:
            warned.append(card["judge"]["error"])
            print(f"注意：模型评审未完成（{warned[0]}），只给出规则评分。", file=sys.stderr)
        return card

    path = Path(args.path)
    if not path.exists():
        print(f"{path}: not found", file=sys.stderr)
        return 2
    if path.is_file():
        try:
            card = rate(load_transcript(path), rubric)
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
            rows.append((file.name, rate(load_transcript(file), rubric)))
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
            choice = labels_rubric(args.dir)
        judge_fn = _judge_fn(args)
        rubric = _rubric(choice)
        report = run_calibration(args.dir, rubric, judge_fn)
    except LLMUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 2
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
    if report.judge is not None:
        _print_agreement(report.judge)
    if report.failures:
        for line in report.failures:
            print(f"未达标：{line}")
        return 1
    print("通过")
    return 0


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole}（{part / whole:.2f}）" if whole else "无可比较的通话"


def _print_agreement(a: JudgeAgreement) -> None:
    """The judge's agreement with the labels, beside the rules' on the same calls."""
    print()
    print(f"模型评审（{a.model}）：{a.judged} 个通话有结果，{a.failed} 个未完成")
    for error in a.errors:
        print(f"  未完成原因：{error}")
    print(
        "  说明：标注里只有违规、是否达成还款约定和评级，没有逐条的质量评分，"
        "所以与标注比较的是下面两项（同一批通话上，规则与模型并列）："
    )
    print(
        f"  还款约定（模型对 plan_reached 的判断，严重违规时一律不算）："
        f"规则 {_ratio(a.plan.rules, a.plan.n)} · 模型 {_ratio(a.plan.judge, a.plan.n)}"
    )
    print(
        f"  评级（用模型的共情得分重算总分后的评级）："
        f"规则 {_ratio(a.band.rules, a.band.n)} · 模型 {_ratio(a.band.judge, a.band.n)}"
    )
    if a.with_rules:
        print("  各质量条目上模型与规则结论（达标与否）一致的比例：")
        for cid, n, agree in a.with_rules:
            print(f"    {cid:<28} {_ratio(agree, n)}")
    for line in a.mismatches:
        print(f"  模型与标注不一致：{line}")
    print("  模型评审只作对照，不影响下面是否通过的判断。")


def main(argv: list[str] | None = None) -> int:
    """Run the scoring commands on their own: ``python -m scoring.cli score PATH``."""
    parser = argparse.ArgumentParser(prog="callsim", description="callsim scoring commands")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
