"""The built-in checks a rubric criterion can name in ``detect.check``.

Each check reads the analysed call and returns a :class:`Result`. They judge quality, not
keyword counts: an acknowledgement counts when it answers what the customer just said, and the
same ``我理解`` said ten times earns what one generic acknowledgement earns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scoring.analysis import Call, Turn
from scoring.plan import Plan
from scoring.rubric import Criterion, Kind
from simulator.understand.lexicon_customer import HARDSHIP_TOPICS

__all__ = ["Result", "evaluate_check"]

_CJK = re.compile(r"[\u4e00-\u9fff]{2}")
_STOP = set(
    "我们 你们 您的 这个 那个 就是 什么 一下 现在 可以 没有 知道 还款 信用 用卡 银行 "
    "时候 因为 所以 然后 不是 这样 那么 问题 情况 已经 一个 这边 那边 确实 理解 明白 "
    "您说 我说 是的 好的 怎么 如果 还是 觉得 应该 需要 真的 非常 特别".split()
)


@dataclass(frozen=True)
class Result:
    """What one criterion earned in one call."""

    points: float
    max_points: int
    evidence: tuple[tuple[int | None, str], ...] = ()
    violations: tuple[tuple[int | None, str], ...] = ()
    note: str = ""
    """Specific advice for this call, shown before the criterion's general advice."""
    applicable: bool = True
    extra: dict = field(default_factory=dict, compare=False)


def _next_agent(call: Call, index: int) -> Turn | None:
    for turn in call.turns[index + 1 :]:
        if turn.speaker == "agent":
            return turn
    return None


def _prohibited_hit(turn: Turn, prohibited: set[str]) -> bool:
    return bool(prohibited & turn.hits.keys())


def _refers(customer_turn: Turn, agent_turn: Turn, topics: tuple[str, ...]) -> bool:
    agent_text = agent_turn.folded.text
    for topic in topics:
        if re.search(HARDSHIP_TOPICS[topic], agent_text):
            return True
    said = set(_bigrams(customer_turn.folded.text)) - _STOP
    return bool(said & (set(_bigrams(agent_text)) - _STOP))


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1) if _CJK.fullmatch(text[i : i + 2])]


def empathy_quality(c: Criterion, call: Call, prohibited: set[str]) -> Result:
    """Acknowledgements that answer the hardship the customer just disclosed."""
    opportunities = [(t, t.customer.topics) for t in call.turns if t.customer is not None]
    # an angry outburst (烦死了) is calm_under_pressure's to judge, not a disclosed hardship
    opportunities = [(t, topics) for t, topics in opportunities if topics and not t.customer.angry]
    if not opportunities:
        return Result(0, c.points, applicable=False)
    acks = [
        t
        for t in call.agent_turns()
        if c.id in t.hits and not t.void and not _prohibited_hit(t, prohibited)
    ]
    answered: list[tuple[int, str]] = []
    for turn, topics in opportunities:
        reply = _next_agent(call, turn.index)
        if reply is None or reply not in acks:
            continue
        if _refers(turn, reply, topics) and all(reply.index != i for i, _ in answered):
            answered.append((reply.index, reply.hits[c.id].quote))
    # one answered disclosure is enough for a short call; three or more want two answers
    needed = 1 if len(opportunities) <= 2 else 2
    if answered:
        points = c.points * min(1.0, len(answered) / needed)
        note = "" if len(answered) >= needed else "客户多次提到自己的困难，只回应了一次。"
        return Result(points, c.points, tuple(answered), note=note)
    if acks:
        first = acks[0]
        note = (
            f"“{first.hits[c.id].quote}”是一句笼统的安慰，没有回应客户说的具体困难"
            f"（如“{opportunities[0][0].text[:20]}”）；重复“我理解”不会加分。"
        )
        return Result(
            round(c.points * 0.25, 1), c.points, ((first.index, first.hits[c.id].quote),), note=note
        )
    quote = opportunities[0][0].text[:30]
    return Result(0, c.points, note=f"客户说了“{quote}”，坐席没有任何回应。")


def calm_under_pressure(c: Criterion, call: Call, prohibited: set[str]) -> Result:
    """Calm, de-escalating replies to an angry or insulting customer."""
    provocations = [t for t in call.turns if t.customer is not None and t.customer.angry]
    if not provocations:
        return Result(0, c.points, applicable=False)
    total = 0.0
    evidence: list[tuple[int | None, str]] = []
    bad: list[str] = []
    for turn in provocations:
        reply = _next_agent(call, turn.index)
        if reply is None:
            continue
        if _prohibited_hit(reply, prohibited):
            bad.append(f"第{reply.index}轮客户发火后，坐席以违规话术回应")
            evidence.append((reply.index, reply.text[:40]))
        elif c.id in reply.hits and not reply.void:
            total += 1
            evidence.append((reply.index, reply.hits[c.id].quote))
        else:
            total += 0.5
    points = c.points * total / len(provocations)
    note = "；".join(bad) + ("。" if bad else "")
    return Result(round(points, 1), c.points, tuple(evidence), note=note)


def plan_reached(c: Criterion, call: Call, plan: Plan, critical: bool) -> Result:
    """A concrete plan agreed and confirmed; nothing for a vague promise or a coerced plan."""
    evidence = ()
    if plan.agreed_at is not None:
        evidence = ((plan.agreed_at, call.turns[plan.agreed_at].text[:40]),)
    if plan.reached and critical:
        return Result(0, c.points, evidence, note="还款约定是在严重违规之后达成的，不计为成功。")
    if plan.reached:
        return Result(c.points, c.points, evidence)
    if plan.agreed:
        return Result(
            round(c.points * 0.4, 1),
            c.points,
            evidence,
            note="客户口头同意了，但坐席没有复述金额和日期并请客户确认。",
        )
    if plan.vague_at is not None:
        quote = call.turns[plan.vague_at].text[:30]
        return Result(
            0,
            c.points,
            ((plan.vague_at, quote),),
            note=f"客户只说了“{quote}”，这不是还款计划：要落实到金额和日期。",
        )
    return Result(0, c.points, note="通话结束时没有达成具体的还款约定。")


def plan_affordable(c: Criterion, call: Call, plan: Plan, critical: bool) -> Result:
    """The agreed plan fits what the customer said they can pay."""
    if not plan.agreed:
        return Result(0, c.points, applicable=False)
    if critical:
        return Result(0, c.points, note="还款约定是在严重违规之后达成的，不计分。")
    max_months = c.detect.params.get("max_months", 60)
    if plan.months and plan.months > max_months:
        return Result(0, c.points, note=f"分期{plan.months}期超过了{max_months}期的上限。")
    if plan.capacity is None:
        return Result(
            c.points / 2,
            c.points,
            note="客户没有说过每月能还多少，无法判断计划是否负担得起；先问清还款能力。",
        )
    quote = call.turns[plan.capacity_at].text[:30]
    if plan.amount is not None and plan.amount <= plan.capacity:
        return Result(c.points, c.points, ((plan.capacity_at, quote),))
    return Result(
        0,
        c.points,
        ((plan.capacity_at, quote),),
        note=f"约定金额 {plan.amount} 元超过了客户说的能力（{plan.capacity} 元），"
        "这样的承诺很可能违约。",
    )


def evaluate_check(
    c: Criterion, call: Call, plan: Plan, critical: bool, prohibited: set[str]
) -> Result:
    """Run a quality criterion's built-in check."""
    assert c.kind == Kind.quality
    check = c.detect.check
    if check == "empathy_quality":
        return empathy_quality(c, call, prohibited)
    if check == "calm_under_pressure":
        return calm_under_pressure(c, call, prohibited)
    if check == "plan_reached":
        return plan_reached(c, call, plan, critical)
    if check == "plan_affordable":
        return plan_affordable(c, call, plan, critical)
    raise ValueError(f"check {check!r} cannot score a quality criterion")
