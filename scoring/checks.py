"""The built-in checks a rubric criterion can name in ``detect.check``.

Each check reads the analysed call and returns a :class:`Result`. They judge quality, not
keyword counts: an acknowledgement counts when it answers what the customer just said, and the
same ``我理解`` said ten times earns what one generic acknowledgement earns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scoring.analysis import Call, Turn
from scoring.plan import readback_differences
from scoring.rubric import Criterion, Kind
from scoring.text import quote_around
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


def _disclosure_quote(turn: Turn) -> str:
    """The customer's words that disclosed a hardship: a whole clause, never cut mid-word."""
    cu = turn.customer
    reason = next((a.quote for a in cu.acts if a.name == "state_reason"), None) if cu else None
    if reason:
        return reason
    for topic in cu.topics if cu else ():
        m = re.search(HARDSHIP_TOPICS[topic], turn.folded.text)
        if m:
            return quote_around(turn.folded, m.start(), m.end(), 40)
    return quote_around(turn.folded, 0, len(turn.folded.text), 40)


def empathy_quality(c: Criterion, call: Call, prohibited: set[str]) -> Result:
    """Acknowledgements that answer a hardship the customer had disclosed before them.

    Only what came *before* an agent line counts for it: a disclosure the customer makes later
    is neither answered nor missed by that line. Disclosures are counted by topic (job, health,
    family, money, feeling), so the same hardship said in other words is the same opportunity:
    one or two topics want one answer, three or more want two. What a third party says (我是家里的
    保姆 / 我妈妈不在家) is not the customer's hardship: it is no opportunity.
    """
    disclosures = [
        t
        for t in call.turns
        if t.customer is not None
        and t.customer.topics
        and not t.customer.angry
        and call.state.audience(t.index).who != "third_party"  # 我是家里的保姆: not a hardship
    ]
    last_agent = max((t.index for t in call.agent_turns()), default=-1)
    disclosures = [t for t in disclosures if t.index < last_agent]  # the agent could answer
    if not disclosures:
        return Result(0, c.points, applicable=False)
    topics = list(dict.fromkeys(topic for t in disclosures for topic in t.customer.topics))
    needed = 1 if len(topics) <= 2 else 2
    acks = [
        t
        for t in call.agent_turns()
        if c.id in t.hits and not t.void and not _prohibited_hit(t, prohibited)
    ]
    answered: dict[str, tuple[int, str]] = {}
    generic: tuple[int, str] | None = None
    for ack in acks:
        before = [d for d in disclosures if d.index < ack.index]
        if not before:
            continue  # nothing disclosed yet: nothing to answer
        hit = False
        for d in before:
            if _refers(d, ack, d.customer.topics):
                for topic in d.customer.topics:
                    answered.setdefault(topic, (ack.index, ack.hits[c.id].quote))
                hit = True
        if not hit and generic is None:
            generic = (ack.index, ack.hits[c.id].quote)
    if answered:
        evidence = tuple(dict.fromkeys(answered.values()))
        share = min(1.0, len(answered) / needed)
        note = "" if share >= 1 else "客户说了好几件难处，只回应了其中一件。"
        return Result(round(c.points * share, 1), c.points, evidence, note=note)
    first = disclosures[0]
    said = _disclosure_quote(first)
    if generic is not None:
        note = (
            f"“{generic[1]}”是一句笼统的安慰，没有回应客户在第{first.index + 1}句说的具体困难"
            f"（“{said}”）；重复“我理解”不会加分。"
        )
        return Result(round(c.points * 0.25, 1), c.points, (generic,), note=note)
    return Result(0, c.points, note=f"客户在第{first.index + 1}句说了“{said}”，坐席没有回应。")


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


def plan_reached(c: Criterion, call: Call, critical: bool) -> Result:
    """Offered terms agreed, read back as agreed and confirmed; nothing for a vague promise.

    Partial credit: agreed but not read back and confirmed (40 %); agreed on vague terms or a
    read-back that got the terms wrong (20 %). A plan won through a critical violation earns 0.
    """
    plan = call.state.plan
    evidence: tuple[tuple[int | None, str], ...] = ()
    if plan.agreed:
        evidence = ((plan.agreement, _quote(call, plan.agreement)),)
    if plan.reached and critical:
        return Result(0, c.points, evidence, note="还款约定是在严重违规之后达成的，不计为成功。")
    if plan.reached:
        steps = plan.steps()
        return Result(c.points, c.points, tuple((steps[k], _quote(call, steps[k])) for k in steps))
    if plan.vague:
        what = "、".join(_VAGUE_WORDS[f] for f in plan.vague_fields)
        note = (
            f"客户同意的条件不具体（{what}：{plan.terms.describe()}）：要落实到确切的金额和日期。"
        )
        return Result(round(c.points * 0.2, 1), c.points, evidence, note=note)
    if plan.agreed and plan.readback is not None and not plan.readback.matches:
        note = f"复述与客户同意的条件不一致（{readback_differences(plan)}），约定不能算数。"
        return Result(round(c.points * 0.2, 1), c.points, evidence, note=note)
    if plan.agreed and plan.incomplete:
        note = f"客户同意了“{plan.terms.describe()}”，但没有约定还款日期或期数。"
        return Result(round(c.points * 0.2, 1), c.points, evidence, note=note)
    if plan.agreed:
        return Result(
            round(c.points * 0.4, 1),
            c.points,
            evidence,
            note="客户口头同意了，但坐席没有复述金额和日期并请客户确认。",
        )
    vague = call.state.vague_promises
    if vague:
        quote = vague[-1].quote
        return Result(
            0,
            c.points,
            ((vague[-1].turn, quote),),
            note=f"客户只说了“{quote}”，这不是还款计划：要落实到金额和日期。",
        )
    return Result(0, c.points, note="通话结束时没有达成具体的还款约定。")


_VAGUE_WORDS = {"amount": "金额是一个范围或只说了一部分", "due_date": "日期含糊"}


def _quote(call: Call, turn: int | None) -> str:
    if turn is None:
        return ""
    folded = call.turns[turn].folded
    return quote_around(folded, 0, len(folded.text), 40) if folded.text else ""


def plan_affordable(c: Criterion, call: Call, critical: bool) -> Result:
    """The agreed plan fits what the customer said they can pay (never a disputed amount)."""
    plan = call.state.plan
    if not plan.agreed or plan.terms.amount is None:
        return Result(0, c.points, applicable=False)
    if critical:
        return Result(0, c.points, note="还款约定是在严重违规之后达成的，不计分。")
    max_months = c.detect.params.get("max_months", 60)
    months = plan.terms.months
    if months and months > max_months:
        return Result(0, c.points, note=f"分期{months}期超过了{max_months}期的上限。")
    said = call.state.stated_capacity
    if said is None:
        return Result(
            c.points / 2,
            c.points,
            note="客户没有说过每月能还多少，无法判断计划是否负担得起；先问清还款能力。",
        )
    can = min(a.high for a in said.amounts)
    amount = plan.terms.amount.low
    if amount <= can:
        return Result(c.points, c.points, ((said.turn, said.quote),))
    low, high = min(a.low for a in said.amounts), max(a.high for a in said.amounts)
    if amount <= high:  # 八百多，好的时候千把块 and a plan of 1000: the top of a range said
        return Result(
            c.points / 2,
            c.points,
            ((said.turn, said.quote),),
            note=f"约定金额 {amount} 元在客户说的能力范围（{low}-{high} 元）的上端，不一定负担得起。",
        )
    return Result(
        0,
        c.points,
        ((said.turn, said.quote),),
        note=f"约定金额 {amount} 元超过了客户说的能力（{can} 元），这样的承诺很可能违约。",
    )


def evaluate_check(c: Criterion, call: Call, critical: bool, prohibited: set[str]) -> Result:
    """Run a quality criterion's built-in check."""
    assert c.kind == Kind.quality
    check = c.detect.check
    if check == "empathy_quality":
        return empathy_quality(c, call, prohibited)
    if check == "calm_under_pressure":
        return calm_under_pressure(c, call, prohibited)
    if check == "plan_reached":
        return plan_reached(c, call, critical)
    if check == "plan_affordable":
        return plan_affordable(c, call, critical)
    raise ValueError(f"check {check!r} cannot score a quality criterion")
