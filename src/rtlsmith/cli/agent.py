"""`rtlsmith run`, `rtlsmith trace` and `rtlsmith agent`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table

from rtlsmith.agent.config import AgentConfig
from rtlsmith.agent.live import LiveView
from rtlsmith.agent.record import AgentResult
from rtlsmith.agent.registry import agent_names, get_agent
from rtlsmith.agent.routing import Cascade
from rtlsmith.agent.run import run_agent
from rtlsmith.agent.specfile import load_spec
from rtlsmith.agent.trace import find_trace, latest_run, new_run_id, read_trace
from rtlsmith.bench.store import DEFAULT_DB
from rtlsmith.cli.bench import out_file_option
from rtlsmith.errors import UsageError
from rtlsmith.task import PublicTask, Purpose, Task

console = Console()

DEFAULT_RUNS_DIR = ".rtlsmith/runs"


def _resolve(
    spec: str | None, task_id: str | None, suite_spec: str, interface: str | None
) -> tuple[Any, Task | None]:
    """The public task to run and, for a suite task, the whole task (for scoring after the run)."""
    from rtlsmith.suites import load_suite

    if task_id is None and spec is not None and Path(spec).is_file():
        return load_spec(spec, interface), None
    wanted = task_id or spec
    if wanted is None:
        raise UsageError("give a spec file, a task id, or --task ID (with --suite)")
    if interface is not None:
        raise UsageError("--interface is for spec files; a suite task has its own interface")
    task = load_suite(suite_spec).get(wanted)
    return task.public, task


@click.command("run")
@click.argument("spec", required=False)
@click.option("--task", "task_id", help="Task id in --suite (instead of SPEC).")
@click.option("--suite", "suite_spec", default="bundled", show_default=True, help="Suite holding the task.")
@click.option("--interface", type=click.Path(dir_okay=False), help="File with the `module ...;` header.")
@click.option("--model", "models", multiple=True, help="Model spec; repeat for a cascade, cheapest first.")
@click.option("--escalate-after", default=2, show_default=True, type=click.IntRange(min=1),
              help="Failed repairs before a cascade moves to its next model.")  # fmt: skip
@click.option("--agent", "agent_name", type=click.Choice(agent_names()), default="smith", show_default=True)
@click.option("--router", default=None,
              help="cascade: run the --tier agents cheapest first, keeping the first answer whose public "
              "checks pass; trained: the tier a saved router model picks from the public task "
              "(--router-model, --tier WEAK --tier STRONG). Replaces --agent and --model.")  # fmt: skip
@click.option("--router-model", "router_model", type=click.Path(exists=True, dir_okay=False), default=None,
              help="--router trained: the file `route eval --save-model FILE` wrote (load only files you "
              "wrote: it is a pickle).")  # fmt: skip
@click.option(
    "--tier", "tiers", multiple=True, help="A tier for --router: AGENT or AGENT:MODEL (repeatable)."
)
@click.option("--max-iterations", default=8, show_default=True, type=click.IntRange(min=1))
@click.option("--max-tokens", default=200_000, show_default=True, type=click.IntRange(min=1))
@click.option("--max-time", "max_time_s", default=600.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Wall-time budget in seconds.")  # fmt: skip
@click.option("--max-new-tokens", default=2048, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--decompose", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True
)
@click.option(
    "--constrain", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
    help="Constrain design answers with a grammar of the interface (auto: only models it helps, SmolLM2).",
)  # fmt: skip
@click.option("--oracle-feedback", is_flag=True,
              help="Let the agent see hidden-testbench verdicts (suite tasks; mode=oracle).")  # fmt: skip
@click.option("--assertions", is_flag=True,
              help="Properties from the spec as a check too (Yosys; see README).")  # fmt: skip
@click.option("--reference", type=click.Path(dir_okay=False, exists=True),
              help="A reference design to prove equivalence with (counterexamples feed REPAIR).")  # fmt: skip
@click.option("--runs-dir", default=DEFAULT_RUNS_DIR, show_default=True, help="Where traces are written.")
@out_file_option(
    "-o", "--out", help="Also write the final module to this file (its trace directory keeps a copy anyway)."
)
@click.option("--force", is_flag=True, help="Let --out replace an existing file.")
@click.option("--seed", type=int, default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the result record as JSON instead.")
@click.option("-q", "--quiet", is_flag=True, help="No live view of the steps; only the result.")
def run_cmd(
    spec: str | None,
    task_id: str | None,
    suite_spec: str,
    interface: str | None,
    models: tuple[str, ...],
    escalate_after: int,
    agent_name: str,
    router: str | None,
    router_model: str | None,
    tiers: tuple[str, ...],
    max_iterations: int,
    max_tokens: int,
    max_time_s: float,
    max_new_tokens: int,
    decompose: str,
    constrain: str,
    oracle_feedback: bool,
    assertions: bool,
    reference: str | None,
    runs_dir: str,
    out: Path | None,
    force: bool,
    seed: int | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Turn a spec into a checked module: draft, lint, test, repair until it passes or the budget is spent.

    SPEC is a task id of --suite, or a spec file (text with a `module ...;` header, or TOML with
    `description`, `interface` and optional `[public]` testbench/vectors). Exit status: 0 when the final
    module passed the checks the agent ran, 1 when it did not, 2 for bad input. While it works, one line
    per step shows the state, iteration, what the tools said, tokens/s and the budget left (`--quiet` and
    `--json` turn it off).

    \b
    Examples:
      rtlsmith run counter_updown_load --model embedded --max-iterations 3
      rtlsmith run --task alu8 --suite bundled --model openai:qwen2.5-coder-7b
      rtlsmith run my_spec.txt --interface ifc.v --model openai:gpt-4o-mini --model openai:gpt-4o
      rtlsmith run fifo.toml --reference fifo_ref.sv -o fifo.sv
      rtlsmith run --task alu8 --router cascade --tier symbolic --tier oneshot:embedded --tier hybrid:embedded
      rtlsmith run --task alu8 --router trained --router-model router.pkl --tier oneshot --tier hybrid
    """
    from rtlsmith.llm import get_model

    if out is not None and out.exists() and not force:  # checked before any work is done
        raise UsageError(f"{out} exists; pass --force to replace it, or choose another --out")
    public, task = _resolve(spec, task_id, suite_spec, interface)
    hidden = None
    if oracle_feedback:
        if task is None:
            raise UsageError("--oracle-feedback needs a suite task (a spec file has no hidden testbench)")
        hidden = task.hidden.unseal(Purpose.ORACLE)
    config = AgentConfig(
        max_iterations=max_iterations,
        max_tokens=max_tokens,
        max_time_s=max_time_s,
        max_new_tokens=max_new_tokens,
        seed=seed,
        oracle_feedback=oracle_feedback,
        assertions=assertions,
        decompose=decompose,  # type: ignore[arg-type]
        constrain=constrain,  # type: ignore[arg-type]
        escalate_after=escalate_after,
        runs_dir=runs_dir,
        reference=Path(reference).read_text() if reference else None,
        run_id=new_run_id(public.id),
    )
    if router is not None or tiers:
        _routed_run(public, task, router, tiers, models, config, hidden, out, as_json, router_model)
    specs: list[str | None] = list(models) or [None]  # None: the configured default model
    # The symbolic agent uses no model: none is built (a --model given with it is ignored).
    cascade = (
        Cascade.from_specs(specs, get_model, escalate_after) if get_agent(agent_name).uses_model else None
    )
    if not as_json:
        names = " -> ".join(cascade.model_ids) if cascade is not None else "none"
        console.print(f"[bold]{public.id}[/]: {agent_name} agent, model {names}, mode {config.mode}")
    if as_json or quiet:
        result = run_agent(agent_name, public, cascade, config, hidden)
    else:
        budget = {"max_iterations": max_iterations, "max_tokens": max_tokens, "max_time_s": max_time_s}
        emit = lambda line: console.print(line, highlight=False, markup=False, soft_wrap=True)  # noqa: E731
        assert config.run_id is not None
        with LiveView(runs_dir, config.run_id, emit, budget):
            result = run_agent(agent_name, public, cascade, config, hidden)
    scored = _score(task, result) if task is not None else None
    written = _write_design(out, result) if out is not None else None
    if as_json:
        click.echo(json.dumps({**result.record(), "hidden_verdict": scored, "out": written}, indent=2))
    else:
        _print_result(result, scored)
        if not result.passed_public and result.trace_path and Path(result.trace_path).is_file():
            _print_waves(read_trace(Path(result.trace_path)))
        if out is not None:
            if written:
                state = "passed its checks" if result.passed_public else "did NOT pass its checks"
                click.echo(f"wrote {written} (the design {state})")
            else:
                click.echo(f"{out} not written: no module was produced")
    raise SystemExit(0 if result.passed_public else 1)


def _routed_run(
    public: PublicTask, task: Task | None, router: str | None, tiers: tuple[str, ...],
    models: tuple[str, ...], config: AgentConfig, hidden: Any, out: Path | None, as_json: bool,
    router_model: str | None = None,
) -> None:  # fmt: skip
    """`run --router cascade|trained --tier ...`: the kept tier's result, with its route; exits like `run`."""
    from rtlsmith.llm import get_model
    from rtlsmith.routing.live import run_live
    from rtlsmith.routing.routers import CascadeRouter

    if router not in ("cascade", "trained"):
        raise UsageError(
            f"run --router takes cascade or trained (a bandit learns across tasks: use bench --router), "
            f"not {router!r}"
        )
    if models:
        raise UsageError("--model and --router do not mix; give each tier its model: --tier AGENT:MODEL")
    if len(tiers) < 2:
        raise UsageError(f"--router {router} needs at least two --tier AGENT[:MODEL], cheapest first")
    for tier in tiers:
        get_agent(tier.partition(":")[0])  # an unknown agent names the valid ones
    if router == "trained":
        from rtlsmith.routing.trained import threshold_router

        if router_model is None or len(tiers) != 2:
            raise UsageError(
                "--router trained needs --router-model FILE (from route eval --save-model) and two tiers: "
                "--tier WEAK --tier STRONG"
            )
        chosen = threshold_router(tiers[0], tiers[1], Path(router_model))
        result, route = run_live(chosen, public, tiers, config, get_model, hidden)
    else:
        if router_model is not None:
            raise UsageError("--router-model is for --router trained")
        result, route = run_live(CascadeRouter(tiers), public, tiers, config, get_model, hidden)
    scored = _score(task, result) if task is not None else None
    written = _write_design(out, result) if out is not None else None
    if as_json:
        record = {**result.record(), "route": route, "hidden_verdict": scored, "out": written}
        click.echo(json.dumps(record, indent=2))
    else:
        _print_result(result, scored)
        for call in route["calls"]:
            click.echo(f"route: {call['tier']} ({call['why']}; public checks: {call['passed_public']})")
        click.echo(f"kept: {route['tier']}: {route['reason']}")
    raise SystemExit(0 if route["calls"][-1]["passed_public"] else 1)


def _write_design(out: Path, result: AgentResult) -> str | None:
    """Write the final module to `out` (through a temporary file, so a failure leaves no half file); the
    path written, or None when there is no module."""
    if not result.final_code:
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(result.final_code if result.final_code.endswith("\n") else result.final_code + "\n")
    tmp.replace(out)
    return str(out)


def _score(task: Task, result: AgentResult) -> dict[str, Any] | None:
    """The hidden benchmark verdict on the final module: scoring after the run, never shown to the agent."""
    from rtlsmith.tools.judge import judge

    if not result.final_code:
        return None
    v = judge(task, result.final_code).strict()  # a pass with integrity flags is not one (class F)
    return {"passed": v.passed, "failure": v.failure_class.description, "mismatches": v.mismatches,
            "samples": v.samples, "integrity": list(v.integrity)}  # fmt: skip


def _print_result(result: AgentResult, scored: dict[str, Any] | None) -> None:
    if result.final_code:
        console.print(Panel(Syntax(result.final_code, "verilog", line_numbers=True), title="final module"))
    else:
        console.print("[red]no module was produced[/]")
    table = Table(show_header=False, box=None)
    colour = "green" if result.passed_public else "red"
    table.add_row("public checks", f"[{colour}]{'passed' if result.passed_public else 'not passed'}[/] "
                  f"({result.checks})")  # fmt: skip
    if scored is not None:
        colour = "green" if scored["passed"] else "red"
        extra = f" ({scored['mismatches']} of {scored['samples']} samples)" if scored["mismatches"] else ""
        table.add_row("hidden testbench", f"[{colour}]{scored['failure']}[/]{extra}")
    table.add_row("stop reason", result.stop_reason)
    table.add_row("final state", result.final_state)
    table.add_row("mode", result.mode)
    table.add_row("iterations", str(result.iterations))
    table.add_row("tokens", f"{result.prompt_tokens} prompt + {result.completion_tokens} completion")
    table.add_row("time", f"{result.wall_s:.2f} s (model {result.model_time_s:.2f} s, tools "
                  f"{result.tool_time_s:.2f} s)")  # fmt: skip
    console.print(table)
    # Outside the table, so a narrow terminal does not cut the path.
    click.echo(f"trace: {result.trace_path}\nshow it: rtlsmith trace {result.run_id}")


@click.command("trace")
@click.argument("run_id", required=False)
@click.option("--runs-dir", default=DEFAULT_RUNS_DIR, show_default=True)
@click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB, show_default=True,
    envvar="RTLSMITH_BENCH_DB", help="Bench database; its bench-traces/ are searched too.",
)  # fmt: skip
@click.option("--full", is_flag=True, help="Also print every prompt and response.")
@click.option("--step", "only_step", type=int, help="Print one step (by its # number) in full.")
def trace_cmd(run_id: str | None, runs_dir: str, db_path: Path, full: bool, only_step: int | None) -> None:
    """Show a run's trace: each state visited, its event, tools, verdicts, tokens and time.

    RUN_ID is a run id (or a unique prefix), a run directory or a trace.jsonl path; the latest run by default.
    A bench sample's trace is BENCH_RUN/TASK-sN (each part a prefix), or TASK-sN when one bench has it.

    \b
    Examples:
      rtlsmith trace 20261125-101500-alu8-3f2a
      rtlsmith trace 20261125-1015 --full
      rtlsmith trace --step 4
      rtlsmith trace bundled-smith/counter4-s0
    """
    run = run_id or latest_run(runs_dir)
    if run is None:
        raise UsageError(f"no runs under {runs_dir}/ yet; start one with `rtlsmith run TASK`")
    path = find_trace(run, runs_dir, bench_traces=db_path.resolve().parent / "bench-traces")
    render_trace(read_trace(path), path, full=full, only_step=only_step)


def render_trace(
    records: list[dict[str, Any]], path: Path, *, full: bool = False, only_step: int | None = None
) -> None:
    head = next((r for r in records if r["kind"] == "run"), {})
    result = next((r for r in records if r["kind"] == "result"), None)
    steps = [r for r in records if r["kind"] == "step"]
    cfg = head.get("config", {})
    console.print(
        Panel(
            f"task [bold]{head.get('task_id')}[/] ({head.get('suite')})  agent {head.get('agent')}  "
            f"mode [bold]{head.get('mode')}[/]\nmodels {', '.join(head.get('models', []))}  "
            f"public checks {head.get('public_checks', 'none')}\n"
            f"budget {cfg.get('max_iterations')} iterations, {cfg.get('max_tokens')} tokens, "
            f"{cfg.get('max_time_s')} s\n{path}",
            title=f"run {head.get('run_id', path.parent.name)}",
        )
    )
    if only_step is None:
        table = Table()
        for col in ("#", "state", "event", "next", "tokens", "time s", "verdict / note"):
            table.add_column(col, justify="right" if col in ("#", "tokens", "time s") else "left")
        for s in steps:
            tokens = s.get("prompt_tokens", 0) + s.get("completion_tokens", 0)
            verdict = "; ".join(v.get("summary", "") for v in s.get("verdicts", []))
            what = "  ".join(x for x in (verdict, s.get("note", "")) if x)
            table.add_row(str(s.get("seq")), s["state"], s["event"], s["next"], str(tokens or ""),
                          f"{s.get('wall_s', 0):.3f}", what)  # fmt: skip
        console.print(table)
    for s in steps:
        if (full and only_step is None) or only_step == s.get("seq"):
            _render_step(s)
    if only_step is None and not (result or {}).get("passed_public", True):
        _print_waves(records)
    if result is not None and only_step is None:
        console.print(
            f"[bold]{result.get('final_state')}[/]: stop reason [bold]{result.get('stop_reason')}[/], "
            f"passed public checks: {result.get('passed_public')} ({result.get('checks')}), "
            f"{result.get('iterations')} iterations, "
            f"{result.get('prompt_tokens')}+{result.get('completion_tokens')} tokens, "
            f"{result.get('wall_s', 0):.2f} s (model {result.get('model_time_s', 0):.2f} s, tools "
            f"{result.get('tool_time_s', 0):.2f} s)"
        )
        if result.get("error"):
            console.print(f"[red]error:[/] {result['error']}")


def _print_waves(records: list[dict[str, Any]]) -> None:
    """The first mismatch of the last failing public check, as a text waveform (public checks only)."""
    for r in reversed(records):
        for v in r.get("verdicts", []) if r.get("kind") == "step" else []:
            if v.get("details", {}).get("waves"):
                console.rule(f"last failing public check (step #{r.get('seq')})", style="red")
                console.print(v["details"]["waves"], markup=False, highlight=False, soft_wrap=True)
                return


def _render_step(s: dict[str, Any]) -> None:
    console.rule(f"#{s.get('seq')} {s['state']} --{s['event']}--> {s['next']}")
    for m in s.get("messages") or []:
        console.print(Panel(m["content"], title=m["role"], title_align="left"))
    if s.get("response") is not None:
        console.print(Panel(s["response"], title=f"response ({s.get('model')})", title_align="left"))
    for t in s.get("tools", []):
        for cmd in t.get("commands", []):
            console.print(f"[dim]$ {' '.join(cmd)}[/]")
    for v in s.get("verdicts", []):
        console.print(f"{v.get('check')}: {'ok' if v.get('ok') else 'FAILED'}: {v.get('summary')}")
        if v.get("details", {}).get("waves"):
            console.print(v["details"]["waves"], markup=False, highlight=False, soft_wrap=True)
    if s.get("note"):
        console.print(f"[italic]{s['note']}[/]")


@click.command("agent")
@click.option("--diagram", is_flag=True, help="Print the agent's state machine as a Mermaid diagram.")
@click.option(
    "--agent",
    "agent_name",
    type=click.Choice([n for n in agent_names() if get_agent(n).machine is not None]),
    default="smith",
    show_default=True,
    help="Which agent's state machine (agents that have one).",
)
def agent_cmd(diagram: bool, agent_name: str) -> None:
    """Describe the smith agent: its states, the tools each may use, and its transition table.

    \b
    Examples:
      rtlsmith agent
      rtlsmith agent --diagram > smith.mmd
    """
    plugin = get_agent(agent_name)
    assert plugin.machine is not None  # the choices are the agents that have one
    m = plugin.machine()
    if diagram:
        click.echo(m.to_mermaid(title=f"rtlsmith {agent_name} agent"), nl=False)
        return
    table = Table(title=f"{agent_name} agent")
    table.add_column("state")
    table.add_column("tools")
    table.add_column("events -> next state")
    for state, tools in plugin.tools.items():
        moves = [f"{t.label()} -> {t.dst.name}" for t in m.transitions if t.src is state]
        table.add_row(state.name, ", ".join(sorted(tools)) or "-", "\n".join(moves) or "(final)")
    console.print(table)
