"""How fast anger falls: calming takes sustained respect, scaled by the persona's temper.

One kind sentence does not undo a grievance. Each turn's calming is capped by how long the
trainee has been respectful in a row (the *streak*): the first respectful line takes a few
points off, the fourth many more. A factual line (how interest is computed) is civil but not
respect: it takes off a point or two. ``calm_with_respect`` speeds calming up, ``temper`` slows
it down; abuse resets the streak.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.understand import Understanding

__all__ = ["RESPECT", "Calming", "calming"]

RESPECT = {"empathy": 5.0, "apology": 3.0, "ask_reason": 2.0, "listen": 1.5, "greeting": 1.5}
"""Anger points a respectful act takes off (before the persona's scaling and the cap)."""
CIVIL = 1.0
"""What any civil, on-topic line takes off."""
STREAK_CAP = 4
"""After this many respectful turns in a row the cap stops rising."""


CALM_BELOW = 30
"""Anger below this is calm: what the realism bench counts as calmed, and the line between an
out-of-patience customer who leaves politely and one who leaves angry."""


@dataclass(frozen=True)
class Calming:
    """The fall in anger after one turn, and the new streak of respectful turns."""

    amount: float
    streak: int


def calming(u: Understanding, *, streak: int, empathy_heard: int, behaviour) -> Calming:
    """How much anger falls after a civil line (``behaviour`` is the persona's Behaviour).

    Args:
        u: the trainee's line (already known to hold no abuse).
        streak: respectful turns in a row before this one.
        empathy_heard: how many lines of empathy came before, this one included: the fifth
            "我理解" is worth less than the first.
        behaviour: the persona's ``temper`` and ``calm_with_respect``.

    """
    points = 0.0
    for name, gain in RESPECT.items():
        if u.has(name):
            points += gain / (max(empathy_heard, 1) ** 0.5 if name == "empathy" else 1)
    respectful = points > 0
    streak = streak + 1 if respectful else streak
    if not u.acts:
        return Calming(0.0, streak)
    scale = behaviour.calm_with_respect / behaviour.temper
    cap = (2 + 3 * min(streak, STREAK_CAP)) * scale
    return Calming(min((points + CIVIL) * scale, cap), streak)
