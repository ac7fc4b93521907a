"""Reports of a run: a self-contained HTML page with inline-SVG plots, and the rows and lines that the
terminal tables (`rtlsmith.cli.tables`) show too."""

from __future__ import annotations

import contextlib
import json
import math
import os
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

from rtlsmith.bench import assertions_report as ar
from rtlsmith.bench.evidence import Evidence, PublicAgreement
from rtlsmith.bench.hardware import FAR_WORSE, HardwareSummary
from rtlsmith.bench.metrics import RunMetrics
from rtlsmith.bench.report_pictures import CSS as _PICTURES_CSS
from rtlsmith.bench.route_report import (
    routes_html,
)
from rtlsmith.bench.store import RunRecord, SessionRecord
from rtlsmith.bench.svg import FAIL, PASS, Bar, Point, hbar_chart, xy_chart
from rtlsmith.routing.evaluate import Evaluation
from rtlsmith.tools.verdict import FailureClass


def pct(x: float) -> str:
    """A rate as a percentage; "n/a" where it is undefined (pass@k of a task with fewer than k samples)."""
    return "n/a" if math.isnan(x) else f"{100 * x:.1f}%"


def public_line(p: PublicAgreement) -> str:
    """Whether "passed the checks the agent could see" meant "passed the benchmark", in one line."""
    if not p.known:
        return f"none the agent could believe ({p.unknown} samples had no public checks or declined)"
    claimed = p.both + p.public_only
    return (
        f"{p.both} of {claimed} public passes also passed the hidden checks ({pct(p.precision)}); public and "
        f"hidden agree on {pct(p.agreement)} of {p.known} samples; {p.unknown} without public checks"
    )


def defined(pass_at_k: dict[int, float]) -> dict[int, float]:
    """The pass@k entries that are defined: k no larger than every task's sample count."""
    return {k: v for k, v in pass_at_k.items() if not math.isnan(v)}


def money(x: float | None) -> str:
    return "n/a (no price known)" if x is None else f"${x:.4f}"


def class_name(code: str) -> str:
    try:
        return FailureClass(code).description
    except ValueError:
        return code


def run_points(runs: Sequence[tuple[RunRecord, RunMetrics]], current: str) -> tuple[list[Point], str]:
    """(cost or tokens per task, pass@1) for each run; cost where any run has a price, else tokens."""
    use_cost = any(m.cost_usd is not None for _, m in runs)
    points = []
    for run, m in runs:
        tasks = max(m.complete_tasks, 1)
        x = (m.cost_usd or 0.0) / tasks if use_cost else m.total_tokens / tasks
        label = f"{run.run_id}: pass@1 {pct(m.pass_at_k.get(1, math.nan))}, {run.model_id}, {run.agent_name}"
        points.append(Point(x, m.pass_at_k.get(1, math.nan), label, run.run_id == current))
    return points, ("cost per task, USD" if use_cost else "tokens per task (no prices known)")


# terminal -------------------------------------------------------------------------------------------------


# "ended": samples whose last call went to this model; "passed": of those, passed; "cum. pass": the pass
# rate of samples that passed on this model or an earlier one.
MODEL_COLUMNS = ("model", "samples", "calls", "tokens", "cost", "ended", "passed", "cum. pass")


def model_rows(m: RunMetrics) -> list[tuple[str, ...]]:
    """One row per model of the run's agent, cheapest first; the cumulative pass rate counts samples that
    passed on this model or an earlier one (a lower bound for the cascade cut after this model)."""
    rows: list[tuple[str, ...]] = []
    idle, cumulative = m.no_model
    if idle:  # a hybrid agent's symbolic designs (or declines): they end before any model
        rate = pct(cumulative / m.samples) if m.samples else "n/a"
        rows.append(("0. no model call", str(idle), "0", "0", money(0.0), str(idle), str(cumulative), rate))
    for s in m.models:
        cumulative += s.passed
        rate = pct(cumulative / m.samples) if m.samples else "n/a"
        rows.append(
            (f"{s.position + 1}. {s.model_id}", str(s.samples), str(s.calls), f"{s.tokens:,}",
             money(s.cost_usd), str(s.finished), str(s.passed), rate)
        )  # fmt: skip
    return rows


FORMAL_MEANING = {
    "PROVEN": "equivalent to the reference",
    "TESTBENCH GAP": "passes the hidden testbench, yet differs from the reference",
    "COUNTEREXAMPLE": "differs from the reference (and fails the testbench)",
    "INCONCLUSIVE": "no proof and no difference within the limits",
    "ERROR": "the check could not run (e.g. the design does not synthesize)",
}


def formal_rows(m: RunMetrics) -> list[tuple[str, str, str]]:
    return [(label, FORMAL_MEANING.get(label, ""), str(n)) for label, n in m.formal.items()]


# Ratios (design / reference, the median of a task's passing designs), then the reference's own figures.
HARDWARE_COLUMNS = ("task", "n", "area", "depth", "FFs", "cells", "ref area/depth/FFs")


def _ratio(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}x"


def _figure_text(x: int | None) -> str:
    return "n/a" if x is None else str(x)


def _distance(ratios: Mapping[str, float | None]) -> float:
    """How far area and depth ratios are from the reference's (1.0), cheaper or costlier alike."""
    logs = [abs(math.log(r)) for r in (ratios.get("area"), ratios.get("depth")) if r is not None and r > 0]
    return max(logs, default=0.0)


def hardware_rows(h: HardwareSummary, limit: int | None = None) -> list[tuple[str, ...]]:
    """Per task (furthest from the reference first, at most `limit`): the median ratio of its passing
    designs to the reference in area, depth, flip-flops and cells, and the reference's area, depth and
    flip-flops; then the median over every sample."""
    ordered = sorted(h.tasks, key=lambda t: (-_distance(t.median), t.task_id))
    rows: list[tuple[str, ...]] = [
        (t.task_id, str(t.samples), _ratio(t.median["area"]), _ratio(t.median["depth"]),
         _ratio(t.median["flip_flops"]), _ratio(t.median["cells"]),
         "/".join(_figure_text(t.reference[k]) for k in ("area", "depth", "flip_flops")))
        for t in ordered[:limit]
    ]  # fmt: skip
    rows.append(
        ("all (median)", str(len(h.samples)), _ratio(h.median["area"]), _ratio(h.median["depth"]),
         _ratio(h.median["flip_flops"]), _ratio(h.median["cells"]), "")
    )  # fmt: skip
    return rows


def far_worse_text(h: HardwareSummary, limit: int = 8) -> str:
    """The designs at least FAR_WORSE times the reference's area or depth, worst first, in one line."""
    if not h.far_worse:
        return ""
    shown = ", ".join(
        f"{s.task_id}#{s.sample_idx} (area {_ratio(s.ratios['area'])}, depth {_ratio(s.ratios['depth'])})"
        for s in h.far_worse[:limit]
    )
    more = len(h.far_worse) - limit
    return f"far worse than the reference (area or depth ≥ {FAR_WORSE:g}x): {shown}" + (
        f" and {more} more" if more > 0 else ""
    )


# HTML -----------------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#111827;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #e5e7eb;padding-bottom:.3rem}
table{border-collapse:collapse;font-size:.85rem;display:block;max-width:100%;overflow-x:auto}
td,th{border:1px solid #e5e7eb;padding:.25rem .5rem;text-align:left}
th{background:#f9fafb}.num{text-align:right}.pass{color:#16a34a}.fail{color:#dc2626}
.oracle{background:#fef2f2;border:1px solid #dc2626;padding:.5rem 1rem}
.grid{display:flex;flex-wrap:wrap;gap:1rem}
.card{border:1px solid #e5e7eb;border-radius:6px;padding:.5rem 1rem;min-width:8rem}
.card b{display:block;font-size:1.3rem}
code,pre{font-size:.8rem;background:#f3f4f6;padding:.1rem .3rem;white-space:pre-wrap;word-break:break-all}
figure{margin:1rem 0;max-width:100%}figcaption{font-size:.85rem;color:#4b5563;max-width:640px}
svg{max-width:100%;height:auto}
h3{font-size:1rem;margin:.2rem 0}table+h3{margin-top:1rem}
"""


def _e(x: object) -> str:
    return escape(str(x), quote=True)


def _kv_table(rows: Sequence[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _trace_links(ev: Evidence | None, task_id: str, base: Path | None) -> str:
    if ev is None or task_id not in ev.traces:
        return ""
    links = []
    for idx, path in ev.traces[task_id]:
        href = Path(path)
        if base is not None:
            with contextlib.suppress(ValueError):
                href = Path(os.path.relpath(href, base))
        links.append(f"<a href='{_e(href.as_posix())}'>s{idx}</a>")
    return f" <small>trace {' '.join(links)}</small>"


def _evidence_html(ev: Evidence) -> str:
    stops = "".join(
        f"<tr><td>{_e(st.reason)}</td><td class=num>{st.samples}</td><td class=num>{st.passed}</td>"
        f"<td class=num>{st.mean_iterations:.1f}</td></tr>"
        for st in ev.stops
    )
    p = ev.public
    e = ev.effort
    return (
        f"<h2>How sure, and why samples stopped</h2><p>pass@1 {_e(ev.interval.describe())}. "
        f"Per sample: {e.iterations:.1f} agent iterations, {e.tokens:,.0f} tokens, {e.seconds:.1f} s.</p>"
        "<table><tr><th>stop reason</th><th>samples</th><th>passed hidden</th><th>mean iterations</th></tr>"
        f"{stops}</table>"
        "<h3>Public checks vs hidden verdict</h3>"
        f"<p>{_e(public_line(p))}.</p>"
        "<table><tr><th></th><th>hidden pass</th><th>hidden fail</th></tr>"
        f"<tr><th>public pass</th><td class=num>{p.both}</td><td class=num>{p.public_only}</td></tr>"
        f"<tr><th>public fail</th><td class=num>{p.hidden_only}</td><td class=num>{p.neither}</td></tr>"
        f"<tr><th>no public checks</th><td class=num colspan=2>{p.unknown}</td></tr></table>"
    )


def _figure(svg: str, title: str, caption: str) -> str:
    return f"<figure><h3>{_e(title)}</h3>{svg}<figcaption>{_e(caption)}</figcaption></figure>"


def _hardware_html(h: HardwareSummary) -> str:
    """`bench --ppa`: a scatter of area ratio against depth ratio, the per-task table, the far-worse list."""
    points = [
        Point(a, d, f"{s.task_id}#{s.sample_idx}: area {_ratio(a)}, depth {_ratio(d)}", s.worst >= FAR_WORSE)
        for s in h.samples
        if (a := s.ratios["area"]) is not None and (d := s.ratios["depth"]) is not None
    ]
    y_top = 2.0 * max(1, math.ceil(max([1.0, *(p.y for p in points)]) * 1.1 / 2.0))  # ticks at round values
    chart = xy_chart(points, "area ratio vs logic depth ratio", x_label="area ratio (design / reference)",
                     y_label="logic depth ratio", y_range=(0.0, y_top), y_percent=False)  # fmt: skip
    figure = _figure(
        chart, "Area vs logic depth, relative to the reference",
        f"Each passing design (Yosys synthesis to generic CMOS gates): 1 on both axes is the reference's "
        f"cost; highlighted designs are at least {FAR_WORSE:g}x the reference's area or depth.",
    )  # fmt: skip
    heads = "".join(f"<th>{_e(c)}</th>" for c in HARDWARE_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td{'' if i == 0 else ' class=num'}>{_e(v)}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in hardware_rows(h)
    )  # fmt: skip
    worse = "".join(
        f"<li>{_e(s.task_id)}#{s.sample_idx}: area {_e(_ratio(s.ratios['area']))} "
        f"({_e(_figure_text(s.design['area']))} vs {_e(_figure_text(s.reference['area']))} transistors), "
        f"depth {_e(_ratio(s.ratios['depth']))} ({_e(_figure_text(s.design['depth']))} vs "
        f"{_e(_figure_text(s.reference['depth']))} cells)</li>"
        for s in h.far_worse
    )
    worse_html = (
        f"<h3>Far worse than the reference (area or depth at least {FAR_WORSE:g}x)</h3><ul>{worse}</ul>"
        if worse else ""
    )  # fmt: skip
    errors = "".join(f"<li>{_e(t)}#{i}: {_e(e)}</li>" for t, i, e in h.errors)
    errors_html = f"<h3>Passing designs not synthesised</h3><ul>{errors}</ul>" if errors else ""
    return (
        "<h2>Hardware cost</h2><p>Every passing design and its task's reference were synthesised with Yosys "
        "(<code>synth -flatten; abc -g cmos</code>); area is an estimated transistor count, logic depth the "
        "longest combinational path in cells. Ratios are design / reference, medians per task.</p>"
        f"{figure}<table><tr>{heads}</tr>{body}</table>{worse_html}{errors_html}"
    )


def html_report(
    run: RunRecord,
    m: RunMetrics,
    sessions: Sequence[SessionRecord],
    peers: Sequence[tuple[RunRecord, RunMetrics]] = (),
    ev: Evidence | None = None,
    base: Path | None = None,
    pictures: str = "",
    route_eval: Evaluation | None = None,
) -> str:
    """A self-contained HTML page: provenance, headline numbers with their interval, plots, why samples
    stopped, public checks against the hidden verdict, per-task table linked to traces, sessions.

    `base` is the directory the page will be written to: trace links are made relative to it; `pictures`
    is the failing tasks' section (`report_pictures.pictures_html`), placed after the task table;
    `route_eval` the routers replayed on stored runs (`report --route-weak/--route-strong`)."""
    cards = [(f"pass@{k}", pct(v)) for k, v in defined(m.pass_at_k).items()]
    if ev is not None and ev.interval.method != "none":
        cards.append(("pass@1 95% CI", f"{pct(ev.interval.low)}–{pct(ev.interval.high)}"))
    cards += [
        ("tasks solved", f"{m.solved_tasks}/{m.complete_tasks}"),
        ("samples", f"{m.passed}/{m.samples} passed"),
        ("cost / solved task", money(m.cost_per_solved_usd)),
    ]
    cards_html = "".join(f"<div class='card'>{_e(k)}<b>{_e(v)}</b></div>" for k, v in cards)
    provenance = _kv_table(
        [
            ("run id", f"<code>{_e(run.run_id)}</code>"),
            ("created", _e(run.created)),
            ("command line", f"<code>{_e(run.command_line)}</code>"),
            ("mode", _e(run.mode)),
            ("suite", f"{_e(run.suite_name)} <code>{_e(run.suite_hash)}</code> ({_e(run.suite_spec)})"),
            (
                "model",
                f"{_e(run.model_id)} <code>{_e(json.dumps(run.model_settings, sort_keys=True))}</code>",
            ),
            (
                "agent",
                f"{_e(run.agent_name)} <code>{_e(json.dumps(run.agent_config, sort_keys=True))}</code>",
            ),
            ("judge", f"<code>{_e(json.dumps(run.judge, sort_keys=True))}</code>"),
            ("tool versions", "<br>".join(f"{_e(k)}: {_e(v)}" for k, v in sorted(run.tool_versions.items()))),
            ("rtlsmith", _e(run.rtlsmith_version)),
            ("seed base", _e(run.seed_base)),
            ("identity hash", f"<code>{_e(run.config_hash)}</code>"),
        ]
    )
    cat_bars = [Bar(c.tag, c.pass_at_1, f"{pct(c.pass_at_1)} ({c.tasks} tasks)", PASS) for c in m.by_category]
    class_bars = [
        Bar(
            f"{code} {class_name(code)}", count, str(count), PASS if code == FailureClass.PASS.value else FAIL
        )
        for code, count in m.failure_classes.items()
    ]
    points, x_label = run_points(peers or [(run, m)], run.run_id)
    curve = [Point(float(b), rate, f"budget {b}: {pct(rate)}") for b, rate in m.budget_curve]
    plots = [
        _figure(hbar_chart(cat_bars, "pass rate by category", max_value=1.0), "Pass rate by category",
                "Pass rate by category (task tags): mean of per-task pass rates."),
        _figure(hbar_chart(class_bars, "failure classes"), "Failure classes",
                "Samples per verdict class (VerilogEval taxonomy plus rtlsmith's X/L/I)."),
        _figure(xy_chart(points, "cost vs pass rate", x_label=x_label, y_label="pass@1"), "Cost vs pass rate",
                f"Every run on this suite in the database; this run is highlighted ({len(points)} runs)."),
        _figure(xy_chart(curve, "pass rate vs iteration budget", x_label="iteration budget",
                         y_label="pass rate", lines=True, x_integer=True), "Pass rate vs iteration budget",
                "Samples whose final design passed the hidden checks within b agent iterations.")
        if len(curve) > 1 else
        _figure("", "Pass rate vs iteration budget",
                "Every sample had a budget of one iteration: there is no curve to draw (a repairing agent "
                "such as smith or hybrid has one)."),
    ]  # fmt: skip
    task_rows = []
    ks = list(defined(m.pass_at_k)) or [1]
    for s in m.per_task.values():
        cls = ", ".join(f"{k}×{v}" for k, v in sorted(s.failure_classes.items()))
        css = "pass" if s.solved else "fail"
        pk = "".join(f"<td class='num'>{pct(s.pass_at_k.get(k, math.nan))}</td>" for k in ks)
        task_rows.append(
            f"<tr><td>{_e(s.task_id)}{_trace_links(ev, s.task_id, base)}</td><td>{_e(', '.join(s.tags))}</td>"
            f"<td class='num {css}'>{s.c}/{s.n}</td>{pk}<td>{_e(cls)}</td>"
            f"<td class='num'>{'' if s.first_pass_idx is None else s.first_pass_idx}</td>"
            + (f"<td>{_e(ar.task_cell(m.assertions, s.task_id))}</td>" if m.assertions else "")
            + "</tr>"
        )
    k_heads = "".join(f"<th>pass@{k}</th>" for k in ks)
    k_heads_end = "<th>first pass</th>" + ("<th>properties</th>" if m.assertions else "")
    tasks_table = (
        f"<table><tr><th>task</th><th>tags</th><th>c/n</th>{k_heads}<th>classes</th>{k_heads_end}</tr>"
        f"{''.join(task_rows)}</table>"
    )
    session_rows = "".join(
        f"<tr><td>{s.session_id}</td><td>{_e(s.started)}</td><td>{_e(s.finished or '')}</td>"
        f"<td>{_e(s.status)}</td><td class='num'>{s.completed}/{s.planned}</td>"
        f"<td class='num'>{s.errors}</td>"
        f"<td>{_e(s.executor)} -j {s.jobs}</td>"
        f"<td><code>{_e(s.command_line)}</code></td></tr>"
        for s in sessions
    )
    its, tok = m.iterations_to_first_pass, m.tokens_to_first_pass
    effort = _kv_table(
        [
            ("iterations to first pass",
             _e(f"mean {its.mean:.2f}, median {its.median:g} over {its.count} solved tasks")),
            ("tokens to first pass", _e(f"mean {tok.mean:,.0f}, median {tok.median:,.0f}")),
            ("tokens", _e(f"{m.total_tokens:,}")),
            ("cost", _e(money(m.cost_usd))),
            ("agent wall time", _e(f"{m.agent_wall_s:.1f} s (model {m.model_time_s:.1f} s, "
                                   f"tools {m.agent_tool_time_s:.1f} s)")),
            ("hidden judge time", _e(f"{m.judge_time_s:.1f} s")),
            ("time per sample", _e(f"mean {m.sample_wall.mean:.2f} s, median {m.sample_wall.median:.2f} s")),
        ]
    )  # fmt: skip
    models_html = ""
    if m.models:
        heads = "".join(f"<th>{_e(c)}</th>" for c in MODEL_COLUMNS)
        body = "".join(
            "<tr>"
            + "".join(f"<td{'' if i == 0 else ' class=num'}>{_e(v)}</td>" for i, v in enumerate(row))
            + "</tr>"
            for row in model_rows(m)
        )
        escalated = (
            f"<p>{m.escalated_samples} of {m.samples} samples escalated to a stronger model. A sample ends "
            "on the last model it called; the cumulative pass rate counts samples that passed on that model "
            "or an earlier one, a lower bound for the cascade cut after it.</p>"
            if len(m.models) > 1
            else ""
        )
        models_html = f"<h2>Models</h2>{escalated}<table><tr>{heads}</tr>{body}</table>"
    formal_html = ""
    if m.formal:
        body = "".join(
            f"<tr><td>{_e(label)}</td><td>{_e(meaning)}</td><td class=num>{_e(n)}</td></tr>"
            for label, meaning, n in formal_rows(m)
        )
        gaps = ", ".join(f"{t}#{i}" for t, i in m.testbench_gaps)
        gaps_html = f"<p>Testbench gaps (task#sample): {_e(gaps)}</p>" if gaps else ""
        formal_html = (
            "<h2>Formal equivalence with the reference</h2><p>Each final design was also checked for "
            "equivalence with the task's reference (Yosys); a design that passes the hidden testbench but "
            "has a counterexample is a testbench gap.</p>"
            f"<table><tr><th>label</th><th>meaning</th><th>samples</th></tr>{body}</table>{gaps_html}"
        )
    evidence_html = _evidence_html(ev) if ev is not None else ""
    routing_html = routes_html(m.routes) if m.routes is not None else ""
    if route_eval is not None:
        from rtlsmith.routing.html import evaluation_html

        routing_html += f"<h2>Routers on stored runs</h2>{evaluation_html(route_eval, level=3)}"
    hardware_html = _hardware_html(m.hardware) if m.hardware is not None else ""
    hardware_html += ar.assertions_html(m.assertions) if m.assertions is not None else ""
    version = _e(run.rtlsmith_version)
    oracle = (
        "<p class='oracle'><b>Oracle mode:</b> the agent was given feedback from the hidden benchmark "
        "testbench. These numbers are not comparable with honest runs.</p>"
        if run.mode == "oracle"
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rtlsmith bench report: {_e(run.run_id)}</title><style>{_CSS}{_PICTURES_CSS if pictures else ""}</style>
</head>
<body>
<h1>rtlsmith bench report: {_e(run.run_id)}</h1>
{oracle}
<div class="grid">{cards_html}</div>
<h2>Plots</h2>
<div class="grid">{"".join(plots)}</div>
<h2>Provenance</h2>
{provenance}
{evidence_html}
<h2>Effort and time</h2>
{effort}
{models_html}
{routing_html}
{formal_html}
{hardware_html}
<h2>Tasks ({m.complete_tasks} with results of {m.tasks_planned})</h2>
{tasks_table}
{pictures}
<h2>Sessions</h2>
<table><tr><th>#</th><th>started</th><th>finished</th><th>status</th><th>done</th><th>errors</th><th>executor</th>
<th>command line</th></tr>{session_rows}</table>
<p><small>Generated by rtlsmith {version}; self-contained: no scripts, no external resources.</small></p>
</body></html>
"""
