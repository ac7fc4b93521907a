"""`rtlsmith tasks`, `rtlsmith score` and `rtlsmith check`."""

from __future__ import annotations

import json
import math
import re
import shlex
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from rtlsmith.benchmarks import SUITE_KINDS, load_suite
from rtlsmith.errors import RtlsmithError, UsageError
from rtlsmith.scoring.samples import MAX_SAMPLES_BYTES, Sample, read_samples, results_path, write_jsonl
from rtlsmith.scoring.scorer import FormalOptions, ScoreReport, score_samples
from rtlsmith.simulators import get_simulator, simulator_names
from rtlsmith.suites.files import read_text
from rtlsmith.tools.judge import CANDIDATE_FILE, SIMULATORS, JudgeOptions, judge_keeping, plan, waves_file
from rtlsmith.tools.sandbox import Limits
from rtlsmith.tools.verdict import FailureClass

console = Console()
err_console = Console(stderr=True)

SUITE_HELP = f"Suite to use: {' | '.join(SUITE_KINDS)}."


def limit_options(f: Any) -> Any:
    """The resource-limit flags every judging command shares."""
    options = [
        click.option("--simulator", type=click.Choice(SIMULATORS), default="icarus", show_default=True),
        click.option(
            "--timeout", "timeout_s", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
            help="Wall-clock limit per simulation, seconds (VerilogEval uses 30).",
        ),
        click.option(
            "--memory-mb", type=click.IntRange(min=64), default=4096, show_default=True,
            help="Memory limit per tool run.",
        ),
        click.option(
            "--output-mb", type=click.FloatRange(min=0.01), default=1.0, show_default=True,
            help="Output read back per stream, in MB.",
        ),
        click.option("--no-isolate", is_flag=True, help="Do not use bubblewrap (the record says so)."),
    ]  # fmt: skip
    for option in reversed(options):
        f = option(f)
    return f


def judge_options(
    simulator: str, timeout_s: float, memory_mb: int, output_mb: float, no_isolate: bool
) -> JudgeOptions:
    limits = Limits(timeout_s=timeout_s, memory_mb=memory_mb, output_bytes=int(output_mb * 1024 * 1024))
    return JudgeOptions(simulator=simulator, limits=limits, isolate=not no_isolate)


@click.command("tasks")
@click.option("--suite", "suite_spec", default="bundled", show_default=True, help=SUITE_HELP)
@click.option("--long", "long_", is_flag=True, help="Also show tags and the one-line summary.")
def tasks_cmd(suite_spec: str, long_: bool) -> None:
    """List a suite's task ids, one per line.

    \b
    Example:
      rtlsmith tasks --suite bundled
      rtlsmith tasks --suite verilog-eval-v2:../shared/data/verilog-eval-v2/dataset_spec-to-rtl --long
      rtlsmith tasks --suite rtllm:path/to/RTLLM
    """
    suite = load_suite(suite_spec)
    for t in suite:
        if long_:
            summary = t.public.spec.summary or t.public.spec.detailed.strip().splitlines()[0][:70]
            click.echo(f"{t.id}\t{','.join(t.public.tags)}\t{summary}")
        else:
            click.echo(t.id)


def _fmt(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.2f}%"


def print_report(report: ScoreReport, out_path: Path) -> None:
    table = Table(title=f"{report.suite} — {report.n_samples} samples, {len(report.per_task)} tasks")
    table.add_column("metric")
    table.add_column("value", justify="right")
    # The harness's figure (comparable with published numbers) beside rtlsmith's strict one, which fails
    # passes with integrity flags.
    for k, v in report.pass_at_k.items():
        if math.isnan(v):  # k is more than some task's samples: pass@k is not defined
            continue
        table.add_row(f"pass@{k} harness", _fmt(v))
        table.add_row(f"pass@{k} strict", _fmt(report.strict_pass_at_k.get(k, math.nan)))
    table.add_row("samples passed (harness)", f"{report.n_passed}/{report.n_samples}")
    table.add_row("samples passed (strict)", f"{report.n_strict_passed}/{report.n_samples}")
    if report.n_flagged:
        table.add_row(
            "passed with integrity flags", f"[yellow]{report.n_flagged}[/] (see `integrity` in results)"
        )
    table.add_row("simulator", report.simulator)
    table.add_row("isolated (bwrap)", "yes" if report.isolated else "NO")
    table.add_row("wall time", f"{report.wall_s:.1f} s")
    console.print(table)
    classes = Table(title="failure classes")
    classes.add_column("class")
    classes.add_column("meaning")
    classes.add_column("count", justify="right")
    for cls, count in sorted(report.class_counts.items(), key=lambda kv: -kv[1]):
        classes.add_row(cls, FailureClass(cls).description, str(count))
    console.print(classes)
    for task_id, why in sorted(report.task_errors.items()):
        console.print(f"[yellow]task error[/] {task_id}: {why}", highlight=False)
    formal = report.formal_counts()
    if formal:
        ftable = Table(title="formal equivalence with the reference")
        ftable.add_column("outcome")
        ftable.add_column("samples", justify="right")
        for label, count in sorted(formal.items(), key=lambda kv: -kv[1]):
            ftable.add_row(label, str(count))
        console.print(ftable)
        if "TESTBENCH GAP" in formal:
            console.print("[yellow]TESTBENCH GAP[/]: passes the testbench, yet a counterexample exists")
    console.print(f"results: {out_path}")


@click.command("score")
@click.argument("samples_path", metavar="SAMPLES.jsonl", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--suite", "suite_spec", required=True, help=SUITE_HELP)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=2, show_default=True, help="Parallel workers."
)
@click.option("-k", "ks", default="1,5,10", show_default=True, help="Comma-separated k values for pass@k.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Results file (default: <samples>_results.jsonl).")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Print the commands for each sample and run nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON instead of tables.")
@click.option(
    "--formal",
    is_flag=True,
    help="Also prove each candidate equivalent to the reference with Yosys (or find a counterexample).",
)
@click.option("--formal-timeout", type=click.FloatRange(min=0.5), default=10.0, show_default=True,
              help="Seconds per formal check.")  # fmt: skip
@click.option("--formal-assumptions", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="TOML/JSON file of input assumptions by task id for --formal "
              '([assume] Prob079_fsm3onehot = "$onehot(state)").')  # fmt: skip
@click.option(
    "--no-reference-check", is_flag=True,
    help="Do not judge the references of tasks with failing samples (by default a failure on a task whose "
    "own reference fails too is reported as a task error, class I; answers are cached).",
)  # fmt: skip
@click.option("--max-samples-mb", type=click.IntRange(min=1), default=MAX_SAMPLES_BYTES // (1024 * 1024),
              show_default=True, help="Refuse a samples file larger than this (uncompressed).")  # fmt: skip
@limit_options
def score_cmd(
    samples_path: Path,
    suite_spec: str,
    jobs: int,
    ks: str,
    out_path: Path | None,
    dry_run: bool,
    as_json: bool,
    formal: bool,
    formal_timeout: float,
    formal_assumptions: Path | None,
    no_reference_check: bool,
    max_samples_mb: int,
    simulator: str,
    timeout_s: float,
    memory_mb: int,
    output_mb: float,
    no_isolate: bool,
) -> None:
    """Score a samples file (JSONL with task_id and completion) and print pass@k and failure classes.

    For VerilogEval v2 a completion is the whole TopModule; for v1 it is the module body that follows
    the prompt; for RTLLM it is the whole module under the name its description gives (e.g. adder_8bit).
    Writes one verdict per sample to <samples>_results.jsonl.

    \b
    Example:
      rtlsmith score samples.jsonl -j 2 \
        --suite verilog-eval-v2:../shared/data/verilog-eval-v2/dataset_spec-to-rtl
    """
    try:
        k_values = sorted({int(x) for x in ks.split(",") if x.strip()})
    except ValueError as exc:
        raise UsageError(f"-k must be comma-separated integers like 1,5,10, not {ks!r}") from exc
    out = out_path or results_path(samples_path)
    if out.resolve() == samples_path.resolve():
        raise UsageError(f"--out {out} is the samples file itself; results go to another file")
    if out.exists() and out.is_dir():
        raise UsageError(f"--out {out} is a directory; name a file")
    suite = load_suite(suite_spec)
    samples = read_samples(samples_path, max_bytes=max_samples_mb * 1024 * 1024)
    if not samples:
        raise UsageError(f"{samples_path} has no samples")
    options = judge_options(simulator, timeout_s, memory_mb, output_mb, no_isolate)
    assumptions: dict[str, str] = {}
    if formal_assumptions is not None:
        if not formal:
            raise UsageError("--formal-assumptions is for --formal; add --formal")
        from rtlsmith.formal.assumptions import load_assumptions

        assumptions = load_assumptions(formal_assumptions, (t.id for t in suite.tasks))
    if dry_run:
        _dry_run(samples, suite_spec, options)
        return
    with Progress(
        TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console, transient=True, disable=as_json,
    ) as bar:  # fmt: skip
        tid = bar.add_task("score", total=len(samples))
        report = score_samples(
            samples, suite, options, jobs=jobs, ks=k_values,
            progress=lambda done, total: bar.update(tid, completed=done),
            formal=FormalOptions(timeout_s=formal_timeout, isolate=not no_isolate, assumptions=assumptions)
            if formal
            else None,
            check_references=not no_reference_check,
        )  # fmt: skip
    write_jsonl(out, report.results)
    if as_json:
        click.echo(json.dumps(summary_record(report, out), indent=2))
    else:
        print_report(report, out)


def summary_record(report: ScoreReport, out: Path) -> dict[str, Any]:
    return {
        "suite": report.suite,
        "suite_hash": report.suite_hash,
        "samples": report.n_samples,
        "passed": report.n_passed,
        "passed_strict": report.n_strict_passed,
        "passed_with_integrity_flags": report.n_flagged,
        # NaN (fewer samples than k) is not JSON: it is written as null. `pass_at_k` is the benchmark
        # harness's reading; `pass_at_k_strict` fails the passes with integrity flags.
        "pass_at_k": {str(k): (None if math.isnan(v) else v) for k, v in report.pass_at_k.items()},
        "pass_at_k_strict": {
            str(k): (None if math.isnan(v) else v) for k, v in report.strict_pass_at_k.items()
        },
        "failure_classes": report.class_counts,
        "formal": report.formal_counts() or None,
        "task_errors": report.task_errors,
        "references_checked": report.references_checked,
        "simulator": report.simulator,
        "isolated": report.isolated,
        "tool_versions": report.tool_versions,
        "limits": report.limits,
        "wall_s": round(report.wall_s, 3),
        "results": str(out),
    }


def _dry_run(samples: list[Sample], suite_spec: str, options: JudgeOptions) -> None:
    suite = load_suite(suite_spec)
    for s in samples:
        the_plan = plan(suite.get(s.task_id), s.completion, options)
        click.echo(f"# {s.task_id} (sample {s.index}); files: {', '.join(the_plan.files)}")
        for cmd in the_plan.commands(isolate=options.isolate):
            click.echo(shlex.join(cmd))


def _named(log: str, design: Path) -> str:
    """The tools' log with the sandbox's file name for the candidate replaced by the user's file."""
    return re.sub(rf"\b{re.escape(CANDIDATE_FILE)}(?=:)", str(design), log)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


@click.command("check")
@click.argument("design", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--task", "task_id", required=True, help="Task id in the suite.")
@click.option("--suite", "suite_spec", default="bundled", show_default=True, help=SUITE_HELP)
@click.option("--dry-run", is_flag=True, help="Print the commands and run nothing.")
@click.option(
    "--waves", "waves_out", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE.vcd",
    help="Write the testbench's waveform (VCD) to FILE.vcd, where the task's testbench dumps one.",
)  # fmt: skip
@click.option("--formal", is_flag=True, help="Also prove the design equivalent to the task's reference.")
@click.option("--formal-timeout", type=click.FloatRange(min=0.5), default=10.0, show_default=True,
              help="Seconds for the formal check.")  # fmt: skip
@click.option("--formal-assume", metavar="EXPR", default=None,
              help="An input assumption for --formal, true in every cycle, e.g. '$onehot(state)' "
              "(default: the task's own, if any).")  # fmt: skip
@click.option("--ppa", is_flag=True,
              help="Also synthesise the design and the reference (Yosys) and compare cells, area, "
              "logic depth and flip-flops.")  # fmt: skip
@limit_options
def check_cmd(
    design: Path,
    task_id: str,
    suite_spec: str,
    dry_run: bool,
    waves_out: Path | None,
    formal: bool,
    formal_timeout: float,
    formal_assume: str | None,
    ppa: bool,
    simulator: str,
    timeout_s: float,
    memory_mb: int,
    output_mb: float,
    no_isolate: bool,
) -> None:
    """Judge one design file against a task and show the verdict and the log.

    \b
    Example:
      rtlsmith check counter.sv --task counter4 --suite bundled
    """
    suite = load_suite(suite_spec)
    task = suite.get(task_id)
    completion = read_text(design, "design file", error=UsageError)
    options = judge_options(simulator, timeout_s, memory_mb, output_mb, no_isolate)
    dump = ""
    if waves_out is not None:
        dump = waves_file(task)
        if not dump:
            raise UsageError(
                f"the testbench of {task.id} writes no waveform ($dumpfile) and cannot be given one"
            )
        if not options.backend.writes_waves:
            tracing = " or ".join(n for n in simulator_names() if get_simulator(n).writes_waves)
            raise UsageError(
                f"--waves needs --simulator {tracing} ({options.backend.label} builds here trace nothing)"
            )
        options = JudgeOptions(
            options.simulator, options.limits, options.compile_timeout_s, options.isolate, True
        )
    if dry_run:
        for cmd in plan(task, completion, options).commands(isolate=options.isolate):
            click.echo(shlex.join(cmd))
        return
    verdict, kept = judge_keeping(task, completion, (dump,) if dump else (), options)
    if not verdict.passed:
        from rtlsmith.scoring.reference_check import as_task_error, check_references

        verdict = as_task_error(verdict, check_references([task], options, jobs=1).get(task.id))
    verdict = replace(verdict, log=_named(verdict.log, design))
    colour = "green" if verdict.passed else "red"
    console.rule(
        f"{task.id}: {verdict.failure_class.value} ({verdict.failure_class.description})", style=colour
    )
    console.print(verdict.log.rstrip() or "(no output)", markup=False, highlight=False)
    console.rule(style=colour)
    for flag in verdict.integrity:
        console.print(f"[yellow]integrity:[/] {flag}")
    detail = f"mismatches {verdict.mismatches} in {verdict.samples} samples" if verdict.samples else ""
    if verdict.first_mismatch_time is not None:
        detail += f"; first at t={verdict.first_mismatch_time} on {', '.join(verdict.mismatch_signals)}"
    console.print(f"[{colour}]{'PASS' if verdict.passed else 'FAIL'}[/] {detail} {verdict.reason}".rstrip())
    if verdict.passed and not verdict.strict_passed:
        console.print("[red]strict: FAIL[/] the harness passes it, but not by its ports alone (integrity)")
    if waves_out is not None:
        if dump in kept:
            _write_atomic(waves_out, kept[dump])
            console.print(f"waveform: {waves_out} ({len(kept[dump]):,} bytes; open it with gtkwave)")
        else:
            console.print(f"[yellow]no waveform: the simulation wrote no {dump} (it did not get that far)[/]")
    from rtlsmith.pictures.mismatch import check_pictures

    svg = waves_out.with_suffix(".svg") if waves_out is not None and dump in kept else None
    for line in check_pictures(task, completion, verdict, options, kept.get(dump) if dump else None, svg):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    isolated = "yes" if verdict.isolated else "NO"
    console.print(
        f"simulator {verdict.simulator}; isolated: {isolated}; {verdict.wall_s:.2f} s", highlight=False
    )
    ok = verdict.strict_passed
    if formal:
        from rtlsmith.formal import Outcome, formal_check

        result = formal_check(
            task, completion, verdict=verdict, timeout_s=formal_timeout, isolate=not no_isolate,
            assume=formal_assume,
        )  # fmt: skip
        label = result.label()
        style = {"PROVEN": "green", "COUNTEREXAMPLE": "red", "TESTBENCH GAP": "yellow"}.get(label, "white")
        console.rule(f"formal: {label}", style=style)
        console.print(result.summary(), markup=False, highlight=False)
        if waves_out is not None and result.trace is not None and result.outcome is Outcome.COUNTEREXAMPLE:
            from rtlsmith.pictures.waves import window_from_trace, window_svg

            cex_svg = waves_out.with_suffix(".cex.svg")
            try:
                _write_atomic(cex_svg, window_svg(window_from_trace(result.trace)).encode())
                console.print(f"counterexample picture: {cex_svg}", highlight=False, soft_wrap=True)
            except RtlsmithError as exc:  # a missing optional library must not change the verdict
                console.print(f"no counterexample picture: {exc}", highlight=False, soft_wrap=True)
        ok = ok and result.outcome is not Outcome.COUNTEREXAMPLE
    if ppa:
        from rtlsmith.tools.ppa import cost_rows, task_comparison

        cost = task_comparison(task, completion, isolate=not no_isolate)
        table = Table(title="hardware cost (Yosys, generic CMOS gates)", title_justify="left")
        for col in ("figure", "design", "reference", "ratio"):
            table.add_column(col, justify="left" if col == "figure" else "right")
        for row in cost_rows(cost):
            table.add_row(*row)
        console.print(table)
        for note in (*cost.design.notes, *(f"reference: {n}" for n in cost.reference.notes)):
            console.print(f"note: {note}", markup=False, highlight=False)
        if cost.error:
            console.print(f"[yellow]{cost.error}[/]", highlight=False)
    raise SystemExit(0 if ok else 1)
