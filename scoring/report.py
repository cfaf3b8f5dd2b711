"""A scorecard as a trainee reads it: plain Chinese text for the terminal.

Names come from :mod:`simulator.labels`, the table the web pages use, so the terminal and the
practice page say the same thing (合规 / 沟通与共情 / 还款结果; turns counted from 1, 第6句).
Beside each quote stands what found it (:func:`scoring.evidence.describe`: 规则 threat#3, or
与例句「…」相似，相似度 0.87) and the rule it breaks.
"""

from __future__ import annotations

from scoring.evidence import describe
from scoring.plan_words import plan_note, plan_status, plan_steps, plan_terms
from simulator import labels

__all__ = ["render_scorecard", "render_summary"]

_DIMENSIONS = labels.DIMENSIONS
_SEVERITY = labels.SEVERITIES
_BAND = labels.BANDS
_turn = labels.turn


def _rubric_title(rubric: dict) -> str:
    """The rubric by its Chinese title and version; its id only when the file is gone."""
    return labels.Labels.of_rubrics().rubric_title(rubric.get("id"), rubric.get("version"))


def render_scorecard(card: dict, title: str = "") -> str:
    """The readable scorecard: scores, violations, missed steps, advice and the plan."""
    lines = []
    verdict = "通过" if card["passed"] else "未通过"
    head = f"{title}  " if title else ""
    lines.append(
        f"{head}总分 {card['overall']}（{verdict}，评级：{_BAND[card['band']]}）"
        f"  评分标准：{_rubric_title(card['rubric'])}"
    )
    dims = "  ".join(f"{_DIMENSIONS[d]} {card['dimensions'][d]['score']}" for d in _DIMENSIONS)
    lines.append(f"  各项得分：{dims}")
    if card["violations"]:
        lines.append("  违规：")
        for v in card["violations"]:
            title_of = _title(card, v["criterion"])
            lines.append(
                f"    ✗ [{_SEVERITY[v['severity']]}] {title_of}（{_turn(v['turn'])}）："
                f"“{labels.quote(v['quote'])}”"
            )
            found = describe(v)
            if found:
                lines.append(f"      识别依据：{found}")
            if v.get("detail"):
                lines.append(f"      不一致之处：{v['detail']}")
            lines.append(f"      规定依据：{v['source']}")
    missed = [c for c in card["criteria"] if c.get("kind") == "required_step" and not c["passed"]]
    if missed:
        lines.append("  未做到或未做好的步骤：")
        for c in missed:
            lines.append(f"    - {c['title']}（{c['points']}/{c['max_points']}）")
    advice = [c for c in card["criteria"] if c.get("advice")]
    if advice:
        lines.append("  改进建议：")
        for c in advice:
            lines.append(f"    · {c['title']}：{c['advice']}")
    good = [
        c
        for c in card["criteria"]
        if c.get("kind") != "prohibited" and c["passed"] and c.get("evidence")
    ]
    if good:
        lines.append("  做得好的地方：")
        for c in good:
            ev = c["evidence"][0]
            found = describe(ev)
            basis = f"（识别依据：{found}）" if found else ""
            lines.append(f"    ✓ {c['title']}（{_turn(ev['turn'])}）：“{ev['quote']}”{basis}")
    lines.extend(_plan(card["plan"]))
    if "judge" in card:
        lines.extend(_judge(card))
    return "\n".join(lines)


def _pts(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _why(error: str) -> str:
    """The judge's per-criterion error in words a trainee reads."""
    if error == "not rated by the judge":
        return "模型没有评这一条"
    prefix = "answer item dropped: "
    if error.startswith(prefix):
        return f"模型的结论不合格已舍弃：{error[len(prefix) :]}"
    return error


def _judge(card: dict) -> list[str]:
    """The judge's block: rule and model side by side per quality criterion, or why not."""
    info = card["judge"]
    model = info.get("model") or "未知模型"
    if info.get("error"):
        return [
            f"  模型评审（{model}）未完成：{info['error']}",
            "    以上是规则评分，不受影响。",
        ]
    cached = "，结果来自缓存" if info.get("cached") else ""
    lines = [f"  模型评审（{model}{cached}）：仅供对照，正式得分以上面的规则评分为准"]
    for c in card["criteria"]:
        verdict = c.get("judge")
        if verdict is None:
            continue
        rule = f"规则 {_pts(c['points'])}/{_pts(c['max_points'])}"
        if "error" in verdict:
            lines.append(f"    · {c['title']}：{rule} · 模型 未评（{_why(verdict['error'])}）")
            continue
        lines.append(
            f"    · {c['title']}：{rule} · 模型 {_pts(verdict['points'])}/{_pts(verdict['max_points'])}"
        )
        quotes = "；".join(f"{_turn(e['turn'])}：“{e['quote']}”" for e in verdict["evidence"][:2])
        lines.append(f"      模型理由：{verdict['reason'] or '（未说明）'}（{quotes}）")
    shown = {c["id"] for c in card["criteria"] if "judge" in c}
    ignored = [d for d in info.get("dropped") or [] if d["id"] not in shown]
    if ignored:
        names = "、".join(_title(card, d["id"]) for d in ignored)
        lines.append(f"    模型对 {names} 的结论已忽略：违规和还款约定只由规则判定。")
    adjusted = info.get("adjusted")
    if adjusted:
        lines.append(
            f"    若按模型的共情评分计算：{_DIMENSIONS['empathy']} "
            f"{adjusted['dimensions']['empathy']['score']}，"
            f"总分 {adjusted['overall']}（评级：{_BAND[adjusted['band']]}），仅作对照"
        )
    return lines


def _title(card: dict, criterion: str) -> str:
    return next((c["title"] for c in card["criteria"] if c["id"] == criterion), criterion)


def _plan(plan: dict) -> list[str]:
    """The plan block: reached or why not, the agreed terms, and the turn of each step."""
    head = plan_status(plan)
    terms = plan_terms(plan) if plan.get("agreed", plan.get("reached")) else ""
    if terms:
        head += f"；客户同意的条件：{terms}"
    if plan.get("amount_range"):
        low, high = plan["amount_range"]
        head += f"（金额是范围 {low}-{high} 元）"
    lines = [f"  还款约定：{head}"]
    steps = plan_steps(plan)
    for word, where, note in steps:
        lines.append(f"    · {word}：{where}" + (f"（{note}）" if note else ""))
    if not steps and plan.get("turn") is not None and terms:
        lines[0] += f"（{_turn(plan['turn'])}）"
    if plan.get("simulator_agrees") is False:
        lines.append("    ⚠ 与模拟器记录不一致")
    note = plan_note(plan)
    if note:
        lines.append(f"    说明：{note}")
    return lines


def render_summary(rows: list[tuple[str, dict | str]]) -> str:
    """A table for a folder: one row per file (a scorecard, or the error that stopped it)."""
    width = max([len(name) for name, _ in rows] + [4])
    dims = "  ".join(_DIMENSIONS.values())
    lines = [f"{'文件'.ljust(width)}  总分  {dims}  评级  通过  违规数"]
    scores = []
    for name, card in rows:
        if isinstance(card, str):
            lines.append(f"{name.ljust(width)}  错误：{card}")
            continue
        d = card["dimensions"]
        scores.append(card["overall"])
        lines.append(
            f"{name.ljust(width)}  {card['overall']:>4}  {d['compliance']['score']:>4}  "
            f"{d['empathy']['score']:>10}  {d['outcome']['score']:>8}  {_BAND[card['band']]:>3}  "
            f"{'是' if card['passed'] else '否':>3}  {len(card['violations']):>5}"
        )
    judged = [c["judge"] for _, c in rows if isinstance(c, dict) and "judge" in c]
    if judged:
        failed = sum(1 for j in judged if j.get("error"))
        lines.append(f"模型评审：完成 {len(judged) - failed} 个，未完成 {failed} 个（仅供对照）")
    if scores:
        passed = sum(1 for _, c in rows if not isinstance(c, str) and c["passed"])
        lines.append(
            f"共 {len(rows)} 个文件，已评分 {len(scores)} 个，平均分 {sum(scores) / len(scores):.1f}，"
            f"通过 {passed} 个"
        )
    return "\n".join(lines)
