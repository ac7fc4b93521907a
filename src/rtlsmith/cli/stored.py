"""`rtlsmith runs`, `rtlsmith report` and `rtlsmith compare`: reading a bench database back."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from rtlsmith.bench import metrics as metrics_mod
from rtlsmith.bench.evidence import evidence
from rtlsmith.bench.leaderboard import leaderboard_record
from rtlsmith.bench.metrics import run_metrics
from rtlsmith.bench.report import html_report, pct
from rtlsmith.bench.route_report import complete as complete_routes
from rtlsmith.bench.store import BenchStore, ResultRow, RunRecord
from rtlsmith.cli.bench import _nan, console, db_option, out_file_option, parse_ks
from rtlsmith.cli.tables import print_comparison, print_summary, route_eval_table
from rtlsmith.errors import RtlsmithError, UsageError
from rtlsmith.routing.evaluate import evaluate_runs
from rtlsmith.routing.outcomes import COST_KINDS, CostKind
from rtlsmith.scoring.samples import write_jsonl


@click.command("runs")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
def runs_cmd(db_path: Path, as_json: bool) -> None:
    """List the runs in the bench database, oldest first.

    \b
    Example:
      rtlsmith runs --db .rtlsmith/bench.sqlite
    """
    with BenchStore(db_path, create=False) as store:
        rows = []
        for run in store.runs():
            n, c = store.count_results(run.run_id)
            sessions = store.sessions(run.run_id)
            status = sessions[-1].status if sessions else "-"
            tasks = store.run_tasks(run.run_id)
            m = metrics_mod.compute(store.results(run.run_id, designs=False), tasks, (1,))
            rows.append((run, n, c, status, m.pass_at_k[1]))
    if as_json:
        for run, n, c, status, p1 in rows:
            record = {
                "run_id": run.run_id, "created": run.created, "suite": run.suite_name,
                "model_id": run.model_id, "agent": run.agent_name, "mode": run.mode, "samples": n,
                "passed": c, "pass_at_1": _nan(p1), "status": status,
            }  # fmt: skip
            click.echo(json.dumps(record))
        return
    table = Table(title=f"runs in {db_path}")
    # Run ids are printed whole (other columns wrap first): `report`, `compare` and `trace` take them.
    widest = max((len(run.run_id) for run, *_ in rows), default=6)
    table.add_column("run id", no_wrap=True, min_width=widest)
    for col in ("created", "suite", "model", "agent", "mode", "samples", "pass@1", "last session"):
        table.add_column(col, justify="right" if col in ("samples", "pass@1") else "left", overflow="fold")
    for run, n, _c, status, p1 in rows:
        mode = "[red]oracle[/]" if run.mode == "oracle" else "honest"
        table.add_row(
            run.run_id,
            run.created,
            run.suite_name,
            run.model_id,
            run.agent_name,
            mode,
            str(n),
            pct(p1),
            status,
        )
    console.print(table if rows else f"no runs in {db_path}")


@click.command("report")
@click.argument("run_id")
@db_option
@out_file_option("--out", "out_html", help="Write a self-contained HTML report here.")
@out_file_option(
    "--json",
    "out_json",
    help="Write a leaderboard JSON record here (hashes, versions, command line, per-task n/c, pass@k).",
)
@out_file_option(
    "--samples",
    "out_samples",
    help="Write the final designs as a samples JSONL that `rtlsmith score` can re-judge.",
)
@click.option("-k", "ks", default="1,5,10", show_default=True, help="k values for pass@k.")
@click.option("--pictures", "picture_limit", type=click.IntRange(min=0), default=12, show_default=True,
              help="With --out: draw this many failing tasks (waveform, state diagrams).")  # fmt: skip
@click.option(
    "--route-weak",
    default=None,
    help="A stored run (id or prefix) as the cheap tier: adds the routers replayed on it and "
    "--route-strong (curves, APGR, CPT; as `route eval`) to the report.",
)
@click.option("--route-strong", default=None, help="A stored run as the strong tier, for --route-weak.")
@click.option("--route-mid", multiple=True, help="Runs of tiers between them, cheapest first (repeatable).")
@click.option(
    "--route-db",
    "route_dbs",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Databases holding the --route-* runs (default: --db); also searched for the strongest "
    "tier run alone, to compare a routed run's cost with (repeatable).",
)
@click.option("--route-cost", type=click.Choice(COST_KINDS), default="tokens", show_default=True,
              help="The cost axis of the routers' curves.")  # fmt: skip
def report_cmd(
    run_id: str,
    db_path: Path,
    out_html: Path | None,
    out_json: Path | None,
    out_samples: Path | None,
    ks: str,
    picture_limit: int,
    route_weak: str | None,
    route_strong: str | None,
    route_mid: tuple[str, ...],
    route_dbs: tuple[Path, ...],
    route_cost: CostKind,
) -> None:
    """Summarise a stored run: in the terminal, as HTML with plots, as a leaderboard record.

    \b
    Examples:
      rtlsmith report bundled-oneshot-replay.samples-1a2b3c4d
      rtlsmith report RUN_ID --out report.html --json leaderboard.json --samples designs.jsonl
      rtlsmith report RUN_ID --out report.html --route-weak ONESHOT_RUN --route-strong HYBRID_RUN
    """
    if (route_weak is None) != (route_strong is None):
        raise UsageError("--route-weak and --route-strong go together: give both runs (ids or prefixes)")
    k_values = parse_ks(ks)
    with BenchStore(db_path, create=False) as store:
        run = store.require_run(run_id)
        tasks = store.run_tasks(run.run_id)
        results = store.results(run.run_id)
        m = run_metrics(store, run, k_values, results)
        sessions = store.sessions(run.run_id)
        peers = _peers(store, run, k_values) if out_html else []
        if m.routes is not None:
            m = replace(m, routes=complete_routes(run, m.routes, results, store, route_dbs))
    route_eval = None
    if route_weak is not None and route_strong is not None:
        route_eval = evaluate_runs(route_dbs or (db_path,), route_weak, route_strong, route_mid,
                                   cost_kind=route_cost)  # fmt: skip
    ev = evidence(results)
    print_summary(console, run, m, ev=ev)
    if route_eval is not None:
        console.print(route_eval_table(route_eval))
    if out_html:
        pictures = _pictures(run.suite_spec, results, picture_limit)
        base = out_html.resolve().parent
        page = html_report(
            run, m, sessions, peers, ev=ev, base=base, pictures=pictures, route_eval=route_eval
        )
        _write(out_html, page)
        console.print(f"HTML report: {out_html}")
    if out_json:
        _write(out_json, json.dumps(leaderboard_record(run, m, tasks, results, sessions), indent=2) + "\n")
        console.print(f"leaderboard record: {out_json}")
    if out_samples:
        write_jsonl(
            out_samples,
            (
                {"task_id": r.task_id, "completion": r.final_code, "sample_idx": r.sample_idx, "seed": r.seed,
                 "passed": r.passed}
                for r in results
            ),
        )  # fmt: skip
        console.print(
            f"designs: {out_samples} (re-judge with `rtlsmith score {out_samples} --suite {run.suite_spec}`)"
        )


def _pictures(suite_spec: str, results: list[ResultRow], limit: int) -> str:
    """The failing tasks' pictures section, or "" (with a note) when the suite cannot be loaded here."""
    if limit == 0 or all(r.passed and not r.assertions for r in results):
        return ""
    from rtlsmith.bench.report_pictures import failing_pictures, pictures_html, property_cards
    from rtlsmith.suites import load_suite

    try:
        suite = load_suite(suite_spec)
    except RtlsmithError as exc:
        console.print(f"[yellow]no pictures of failing tasks: {exc}[/]", highlight=False)
        return ""
    items, failing = failing_pictures(suite, results, limit)
    others = property_cards(results, max(0, limit - len(items)), [t.task_id for t in items])
    return pictures_html(items, failing, others)


def _peers(
    store: BenchStore, run: RunRecord, ks: tuple[int, ...]
) -> list[tuple[RunRecord, metrics_mod.RunMetrics]]:
    out = []
    for other in store.runs():
        if other.suite_hash == run.suite_hash:
            out.append((other, run_metrics(store, other, ks)))
    return out


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


@click.command("compare")
@click.argument("run_a")
@click.argument("run_b")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def compare_cmd(run_a: str, run_b: str, db_path: Path, as_json: bool) -> None:
    """Show which tasks flipped between two runs (pass→fail, fail→pass) and the pass@1 delta.

    A task passes in a run when most of its samples pass. pass@1 is compared over the tasks both runs have.

    \b
    Example:
      rtlsmith compare RUN_A RUN_B
    """
    with BenchStore(db_path, create=False) as store:
        a, b = store.require_run(run_a), store.require_run(run_b)
        cmp = metrics_mod.compare(
            store.results(a.run_id, designs=False),
            store.results(b.run_id, designs=False),
            store.run_tasks(a.run_id),
            store.run_tasks(b.run_id),
        )
    if as_json:

        def rows(changes: list[metrics_mod.TaskChange]) -> list[dict[str, Any]]:
            return [{"task_id": c.task_id, "a": {"n": c.a[0], "c": c.a[1]}, "b": {"n": c.b[0], "c": c.b[1]}}
                    for c in changes]  # fmt: skip

        click.echo(json.dumps({
            "a": a.run_id, "b": b.run_id, "common_tasks": len(cmp.common),
            "fail_to_pass": rows(cmp.fail_to_pass), "pass_to_fail": rows(cmp.pass_to_fail),
            "changed": rows(cmp.changed),
            "only_a": cmp.only_a, "only_b": cmp.only_b, "task_content_changed": cmp.hash_changed,
            "pass_at_1": {"a": _nan(cmp.pass_at_1_a), "b": _nan(cmp.pass_at_1_b), "delta": _nan(cmp.delta)},
        }, indent=2))  # fmt: skip
        return
    print_comparison(console, a, b, cmp)
