"""The terminal tables of a bench run (rich): the end-of-bench summary, the comparison of two runs, and the
models, formal, hardware and assertions tables. Their rows come from `rtlsmith.bench.report`, which the HTML
report shares."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table

from rtlsmith.bench import assertions_report as ar
from rtlsmith.bench.evidence import Evidence
from rtlsmith.bench.hardware import HardwareSummary
from rtlsmith.bench.metrics import Comparison, RunMetrics
from rtlsmith.bench.report import (
    HARDWARE_COLUMNS,
    MODEL_COLUMNS,
    class_name,
    defined,
    far_worse_text,
    formal_rows,
    hardware_rows,
    model_rows,
    money,
    pct,
    public_line,
)
from rtlsmith.bench.route_report import TIER_COLUMNS, RouteSummary, strong_line, summary_line, tier_rows
from rtlsmith.bench.store import RunRecord
from rtlsmith.routing.evaluate import SUMMARY_COLUMNS, Evaluation, summary_rows

MAX_CATEGORY_ROWS = 12


def _figures_table(
    title: str, columns: Sequence[str], rows: Iterable[Sequence[str]], names: str, min_width: int = 0
) -> Table:
    """A table whose `names` column gives way on a narrow terminal (folding, down to `min_width`) and whose
    figures, right-justified, never do."""
    table = Table(title=title, title_justify="left", caption_justify="left")
    for col in columns:
        if col == names:
            table.add_column(col, overflow="fold", ratio=1, min_width=min_width or None)
        else:
            table.add_column(col, justify="right", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    return table


def routes_table(s: RouteSummary) -> Table:
    """A routed run: per tier, the samples that called it, what its public checks said, the answers kept."""
    table = _figures_table(f"routing: {summary_line(s)}", TIER_COLUMNS, tier_rows(s), "tier", 14)
    table.caption = strong_line(s) or None
    return table


def route_eval_table(ev: Evaluation) -> Table:
    """`report --route-weak/--route-strong`: the routers replayed on the stored runs, in short."""
    title = (
        f"routers on stored runs: weak {ev.weak} {pct(ev.weak_rate)}, strong {ev.strong} "
        f"{pct(ev.strong_rate)}, {ev.tasks} tasks; cost = {ev.cost_kind}"
    )
    return _figures_table(title, SUMMARY_COLUMNS, summary_rows(ev), "router", 20)


def models_table(m: RunMetrics) -> Table:
    escalated, idle = m.escalated_samples, m.no_model[0]
    title = f"models ({escalated} of {m.samples} samples escalated; {idle} called no model)"
    return _figures_table(title, MODEL_COLUMNS, model_rows(m), "model")


def formal_table(m: RunMetrics) -> Table:
    checked = sum(m.formal.values())
    table = Table(title=f"formal equivalence with the reference ({checked} samples)", title_justify="left")
    for col in ("label", "meaning", "samples"):
        table.add_column(col, justify="right" if col == "samples" else "left")
    for row in formal_rows(m):
        table.add_row(*row)
    if m.testbench_gaps:
        shown = ", ".join(f"{t}#{i}" for t, i in m.testbench_gaps[:8])
        more = len(m.testbench_gaps) - 8
        table.caption = f"testbench gaps: {shown}" + (f" and {more} more" if more > 0 else "")
    return table


MAX_HARDWARE_ROWS = 15


def hardware_table(h: HardwareSummary) -> Table:
    shown = min(len(h.tasks), MAX_HARDWARE_ROWS)
    title = (
        f"hardware cost of passing designs vs the reference ({len(h.samples)} samples; n: samples per task; "
        "ratios are design / reference, medians"
        + (f"; the {shown} of {len(h.tasks)} tasks furthest from it" if shown < len(h.tasks) else "")
        + ")"
    )
    table = _figures_table(title, HARDWARE_COLUMNS, hardware_rows(h, MAX_HARDWARE_ROWS), "task", 12)
    caption = [far_worse_text(h)] if h.far_worse else []
    if h.errors:
        caption.append(f"{len(h.errors)} passing samples not synthesised: " + "; ".join(
            f"{t}#{i}: {e}" for t, i, e in h.errors[:3]))  # fmt: skip
    table.caption = "\n".join(caption) or None
    return table


def print_summary(
    console: Console,
    run: RunRecord,
    m: RunMetrics,
    planned_samples: int | None = None,
    ev: Evidence | None = None,
) -> None:
    """The end-of-bench summary: headline numbers with their interval, categories, why samples stopped,
    public checks against the hidden verdict, failure classes."""
    head = Table(title=f"run {run.run_id}", show_header=False, title_justify="left")
    head.add_column("metric", style="bold")
    head.add_column("value")
    mode = "[red]ORACLE (hidden testbench fed back to the agent)[/]" if run.mode == "oracle" else "honest"
    head.add_row("mode", mode)
    head.add_row("suite", f"{run.suite_name} ({run.suite_hash})")
    head.add_row("model / agent", f"{run.model_id} / {run.agent_name}")
    done = f"{m.samples}" + (
        f" of {planned_samples}" if planned_samples and planned_samples > m.samples else ""
    )
    head.add_row("samples", f"{done} over {m.complete_tasks} of {m.tasks_planned} tasks; {m.passed} passed")
    for k, v in defined(m.pass_at_k).items():
        head.add_row(f"pass@{k}", pct(v) + (f"  ({ev.interval.describe()})" if ev and k == 1 else ""))
    head.add_row("tasks solved", f"{m.solved_tasks} of {m.complete_tasks}")
    if ev is not None:
        e = ev.effort
        head.add_row(
            "per sample", f"{e.iterations:.1f} iterations, {e.tokens:,.0f} tokens, {e.seconds:.1f} s"
        )
        head.add_row("public checks", public_line(ev.public))
    its = m.iterations_to_first_pass
    if its.count:
        head.add_row("iterations to first pass", f"mean {its.mean:.2f}, median {its.median:g}")
        tok = m.tokens_to_first_pass
        head.add_row("tokens to first pass", f"mean {tok.mean:,.0f}, median {tok.median:,.0f}")
    head.add_row("tokens", f"{m.total_tokens:,}")
    head.add_row("cost", f"{money(m.cost_usd)}; per solved task {money(m.cost_per_solved_usd)}")
    head.add_row(
        "time",
        f"agent {m.agent_wall_s:.1f} s (model {m.model_time_s:.1f} s, tools {m.agent_tool_time_s:.1f} s); "
        f"hidden judge {m.judge_time_s:.1f} s",
    )
    console.print(head)
    if len(m.by_category) > 1:
        shown = sorted(m.by_category, key=lambda c: (c.pass_at_1, -c.tasks))[:MAX_CATEGORY_ROWS]
        more = len(m.by_category) - len(shown)
        title = "pass rate by category" + (
            f" (the {len(shown)} weakest of {len(m.by_category)})" if more else ""
        )
        cats = Table(title=title, title_justify="left")
        for col in ("tag", "tasks", "samples", "pass@1"):
            cats.add_column(col, justify="left" if col == "tag" else "right")
        for c in shown:
            cats.add_row(c.tag, str(c.tasks), str(c.samples), pct(c.pass_at_1))
        console.print(cats)
    if len(m.models) > 1 or (m.models and m.no_model[0]):
        console.print(models_table(m))
    if m.routes is not None:
        console.print(routes_table(m.routes))
    if m.formal:
        console.print(formal_table(m))
    if m.hardware is not None:
        console.print(hardware_table(m.hardware))
    if m.assertions is not None:
        console.print(assertions_table(m.assertions))
    if ev is not None and ev.stops:
        stops = Table(title="why samples stopped", title_justify="left")
        for col in ("stop reason", "samples", "passed hidden", "mean iterations"):
            stops.add_column(col, justify="left" if col == "stop reason" else "right")
        for st in ev.stops:
            stops.add_row(st.reason, str(st.samples), str(st.passed), f"{st.mean_iterations:.1f}")
        console.print(stops)
    classes = Table(title="failure classes", title_justify="left")
    for col in ("class", "meaning", "samples"):
        classes.add_column(col, justify="right" if col == "samples" else "left")
    for code, count in m.failure_classes.items():
        classes.add_row(code, class_name(code), str(count))
    console.print(classes)


def print_comparison(console: Console, a: RunRecord, b: RunRecord, cmp: Comparison) -> None:
    console.print(
        "\n".join(
            f"{name} = {r.run_id} ({r.model_id}, {r.agent_name}, {r.mode})"
            for name, r in (("A", a), ("B", b))
        ),
        highlight=False,
    )
    if a.suite_hash != b.suite_hash:
        console.print(
            f"[yellow]the suites differ ({a.suite_hash} vs {b.suite_hash}); only common tasks are compared[/]"
        )
    if a.mode != b.mode:
        console.print("[yellow]the runs were made in different modes (honest vs oracle)[/]")
    table = Table(title="flipped tasks", title_justify="left")
    for col in ("task", "change", "A c/n", "B c/n"):
        table.add_column(col)
    for change, rows in (("fail→pass", cmp.fail_to_pass), ("pass→fail", cmp.pass_to_fail)):
        colour = "green" if change == "fail→pass" else "red"
        for r in rows:
            table.add_row(r.task_id, f"[{colour}]{change}[/]", f"{r.a[1]}/{r.a[0]}", f"{r.b[1]}/{r.b[0]}")
    console.print(table if table.row_count else "no task flipped")
    if cmp.changed:
        moved = ", ".join(f"{c.task_id} {pct(c.rate_a)}→{pct(c.rate_b)}" for c in cmp.changed[:20])
        console.print(f"pass rate moved without flipping: {moved}", highlight=False)
    for name, ids in (
        ("only in A", cmp.only_a),
        ("only in B", cmp.only_b),
        ("task content changed", cmp.hash_changed),
    ):
        if ids:
            console.print(f"{name}: {', '.join(ids[:20])}{' ...' if len(ids) > 20 else ''}", highlight=False)
    sign = "+" if cmp.delta >= 0 else ""
    console.print(
        f"pass@1 over {len(cmp.common)} common tasks: A {pct(cmp.pass_at_1_a)}, B {pct(cmp.pass_at_1_b)}, "
        f"delta {sign}{100 * cmp.delta:.1f} points",
        highlight=False,
    )


def assertions_table(s: ar.AssertionSummary) -> Table:
    """`bench --assertions`: per task the properties written and how they fared (`assertions_report`)."""
    table = Table(title=ar.table_title(s), title_justify="left", caption=ar.table_caption(s) or None)
    for col in ar.COLUMNS:
        table.add_column(col, justify="left" if col == "task" else "right")
    for row in ar.assertion_rows(s):
        table.add_row(*row)
    return table
