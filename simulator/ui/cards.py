"""Customer cards: what a trainee sees of each customer before dialling (never the hidden facts)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

from simulator.persona import ARCHETYPE_LABELS, LoadedPersona

__all__ = [
    "ANY_DIFFICULTY",
    "brief_markdown",
    "card_markdown",
    "choices",
    "difficulty_choices",
    "ordered",
    "pick_random",
    "stars",
    "unavailable_markdown",
]

ANY_DIFFICULTY = "不限难度"


def stars(difficulty: int) -> str:
    """Difficulty as five stars, filled up to the level."""
    return "★" * difficulty + "☆" * (5 - difficulty)


def ordered(personas: Mapping[str, LoadedPersona]) -> list[tuple[str, LoadedPersona]]:
    """Customers from easiest to hardest, then by name."""
    return sorted(personas.items(), key=lambda kv: (kv[1].persona.difficulty, kv[1].persona.name))


def choices(personas: Mapping[str, LoadedPersona]) -> list[tuple[str, str]]:
    """(label, id) pairs for a dropdown of customers."""
    return [
        (
            f"{lp.persona.name} · {ARCHETYPE_LABELS[lp.persona.archetype]} · "
            f"{stars(lp.persona.difficulty)}",
            pid,
        )
        for pid, lp in ordered(personas)
    ]


def difficulty_choices() -> list[tuple[str, int]]:
    """(label, level) pairs for the random pick; level 0 means any difficulty."""
    return [(ANY_DIFFICULTY, 0)] + [(f"{stars(d)}（{d}级）", d) for d in range(1, 6)]


def card_markdown(loaded: LoadedPersona) -> str:
    """A short card: name, kind of customer, difficulty, the public brief in two lines."""
    p = loaded.persona
    b = p.brief
    lines = [
        f"### {b.name}",
        f"**{ARCHETYPE_LABELS[p.archetype]}** · 难度 {stars(p.difficulty)}",
        "",
        f"逾期 {b.amount:,} 元 · {b.days_overdue} 天 · 卡尾号 {b.card_last4}",
    ]
    if b.note:
        lines += ["", b.note]
    return "\n".join(lines)


def brief_markdown(loaded: LoadedPersona | None) -> str:
    """The full public brief of the chosen customer, read before dialling."""
    if loaded is None:
        return "还没有选择客户：点客户卡片上的“选这位”，或按难度随机选一位。"
    p, b = loaded.persona, loaded.persona.brief
    lines = [
        f"### 已选：{b.name}（{ARCHETYPE_LABELS[p.archetype]}，难度 {stars(p.difficulty)}）",
        f"- 卡号尾号：{b.card_last4}",
        f"- 逾期金额：{b.amount:,} 元",
        f"- 逾期天数：{b.days_overdue} 天",
    ]
    if b.minimum_payment:
        lines.append(f"- 最低还款额：{b.minimum_payment:,} 元")
    if b.note:
        lines.append(f"- 备注：{b.note}")
    return "\n".join(lines)


def pick_random(
    personas: Mapping[str, LoadedPersona], difficulty: int | None, rng: random.Random | None = None
) -> str | None:
    """A random customer of the given difficulty (0 or None: any); None if there is none."""
    pool = [
        pid
        for pid, lp in ordered(personas)
        if not difficulty or lp.persona.difficulty == difficulty
    ]
    if not pool:
        return None
    return (rng or random.SystemRandom()).choice(pool)


def unavailable_markdown(problems: list[str]) -> str:
    """A trainee's notice that some customers' files are broken; empty when none are.

    Names the files only: a problem line can quote a hidden fact's field, which a trainee must
    not see before the call. The trainer reads the details in the studio.
    """
    names = sorted({Path(line.split(": ", 1)[0]).name for line in problems})
    if not names:
        return ""
    return (
        f"有 {len(names)} 个客户资料文件有误，暂时不能选用：{'、'.join(names)}。"
        "其余客户照常练习；请告诉培训师修正（训练师工作台里可以看到原因）。"
    )
