"""Telling a tool's failure from a design's: a tool that could not start is at fault whatever the design;
any other failure is the tool's when the same tool, run the same way, fails a known-good design too.
"""

from __future__ import annotations

import os
import re
import signal
import tempfile
from collections.abc import Sequence

from rtlsmith.errors import ToolNotFoundError
from rtlsmith.simulators import get_simulator
from rtlsmith.tools.sandbox import Limits, RunResult, run_steps

# How a command that could not be started is reported, by `env`, `timeout` or the shell (exit 126 or 127).
_START_FAILURE = re.compile(
    r"^(?:env|timeout|/bin/sh|sh)(?:: \d+)?: .*(?:No such file or directory|not found|Permission denied"
    r"|cannot execute|failed to run command|Exec format error)",
    re.MULTILINE,
)
# Verilator accepted the design and the C++ build of its output failed (a missing `python`, compiler, ...).
_MAKE_FAILURE = re.compile(r"^%Error: 'make [^\n]*' exited with \d+", re.MULTILINE)
# A diagnostic at a place in a source file (`TopModule.sv:3: syntax error`, `%Error: test.sv:75:12: ...`).
_LOCATED = re.compile(r"[\w./-]+\.(?:sv|v|svh|vh):\d+")
_INTERNAL_ERROR = ("Internal Error", "internal error", "Assertion failed", "assertion failed")


def start_failure(run: RunResult) -> str | None:
    """A step whose tool could not be started at all: a tool fault by itself, whatever the design.

    It takes the exit status of a command that never ran (126 or 127) and the launcher's own message about
    one of the step's commands, which a design's output cannot produce together."""
    for step in run.steps:
        if step.returncode not in (126, 127):
            continue
        commands = [t for t in step.argv if t and not t.startswith("-") and "=" not in t]
        for m in _START_FAILURE.finditer(step.stdout + step.stderr):
            if any(c in m.group(0) for c in commands):
                return f"{step.name}: the tool could not be started: {m.group(0).strip()}"
    return None


def tool_symptom(run: RunResult) -> str | None:
    """Words for a failure that may be the tool's rather than the design's, or None: a failed C++ build of
    Verilator's output, a tool that reports an internal error, one killed by a signal it did not get from
    a limit, or a compile that failed without a diagnostic at any line of a source."""
    for step in run.steps:
        if not step.ran or step.returncode == 0 or step.timed_out:
            continue
        text = step.stdout + step.stderr
        m = _MAKE_FAILURE.search(text)
        if m:
            detail = _first_line(text, ("not found", "rror", "No such file"), exclude=m.group(0))
            return f"{step.name}: Verilator's C++ build failed ({detail or m.group(0)})"
        for word in _INTERNAL_ERROR:
            if word in text:
                return f"{step.name}: the tool reported an internal error ({_first_line(text, (word,))})"
        sig = step.killed_by_signal
        if sig is not None and sig not in (signal.SIGXFSZ, signal.SIGKILL):
            return f"{step.name}: killed by {signal_name(sig)}"
        if step.name == "compile" and not _LOCATED.search(text):
            line = _first_line(text, ("rror", "not found", "No such file")) or text.strip()[:300]
            return f"{step.name}: failed without pointing at any source line ({line})"
    return None


def _first_line(text: str, needles: Sequence[str], exclude: str = "") -> str:
    for line in text.splitlines():
        if any(n in line for n in needles) and (not exclude or exclude not in line):
            return line.strip()[:300]
    return ""


_CANARY = """\
module tb;
  integer n = 1;
  initial begin
    #1 $display("Mismatches: 0 in %0d samples", n);
    $finish;
  end
endmodule
"""
_HEALTHY: set[tuple[object, ...]] = set()


def toolchain_fault(
    simulator: str, limits: Limits, *, compile_timeout_s: float, isolate: bool = True
) -> str | None:
    """Why `simulator` fails on a known-good design in this setting (same sandbox, limits and
    environment), or None when it compiles and runs it. A healthy answer is remembered per setting."""
    try:
        sim = get_simulator(simulator)
        c = sim.compile_step(["canary.sv"], timeout_s=compile_timeout_s)
        s = sim.simulate_step(timeout_s=limits.timeout_s)
    except ToolNotFoundError as exc:
        return str(exc)
    key = (c.argv, s.argv, isolate, limits, tuple(sorted(os.environ.items())), tempfile.gettempdir())
    if key in _HEALTHY:
        return None
    run = run_steps([c, s], {"canary.sv": _CANARY}, limits, isolate=isolate)
    for step in run.steps:
        if step.returncode != 0:
            text = step.stdout + step.stderr
            status = "did not run" if not step.ran else f"exit status {step.returncode}"
            detail = _first_line(text, ("rror", "not found", "No such file")) or text.strip()[:300]
            return f"{simulator} {step.name} fails on a known-good design ({status}): {detail}"
    if "Mismatches: 0 in 1 samples" not in run.step(s.name).stdout:
        return f"{simulator} runs a known-good design but does not print its result"
    _HEALTHY.add(key)
    return None


def signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"
