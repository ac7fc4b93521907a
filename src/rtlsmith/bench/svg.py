"""Small inline-SVG charts for the HTML report: no JavaScript, no external files, nothing fetched."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT = "font-family='system-ui, sans-serif' font-size='12'"
BAR = "#3b82f6"
PASS = "#16a34a"
FAIL = "#dc2626"
MUTED = "#6b7280"
HIGHLIGHT = "#f59e0b"


def _esc(text: object) -> str:
    return escape(str(text), quote=True)


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' aria-label='{_esc(title)}'>"
        f"<title>{_esc(title)}</title>{''.join(body)}</svg>"
    )


def _empty(title: str, width: int, message: str = "no data") -> str:
    body = [
        f"<text x='{width // 2}' y='40' text-anchor='middle' fill='{MUTED}' {FONT}>{_esc(message)}</text>"
    ]
    return _svg(width, 70, body, title)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # bar length, in the chart's unit
    text: str  # what is written at the end of the bar
    colour: str = BAR
    tooltip: str = ""


def hbar_chart(bars: Sequence[Bar], title: str, *, max_value: float | None = None, width: int = 640) -> str:
    """Horizontal bars, one per row, labelled on the left and annotated on the right."""
    if not bars:
        return _empty(title, width)
    label_w, text_w, row_h = 180, 130, 22
    plot_w = width - label_w - text_w
    top = max_value if max_value is not None else max((b.value for b in bars), default=1.0)
    top = top if top > 0 else 1.0
    height = row_h * len(bars) + 10
    body: list[str] = []
    for i, b in enumerate(bars):
        y = 5 + i * row_h
        length = 0.0 if math.isnan(b.value) else max(0.0, min(1.0, b.value / top)) * plot_w
        tip = f"<title>{_esc(b.tooltip or f'{b.label}: {b.text}')}</title>"
        label = b.label if len(b.label) <= 26 else b.label[:25] + "…"
        body.append(
            f"<text x='{label_w - 8}' y='{y + 15}' text-anchor='end' {FONT}>{_esc(label)}</text>"
            f"<rect x='{label_w}' y='{y + 3}' width='{plot_w}' height='{row_h - 6}' fill='#f3f4f6'/>"
            f"<rect x='{label_w}' y='{y + 3}' width='{length:.1f}' height='{row_h - 6}' "
            f"fill='{b.colour}'>{tip}</rect>"
            f"<text x='{label_w + plot_w + 6}' y='{y + 15}' {FONT}>{_esc(b.text)}</text>"
        )
    return _svg(width, height, body, title)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str = ""
    highlight: bool = False


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    if hi <= lo:
        return [lo]
    return [lo + (hi - lo) * i / (count - 1) for i in range(count)]


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 1:
        return f"{v:.2g}" if abs(v) < 10 else f"{v:.1f}"
    return f"{v:.2g}"


def xy_chart(
    points: Sequence[Point],
    title: str,
    *,
    x_label: str,
    y_label: str,
    lines: bool = False,
    y_range: tuple[float, float] = (0.0, 1.0),
    y_percent: bool = True,
    x_integer: bool = False,
    width: int = 640,
    height: int = 300,
) -> str:
    """A scatter plot (or a line through the points, in x order) with labelled axes."""
    pts = [p for p in points if not (math.isnan(p.x) or math.isnan(p.y))]
    if not pts:
        return _empty(title, width)
    left, right, top_m, bottom = 60, 20, 15, 45
    pw, ph = width - left - right, height - top_m - bottom
    x_lo = min(p.x for p in pts) if x_integer else min(0.0, min(p.x for p in pts))
    x_hi = max(p.x for p in pts)
    if x_hi <= x_lo:
        x_hi = x_lo + 1.0
    y_lo, y_hi = y_range

    def sx(x: float) -> float:
        return left + (x - x_lo) / (x_hi - x_lo) * pw

    def sy(y: float) -> float:
        return top_m + ph - (min(max(y, y_lo), y_hi) - y_lo) / (y_hi - y_lo) * ph

    body = [f"<rect x='{left}' y='{top_m}' width='{pw}' height='{ph}' fill='#fafafa' stroke='#e5e7eb'/>"]
    for t in _ticks(y_lo, y_hi):
        y = sy(t)
        text = f"{100 * t:.0f}%" if y_percent else _fmt(t)
        body.append(
            f"<line x1='{left}' x2='{left + pw}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e5e7eb'/>"
            f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end' {FONT}>{text}</text>"
        )
    x_ticks = [float(v) for v in range(int(x_lo), int(x_hi) + 1)] if x_integer else _ticks(x_lo, x_hi)
    if len(x_ticks) > 12:
        x_ticks = [t for i, t in enumerate(x_ticks) if i % (len(x_ticks) // 10 + 1) == 0]
    for t in x_ticks:
        x = sx(t)
        body.append(f"<text x='{x:.1f}' y='{top_m + ph + 16}' text-anchor='middle' {FONT}>{_fmt(t)}</text>")
    mid_y = top_m + ph / 2
    body.append(
        f"<text x='{left + pw / 2:.0f}' y='{height - 6}' text-anchor='middle' {FONT}>{_esc(x_label)}</text>"
        f"<text x='14' y='{mid_y:.0f}' text-anchor='middle' transform='rotate(-90 14 {mid_y:.0f})' "
        f"{FONT}>{_esc(y_label)}</text>"
    )
    if lines and len(pts) > 1:
        path = " ".join(f"{sx(p.x):.1f},{sy(p.y):.1f}" for p in sorted(pts, key=lambda p: p.x))
        body.append(f"<polyline points='{path}' fill='none' stroke='{BAR}' stroke-width='2'/>")
    for p in pts:
        colour = HIGHLIGHT if p.highlight else BAR
        r = 6 if p.highlight else 4
        tip = p.label or f"({_fmt(p.x)}, {_fmt(p.y)})"
        body.append(
            f"<circle cx='{sx(p.x):.1f}' cy='{sy(p.y):.1f}' r='{r}' fill='{colour}' stroke='white'>"
            f"<title>{_esc(tip)}</title></circle>"
        )
    return _svg(width, height, body, title)
