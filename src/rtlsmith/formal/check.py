"""`formal_check`: a task's hidden reference against a completion, for the CLI, the scorer and the agent."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rtlsmith.benchmarks import benchmark_of
from rtlsmith.formal.equiv import check_equivalence
from rtlsmith.formal.result import EquivalenceResult, Outcome
from rtlsmith.task import Purpose, Task
from rtlsmith.tools.judge import JudgeOptions, judge
from rtlsmith.tools.verdict import Verdict


def formal_sources(task: Task, completion: str) -> tuple[str, str, str, str]:
    """(reference, candidate, reference top, candidate top) for a task and a completion, in the sample
    format of the task's benchmark (`Benchmark.formal_sources`).

    VerilogEval v2 and bundled tasks: `RefModule` against `TopModule` (a code-completion body gets its
    interface prepended, as the judge does). VerilogEval v1: both are `top_module`, the reference is the
    prompt plus the canonical solution and the candidate the prompt plus the completion. RTLLM: the design
    keeps its own module name; the reference's top is `verified_<name>` where it is named so.
    Raises ValueError when the task has no reference.
    """
    hidden = task.hidden.unseal(Purpose.FORMAL)
    if hidden.reference is None:
        raise ValueError(f"task {task.id} has no reference implementation to check against")
    return benchmark_of(hidden).formal_sources(task, hidden, completion)


def formal_check(
    task: Task,
    completion: str,
    *,
    verdict: Verdict | None = None,
    simulate: bool = False,
    judge_options: JudgeOptions | None = None,
    **opts: Any,
) -> EquivalenceResult:
    """Check `completion` for equivalence with `task`'s hidden reference (see `check_equivalence` for `opts`:
    depth, timeout_s, isolate, bmc_depth, reset, mode, confirm, assume; `assume` defaults to the task's
    own input assumption, if it has one).

    The result knows whether the candidate passed the benchmark's testbench when `verdict` is given (or
    `simulate=True` runs the judge here): a counterexample on a passing candidate is then labelled a
    testbench gap (`result.testbench_gap`).
    """
    try:
        reference, candidate, ref_top, cand_top = formal_sources(task, completion)
    except ValueError as exc:
        return EquivalenceResult(Outcome.ERROR, message=str(exc), error_stage="task", task_id=task.id)
    if opts.get("assume") is None:  # the task's own input assumption, unless the caller gives one
        opts["assume"] = task.hidden.unseal(Purpose.FORMAL).formal_assume or None
    result = check_equivalence(reference, candidate, ref_top=ref_top, cand_top=cand_top, **opts)
    passed: bool | None = None
    if verdict is not None:
        passed = verdict.passed
    elif simulate:
        passed = judge(task, completion, judge_options).passed
    return replace(result, task_id=task.id, simulation_passed=passed)


def formal_record(task: Task, completion: str, *, passed: bool | None, **opts: Any) -> dict[str, Any]:
    """`formal_check` as a record for a results store (score's results file, the bench database), knowing
    whether the candidate passed simulation; the command lines and tool versions are left out (a store
    records those once, not per sample)."""
    record = formal_check(task, completion, **opts).with_simulation(passed).record()
    for bulky in ("commands", "tool_versions"):
        record.pop(bulky, None)
    return record
