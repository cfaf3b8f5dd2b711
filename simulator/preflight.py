"""Preflight (体检): play a persona against a few built-in agent styles and flag surprises.

A trainer edits a persona and wants to know at once whether the customer still behaves: a
model agent should be able to reach a plan; abuse, pressure for an unaffordable sum, or silence
should never end in an agreement. Each style is a fixed script built from the persona's public
brief and hidden facts, played through the same :class:`simulator.call.Call` a trainee uses,
in memory only (nothing is stored).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from simulator.call import Call
from simulator.persona import Archetype, LoadedPersona, Trait

__all__ = ["STYLES", "PreflightRow", "preflight", "rows_table", "TABLE_HEADERS"]

AT = datetime.fromisoformat("2026-11-25T10:00:00+08:00")  # a Wednesday morning: contact hours


def _opening(lp: LoadedPersona) -> list[str]:
    b = lp.persona.brief
    return [
        "您好，我是信用卡中心的客服小李，工号1024，本次通话会录音。",
        f"请问是{b.name}本人吗？麻烦您报一下身份证后四位核实一下身份。",
    ]


def _model(lp: LoadedPersona) -> list[str]:
    """A patient agent who verifies, listens, and fits the plan to what the customer can pay.

    It also does what a good agent does for each trait: presses identity politely once more
    (a pretended relative), takes up 个性化分期 (a coached customer), freezes a card said to be
    used by fraud, says an offer twice to someone hard of hearing, and offers the longest plan
    to a customer who plays banks off.
    """
    b, f = lp.persona.brief, lp.persona.facts
    traits = set(lp.persona.behaviour.traits)
    if lp.persona.archetype == Archetype.third_party:
        return [
            *_opening(lp),
            "不好意思打扰您了，请问他什么时候方便接电话？",
            "麻烦您转告他尽快回个电话，谢谢。",
            "好的，打扰您了，再见。",
        ]
    debt = b.amount - (f.dispute.amount if f.dispute else 0)
    months = min(f.max_months, max(2, math.ceil(debt / f.monthly_capacity)))
    if Trait.multi_bank in traits:
        months = f.max_months
    monthly = math.ceil(debt / months)
    lines = [*_opening(lp)]
    if Trait.pretends_relative in traits:
        lines.append(
            f"不好意思，按规定这个电话只能跟持卡人本人沟通。请问您确实不是{b.name}本人吗？"
        )
    lines.append(f"您尾号{b.card_last4}的信用卡目前逾期{b.days_overdue}天，欠款{b.amount}元。")
    if f.dispute:
        freeze = "，同时马上帮您把卡挂失冻结，防止再被盗刷" if Trait.fraud_claim in traits else ""
        lines.append(
            f"您说的那笔{f.dispute.amount}元的交易，我现在帮您登记调查{freeze}，"
            "调查期间这笔先不用还。"
        )
    lines += [
        "您别着急，方便说一下是遇到什么困难了吗？",
        "我理解您现在的难处，这段时间确实不容易，谢谢您跟我说这些。",
    ]
    if Trait.coached in traits:
        lines.append("您的情况我们可以帮您申请个性化分期，不收任何额外费用。")
    offer = f"您每个月还{monthly}元，分{months}期，每月通过{f.pay_channel}还款，您看可以吗？"
    lines += ["那您每个月大概能还多少呢？", f"那这样，{offer}"]
    if Trait.hard_of_hearing in traits:
        lines.append(f"我再说一遍，{offer}")
    return lines + [
        f"跟您确认一下，您每个月还{monthly}元，分{months}期还清，对吗？",
        "好的，感谢您的配合，我们会按时提醒您，再见。",
    ]


def _abusive(lp: LoadedPersona) -> list[str]:
    """Insults and threats, then a demand: the customer must never agree."""
    b = lp.persona.brief
    return [
        *_opening(lp),
        "你这个老赖，欠钱不还还有脸接电话？",
        "再不还我们找几个人去你家坐坐。",
        f"你今天必须还{b.amount}元，不还就让你坐牢！",
        "废物，不要脸的东西！",
        f"跟你确认一下，你今天还{b.amount}元，对吗？",
    ]


def _pushy(lp: LoadedPersona) -> list[str]:
    """Polite but demanding far more than the customer can pay."""
    b, f = lp.persona.brief, lp.persona.facts
    too_much = max(f.monthly_capacity, f.lump_sum) * 3 + 1000
    return [
        *_opening(lp),
        f"您尾号{b.card_last4}的信用卡目前逾期{b.days_overdue}天，欠款{b.amount}元。",
        f"您今天必须一次性还{too_much}元。",
        f"每个月还{f.monthly_capacity * 2 + 500}元，分3期，这是最低要求了。",
        "明天之前全额还清，不能再拖了。",
        f"跟您确认一下，您明天还{too_much}元，对吗？",
    ]


def _silent(lp: LoadedPersona) -> list[str]:
    """An agent who says nothing at all."""
    return [""] * 6


@dataclass(frozen=True)
class Style:
    """A built-in agent style and what the customer should do against it."""

    id: str
    label: str
    script: Callable[[LoadedPersona], list[str]]
    expect_plan: bool
    """True when a sound persona should reach a plan against this style."""


STYLES = (
    Style("model", "规范坐席", _model, True),
    Style("abusive", "辱骂威胁", _abusive, False),
    Style("pushy", "强压全额", _pushy, False),
    Style("silent", "一言不发", _silent, False),
)

ENDINGS = {
    "agreement": "达成计划",
    "customer_hangup": "客户挂断",
    "agent_end": "坐席结束",
    "script_end": "脚本结束",
}


@dataclass(frozen=True)
class PreflightRow:
    """One style's outcome against the persona."""

    style: str
    label: str
    seed: int
    ended_by: str
    turns: int
    accepted: bool
    """The customer accepted or confirmed an offer at some turn."""
    plan: dict | None
    anger: int
    trust: int
    level: str
    """``ok``, ``note`` (worth a look) or ``alarm`` (the persona is too easy)."""
    verdict: str
    """One Chinese sentence explaining the level."""


def _judge(style: Style, lp: LoadedPersona, accepted: bool, plan: dict | None) -> tuple[str, str]:
    third_party = lp.persona.archetype == Archetype.third_party
    if third_party and (accepted or plan):
        return "alarm", "第三方接听者竟然答应了还款，应当只转告。"
    if style.expect_plan and not third_party:
        if plan:
            return "ok", "规范沟通可以谈成，符合预期。"
        return "note", "规范沟通也没谈成，请检查信任门槛和还款能力设置是否过严。"
    if accepted or plan:
        return "alarm", f"面对「{style.label}」仍接受了还款要求，客户过于配合。"
    return "ok", "没有接受，符合预期。"


def preflight(lp: LoadedPersona, seeds: tuple[int, ...] = (0,)) -> list[PreflightRow]:
    """Play every built-in style against the persona, once per seed."""
    rows = []
    for style in STYLES:
        for seed in seeds:
            call = Call(lp, seed=seed, started_at=AT)
            call.open()
            for line in style.script(lp):
                if call.ended:
                    break
                call.say(line)
            call.hang_up("script_end")
            accepted = any(
                t.move in ("accept", "confirm") for t in call.turns if t.speaker == "customer"
            )
            plan = call.plan_dict()
            level, verdict = _judge(style, lp, accepted, plan)
            state = call.state
            rows.append(
                PreflightRow(
                    style=style.id,
                    label=style.label,
                    seed=seed,
                    ended_by=call.ended_by or "",
                    turns=len(call.turns),
                    accepted=accepted,
                    plan=plan,
                    anger=state["anger"],
                    trust=state["trust"],
                    level=level,
                    verdict=verdict,
                )
            )
    return rows


TABLE_HEADERS = [
    "坐席风格",
    "种子",
    "结束方式",
    "轮数",
    "是否接受",
    "还款计划",
    "愤怒",
    "信任",
    "判定",
]
_LEVEL = {"ok": "正常", "note": "注意", "alarm": "异常"}


def _plan_text(plan: dict | None) -> str:
    if not plan:
        return "—"
    if plan.get("months"):
        return f"每月 {plan['amount']} 元 × {plan['months']} 期"
    return f"{plan['amount']} 元，{plan.get('due_date') or '日期未定'}"


def rows_table(rows: list[PreflightRow]) -> list[list]:
    """The rows as table cells under ``TABLE_HEADERS``."""
    return [
        [
            r.label,
            r.seed,
            ENDINGS.get(r.ended_by, r.ended_by),
            r.turns,
            "是" if r.accepted else "否",
            _plan_text(r.plan),
            r.anger,
            r.trust,
            f"{_LEVEL[r.level]}：{r.verdict}",
        ]
        for r in rows
    ]
