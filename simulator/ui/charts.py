"""Small inline SVG line charts for the review page.

Drawn on the server as plain SVG so a chart shows the same in every browser and needs no
client-side plotting library; every label is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["line_chart"]

COLORS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")
W, H, LEFT, RIGHT, TOP, BOTTOM = 560, 260, 40, 12, 12, 46


def line_chart(
    series: dict[str, Sequence[tuple[float, float]]],
    *,
    x_labels: dict[float, str] | None = None,
    y_max: float = 100,
    caption: str = "",
    empty: str = "暂无数据",
) -> str:
    """An SVG line chart: one polyline with dots per series, a legend, y from 0 to ``y_max``.

    Args:
        series: name → points ``(x, y)``; x may be any number (turn index, timestamp).
        x_labels: tick labels at chosen x values; the x values themselves by default.
        y_max: top of the y axis.
        caption: a line of text under the chart.
        empty: what to show when there are no points.

    """
    points = [p for pts in series.values() for p in pts]
    if not points:
        return f'<div class="cs-chart-empty">{html.escape(empty)}</div>'
    xs = [p[0] for p in points]
    x0, x1 = min(xs), max(xs)
    span = (x1 - x0) or 1
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM

    def sx(x: float) -> float:
        return LEFT + (x - x0) / span * plot_w if x1 != x0 else LEFT + plot_w / 2

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
    legend_x = LEFT
    for i, (name, pts) in enumerate(series.items()):
        color = COLORS[i % len(COLORS)]
        ordered = sorted(pts)
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in ordered)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in ordered:
            parts.append(
                f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{color}">'
                f"<title>{html.escape(name)}：{y:g}</title></circle>"
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
