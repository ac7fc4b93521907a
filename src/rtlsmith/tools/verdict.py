"""Verdicts and the failure taxonomy.

VerilogEval v2's classes (scripts/sv-iv-analyze) are reproduced exactly, rule order included: the first
matching log line wins for S e 0 n w m c T; then p, then C, then pass; else r/R from the candidate text.
rtlsmith adds classes of its own for what the benchmark harness never sees: a refused design (X), a
resource limit (L: memory, output or file size) and an infrastructure problem (I: a tool missing or broken,
or a task whose own reference fails its testbench: scoring/reference_check.py), and for testbenches that
judge themselves (RTLLM) a run that printed no verdict (U; see tools/rtllm.py).

Two readings of a pass: `Verdict.passed` is the benchmark harness's (so figures compare with published
ones), `Verdict.strict_passed` is rtlsmith's, which also requires no integrity flag (see
`screen.integrity_flags`: a pass that reaches into the testbench, prints its summary line, ends the run
early or names the hidden reference). `Verdict.strict()` turns a flagged pass into class F (FLAGGED), for
the agent and `bench`, which count only strict passes.
"""

from __future__ import annotations

import enum
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any


class FailureClass(enum.Enum):
    PASS = "."
    SYNTAX = "S"
    EXPLICIT_CAST = "e"
    ZERO_SIZE_CONSTANT = "0"
    NO_SENSITIVITIES = "n"
    DECLARED_AS_WIRE = "w"
    UNKNOWN_MODULE = "m"
    UNBOUND_CLK = "c"
    TIMEOUT = "T"
    UNBOUND_SIGNAL = "p"
    COMPILE = "C"
    RUNTIME_ASYNC_RESET = "r"
    RUNTIME = "R"
    REFUSED = "X"
    RESOURCE_LIMIT = "L"
    INFRASTRUCTURE = "I"
    NO_VERDICT = "U"
    NO_DESIGN = "-"
    FLAGGED = "F"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    FailureClass.PASS: "pass",
    FailureClass.SYNTAX: "syntax error",
    FailureClass.EXPLICIT_CAST: "assignment requires an explicit cast",
    FailureClass.ZERO_SIZE_CONSTANT: "sized constant of size zero",
    FailureClass.NO_SENSITIVITIES: "process has no sensitivities",
    FailureClass.DECLARED_AS_WIRE: "assigned in a process but declared as wire",
    FailureClass.UNKNOWN_MODULE: "unknown module type",
    FailureClass.UNBOUND_CLK: "unable to bind clk",
    FailureClass.TIMEOUT: "timeout",
    FailureClass.UNBOUND_SIGNAL: "unable to bind wire/reg",
    FailureClass.COMPILE: "other compile error",
    FailureClass.RUNTIME_ASYNC_RESET: "mismatch (candidate uses an asynchronous reset)",
    FailureClass.RUNTIME: "mismatch against the reference",
    FailureClass.REFUSED: "refused before running (reaches outside the sandbox)",
    FailureClass.RESOURCE_LIMIT: "hit a memory, output or file-size limit",
    FailureClass.INFRASTRUCTURE: "a tool is missing or failed, or the task's reference fails its testbench",
    FailureClass.NO_VERDICT: "the testbench printed no pass/fail verdict",
    FailureClass.NO_DESIGN: "no design: the agent declined or wrote no module (nothing was judged)",
    FailureClass.FLAGGED: "passed the benchmark's testbench, but not by its ports alone (integrity flags)",
}

_MISMATCH_LINE = re.compile(r"^Mismatches: (\d+) in (\d+) samples$")
_MISMATCH_ANY = re.compile(r"Mismatches: ([0-9]*) in ([0-9]*) samples")
_HINT = re.compile(r"Hint: Output '([^']+)' has (\d+) mismatches\. First mismatch occurred at time (\d+)\.")

# (substring, class) checked in this order on each log line, as sv-iv-analyze does; first hit wins.
_RULES_BEFORE_BIND: tuple[tuple[str, FailureClass], ...] = (
    ("error: This assignment requires an explicit cast", FailureClass.EXPLICIT_CAST),
    ("error: Sized numeric constant must have a size greater than zero", FailureClass.ZERO_SIZE_CONSTANT),
    ("warning: always_comb process has no sensitivities", FailureClass.NO_SENSITIVITIES),
    ("found no sensitivities so it will never trigger", FailureClass.NO_SENSITIVITIES),
    ("is declared here as wire", FailureClass.DECLARED_AS_WIRE),
    ("Unknown module type", FailureClass.UNKNOWN_MODULE),
)
_RULES_AFTER_BIND: tuple[tuple[str, FailureClass], ...] = (
    ("Unable to bind wire/reg/memory `clk'", FailureClass.UNBOUND_CLK),
    ("TIMEOUT", FailureClass.TIMEOUT),
)
_ASYNC_RESET_MARKERS = ("posedge reset", "negedge reset", "posedge r)")

# Every substring a log line must contain to matter to the rules above (v2's and v1's) or to the hints.
# A log longer than the read-back cap keeps these lines, so its verdict is the one the whole log gives.
DECISIVE_SUBSTRINGS = (
    "error",
    "sensitivities",
    "is declared here as wire",
    "Unknown module type",
    "Unable to bind wire/reg",
    "TIMEOUT",
    "Mismatches:",
    "Hint: Output",
)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def text_lines(text: str) -> list[str]:
    """Lines as Python's text-mode file iteration gives them (split at \\n, \\r\\n and \\r only), which is
    how sv-iv-analyze reads a log; str.splitlines() also splits at form feeds and other separators."""
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


@dataclass(frozen=True)
class LogAnalysis:
    failure_class: FailureClass
    mismatches: int | None
    samples: int | None


def classify_v2_log(log: str, candidate: str) -> LogAnalysis:
    """VerilogEval v2's sv-iv-analyze applied to a combined compile+run log and the candidate source."""
    error_c = error_p = no_mismatch = False
    mismatches: int | None = None
    samples: int | None = None
    for line in text_lines(log):
        if "syntax error" in line:
            return LogAnalysis(FailureClass.SYNTAX, mismatches, samples)
        if "error" in line:
            error_c = True
        for needle, cls in _RULES_BEFORE_BIND:
            if needle in line:
                return LogAnalysis(cls, mismatches, samples)
        if "Unable to bind wire/reg" in line:
            error_p = True
        for needle, cls in _RULES_AFTER_BIND:
            if needle in line:
                return LogAnalysis(cls, mismatches, samples)
        m = _MISMATCH_LINE.match(line)
        if m:
            count = int(m.group(1))
            samples = int(m.group(2))
            if count == 0:
                no_mismatch = True
            else:
                mismatches = count
    if error_p:
        return LogAnalysis(FailureClass.UNBOUND_SIGNAL, mismatches, samples)
    if error_c:
        return LogAnalysis(FailureClass.COMPILE, mismatches, samples)
    if no_mismatch:
        return LogAnalysis(FailureClass.PASS, 0, samples)
    for line in text_lines(candidate):
        if any(marker in line for marker in _ASYNC_RESET_MARKERS):
            return LogAnalysis(FailureClass.RUNTIME_ASYNC_RESET, mismatches, samples)
    return LogAnalysis(FailureClass.RUNTIME, mismatches, samples)


V1_UNDECODABLE = "failed: 'utf-8' codec can't decode the simulator's output"


def classify_v1(stdout: str, stderr: str, timed_out: bool) -> tuple[str, int | None, int | None]:
    """VerilogEval v1's execution.py rule: its result string, mismatch count and sample count.

    execution.py decodes the output strictly as UTF-8, and a decoding error fails the sample; output read
    here with replacement characters (U+FFFD) stands for that.
    """
    if timed_out:
        return "timed out", None, None
    if "\ufffd" in stdout or "\ufffd" in stderr:
        return V1_UNDECODABLE, None, None
    match = _MISMATCH_ANY.search(stdout)
    if "syntax error" in stderr:
        return "failed: syntax error.", None, None
    if len(stderr) > 0:
        return "failed: compile error.", None, None
    if match:
        cor, tot = (int(g) if g else 0 for g in match.groups())
        if cor == 0:
            return "passed", 0, tot
        return f"failed: {cor} out of {tot} samples.", cor, tot
    return "failed: info string not matched.", None, None


def mismatch_hints(log: str) -> tuple[tuple[str, int, int], ...]:
    """(signal, mismatch count, first mismatch time) for each output the testbench reports as wrong."""
    return tuple((m.group(1), int(m.group(2)), int(m.group(3))) for m in _HINT.finditer(log))


@dataclass(frozen=True)
class Verdict:
    """The judgement of one candidate on one task, with everything needed to trust and reproduce it."""

    task_id: str
    passed: bool
    failure_class: FailureClass
    simulator: str
    mismatches: int | None = None
    samples: int | None = None
    first_mismatch_time: int | None = None
    mismatch_signals: tuple[str, ...] = ()
    harness_result: str = ""  # the benchmark harness's own result string, where it has one (v1)
    log_excerpt: str = ""
    log: str = ""
    isolated: bool = False
    commands: tuple[tuple[str, ...], ...] = ()
    tool_versions: dict[str, str] = field(default_factory=dict)
    limits: dict[str, float | int] = field(default_factory=dict)
    wall_s: float = 0.0
    reason: str = ""  # for X/L/I: what happened, in words
    # Ways this candidate could pass without being right (see screen.integrity_flags); never changes `passed`.
    integrity: tuple[str, ...] = ()

    @property
    def strict_passed(self) -> bool:
        """rtlsmith's reading: the harness passed it and nothing in it can spoof that pass."""
        return self.passed and not self.integrity

    @property
    def harness_passed(self) -> bool:
        """The benchmark harness's reading, also for a verdict `strict()` has turned into class F."""
        return self.passed or self.failure_class is FailureClass.FLAGGED

    def strict(self) -> Verdict:
        """This verdict as rtlsmith counts it: a flagged harness pass becomes a failure of class F."""
        if not (self.passed and self.integrity):
            return self
        reason = "passed the benchmark's testbench, but: " + "; ".join(self.integrity)
        return replace(self, passed=False, failure_class=FailureClass.FLAGGED, reason=reason)

    def record(self, *, include_log: bool = False) -> dict[str, Any]:
        """A JSON-ready dict; the full log only on request."""
        d = asdict(self)
        d["failure_class"] = self.failure_class.value
        d["failure_description"] = self.failure_class.description
        d["commands"] = [list(c) for c in self.commands]
        d["mismatch_signals"] = list(self.mismatch_signals)
        d["integrity"] = list(self.integrity)
        d["harness_passed"] = self.harness_passed
        d["strict_passed"] = self.strict_passed
        if not include_log:
            d.pop("log")
        return d


def excerpt(log: str, limit: int = 1500) -> str:
    """The lines of a log a person needs first: errors and hints, else its head, capped at `limit` chars."""
    lines = log.splitlines()
    keys = (
        "error",
        "Error",
        "sorry",
        "warning",
        "Hint",
        "Mismatches",
        "TIMEOUT",
        "refused",
        "limit",
        "rtlsmith:",
    )
    picked = [ln for ln in lines if any(k in ln for k in keys)] or lines[:20]
    text = "\n".join(picked)
    tail = "\n... (truncated)"
    return text if len(text) <= limit else text[: limit - len(tail)] + tail
