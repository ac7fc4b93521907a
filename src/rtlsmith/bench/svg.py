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


# Several curves on one chart, and lanes of choices over rounds (the routing charts) -----------------------

PALETTE = (
    "#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4b5563",
    "#65a30d", "#7c3aed", "#0d9488", "#be123c", "#92400e",
)  # fmt: skip
GUIDE = "#9ca3af"


@dataclass(frozen=True)
class Series:
    """One named curve (drawn as a line through its points in x order) or, with `marker`, one point."""

    name: str
    points: tuple[tuple[float, float], ...]
    colour: str = BAR
    dashed: bool = False
    marker: bool = False


def curves_chart(
    series: Sequence[Series],
    title: str,
    *,
    x_label: str,
    y_label: str,
    guides: Sequence[tuple[float, str]] = (),
    y_top: float = 1.0,
    width: int = 760,
    legend_w: int = 280,
) -> str:
    """Curves on shared axes, both in percent (x from 0 to 100%, y from 0 to at least `y_top`, rounded up
    to a whole tick), a legend on the right and dashed horizontal `guides` (value, label); x beyond the
    axis is drawn at its edge."""
    if not any(s.points for s in series):
        return _empty(title, width)
    left, top_m, plot_h = 60, 15, 300
    plot_w = width - left - legend_w
    y_step = next((st for st in (0.02, 0.05, 0.1, 0.2) if y_top / st <= 6), 0.25)
    y_ticks = max(1, math.ceil(round(y_top / y_step, 6)))
    y_top = y_step * y_ticks

    def sx(x: float) -> float:
        return left + min(max(x, 0.0), 1.0) * plot_w

    def sy(y: float) -> float:
        return top_m + plot_h - min(max(y, 0.0), y_top) / y_top * plot_h

    body = [
        f"<rect x='{left}' y='{top_m}' width='{plot_w}' height='{plot_h}' fill='#fafafa' stroke='#e5e7eb'/>"
    ]
    for i in range(y_ticks + 1):
        y = y_step * i
        body.append(
            f"<line x1='{left}' x2='{left + plot_w}' y1='{sy(y):.1f}' y2='{sy(y):.1f}' stroke='#e5e7eb'/>"
            f"<text x='{left - 6}' y='{sy(y) + 4:.1f}' text-anchor='end' {FONT}>{100 * y:.0f}%</text>"
        )
    for i in range(6):
        body.append(
            f"<text x='{sx(i / 5):.1f}' y='{top_m + plot_h + 16}' text-anchor='middle' {FONT}>"
            f"{20 * i}%</text>"
        )
    mid_y = top_m + plot_h / 2
    body.append(
        f"<text x='{left + plot_w / 2:.0f}' y='{top_m + plot_h + 36}' text-anchor='middle' {FONT}>"
        f"{_esc(x_label)}</text><text x='14' y='{mid_y:.0f}' text-anchor='middle' "
        f"transform='rotate(-90 14 {mid_y:.0f})' {FONT}>{_esc(y_label)}</text>"
    )
    for value, label in guides:
        y = sy(value)
        body.append(
            f"<line x1='{left}' x2='{left + plot_w}' y1='{y:.1f}' y2='{y:.1f}' stroke='{GUIDE}' "
            f"stroke-dasharray='4 3'/><text x='{left + 4}' y='{y - 4:.1f}' fill='{MUTED}' {FONT}>"
            f"{_esc(label)}</text>"
        )
    legend_y = top_m
    for s in series:
        tip = f"<title>{_esc(s.name)}</title>"
        if s.marker:
            body += [
                f"<circle cx='{sx(x):.1f}' cy='{sy(y):.1f}' r='5' fill='{s.colour}' stroke='white'>"
                f"{tip}</circle>"
                for x, y in s.points
            ]
        elif s.points:
            path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in sorted(s.points))
            dash = " stroke-dasharray='6 4'" if s.dashed else ""
            body.append(
                f"<polyline points='{path}' fill='none' stroke='{s.colour}' stroke-width='2'{dash}>{tip}"
                "</polyline>"
            )
        key = (
            f"<circle cx='{left + plot_w + 22}' cy='{legend_y + 5}' r='4' fill='{s.colour}'/>"
            if s.marker
            else f"<line x1='{left + plot_w + 14}' x2='{left + plot_w + 30}' y1='{legend_y + 5}' "
            f"y2='{legend_y + 5}' stroke='{s.colour}' stroke-width='2'"
            + (" stroke-dasharray='4 2'" if s.dashed else "")
            + "/>"
        )
        name = s.name if len(s.name) <= 36 else s.name[:35] + "…"  # the whole name is its tooltip
        body.append(f"{key}<text x='{left + plot_w + 36}' y='{legend_y + 9}' {FONT}>{_esc(name)}{tip}</text>")
        legend_y += 16
    height = max(top_m + plot_h + 45, legend_y + 10)
    return _svg(width, height, body, title)


def lanes_chart(
    choices: Sequence[int],
    lanes: Sequence[str],
    title: str,
    *,
    tips: Sequence[str] = (),
    colours: Sequence[str] = (),
    x_label: str = "round",
    width: int = 760,
) -> str:
    """One lane per choice (an arm, a tier), one tick per round in the lane chosen, coloured by lane unless
    `colours` gives each round's (pass or fail, say). `tips` are the rounds' tooltips."""
    if not choices or not lanes:
        return _empty(title, width)
    row, top_m = 24, 5
    left = 16 + 7 * min(28, max(len(name) for name in lanes))
    plot_w = width - left - 10
    step = plot_w / len(choices)
    body = []
    for a, name in enumerate(lanes):
        label = name if len(name) <= 28 else name[:27] + "…"
        y = top_m + a * row
        body.append(
            f"<rect x='{left}' y='{y + 3}' width='{plot_w}' height='{row - 6}' fill='#f3f4f6'/>"
            f"<text x='{left - 8}' y='{y + 16}' text-anchor='end' {FONT}>{_esc(label)}<title>{_esc(name)}"
            "</title></text>"
        )
    for t, a in enumerate(choices):
        tip = tips[t] if t < len(tips) else f"round {t + 1}: {lanes[a]}"
        colour = colours[t] if t < len(colours) else PALETTE[a % len(PALETTE)]
        body.append(
            f"<rect x='{left + t * step:.1f}' y='{top_m + a * row + 3}' width='{max(step - 1, 1):.1f}' "
            f"height='{row - 6}' fill='{colour}'>"
            f"<title>{_esc(tip)}</title></rect>"
        )
    base = top_m + row * len(lanes)
    n, every = len(choices), max(10, (len(choices) // 80 + 1) * 10)
    ticks = [1, *(t for t in range(every, n, every) if n - t >= every / 2), n] if n > 1 else [1]
    for t in ticks:
        x = left + (t - 0.5) * step
        body.append(f"<text x='{x:.1f}' y='{base + 14}' text-anchor='middle' {FONT}>{t}</text>")
    body.append(
        f"<text x='{left + plot_w / 2:.0f}' y='{base + 32}' text-anchor='middle' {FONT}>"
        f"{_esc(x_label)}</text>"
    )
    return _svg(width, base + 40, body, title)
