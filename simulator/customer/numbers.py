"""Numbers as people say them: the customer's own offers are round, and within their means.

Nobody on the phone offers "六百九十六块，分四十一个月". A person rounds a monthly payment to a
whole hundred (a thousand when it is that big), a one-off sum down to what they can really
raise, and counts instalments in the periods banks offer (6, 12, 24 …). Every figure here is
at most what the persona's facts allow: rounding never carries an offer past the capacity.
"""

from __future__ import annotations

import math

__all__ = ["TERMS", "instalments", "is_round", "lump", "round_down", "round_up"]

TERMS = (3, 6, 12, 18, 24, 36)
"""Instalment counts people (and banks) say, shortest first."""


def _step(amount: int) -> int:
    return 1000 if amount >= 10_000 else 100 if amount >= 300 else 50 if amount >= 100 else 10


def round_up(amount: int) -> int:
    """Up to the next whole hundred (thousand from ten thousand; fifty or ten when small)."""
    step = _step(amount)
    return int(math.ceil(amount / step) * step)


def round_down(amount: int) -> int:
    """Down to a whole hundred (thousand from ten thousand); never below the smallest step."""
    step = _step(amount)
    return max(int(amount // step * step), min(amount, step))


def is_round(amount: int) -> bool:
    """A figure a person would say: a whole hundred (or fifty, or ten for small sums)."""
    return amount > 0 and amount % _step(amount) == 0 or amount % 100 == 0 or amount % 50 == 0


def instalments(debt: int, capacity: int, max_months: int) -> tuple[int, int]:
    """``(monthly, months)``: the shortest usual term whose round monthly fits the capacity.

    When no usual term up to ``max_months`` fits, the longest usual term at the most they can
    pay a month (rounded down): the customer offers what they can, not what clears the debt
    (a longer plan the trainee offers within ``max_months`` is still theirs to accept).
    """
    allowed = [n for n in TERMS if n <= max_months] or [max(1, max_months)]
    for months in allowed:
        if months < 2 and debt > capacity:
            continue
        monthly = round_up(math.ceil(debt / months))
        if monthly <= capacity:
            return monthly, months
    return round_down(capacity), allowed[-1]


def lump(sum_available: int, asked: int | None = None) -> int:
    """A one-off sum the customer names: what they can raise (or less, if less was asked), round."""
    amount = min(sum_available, asked) if asked else sum_available
    return round_down(amount) if amount >= 100 else amount
