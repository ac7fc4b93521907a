"""The routing report: every router's curve on one chart (with the random diagonal and the oracle), the
APGR/CPT table, and a bandit's arm choices over time. Plain SVG, no script.

`evaluation_html` is the section both `route eval --html` (a page of its own, `render_html`) and
`rtlsmith report --route-weak/--route-strong` (a section of the run's report) show; the charts are drawn by
`rtlsmith.bench.svg`, which draws every chart of the reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from rtlsmith.bench.svg import GUIDE, PALETTE, Series, curves_chart, lanes_chart
from rtlsmith.routing.evaluate import Evaluation, RouterResult
from rtlsmith.routing.metrics import CurvePoint

AXIS_LABELS = {
    "calls": "share of strong calls",
    "cost": "normalised cost (0 = always weak, 1 = always strong)",
}


def router_series(results: Sequence[RouterResult], axis: str) -> list[Series]:
    """One series per router on `axis` ("calls" or "cost"): a router with one setting is a marker at that
    setting; random and the oracle are dashed, random grey."""
    out = []
    for i, r in enumerate(results):
        pts = r.share_curve if axis == "calls" else r.cost_curve
        colour = GUIDE if r.family == "baseline" and r.point is None else PALETTE[i % len(PALETTE)]
        dashed = r.name.startswith("random") or r.family == "oracle"
        if r.point is not None:  # its curve is the mix with the two ends: draw the setting itself
            ordered = sorted(pts, key=lambda p: (p.x, p.quality))
            p = ordered[1] if len(ordered) == 3 else ordered[0]
            out.append(Series(r.name, ((p.x, p.quality),), colour, marker=True))
        else:
            out.append(Series(r.name, tuple((p.x, p.quality) for p in pts), colour, dashed=dashed))
    return out


def curves_svg(
    results: Sequence[RouterResult], axis: str, weak: float, strong: float, title: str, width: int = 720
) -> str:
    """All routers' curves on one chart: x = strong-call share or normalised cost, y = pass rate."""
    series = router_series(results, axis)
    y_top = max([strong, weak, *(y for s in series for _, y in s.points)]) * 1.1 or 1.0
    return curves_chart(
        series, title, x_label=AXIS_LABELS[axis], y_label="pass rate (hidden checks)",
        guides=((weak, "weak"), (strong, "strong")), y_top=y_top, width=width,
    )  # fmt: skip


def arms_svg(choices: Sequence[int], arms: Sequence[str], title: str, width: int = 720) -> str:
    """One row per arm, one tick per round at the arm chosen."""
    return lanes_chart(choices, arms, title, x_label="round (task order)", width=width)


def _fmt(v: float | None, pct: bool) -> str:
    if v is None:
        return "n/r" if pct else "n/a"
    return f"{v:.0%}" if pct else f"{v:.2f}"


def shown_results(ev: Evaluation) -> list[RouterResult]:
    """The routers drawn on the charts: all but the bandits' window and reset variants (in the table)."""
    return [r for r in ev.results if r.family != "bandit" or "-" not in r.name.replace("epsilon-", "")]


def evaluation_html(ev: Evaluation, level: int = 2) -> str:
    """The evaluation as an HTML fragment: both curves charts, the APGR/CPT table, a bandit's choices;
    headings at `level`."""
    h = f"h{level}"
    rows = "".join(
        f"<tr><td>{escape(r.name)}</td><td class=num>{_fmt(r.share.apgr, False)}</td>"
        f"<td class=num>{_fmt(r.share.cpt50, True)}</td><td class=num>{_fmt(r.share.cpt80, True)}</td>"
        f"<td class=num>{_fmt(r.cost.apgr, False)}</td><td class=num>{_fmt(r.cost.cpt50, True)}</td>"
        f"<td class=num>{_fmt(r.cost.cpt80, True)}</td>"
        f"<td class=num>{'' if r.regret is None else f'{r.regret:.1f}'}</td></tr>"
        for r in ev.results
    )
    shown = shown_results(ev)
    trace = ""
    if ev.bandit_trace is not None:
        trace = (
            f"<{h}>Arm choices of {escape(ev.bandit_trace.name)} (one task order, cost weight 1)</{h}>"
            + arms_svg(ev.bandit_trace.choices, ev.tiers, "bandit arm choices")
        )
    notes = "".join(f"<p>{escape(n)}</p>" for n in ev.notes)
    return (
        f"<p>weak {escape(ev.weak)}: {ev.weak_rate:.1%}, strong {escape(ev.strong)}: {ev.strong_rate:.1%}, "
        f"{ev.tasks} tasks in common; tiers (cheapest first): {escape(', '.join(ev.tiers))}. Replayed from "
        "the stored runs: no model was called. Trained routers are scored on task folds disjoint from "
        f"their training folds.</p>{notes}"
        f"<{h}>Pass rate against the share of strong calls</{h}>"
        + curves_svg(shown, "calls", ev.weak_rate, ev.strong_rate, "pass rate vs strong calls")
        + f"<{h}>Pass rate against cost ({escape(ev.cost_kind)})</{h}>"
        + curves_svg(shown, "cost", ev.weak_rate, ev.strong_rate, "pass rate vs cost")
        + f"<{h}>APGR and CPT</{h}><table><tr><th>router</th><th>APGR (calls)</th><th>CPT50</th>"
        "<th>CPT80</th><th>APGR (cost)</th><th>CPT50</th><th>CPT80</th><th>regret</th></tr>"
        + rows
        + "</table><p><small>APGR: the share of the weak-to-strong gap recovered, averaged over the axis "
        "(random 0.50); CPT50/CPT80: the strong calls (or cost) needed to recover 50%/80% of the gap; n/r: "
        "never reached.</small></p>" + trace
    )


def render_html(ev: Evaluation) -> str:
    """A standalone HTML page."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>rtlsmith routing</title>"
        "<style>body{font-family:sans-serif;max-width:980px;margin:1em auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}"
        "td:first-child,th:first-child{text-align:left}"
        "svg{max-width:100%;height:auto}</style></head><body>"
        f"<h1>Routing: {escape(ev.weak)} ({ev.weak_rate:.1%}) vs {escape(ev.strong)} ({ev.strong_rate:.1%}), "
        f"{ev.tasks} tasks</h1>" + evaluation_html(ev) + "</body></html>"
    )


__all__ = ["CurvePoint", "arms_svg", "curves_svg", "evaluation_html", "render_html"]
