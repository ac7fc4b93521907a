"""Judge a candidate against a task's hidden checks with a real simulator, as the benchmark would."""

from __future__ import annotations

import re
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from rtlsmith.errors import ToolNotFoundError
from rtlsmith.simulators import Simulator, get_simulator, simulator_names
from rtlsmith.task import HiddenChecks, Layout, Purpose, Task
from rtlsmith.tools import rtllm
from rtlsmith.tools.faults import signal_name, start_failure, tool_symptom, toolchain_fault
from rtlsmith.tools.sandbox import Job, Limits, RunResult, Step, command_line, run_batch
from rtlsmith.tools.screen import integrity_flags, screen
from rtlsmith.tools.toolchain import versions
from rtlsmith.tools.verdict import (
    DECISIVE_SUBSTRINGS,
    FailureClass,
    Verdict,
    classify_v1,
    classify_v2_log,
    excerpt,
    mismatch_hints,
)

SIMULATORS = simulator_names()  # the built-ins; a simulator registered later is accepted too
CANDIDATE_FILE = "TopModule.sv"  # v2: the candidate; v1: the whole concatenated file
_TOP_MODULE = re.compile(r"\bmodule\s+TopModule\b")
# RTLLM compiles `${TEST_DESIGN}.v testbench.v` with `vcs -timescale=1ns/1ns`: that option sets the
# timescale of files that declare none. Icarus has no such flag; a directive file compiled first does it.
RTLLM_TESTBENCH_FILE = "testbench.v"
RTLLM_TIMESCALE_FILE = "rtllm_timescale.v"
RTLLM_TIMESCALE = "`timescale 1ns/1ns\n"
_KEEP_LINES = tuple(dict.fromkeys((*DECISIVE_SUBSTRINGS, *rtllm.DECISIVE_SUBSTRINGS)))


@dataclass(frozen=True)
class JudgeOptions:
    """How to judge: which simulator, under which limits, isolated or not."""

    simulator: str = "icarus"
    limits: Limits = field(default_factory=Limits)
    compile_timeout_s: float = 120.0
    isolate: bool = True
    waves: bool = False

    def __post_init__(self) -> None:
        get_simulator(self.simulator)  # an unknown name raises, listing the valid ones

    @property
    def backend(self) -> Simulator:
        """The simulator named by `simulator`."""
        return get_simulator(self.simulator)


@dataclass(frozen=True)
class Plan:
    """What a judgement will run: files to write and steps, inspectable without running (--dry-run)."""

    files: dict[str, str | bytes]
    steps: tuple[Step, ...]
    candidate: str  # the candidate text the screen and the async-reset rule look at

    def commands(self, isolate: bool = True) -> list[list[str]]:
        return command_line(self.steps, isolate=isolate)


def candidate_source(hidden: HiddenChecks, completion: str) -> str:
    """The candidate module text: a v2 code-completion body gets its interface prepended."""
    if hidden.layout is Layout.VERILOG_EVAL_V2 and hidden.prompt and not _TOP_MODULE.search(completion):
        return hidden.prompt.rstrip() + "\n" + completion
    return completion


WAVES_FILE = "rtlsmith_waves.vcd"
WAVES_MODULE_FILE = "rtlsmith_waves.sv"
WAVES_MODULE = f"""module rtlsmith_waves;
  initial begin
    $dumpfile("{WAVES_FILE}");
    $dumpvars(0, tb);
  end
endmodule
"""
_DUMPFILE = re.compile(r'\$dumpfile\s*\(\s*"([^"/\\]+)"')


def dumps_waves(testbench: str) -> str:
    """The VCD file a testbench dumps to (`$dumpfile("...")`), or "" when it dumps none."""
    found = _DUMPFILE.search(testbench or "")
    return found.group(1) if found else ""


def waves_file(task: Task) -> str:
    """Where `check --waves` finds the waveform: the testbench's own VCD, else the one `rtlsmith_waves`
    writes for testbenches that dump nothing (Icarus, v2-style and native tasks)."""
    hidden = task.hidden.unseal(Purpose.SCORING)
    if hidden.layout is Layout.RTLLM or hidden.layout is Layout.VERILOG_EVAL_V1:
        return dumps_waves(hidden.testbench)
    return dumps_waves(hidden.testbench) or WAVES_FILE


def plan(task: Task, completion: str, options: JudgeOptions) -> Plan:
    hidden = task.hidden.unseal(Purpose.SCORING)
    if hidden.layout is Layout.RTLLM:
        return _rtllm_plan(hidden, task.public.interface.module, completion, options)
    t_sim = options.limits.timeout_s
    t_compile = options.compile_timeout_s
    v1 = hidden.layout is Layout.VERILOG_EVAL_V1
    files: dict[str, str | bytes]
    if v1:
        source = hidden.testbench + "\n" + hidden.prompt + "\n" + completion
        files = {CANDIDATE_FILE: source}
        sources: tuple[str, ...] = (CANDIDATE_FILE,)
        candidate = completion
    else:
        candidate = candidate_source(hidden, completion)
        files = {CANDIDATE_FILE: candidate, "test.sv": hidden.testbench}
        sources = (CANDIDATE_FILE, "test.sv")
        if hidden.reference is not None:
            files["ref.sv"] = hidden.reference
            sources = (*sources, "ref.sv")
    sim = options.backend
    extra_tops: tuple[str, ...] = ()
    if options.waves and not v1 and sim.writes_waves and not dumps_waves(hidden.testbench):
        # A testbench that dumps nothing (generated ones) gets a second root that dumps all of `tb`.
        files[WAVES_MODULE_FILE] = WAVES_MODULE
        sources, extra_tops = (*sources, WAVES_MODULE_FILE), ("rtlsmith_waves",)
    c = sim.compile_step(sources, timeout_s=t_compile, extra_tops=extra_tops)
    if v1:
        # v1's execution.py: `...; vvp -n test.vvp`, exactly: the simulator runs even after a failed
        # compile (its stderr counts), and the testbench's VCD is written as it was there.
        s = sim.simulate_step(waves=True, timeout_s=t_sim, always=True, stop_finishes=True)
    else:
        # v2's Makefile runs `./sim` (vvp without -n). Its VCD holds testbench signals only, so it is
        # skipped unless the candidate makes dump calls of its own, which can end a simulation early.
        waves = options.waves or "$dump" in candidate
        s = sim.simulate_step(waves=waves, timeout_s=t_sim, stop_finishes=False)
    merge = not v1  # v2 logs compile and run output together (`&>`); v1 reads stdout and stderr apart
    steps = (
        Step(c.name, c.argv, c.timeout_s, merge_stderr=merge),
        Step(s.name, s.argv, s.timeout_s, always=s.always, merge_stderr=merge),
    )
    return Plan(files=files, steps=steps, candidate=candidate)


def _rtllm_plan(hidden: HiddenChecks, module: str, completion: str, options: JudgeOptions) -> Plan:
    """RTLLM: the design as `<module>.v` and `testbench.v`, the testbench's data files beside them.

    The simulator runs with `-n`, so a `$stop` ends the run instead of waiting at a prompt for input.
    """
    files: dict[str, str | bytes] = dict(hidden.data_files)
    reserved = {RTLLM_TESTBENCH_FILE, RTLLM_TIMESCALE_FILE, *files}
    design_file = f"{module}.v" if f"{module}.v" not in reserved else "design_under_test.v"
    files[RTLLM_TIMESCALE_FILE] = RTLLM_TIMESCALE
    files[design_file] = completion
    files[RTLLM_TESTBENCH_FILE] = hidden.testbench
    sources = (RTLLM_TIMESCALE_FILE, design_file, RTLLM_TESTBENCH_FILE)
    top = hidden.testbench_top
    sim = options.backend
    waves = options.waves or "$dump" in completion
    c = sim.compile_step(sources, top=top, timeout_s=options.compile_timeout_s)
    s = sim.simulate_step(waves=waves, timeout_s=options.limits.timeout_s, stop_finishes=True)
    steps = (
        Step(c.name, c.argv, c.timeout_s, merge_stderr=True),
        Step(s.name, s.argv, s.timeout_s, merge_stderr=True),
    )
    return Plan(files=files, steps=steps, candidate=completion)


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
        runs = run_batch(jobs, options.limits, isolate=options.isolate, keep_lines=_KEEP_LINES)
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
    layout = task.hidden.unseal(Purpose.SCORING).layout
    if layout is Layout.VERILOG_EVAL_V1:
        verdict = _v1_verdict(run, the_plan.candidate, common, options)
    elif layout is Layout.RTLLM:
        verdict = _rtllm_verdict(run, the_plan.candidate, common, options)
    else:
        verdict = _v2_verdict(run, the_plan.candidate, common, options)
    if not verdict.passed:
        return verdict
    # v1's candidate is a module body: the flags need its header (the prompt) to elaborate it.
    source = the_plan.candidate
    if layout is Layout.VERILOG_EVAL_V1:
        source = task.hidden.unseal(Purpose.SCORING).prompt + "\n" + source
    flags = integrity_flags(source, samples=verdict.samples, log=verdict.log)
    return replace(verdict, integrity=flags)


_MEMORY_WORDS = ("bad_alloc", "out of memory", "Cannot allocate memory", "memory exhausted")
_DISK_FULL = "No space left on device"


def _limit_reason(run: RunResult) -> str | None:
    """Why a run hit one of rtlsmith's resource limits (which the benchmark harness does not have), or None.

    Only a step that failed counts: a design that prints "out of memory" and passes has hit no limit.
    """
    for step in run.steps:
        if not step.ran or step.returncode == 0 or step.timed_out:
            continue
        if step.returncode == 128 + signal.SIGXFSZ:
            return f"{step.name}: file size limit reached (output or a written file grew past the limit)"
        if any(w in step.stdout or w in step.stderr for w in _MEMORY_WORDS):
            return f"{step.name}: memory limit reached"
        if _DISK_FULL in step.stdout or _DISK_FULL in step.stderr:
            return f"{step.name}: disk space ran out (the files the run wrote filled the disk)"
    return None


def _infrastructure_verdict(
    run: RunResult,
    log: str,
    common: dict[str, object],
    options: JudgeOptions,
    excerpt_of: Callable[[str], str],
) -> Verdict | None:
    """Class I for a failed run that failed for the tool's reasons, not the design's, else None.

    A tool that could not start is a tool fault by itself. A failure that may be the tool's (a failed C++
    build, an internal error, a crash, a failed compile that names no line of any source) is the tool's
    when the same tool, in the same sandbox and environment, fails a known-good design too; that check
    runs once while the toolchain stays healthy. A design the tool rejects with its own diagnostics
    (a syntax error at a line of the design) is judged as the design's, whatever else is broken.
    """
    reason = start_failure(run)
    if reason is None:
        symptom = tool_symptom(run)
        if symptom is None:
            return None
        fault = toolchain_fault(
            options.simulator,
            options.limits,
            compile_timeout_s=options.compile_timeout_s,
            isolate=options.isolate,
        )
        if fault is None:
            return None
        reason = f"{symptom}; {fault}"
    return Verdict(
        passed=False, failure_class=FailureClass.INFRASTRUCTURE, reason=reason, log=log,
        log_excerpt=excerpt_of(log), harness_result="", **common,  # type: ignore[arg-type]
    )  # fmt: skip


def _time_reason(run: RunResult, options: JudgeOptions) -> str:
    """Which time limit a run reached, in words, or "" when it reached none."""
    for step in run.steps:
        if step.timed_out:
            return f"{step.name}: time limit reached ({_step_limit(step.name, options):g} s)"
    if run.killed:
        return "the run's overall time limit was reached"
    return ""


def _step_limit(name: str, options: JudgeOptions) -> float:
    return options.compile_timeout_s if name == "compile" else options.limits.timeout_s


def _crash_reason(run: RunResult) -> str:
    """Words for a tool that died of a signal (the class stays the benchmark's: a crash is a failed run)."""
    for step in run.steps:
        sig = step.killed_by_signal
        if sig is None or step.timed_out:
            continue
        name = signal_name(sig)
        why = " (stack overflow? e.g. deep recursion)" if sig == signal.SIGSEGV else ""
        return f"{step.name}: killed by {name}{why}"
    return ""


_NOT_A_BUILD_FAILURE = (FailureClass.PASS, FailureClass.RUNTIME, FailureClass.RUNTIME_ASYNC_RESET)


def _v2_verdict(run: RunResult, candidate: str, common: dict[str, object], options: JudgeOptions) -> Verdict:
    parts: list[str] = []
    timed_out = False
    for step in run.steps:
        if not step.ran:
            continue
        parts.append(step.stdout + step.stderr)
        if step.timed_out:
            timed_out = True
    if run.killed:
        timed_out = True
    log = "".join(p if p.endswith("\n") or not p else p + "\n" for p in parts)
    if timed_out:
        log += "TIMEOUT\n"
    limit = _limit_reason(run)
    hints = mismatch_hints(log)
    first = min((h[2] for h in hints if h[1] > 0), default=None)
    signals = tuple(h[0] for h in hints if h[1] > 0)
    if limit:
        return Verdict(
            passed=False, failure_class=FailureClass.RESOURCE_LIMIT, reason=limit, log=log,
            log_excerpt=excerpt(log), harness_result="", **common,  # type: ignore[arg-type]
        )  # fmt: skip
    analysis = classify_v2_log(log, candidate)
    cls = analysis.failure_class
    build = run.steps[0]
    build_failed = build.ran and build.returncode != 0 and not timed_out
    # A build that failed is never a mismatch (v2's rules read R where no log line says "error", and
    # Verilator writes "%Error"); the benchmark never runs Verilator, so this class is rtlsmith's.
    if not options.backend.harness_native and build_failed and cls in _NOT_A_BUILD_FAILURE:
        cls = FailureClass.COMPILE
    passed = cls is FailureClass.PASS
    if not passed and not timed_out and cls is not FailureClass.TIMEOUT:
        tool_fault = _infrastructure_verdict(run, log, common, options, excerpt)
        if tool_fault is not None:
            return replace(tool_fault, harness_result=analysis.failure_class.value)
    return Verdict(
        passed=passed,
        failure_class=cls,
        mismatches=analysis.mismatches,
        samples=analysis.samples,
        first_mismatch_time=first,
        mismatch_signals=signals,
        harness_result=analysis.failure_class.value,
        log=log,
        log_excerpt=excerpt(log),
        reason=""
        if passed
        else (_time_reason(run, options) or _crash_reason(run) or _build_reason(run, options)),
        **common,  # type: ignore[arg-type]
    )


def _build_reason(run: RunResult, options: JudgeOptions) -> str:
    """Why a Verilator build failed on a healthy toolchain (e.g. C++ it cannot compile for this design)."""
    if options.backend.harness_native:
        return ""
    return tool_symptom(run) or ""


def _v1_verdict(run: RunResult, candidate: str, common: dict[str, object], options: JudgeOptions) -> Verdict:
    stdout = "".join(s.stdout for s in run.steps)
    stderr = "".join(s.stderr for s in run.steps)
    timed_out = run.killed or any(s.timed_out for s in run.steps)
    limit = _limit_reason(run)
    result, mism, samples = classify_v1(stdout, stderr, timed_out)
    if limit and result == "passed":
        # A run stopped at a limit did not finish; its summary line, if any, came from the design.
        result = "failed: " + limit
    log = stdout + ("\n" if stdout and not stdout.endswith("\n") else "") + stderr
    if not limit and not timed_out and result != "passed":
        tool_fault = _infrastructure_verdict(run, log, common, options, excerpt)
        if tool_fault is not None:
            return replace(tool_fault, harness_result=result)
    # The taxonomy comes from the v2 rules on the same log; the pass/fail is v1's own.
    analysis = classify_v2_log(log + ("TIMEOUT\n" if timed_out else ""), candidate)
    passed = result == "passed"
    cls = FailureClass.PASS if passed else analysis.failure_class
    if cls is FailureClass.PASS and not passed:
        # v1 fails warnings on stderr that v2 tolerates.
        cls = FailureClass.COMPILE
    if limit and not passed:
        cls = FailureClass.RESOURCE_LIMIT
    hints = mismatch_hints(stdout)
    return Verdict(
        passed=passed,
        failure_class=cls,
        mismatches=mism if mism is not None else analysis.mismatches,
        samples=samples if samples is not None else analysis.samples,
        first_mismatch_time=min((h[2] for h in hints if h[1] > 0), default=None),
        mismatch_signals=tuple(h[0] for h in hints if h[1] > 0),
        harness_result=result,
        log=log,
        log_excerpt=excerpt(log),
        reason=limit or ("" if passed else (_time_reason(run, options) or _crash_reason(run))),
        **common,  # type: ignore[arg-type]
    )


def _rtllm_verdict(
    run: RunResult, candidate: str, common: dict[str, object], options: JudgeOptions
) -> Verdict:
    """RTLLM: the testbench's own pass/fail text, read by the rules in `rtlsmith.tools.rtllm`."""
    compile_run, sim_run = run.steps[0], run.steps[1]
    compile_log = compile_run.stdout + compile_run.stderr
    sim_log = sim_run.stdout + sim_run.stderr
    compile_timed_out = compile_run.timed_out or (run.killed and not sim_run.ran)
    sim_timed_out = sim_run.timed_out or (run.killed and sim_run.ran)
    log = "".join(p if p.endswith("\n") or not p else p + "\n" for p in (compile_log, sim_log))
    if compile_timed_out or sim_timed_out:
        log += "TIMEOUT\n"
    limit = _limit_reason(run)
    if limit:
        return Verdict(
            passed=False, failure_class=FailureClass.RESOURCE_LIMIT, reason=limit, log=log,
            log_excerpt=rtllm.excerpt(log), harness_result="", **common,  # type: ignore[arg-type]
        )  # fmt: skip
    crash = _crash_reason(run)
    analysis = rtllm.classify_rtllm(
        compile_ok=compile_run.returncode == 0 and not compile_timed_out,
        compile_log=compile_log,
        compile_timed_out=compile_timed_out,
        sim_log=sim_log,
        sim_timed_out=sim_timed_out,
        sim_returncode=sim_run.returncode,
        crash=crash if sim_run.killed_by_signal is not None else "",
        candidate=candidate,
    )
    passed = analysis.failure_class is FailureClass.PASS
    timed_out = compile_timed_out or sim_timed_out or analysis.failure_class is FailureClass.TIMEOUT
    if not passed and not timed_out:
        tool_fault = _infrastructure_verdict(run, log, common, options, rtllm.excerpt)
        if tool_fault is not None:
            return replace(tool_fault, harness_result=analysis.harness_result)
    return Verdict(
        passed=passed,
        failure_class=analysis.failure_class,
        harness_result=analysis.harness_result,
        log=log,
        log_excerpt=rtllm.excerpt(log),
        reason=analysis.reason or ("" if passed else (_time_reason(run, options) or crash)),
        **common,  # type: ignore[arg-type]
    )
