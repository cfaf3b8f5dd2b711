"""Small inline SVG line charts (review page, weekly trends) and labels that fit a chart's axis.

Drawn on the server as plain SVG so a chart shows the same in every browser and needs no
client-side plotting library; every label is escaped. Every point is drawn as a marker with its
value, so a series of one point (the first week of a programme) is seen, not a blank chart.
Points further apart than ``gap`` are not joined (a week without calls is a gap in the line),
and value labels are moved apart so that two series with close values stay readable.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["line_chart", "short_labels"]

COLORS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")
W, H, LEFT, RIGHT, TOP, BOTTOM = 560, 260, 40, 12, 22, 46
PAD = 28
"""Room inside the plot on either side, so the first and last points and their labels show."""


def line_chart(
    series: dict[str, Sequence[tuple[float, float]]],
    *,
    x_labels: dict[float, str] | None = None,
    y_max: float = 100,
    caption: str = "",
    empty: str = "暂无数据",
    values: bool | None = None,
    gap: float | None = None,
    x_notes: dict[float, str] | None = None,
) -> str:
    """An SVG line chart: one polyline with dots per series, a legend, y from 0 to ``y_max``.

    Args:
        series: name → points ``(x, y)``; x may be any number (turn index, timestamp).
        x_labels: tick labels at chosen x values; the x values themselves by default.
        y_max: top of the y axis.
        caption: a line of text under the chart.
        empty: what to show when there are no points.
        values: write each point's value above its marker; by default when there are at most
            12 points per series. Labels that would overlap are moved apart.
        gap: points of a series further apart in x than this are not joined by a line.
        x_notes: a second, smaller line under chosen tick labels (``0 通``).

    """
    points = [p for pts in series.values() for p in pts]
    if not points:
        return f'<div class="cs-chart-empty">{html.escape(empty)}</div>'
    xs = [p[0] for p in points]
    x0, x1 = min(xs), max(xs)
    span = (x1 - x0) or 1
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM

    def sx(x: float) -> float:
        if x1 == x0:
            return LEFT + plot_w / 2
        return LEFT + PAD + (x - x0) / span * (plot_w - 2 * PAD)

    def sy(y: float) -> float:
        return TOP + plot_h - max(0, min(y, y_max)) / y_max * plot_h

    parts = [
        f'<svg class="cs-chart" viewBox="0 0 {W} {H}" width="100%" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" style="max-width:{W}px;font-size:11px">'
    ]
    for tick in range(0, int(y_max) + 1, int(y_max // 4) or 1):
        y = sy(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#6b7280">{tick}</text>'
        )
    labels = x_labels if x_labels is not None else {x: f"{x:g}" for x in sorted(set(xs))}
    for x, label in labels.items():
        parts.append(
            f'<text x="{sx(x):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" '
            f'fill="#6b7280">{html.escape(label)}</text>'
        )
    for x, note in (x_notes or {}).items():
        parts.append(
            f'<text class="cs-note" x="{sx(x):.1f}" y="{TOP + plot_h + 29}" '
            f'text-anchor="middle" fill="#9ca3af" font-size="10">{html.escape(note)}</text>'
        )
    placed: list[tuple[float, float, float]] = []
    legend_x = LEFT
    for i, (name, pts) in enumerate(series.items()):
        color = COLORS[i % len(COLORS)]
        ordered = sorted(pts)
        for run in _runs(ordered, gap):
            path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in run)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>'
            )
        write = values if values is not None else len(ordered) <= 12
        for x, y in ordered:
            parts.append(
                f'<circle class="cs-point" cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="4" '
                f'fill="{color}" stroke="#fff" stroke-width="1">'
                f"<title>{html.escape(name)}：{y:g}</title></circle>"
            )
            if write:
                text = f"{y:g}"
                ty = _free_spot(placed, sx(x), sy(y), _text_width(text))
                parts.append(
                    f'<text class="cs-value" x="{sx(x):.1f}" y="{ty:.1f}" text-anchor="middle" '
                    f'fill="{color}">{text}</text>'
                )
        parts.append(
            f'<rect x="{legend_x}" y="{H - 16}" width="10" height="10" fill="{color}"/>'
            f'<text x="{legend_x + 14}" y="{H - 7}">{html.escape(name)}</text>'
        )
        legend_x += 24 + 12 * len(name)
    parts.append("</svg>")
    if caption:
        parts.append(f'<div style="color:#6b7280;font-size:12px">{html.escape(caption)}</div>')
    return "".join(parts)


LINE = 12
"""Height of a value label, in chart units."""


def _runs(points: list[tuple[float, float]], gap: float | None) -> list[list[tuple[float, float]]]:
    """The points split where consecutive x values are more than ``gap`` apart."""
    runs: list[list[tuple[float, float]]] = []
    for p in points:
        if runs and (gap is None or p[0] - runs[-1][-1][0] <= gap):
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs


def _text_width(text: str) -> float:
    return 6.5 * len(text) + 2


def _free_spot(placed: list[tuple[float, float, float]], x: float, y: float, w: float) -> float:
    """A baseline for a value label at marker (x, y) that overlaps no label placed so far.

    Above the marker first, then below, then further away on alternate sides; the spot taken is
    added to ``placed`` as (x, baseline, width).
    """
    candidates = [y - 7, y + 16]
    for step in range(1, 6):
        candidates += [y - 7 - step * LINE, y + 16 + step * LINE]
    for ty in candidates:
        if TOP - 10 <= ty <= H - BOTTOM + 10 and not any(
            abs(x - px) < (w + pw) / 2 and abs(ty - py) < LINE for px, py, pw in placed
        ):
            placed.append((x, ty, w))
            return ty
    placed.append((x, y - 7, w))
    return y - 7


def short_labels(names: Sequence[str], width: int = 8) -> dict[str, str]:
    """Each name cut to ``width`` characters (``…`` marks a cut) and still told apart.

    For a chart's category axis, where long Chinese criterion titles would run into each other;
    two names cut to the same text get ``①``, ``②``… so their bars stay separate.
    """
    cut = {n: n if len(n) <= width else n[: width - 1] + "…" for n in dict.fromkeys(names)}
    seen: dict[str, int] = {}
    for short in cut.values():
        seen[short] = seen.get(short, 0) + 1
    marks = "①②③④⑤⑥⑦⑧⑨⑩"
    used: dict[str, int] = {}
    out = {}
    for name, short in cut.items():
        if seen[short] > 1:
            i = used.get(short, 0)
            used[short] = i + 1
            short = short + (marks[i] if i < len(marks) else str(i + 1))
        out[name] = short
    return out
