"""The routing report: every router's curve on one chart (with the random diagonal and the oracle), the
APGR/CPT table, and a bandit's arm choices over time. Plain SVG, no script."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from rtlsmith.routing.evaluate import Evaluation, RouterResult
from rtlsmith.routing.metrics import CurvePoint

_COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4b5563")
_FONT = "font-family='sans-serif' font-size='11'"


def curves_svg(
    results: Sequence[RouterResult], axis: str, weak: float, strong: float, title: str, width: int = 720
) -> str:
    """All routers' curves on one chart: x = strong-call share or normalised cost, y = pass rate."""
    height, left, top, plot_w, plot_h = 380, 50, 20, width - 250, 300
    series = [(r, r.share_curve if axis == "calls" else r.cost_curve) for r in results]
    y_hi = max([strong, weak, *(p.quality for _, pts in series for p in pts)]) * 1.1 or 1.0

    def sx(x: float) -> float:
        return left + min(max(x, 0.0), 1.0) * plot_w

    def sy(y: float) -> float:
        return top + plot_h - y / y_hi * plot_h

    body = [f"<rect x='{left}' y='{top}' width='{plot_w}' height='{plot_h}' fill='#fafafa' stroke='#ddd'/>"]
    for i in range(6):
        x, y = i / 5, y_hi * i / 5
        body.append(
            f"<text x='{sx(x):.0f}' y='{top + plot_h + 15}' text-anchor='middle' {_FONT}>{x:.0%}</text>"
        )
        body.append(f"<text x='{left - 5}' y='{sy(y) + 4:.0f}' text-anchor='end' {_FONT}>{y:.0%}</text>")
    label = (
        "share of strong calls" if axis == "calls" else "normalised cost (0 = always weak, 1 = always strong)"
    )
    body.append(
        f"<text x='{left + plot_w / 2:.0f}' y='{top + plot_h + 35}' text-anchor='middle' "
        f"{_FONT}>{label}</text>"
    )
    for y, name in ((weak, "weak"), (strong, "strong")):
        body.append(
            f"<line x1='{left}' x2='{left + plot_w}' y1='{sy(y):.1f}' y2='{sy(y):.1f}' stroke='#999' "
            f"stroke-dasharray='4 3'/><text x='{left + 4}' y='{sy(y) - 3:.1f}' {_FONT}>{name}</text>"
        )
    legend_y = top
    for i, (r, pts) in enumerate(series):
        colour = "#9ca3af" if r.family == "baseline" and r.point is None else _COLOURS[i % len(_COLOURS)]
        dash = " stroke-dasharray='6 4'" if r.name.startswith("random") or r.family == "oracle" else ""
        ordered = sorted(pts, key=lambda p: (p.x, p.quality))
        if r.point is not None:  # one-setting routers: a marker, not a curve
            p = ordered[1] if len(ordered) == 3 else ordered[0]
            body.append(
                f"<circle cx='{sx(p.x):.1f}' cy='{sy(p.quality):.1f}' r='5' fill='{colour}'>"
                f"<title>{escape(r.name)}</title></circle>"
            )
        else:
            path = " ".join(f"{sx(p.x):.1f},{sy(p.quality):.1f}" for p in ordered)
            body.append(
                f"<polyline points='{path}' fill='none' stroke='{colour}' stroke-width='1.8'{dash}>"
                f"<title>{escape(r.name)}</title></polyline>"
            )
        body.append(
            f"<rect x='{left + plot_w + 12}' y='{legend_y}' width='10' height='10' fill='{colour}'/>"
            f"<text x='{left + plot_w + 26}' y='{legend_y + 9}' {_FONT}>{escape(r.name)}</text>"
        )
        legend_y += 15
    height = max(height, legend_y + 10)
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' "
        f"aria-label='{escape(title)}'><title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def arms_svg(choices: Sequence[int], arms: Sequence[str], title: str, width: int = 720) -> str:
    """One row per arm, one tick per round at the arm chosen."""
    row, left = 22, 160
    step = (width - left - 10) / max(len(choices), 1)
    body = []
    for a, name in enumerate(arms):
        body.append(
            f"<text x='{left - 6}' y='{a * row + 15}' text-anchor='end' {_FONT}>{escape(name)}</text>"
        )
    for t, a in enumerate(choices):
        body.append(
            f"<rect x='{left + t * step:.1f}' y='{a * row + 4}' width='{max(step - 1, 1):.1f}' "
            f"height='{row - 8}' "
            f"fill='{_COLOURS[a % len(_COLOURS)]}'><title>round {t + 1}: {escape(arms[a])}</title></rect>"
        )
    height = row * len(arms) + 10
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' "
        f"aria-label='{escape(title)}'>{''.join(body)}</svg>"
    )


def _fmt(v: float | None, pct: bool) -> str:
    if v is None:
        return "n/r" if pct else "n/a"
    return f"{v:.0%}" if pct else f"{v:.2f}"


def render_html(ev: Evaluation) -> str:
    """A standalone HTML page."""
    rows = "".join(
        f"<tr><td>{escape(r.name)}</td><td>{_fmt(r.share.apgr, False)}</td>"
        f"<td>{_fmt(r.share.cpt50, True)}</td><td>{_fmt(r.share.cpt80, True)}</td>"
        f"<td>{_fmt(r.cost.apgr, False)}</td><td>{_fmt(r.cost.cpt50, True)}</td>"
        f"<td>{_fmt(r.cost.cpt80, True)}</td><td>{'' if r.regret is None else f'{r.regret:.1f}'}</td></tr>"
        for r in ev.results
    )
    shown = [r for r in ev.results if r.family != "bandit" or "-" not in r.name]
    trace = ""
    if ev.bandit_trace is not None:
        trace = (
            f"<h2>Arm choices of {escape(ev.bandit_trace.name)} (one task order, cost weight 1)</h2>"
            + arms_svg(ev.bandit_trace.choices, ev.tiers, "bandit arm choices")
        )
    notes = "".join(f"<p>{escape(n)}</p>" for n in ev.notes)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>rtlsmith routing</title>"
        "<style>body{font-family:sans-serif;max-width:980px;margin:1em auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}td:first-child{text-align:left}"
        "svg{max-width:100%;height:auto}</style></head><body>"
        f"<h1>Routing: {escape(ev.weak)} ({ev.weak_rate:.1%}) vs {escape(ev.strong)} ({ev.strong_rate:.1%}), "
        f"{ev.tasks} tasks</h1>{notes}"
        f"<h2>Pass rate against the share of strong calls</h2>"
        + curves_svg(shown, "calls", ev.weak_rate, ev.strong_rate, "pass rate vs strong calls")
        + f"<h2>Pass rate against cost ({escape(ev.cost_kind)})</h2>"
        + curves_svg(shown, "cost", ev.weak_rate, ev.strong_rate, "pass rate vs cost")
        + "<h2>APGR and CPT</h2><table><tr><th>router</th><th>APGR (calls)</th><th>CPT50</th><th>CPT80</th>"
        "<th>APGR (cost)</th><th>CPT50</th><th>CPT80</th><th>regret</th></tr>"
        + rows
        + "</table>"
        + trace
        + "</body></html>"
    )


__all__ = ["CurvePoint", "arms_svg", "curves_svg", "render_html"]
