"""`rtlsmith bench`, and what the commands that read a bench database share (`cli.stored`)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from rtlsmith.agent.registry import agent_names, repairs
from rtlsmith.bench import metrics as metrics_mod
from rtlsmith.bench.config import (
    AssertionSettings,
    BenchConfig,
    FormalSettings,
    JudgeSettings,
    PpaSettings,
    RouterSettings,
)
from rtlsmith.bench.evidence import Evidence, evidence
from rtlsmith.bench.executors import EXECUTORS
from rtlsmith.bench.metrics import run_metrics
from rtlsmith.bench.runner import BenchOutcome, BenchRequest, command_line, run_bench
from rtlsmith.bench.runner import Progress as BenchProgress
from rtlsmith.bench.store import DEFAULT_DB, BenchStore
from rtlsmith.cli.scoring import SUITE_HELP, limit_options
from rtlsmith.cli.tables import print_summary
from rtlsmith.errors import UsageError

console = Console()
err_console = Console(stderr=True)

db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB, show_default=True,
    envvar="RTLSMITH_BENCH_DB", help="Bench database (SQLite). Env: RTLSMITH_BENCH_DB.",
)  # fmt: skip


def out_file_option(*decls: str, help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An option naming a file to write (a Path, None when not given)."""
    return click.option(*decls, type=click.Path(dir_okay=False, path_type=Path), default=None, help=help)


def parse_ks(ks: str) -> tuple[int, ...]:
    try:
        values = tuple(sorted({int(x) for x in ks.split(",") if x.strip()}))
    except ValueError as exc:
        raise UsageError(f"-k must be comma-separated integers like 1,5,10, not {ks!r}") from exc
    if not values or min(values) < 1:
        raise UsageError("-k values must be positive integers")
    return values


def absolute_spec(spec: str) -> str:
    """A suite or model spec with its file path made absolute, so any worker (and any cwd) finds the file."""
    prefix, sep, rest = spec.partition(":")
    if sep and rest and Path(rest).expanduser().exists():
        return f"{prefix}:{Path(rest).expanduser().resolve()}"
    if not sep and spec not in ("bundled",) and Path(spec).is_dir():
        return str(Path(spec).resolve())
    return spec


def _agent_options(pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--agent-option takes KEY=VALUE (e.g. decompose=never), not {pair!r}")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        out[key.strip().replace("-", "_")] = value
    return out


def _default_model() -> str:
    try:
        from rtlsmith.llm.config import default_model_spec

        return default_model_spec()
    except ImportError:
        return "embedded"


def _assertion_settings(on: bool, mutants_dir: str | None, model: str | None) -> AssertionSettings | None:
    if (mutants_dir is not None or model is not None) and not on:
        raise UsageError("--assertion-mutants and --assertion-model are for --assertions; add --assertions")
    if not on:
        return None
    return AssertionSettings(
        model_spec=absolute_spec(model) if model else None,
        mutants_dir=str(Path(mutants_dir).resolve()) if mutants_dir else None,
    )


@click.command("bench")
@click.option("--suite", "suite_spec", default="bundled", show_default=True, help=SUITE_HELP)
@click.option(
    "--model",
    "model_spec",
    default=None,
    help="Model spec: embedded | openai:NAME | replay:SAMPLES.jsonl (default: the configured model).",
)
@click.option(
    "--escalate-to",
    "escalation",
    multiple=True,
    metavar="MODEL",
    help="A stronger model the smith agent moves to after --escalate-after failed repairs (repeatable, "
    "in order; --model is the first and cheapest).",
)
@click.option(
    "--escalate-after",
    type=click.IntRange(min=1),
    default=None,
    help="Failed repairs on one model before the cascade moves on (agent default 2).",
)
@click.option("--agent", type=click.Choice(agent_names()), default="oneshot", show_default=True)
@click.option(
    "--router",
    default=None,
    help="Route each task among the --tier agents live. cascade: cheapest tier first, its answer kept when "
    "its public checks pass, else the next tier; trained: a model from route eval --save-model picks weak or "
    "strong from the public task; epsilon-greedy, ucb1, thompson, exp3: a bandit picks one tier per task, "
    "learning from the hidden verdicts of tasks already finished. Replaces --agent.",
)
@click.option(
    "--router-model",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help="--router trained: the model `route eval --save-model FILE` wrote (weak tier first, then strong).",
)
@click.option(
    "--tier",
    "tiers",
    multiple=True,
    help="A tier for --router: AGENT or AGENT:MODEL (default model: --model), cheapest first; repeatable.",
)
@click.option("--samples", type=click.IntRange(min=1), default=1, show_default=True, help="Samples per task.")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=2, show_default=True, help="Parallel workers."
)
@click.option(
    "--run-id", default=None, help="Run id (default: derived from the settings, so rerunning resumes)."
)
@db_option
@click.option(
    "--oracle-feedback",
    is_flag=True,
    help="Feed the HIDDEN testbench's results back to the agent, as published agents do; recorded as oracle.",
)
@click.option(
    "--executor",
    type=click.Choice(EXECUTORS),
    default="local",
    show_default=True,
    help="local: a pool of worker threads; ray: a Ray cluster (pip install 'rtlsmith[ray]').",
)
@click.option("--ray-address", default=None, help="Ray cluster address (default: start a local one).")
@click.option("--tasks", "task_list", default="", help="Comma-separated task ids (default: all).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first N tasks.")
@click.option(
    "--sample-tasks",
    type=click.IntRange(min=1),
    default=None,
    help="A seeded subset of N tasks, the same on every machine (part of the run's identity).",
)
@click.option("--task-seed", type=int, default=0, show_default=True, help="Seed of --sample-tasks.")
@click.option(
    "--seed",
    "seed_base",
    type=int,
    default=0,
    show_default=True,
    help="Seed of sample 0; sample i gets seed+i.",
)
@click.option(
    "--temperature",
    type=click.FloatRange(min=0),
    default=None,
    help="Sampling temperature (agent default 0).",
)
@click.option("--max-iterations", type=click.IntRange(min=1), default=None, help="Agent iteration budget.")
@click.option(
    "--agent-option",
    "agent_opts",
    multiple=True,
    metavar="KEY=VALUE",
    help="Any other agent setting, e.g. --agent-option decompose=never (repeatable).",
)
@click.option(
    "--formal",
    is_flag=True,
    help="Also prove each final design equivalent to the task's reference (Yosys); a design that passes "
    "the hidden testbench but has a counterexample is reported as a testbench gap.",
)
@click.option("--formal-timeout", type=click.FloatRange(min=0.5), default=10.0, show_default=True,
              help="Seconds per formal check.")  # fmt: skip
@click.option("--formal-assumptions", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="TOML/JSON file of input assumptions by task id for --formal.")  # fmt: skip
@click.option(
    "--ppa",
    is_flag=True,
    help="Also synthesise each passing design and its task's reference (Yosys) and store cells, area "
    "estimate, logic depth and flip-flops with their ratios to the reference's.",
)
@click.option(
    "--assertions", is_flag=True,
    help="Also have the model write properties from the public spec per sample, check them on the task's "
    "reference with Yosys and grade them on mutants (kill rate).",
)  # fmt: skip
@click.option("--assertion-mutants", type=click.Path(exists=True, file_okay=False), default=None,
              help="Folder of TASK_ID/*.sv mutants for --assertions (default: a bundled task's "
              "known bugs, else generated ones).")  # fmt: skip
@click.option("--assertion-model", default=None,
              help="Model writing the properties for --assertions (default: --model).")  # fmt: skip
@click.option("--no-traces", is_flag=True, help="Do not write an agent trace per sample.")
@click.option("--no-judge-cache", is_flag=True, help="Simulate every sample, even a design already judged.")
@click.option(
    "--no-reference-check", is_flag=True,
    help="Keep a failure as the design's verdict even where the task's own reference fails too.",
)  # fmt: skip
@click.option(
    "--max-errors",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Stop after this many items fail to produce a result (they are retried on resume).",
)
@click.option("-k", "ks", default="1,5,10", show_default=True, help="k values for pass@k.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON instead of tables.")
@limit_options
def bench_cmd(
    suite_spec: str, model_spec: str | None, escalation: tuple[str, ...], escalate_after: int | None,
    agent: str, router: str | None, router_model: str | None, tiers: tuple[str, ...], samples: int,
    jobs: int, run_id: str | None,
    db_path: Path, oracle_feedback: bool, executor: str, ray_address: str | None, task_list: str,
    limit: int | None, sample_tasks: int | None, task_seed: int, seed_base: int, temperature: float | None,
    max_iterations: int | None,
    agent_opts: tuple[str, ...], formal: bool, formal_timeout: float, formal_assumptions: Path | None,
    ppa: bool, assertions: bool, assertion_mutants: str | None, assertion_model: str | None, no_traces: bool,
    no_judge_cache: bool, no_reference_check: bool, max_errors: int, ks: str, as_json: bool,
    simulator: str, timeout_s: float, memory_mb: int, output_mb: float, no_isolate: bool,
) -> None:  # fmt: skip
    """Run an agent over a suite, N samples per task, judging each final design with the hidden checks.

    The agent sees only the public task; the hidden testbench scores its final design. Each result is
    stored in SQLite as it lands. Rerunning the same command resumes the run (after Ctrl-C or a crash);
    a larger --samples extends it. The task selection is part of the run: another --tasks or --limit is
    another run (with --run-id, a clear error showing both selections).

    \b
    Examples:
      rtlsmith bench --suite bundled --model replay:samples.jsonl --agent oneshot --samples 5 -j 2
      rtlsmith bench --suite verilog-eval-v2:../shared/data/verilog-eval-v2/dataset_spec-to-rtl \\
          --model openai:qwen2.5-coder-7b --agent smith --samples 1 -j 8 --executor ray
      rtlsmith bench --suite bundled --agent smith --model openai:qwen2.5-coder-7b \\
          --escalate-to openai:gpt-4o --escalate-after 2
      rtlsmith bench --suite bundled --router cascade --tier symbolic --tier oneshot:embedded \\
          --tier hybrid:embedded
    """
    k_values = parse_ks(ks)
    agent_config = _agent_options(agent_opts)
    if temperature is not None:
        agent_config["temperature"] = temperature
    if max_iterations is not None:
        agent_config["max_iterations"] = max_iterations
    if no_traces:
        agent_config["write_trace"] = False
    if escalate_after is not None:
        if not escalation:
            raise UsageError("--escalate-after needs at least one --escalate-to MODEL")
        agent_config["escalate_after"] = escalate_after
    if escalation and not repairs(agent):
        raise UsageError(
            f"--escalate-to needs --agent smith or hybrid: the {agent} agent never repairs, so it never "
            "escalates"
        )
    routing = _router_settings(router, tiers, escalation, router_model or "")
    if routing is not None:
        agent = "routed"
    assumptions: tuple[tuple[str, str], ...] = ()
    if formal_assumptions is not None:
        if not formal:
            raise UsageError("--formal-assumptions is for --formal; add --formal")
        from rtlsmith.formal.assumptions import load_assumptions
        from rtlsmith.suites import load_suite

        ids = [t.id for t in load_suite(absolute_spec(suite_spec)).tasks]
        assumptions = tuple(sorted(load_assumptions(formal_assumptions, ids).items()))
    config = BenchConfig(
        suite_spec=absolute_spec(suite_spec),
        model_spec=absolute_spec(model_spec or _default_model()),
        escalation=tuple(absolute_spec(spec) for spec in escalation),
        agent=agent,
        agent_config=agent_config,
        oracle_feedback=oracle_feedback,
        seed_base=seed_base,
        judge=JudgeSettings(simulator, timeout_s, memory_mb, int(output_mb * 1024 * 1024), not no_isolate),
        judge_cache=not no_judge_cache,
        check_references=not no_reference_check,
        formal=FormalSettings(timeout_s=formal_timeout, assumptions=assumptions) if formal else None,
        ppa=PpaSettings() if ppa else None,
        assertions=_assertion_settings(assertions, assertion_mutants, assertion_model),
        traces_dir=str(db_path.resolve().parent / "bench-traces"),
        task_sample=(sample_tasks, task_seed) if sample_tasks is not None else None,
        router=routing,
    )
    sampled = not config.model_spec.startswith("replay:")  # a replay answers from its file at any temperature
    if sampled and samples > 1 and float(agent_config.get("temperature", 0.0)) == 0.0 and not as_json:
        err_console.print(
            "note: --samples > 1 at temperature 0 gives a deterministic model the same answer each time; "
            "pass --temperature (e.g. 0.8) for a meaningful pass@k",
            highlight=False,
            soft_wrap=True,
        )
    request = BenchRequest(
        config=config, samples=samples, jobs=jobs, executor=executor, run_id=run_id,
        task_ids=tuple(t.strip() for t in task_list.split(",") if t.strip()), limit=limit,
        command_line=command_line(), max_errors=max_errors, ray_address=ray_address,
    )  # fmt: skip
    with BenchStore(db_path) as store:
        outcome = _run_with_progress(request, store, quiet=as_json)
        results = store.results(outcome.run.run_id, designs=False)
        m = run_metrics(store, outcome.run, k_values, results)
    ev = evidence(results)
    if as_json:
        click.echo(json.dumps(_summary_json(outcome, m, db_path, ev), indent=2))
    else:
        planned = outcome.progress.total + outcome.progress.already
        print_summary(console, outcome.run, m, planned_samples=planned, ev=ev)
        console.print(
            f"stored in {db_path}; HTML report: rtlsmith report {outcome.run.run_id} --out report.html",
            highlight=False,
            soft_wrap=True,
        )
    _finish(outcome)


def _run_with_progress(request: BenchRequest, store: BenchStore, quiet: bool) -> BenchOutcome:
    bar = Progress(
        TextColumn("[bold]bench[/]"), BarColumn(), MofNCompleteColumn(),
        TextColumn("[green]{task.fields[passed]} passed[/] [red]{task.fields[errors]} errors[/]"),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
        console=err_console, transient=False, disable=quiet,
    )  # fmt: skip
    tid = bar.add_task("bench", total=None, passed=0, errors=0, start=False)

    def on_start(p: BenchProgress) -> None:
        if p.already:
            bar.console.print(f"resuming: {p.already} result(s) already stored, {p.total} to go")
        bar.update(tid, total=p.total)
        bar.start_task(tid)

    def on_progress(p: BenchProgress) -> None:
        bar.update(tid, completed=p.done + p.errors + p.elsewhere, passed=p.passed, errors=p.errors)

    with bar:
        return run_bench(
            request, store, on_start=on_start, on_progress=on_progress,
            notify=lambda msg: bar.console.print(msg, highlight=False, markup=False, soft_wrap=True),
        )  # fmt: skip


def _finish(outcome: BenchOutcome) -> None:
    p = outcome.progress
    if outcome.status == "interrupted":
        err_console.print(
            f"[yellow]interrupted[/]: {p.done} result(s) stored this session, "
            f"{p.total - p.done - p.errors} item(s) left. "
            f"Resume with the same command (run id {outcome.run.run_id}):\n  {command_line()}",
            highlight=False,
            soft_wrap=True,  # the command must stay copy-pasteable
        )
        raise SystemExit(130)
    if outcome.errors:
        first = outcome.errors[0]
        err_console.print(
            f"[red]{len(outcome.errors)} item(s) produced no result[/] "
            "(not stored; rerun the same command to retry). "
            f"First: {first.item.task_id} sample {first.item.sample_idx}: {first.message}",
            highlight=False,
            soft_wrap=True,
        )
        raise SystemExit(1)


def _nan(x: float) -> float | None:
    return None if math.isnan(x) else x


def _summary_json(
    outcome: BenchOutcome, m: metrics_mod.RunMetrics, db: Path, ev: Evidence | None = None
) -> dict[str, Any]:
    p = outcome.progress
    return {
        "run_id": outcome.run.run_id,
        "status": outcome.status,
        "db": str(db),
        "mode": outcome.run.mode,
        "suite": {"name": outcome.run.suite_name, "hash": outcome.run.suite_hash},
        "model_id": outcome.run.model_id,
        "agent": outcome.run.agent_name,
        "session": {"done": p.done, "planned": p.total, "already_stored": p.already, "errors": p.errors,
                    "stored_by_another_bench": p.elsewhere, "duplicates": p.duplicates,
                    "wall_s": round(outcome.wall_s, 3)},
        # Items this session got no result for (not stored: the same command redoes them).
        "errors": [{"task_id": e.item.task_id, "sample": e.item.sample_idx, "kind": e.kind,
                    "message": e.message} for e in outcome.errors],
        "samples": m.samples,
        "passed": m.passed,
        "pass_at_k": {str(k): _nan(v) for k, v in m.pass_at_k.items()},
        "failure_classes": m.failure_classes,
        "judge_time_s": round(m.judge_time_s, 3),
        "tokens": m.total_tokens,
        "cost_usd": m.cost_usd,
        "models": [asdict(s) for s in m.models],
        "escalated_samples": m.escalated_samples,
        "no_model": {"samples": m.no_model[0], "passed": m.no_model[1]},
        "formal": m.formal or None,
        "testbench_gaps": [{"task_id": t, "sample": i} for t, i in m.testbench_gaps],
        "hardware": m.hardware.json() if m.hardware is not None else None,
        "assertions": m.assertions.json() if m.assertions is not None else None,
        **(evidence_json(ev) if ev is not None else {}),
    }  # fmt: skip


def evidence_json(ev: Evidence) -> dict[str, Any]:
    """The interval, stop reasons, public-vs-hidden agreement and effort, JSON-ready (null for NaN)."""
    i, pa, e = ev.interval, ev.public, ev.effort
    return {
        "pass_at_1_ci95": {"low": _nan(i.low), "high": _nan(i.high), "method": i.method, "tasks": i.tasks},
        "stop_reasons": [asdict(s) for s in ev.stops],
        "public_vs_hidden": {"both": pa.both, "public_only": pa.public_only, "hidden_only": pa.hidden_only,
                             "neither": pa.neither, "unknown": pa.unknown,
                             "precision": _nan(pa.precision), "agreement": _nan(pa.agreement)},
        "per_sample": {"iterations": _nan(e.iterations), "tokens": _nan(e.tokens),
                       "seconds": _nan(e.seconds)},
    }  # fmt: skip


def _router_settings(
    router: str | None, tiers: tuple[str, ...], escalation: tuple[str, ...], model_file: str
) -> RouterSettings | None:
    """`--router NAME --tier ...` as checked settings (model files made absolute), or None unrouted."""
    if router is None:
        if tiers:
            raise UsageError("--tier is for --router; add --router cascade")
        return None
    if escalation:
        raise UsageError("--escalate-to and --router do not mix; give the stronger model as a --tier")
    from rtlsmith.bench.routed import parse_tier, router_settings

    labels = []
    for text in tiers:
        tier = parse_tier(text)
        labels.append(tier.agent if tier.model is None else f"{tier.agent}:{absolute_spec(tier.model)}")
    return router_settings(router, labels, model_file)
