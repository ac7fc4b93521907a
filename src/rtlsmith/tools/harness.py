"""What every benchmark's harness is built from: how to judge (`JudgeOptions`), what a judgement runs (a
`Plan`: files and steps, as data), the module that dumps waves for testbenches that dump none, and the
readings of a finished run that every pass rule shares (a resource limit, a time limit, a crash, a fault of
the tool rather than the design).

A benchmark's own rules (`rtlsmith.benchmarks`) build the plan and read the run into a `Verdict`; the judge
(`tools/judge.py`) runs the plan. Nothing here knows a benchmark.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from rtlsmith.simulators import Simulator, get_simulator
from rtlsmith.tools.faults import signal_name, start_failure, tool_symptom, toolchain_fault
from rtlsmith.tools.sandbox import Limits, RunResult, Step, command_line
from rtlsmith.tools.verdict import FailureClass, Verdict

CANDIDATE_FILE = "TopModule.sv"  # VerilogEval v2: the candidate; v1: the whole concatenated file


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


def logged(steps: Sequence[Step], *, merge_stderr: bool) -> tuple[Step, ...]:
    """A simulator's steps as a benchmark's harness logs them: stderr merged into stdout (`&>`) or read
    apart."""
    return tuple(replace(step, merge_stderr=merge_stderr) for step in steps)


def dumps_waves(testbench: str) -> str:
    """The VCD file a testbench dumps to (`$dumpfile("...")`), or "" when it dumps none."""
    found = _DUMPFILE.search(testbench or "")
    return found.group(1) if found else ""


# The fields every verdict of one judgement carries (task id, simulator, tool versions, limits, isolation,
# commands, wall time), passed to a pass rule as keyword arguments for `Verdict`.
Common = Mapping[str, object]

_MEMORY_WORDS = ("bad_alloc", "out of memory", "Cannot allocate memory", "memory exhausted")
_DISK_FULL = "No space left on device"


def limit_reason(run: RunResult) -> str | None:
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


def infrastructure_verdict(
    run: RunResult,
    log: str,
    common: Common,
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


def time_reason(run: RunResult, options: JudgeOptions) -> str:
    """Which time limit a run reached, in words, or "" when it reached none."""
    for step in run.steps:
        if step.timed_out:
            return f"{step.name}: time limit reached ({_step_limit(step.name, options):g} s)"
    if run.killed:
        return "the run's overall time limit was reached"
    return ""


def _step_limit(name: str, options: JudgeOptions) -> float:
    return options.compile_timeout_s if name == "compile" else options.limits.timeout_s


def crash_reason(run: RunResult) -> str:
    """Words for a tool that died of a signal (the class stays the benchmark's: a crash is a failed run)."""
    for step in run.steps:
        sig = step.killed_by_signal
        if sig is None or step.timed_out:
            continue
        name = signal_name(sig)
        why = " (stack overflow? e.g. deep recursion)" if sig == signal.SIGSEGV else ""
        return f"{step.name}: killed by {name}{why}"
    return ""


def build_reason(run: RunResult, options: JudgeOptions) -> str:
    """Why a Verilator build failed on a healthy toolchain (e.g. C++ it cannot compile for this design)."""
    if options.backend.harness_native:
        return ""
    return tool_symptom(run) or ""


def joined_log(parts: list[str]) -> str:
    """Step outputs joined into one log, each ending with a newline."""
    return "".join(p if p.endswith("\n") or not p else p + "\n" for p in parts)
