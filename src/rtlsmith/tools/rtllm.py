"""RTLLM's pass/fail rules: how a run of an RTLLM `testbench.v` is read.

RTLLM (hkust-zhiyao/RTLLM, v1.1 and v2.0) has no mismatch count. Each testbench checks the design itself
and prints a verdict line; its harness (`auto_run.py`, since v1.1) runs `make vcs` (VCS) then
`make sim > output.txt` with an 8 s limit and counts a design as functionally correct when the text `Pass`
or `pass` occurs anywhere in the output. The testbenches read for these rules (v2.0 layout unless noted)
are adder_32bit, adder_bcd, div_16bit, radix2_div, fixed_point_adder, float_multi, sequence_detector,
ring_counter, up_down_counter, LIFObuffer, LFSR, barrel_shifter, alu, RAM, clkgenerator, freq_divbyfrac,
traffic_light, and v1.1's JC_counter, calendar, asyn_fifo and serial2parallel. What they print:

- pass: one line containing `Your Design Passed`, framed by `=` with or without spaces
  (`===========Your Design Passed===========`, `=========== Your Design Passed ===========`);
- fail, a summary: `Test completed with N /100 failures`, `... with N/20 failures`, `... with N failures`;
  or a banner `===========Error===========`, `===========Failed===========`, `=========== Failed ===========`
  (several pass the error count as an extra argument, so a number may follow the banner);
- fail, per check: lines such as `Failed at i=3, ...` (ring_counter, freq_divbyfrac), `Test failed: A = ...`
  (adder_bcd, fixed_point_adder), `Error: dividend=...` (radix2_div).

rtlsmith's rule, first match wins:

1. the compile failed: VerilogEval's classes for the compile log (S e 0 n w m c p, else C), or T when the
   compiler ran out of time;
2. the simulation ran out of time: T, whatever it printed (the harness fails these too);
3. the simulator died of a signal: R;
4. any fail line above: R. This is stricter than `auto_run.py`: ring_counter prints `Failed at ...` for
   each wrong cycle and then `Your Design Passed` unconditionally, which the harness counts as a pass;
5. a pass line, and the simulator exited with status 0: pass;
6. otherwise U: the testbench printed no verdict rtlsmith knows (it ended early, a `$finish` in the
   design, or a testbench with other wording). Never a silent pass.

The harness's own text rule is kept beside the verdict as `harness_result` (`passed`, `failed`,
`compile failed`, `timed out`; the `result` of each `rtlsmith score` record), so a reader can see where the
two disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rtlsmith.tools.verdict import FailureClass, classify_v2_log, text_lines

PASS_LINE = re.compile(r"Your Design Passed")
_FAIL_LINES = (
    re.compile(r"Test completed with\s+-?\d+\s*(?:/\s*\d+\s*)?failures", re.I),
    re.compile(r"=+\s*(?:Failed|Error)\s*=+"),
    re.compile(r"^\s*(?:Test\s+)?Fail(?:ed|ure)\b", re.I),
    re.compile(r"^\s*Error\b", re.I),
)
# What VerilogEval's rules say of a log with no compile error in it: a compile that failed so is C.
_NOT_COMPILE_CLASSES = (FailureClass.PASS, FailureClass.RUNTIME, FailureClass.RUNTIME_ASYNC_RESET)

# Every substring a line must contain to matter to these rules or to the harness's reading, so a log past
# the read-back cap keeps it.
DECISIVE_SUBSTRINGS = ("Pass", "pass", "Fail", "fail", "Error", "ERROR", "error")


@dataclass(frozen=True)
class RtllmAnalysis:
    failure_class: FailureClass
    harness_result: str  # auto_run.py's reading of the same run
    reason: str = ""


def is_fail_line(line: str) -> bool:
    """Whether a line of simulation output reports a failed check."""
    return any(p.search(line) for p in _FAIL_LINES)


def fail_lines(log: str) -> list[str]:
    """The lines of a simulation log that report a failed check."""
    return [line for line in text_lines(log) if is_fail_line(line)]


def harness_result(compiled: bool, timed_out: bool, sim_log: str) -> str:
    """What RTLLM's auto_run.py concludes: `Pass` or `pass` anywhere in a run that compiled and ended."""
    if not compiled:
        return "compile failed"
    if timed_out:
        return "timed out"
    return "passed" if ("Pass" in sim_log or "pass" in sim_log) else "failed"


def classify_compile(compile_log: str, candidate: str) -> FailureClass:
    """The class of a failed compile: VerilogEval's rules on its log, else C."""
    cls = classify_v2_log(compile_log, candidate).failure_class
    return FailureClass.COMPILE if cls in _NOT_COMPILE_CLASSES else cls


def classify_rtllm(
    *,
    compile_ok: bool,
    compile_log: str,
    compile_timed_out: bool,
    sim_log: str,
    sim_timed_out: bool,
    sim_returncode: int | None,
    crash: str,
    candidate: str,
) -> RtllmAnalysis:
    """Apply the rules of this module's docstring to one compile and simulation."""
    harness = harness_result(compile_ok, sim_timed_out, sim_log)
    if compile_timed_out:
        return RtllmAnalysis(FailureClass.TIMEOUT, harness, "the compiler ran out of time")
    if not compile_ok:
        return RtllmAnalysis(classify_compile(compile_log, candidate), harness)
    if sim_timed_out:
        return RtllmAnalysis(FailureClass.TIMEOUT, harness, "the simulation ran out of time")
    if crash:
        return RtllmAnalysis(FailureClass.RUNTIME, harness, crash)
    failed = fail_lines(sim_log)
    if failed:
        return RtllmAnalysis(FailureClass.RUNTIME, harness, f"the testbench reports: {failed[0].strip()}")
    if any(PASS_LINE.search(line) for line in text_lines(sim_log)):
        if sim_returncode == 0:
            return RtllmAnalysis(FailureClass.PASS, harness)
        why = f"the testbench printed its pass line, but the simulator exited with status {sim_returncode}"
        return RtllmAnalysis(FailureClass.RUNTIME, harness, why)
    return RtllmAnalysis(
        FailureClass.NO_VERDICT,
        harness,
        "the testbench printed neither `Your Design Passed` nor a failure line",
    )


_EXCERPT_KEYS = ("error", "Error", "ERROR", "sorry", "warning", "Passed", "TIMEOUT", "limit")


def excerpt(log: str, limit: int = 1500) -> str:
    """The lines of an RTLLM run a person needs first: errors, verdict and failed checks, else the head."""
    lines = text_lines(log)
    picked = [ln for ln in lines if any(k in ln for k in _EXCERPT_KEYS) or is_fail_line(ln)]
    text = "\n".join(picked or lines[:20])
    tail = "\n... (truncated)"
    return text if len(text) <= limit else text[: limit - len(tail)] + tail
