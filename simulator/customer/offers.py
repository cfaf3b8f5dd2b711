"""What is wrong with an offer, and what the customer says instead.

Each objection names the one term that does not fit the persona's facts, so that the customer
says the real reason (分那么多期不行 is not 这么多我拿不出来): ``monthly`` (more a month than they
can pay), ``months`` (more instalments than they will take), ``lump`` (a one-off sum bigger than
they can raise), ``soon`` (a one-off sum before they can raise it), ``channel`` (a way of
paying they cannot use). The counter-offer is in round figures (:mod:`.numbers`), within the
facts: never more a month than the capacity, never longer than ``max_months``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from simulator.customer.numbers import instalments, lump, round_up

__all__ = ["OBJECTIONS", "Counter", "Offer", "counter", "objection"]

OBJECTIONS = {
    "monthly": "每月金额超过能力",
    "months": "期数超过能接受的上限",
    "lump": "一次性金额超过能凑到的数",
    "soon": "一次性还款的日期太早",
    "channel": "还款渠道用不了",
    "dispute": "金额里包含有争议的那笔",
    "full": "要求一次还清全部欠款",
}
"""Each objection and what it means (for traces, the LLM prompt and the benchmark)."""


@dataclass(frozen=True)
class Offer:
    """The trainee's terms as the customer weighs them."""

    amount: int
    months: int | None = None
    due_date: date | None = None
    channel: str | None = None


@dataclass(frozen=True)
class Counter:
    """The customer's own terms."""

    amount: int
    months: int | None = None
    due_date: date | None = None
    channel: str | None = None


def objection(offer: Offer, facts, *, payable: int, lump_date: date, hardship: bool) -> str | None:
    """The term the customer objects to, or None when they can keep this offer.

    Args:
        offer: the trainee's terms.
        facts: the persona's hidden facts.
        payable: what they owe and accept owing (the debt less a registered dispute).
        lump_date: the first day they can raise the one-off sum.
        hardship: a hardship customer cannot clear the whole debt at once, whatever is said.

    """
    if offer.channel and offer.channel in facts.no_channels:
        return "channel"
    if offer.months:
        if offer.amount > facts.monthly_capacity:
            return "monthly"
        if offer.months > facts.max_months:
            return "months"
        return None
    if hardship and offer.amount >= payable:
        return "full"
    if offer.amount > facts.lump_sum:
        return "full" if offer.amount >= payable else "lump"
    if offer.due_date is not None and offer.due_date < lump_date:
        return "soon"
    return None


def counter(offer: Offer, facts, *, payable: int, lump_date: date, why: str) -> Counter:
    """The customer's own round terms answering ``offer`` (``why``: the objection)."""
    channel = offer.channel
    if why == "channel" or (channel and channel in facts.no_channels):
        channel = facts.pay_channel
    if why == "channel":  # only the channel was wrong: the rest stands
        return Counter(offer.amount, offer.months, offer.due_date, channel)
    if offer.months or not facts.lump_sum:
        monthly, months = instalments(payable, facts.monthly_capacity, facts.max_months)
        if offer.months and offer.months <= facts.max_months and why == "monthly":
            # Keep their count if a round monthly at it fits; else the shortest that does.
            at_count = round_up(math.ceil(payable / offer.months))
            if at_count <= facts.monthly_capacity:
                monthly, months = at_count, offer.months
        return Counter(monthly, months, None, channel)
    if facts.can_pay_full and facts.lump_sum >= payable:
        return Counter(payable, None, lump_date, channel)
    asked = offer.amount if why == "soon" else None
    return Counter(lump(facts.lump_sum, asked), None, lump_date, channel)
