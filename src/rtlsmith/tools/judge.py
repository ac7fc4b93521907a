"""Judge a candidate against a task's hidden checks with a real simulator, as the benchmark would.

The judge knows no benchmark: it asks the task's own (`rtlsmith.benchmarks.benchmark_of`) for the files and
steps to run (`plan`) and for the verdict of the run (its pass rule). What it adds is common to all: the
screen that refuses hostile designs before anything runs, the batch run in one sandbox invocation, the
record every verdict carries, and the integrity flags of a pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from rtlsmith.benchmarks import benchmark_of, keep_lines
from rtlsmith.errors import ToolNotFoundError
from rtlsmith.simulators import simulator_names
from rtlsmith.task import HiddenChecks, Purpose, Task
from rtlsmith.tools.harness import (
    CANDIDATE_FILE,
    WAVES_FILE,
    WAVES_MODULE,
    WAVES_MODULE_FILE,
    JudgeOptions,
    Plan,
    dumps_waves,
)
from rtlsmith.tools.sandbox import Job, RunResult, run_batch
from rtlsmith.tools.screen import integrity_flags, screen
from rtlsmith.tools.toolchain import versions
from rtlsmith.tools.verdict import FailureClass, Verdict, excerpt

__all__ = [
    "CANDIDATE_FILE",
    "SIMULATORS",
    "WAVES_FILE",
    "WAVES_MODULE",
    "WAVES_MODULE_FILE",
    "JudgeOptions",
    "Plan",
    "candidate_source",
    "dumps_waves",
    "judge",
    "judge_keeping",
    "judge_many",
    "plan",
    "waves_file",
]

SIMULATORS = simulator_names()  # the built-ins; a simulator registered later is accepted too


def candidate_source(hidden: HiddenChecks, completion: str) -> str:
    """The candidate module text a completion stands for, in the task's benchmark's sample format (a v2
    code-completion body gets its interface prepended)."""
    return benchmark_of(hidden).candidate_source(hidden, completion)


def waves_file(task: Task) -> str:
    """Where `check --waves` finds the waveform: the testbench's own VCD, else (VerilogEval v2 and native
    tasks) the one `rtlsmith_waves` writes for testbenches that dump nothing."""
    return benchmark_of(task).waves_file(task.hidden.unseal(Purpose.SCORING))


def plan(task: Task, completion: str, options: JudgeOptions) -> Plan:
    """The files and steps that judge `completion`, as the task's benchmark runs them (for --dry-run)."""
    return benchmark_of(task).plan(task, completion, options)


def judge(task: Task, completion: str, options: JudgeOptions | None = None) -> Verdict:
    """Compile and simulate `completion` with the task's hidden testbench; never raises for bad designs."""
    return judge_many([(task, completion)], options)[0]


def judge_keeping(
    task: Task, completion: str, keep: Sequence[str], options: JudgeOptions | None = None
) -> tuple[Verdict, Mapping[str, bytes]]:
    """`judge`, also reading back the files named in `keep` (e.g. the testbench's VCD) before the sandbox
    is deleted; a file the run did not write is absent from the mapping."""
    kept: list[Mapping[str, bytes]] = []
    verdict = judge_many([(task, completion)], options, keep=keep, kept=kept)[0]
    return verdict, (kept[0] if kept else {})


def judge_many(
    items: Sequence[tuple[Task, str]],
    options: JudgeOptions | None = None,
    *,
    keep: Sequence[str] = (),
    kept: list[Mapping[str, bytes]] | None = None,
) -> list[Verdict]:
    """`judge` for several (task, completion) pairs, run one after another in one sandbox invocation.

    Scoring many short candidates this way pays the sandbox's start-up once per batch, not per candidate;
    each candidate still gets a directory of its own, and only candidates that pass the screen run.
    """
    options = options or JudgeOptions()
    verdicts: list[Verdict | None] = []
    pending: list[tuple[int, Task, Plan, dict[str, object]]] = []
    for task, completion in items:
        early, the_plan, base = _prepare(task, completion, options)
        if early is not None or the_plan is None:
            verdicts.append(early)
            continue
        pending.append((len(verdicts), task, the_plan, base))
        verdicts.append(None)
    if pending:
        options.backend.prepare()
    if pending:
        jobs = [Job(the_plan.steps, the_plan.files, tuple(keep)) for _i, _t, the_plan, _b in pending]
        runs = run_batch(jobs, options.limits, isolate=options.isolate, keep_lines=keep_lines())
        for (i, task, the_plan, base), run in zip(pending, runs, strict=True):
            verdicts[i] = _verdict(task, the_plan, base, run, options)
            if kept is not None:
                kept.append(dict(run.files))
    return [v for v in verdicts if v is not None]


def _prepare(
    task: Task, completion: str, options: JudgeOptions
) -> tuple[Verdict | None, Plan | None, dict[str, object]]:
    """A verdict reached without running anything (refused, tool missing), or the plan to run."""
    hidden = task.hidden.unseal(Purpose.SCORING)
    base: dict[str, object] = {
        "task_id": task.id,
        "simulator": options.simulator,
        "tool_versions": versions(),
        "limits": options.limits.record(),
    }
    candidate = candidate_source(hidden, completion)
    refusals = screen(candidate)
    if refusals:
        text = "\n".join(r.message() for r in refusals)
        return Verdict(
            passed=False, failure_class=FailureClass.REFUSED, reason=refusals[0].message(),
            log=text, log_excerpt=excerpt(text), harness_result="refused", **base,  # type: ignore[arg-type]
        ), None, base  # fmt: skip
    try:
        return None, plan(task, completion, options), base
    except ToolNotFoundError as exc:
        return Verdict(
            passed=False, failure_class=FailureClass.INFRASTRUCTURE, reason=str(exc),
            log=str(exc), log_excerpt=str(exc), **base,  # type: ignore[arg-type]
        ), None, base  # fmt: skip


def _verdict(
    task: Task, the_plan: Plan, base: dict[str, object], run: RunResult, options: JudgeOptions
) -> Verdict:
    common = {
        **base,
        "isolated": run.isolated,
        "commands": tuple(tuple(c) for c in the_plan.commands(isolate=options.isolate)),
        "wall_s": run.wall_s,
    }
    benchmark = benchmark_of(task)
    verdict = benchmark.read_run(task, the_plan, run, common, options)
    if not verdict.passed:
        return verdict
    hidden = task.hidden.unseal(Purpose.SCORING)
    source = benchmark.integrity_source(hidden, the_plan.candidate)
    flags = integrity_flags(source, samples=verdict.samples, log=verdict.log)
    return replace(verdict, integrity=flags)
