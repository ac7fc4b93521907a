"""Check a property file against a design with Yosys, in the sandbox: each property proven, refuted with a
trace, or unknown within the bound; each assert's precondition and each cover reached or not."""

from __future__ import annotations

import enum
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rtlsmith.assertions import harness as hs
from rtlsmith.assertions.properties import Property, PropertyFile, PropertyFileError, parse_properties
from rtlsmith.errors import ToolNotFoundError
from rtlsmith.formal.cex import parse_sat_table
from rtlsmith.task import Interface
from rtlsmith.tools import yosys as ys
from rtlsmith.tools.sandbox import Limits, command_line, run_steps
from rtlsmith.tools.screen import screen
from rtlsmith.tools.toolchain import require, versions

_ERROR = re.compile(r"^(?:(\S+?):(\d+): )?ERROR: (.*)$", re.M)
_FAIL = ("model found for base case: FAIL!", "SAT proof finished - model found: FAIL!")
_BOUND = re.compile(r"proved base case for (\d+) steps")
_BASE = re.compile(r"^Base case for induction length (\d+) proven\.", re.M)


class Status(enum.Enum):
    PROVEN = "proven"  # holds for every input sequence from power-up (induction closed)
    COUNTEREXAMPLE = "counterexample"  # an input sequence from power-up that breaks it
    UNKNOWN = "unknown"  # no counterexample within the bound, no proof either
    UNSUPPORTED = "unsupported"  # outside the subset, or Yosys rejects it (see `line`)
    REACHED = "reached"  # a cover: a trace from power-up hits it
    UNREACHED = "unreached"  # a cover: no trace within the bound (or ever) hits it
    ERROR = "error"  # the check could not run (the design does not elaborate, a tool is missing, ...)


@dataclass(frozen=True)
class PropertyTrace:
    """A counterexample or witness: every port's value at each time step (one step is one clock cycle)."""

    steps: tuple[tuple[int, tuple[tuple[str, str], ...]], ...]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    vcd: str = ""

    def table(self, max_rows: int = 40) -> str:
        names = [*self.inputs, *self.outputs]
        header = ["step", *names]
        rows = [[str(step), *(_show(dict(values).get(n, "")) for n in names)] for step, values in self.steps]
        rows = rows[-max_rows:]
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        return "\n".join(
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]
        )

    def record(self) -> dict[str, Any]:
        return {"steps": [{"step": s, "values": dict(v)} for s, v in self.steps]}


def _show(bits: str) -> str:
    if len(bits) <= 1 or not set(bits) <= {"0", "1"}:
        return bits
    return f"{len(bits)}'h{int(bits, 2):x}"


@dataclass(frozen=True)
class PropertyResult:
    """One property's verdict on one design."""

    name: str
    kind: str
    line: int
    text: str
    status: Status
    depth: int = 0  # PROVEN: induction length; COUNTEREXAMPLE: failing step; UNKNOWN: steps checked
    trace: PropertyTrace | None = None
    reachable: bool | None = None  # assert: its precondition can hold (None: not checked or unknown)
    witness: PropertyTrace | None = None  # cover / precondition reached here
    message: str = ""

    @property
    def vacuous(self) -> bool:
        """An assert whose precondition never holds (proven or within the bound), or a cover never hit."""
        return self.reachable is False

    def record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "line": self.line,
            "text": self.text,
            "status": self.status.value,
            "depth": self.depth,
            "reachable": self.reachable,
            "vacuous": self.vacuous,
            "message": self.message,
            "trace": self.trace.record() if self.trace else None,
        }


@dataclass(frozen=True)
class PropertyReport:
    """Every property of a file checked against one design."""

    results: tuple[PropertyResult, ...]
    error: str = ""  # the whole check failed (unsupported file, design does not elaborate, ...)
    error_line: int = 0  # line in the property file, when the error is the file's
    unsupported: bool = False
    isolated: bool = False
    wall_s: float = 0.0
    max_steps: int = 0
    tool_versions: dict[str, str] = field(default_factory=dict)
    commands: tuple[tuple[str, ...], ...] = ()
    script: str = ""

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status and r.kind == "assert")

    def result(self, name: str) -> PropertyResult:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(name)

    def record(self) -> dict[str, Any]:
        return {
            "results": [r.record() for r in self.results],
            "error": self.error,
            "error_line": self.error_line,
            "unsupported": self.unsupported,
            "isolated": self.isolated,
            "wall_s": round(self.wall_s, 3),
            "max_steps": self.max_steps,
            "tool_versions": self.tool_versions,
            "yosys": "debian yosys (read_verilog -formal, sat)",
        }


def segments(log: str) -> dict[str, str]:
    """The log split at stage markers: stage name -> the text logged in that stage."""
    out: dict[str, str] = {}
    marks = list(re.finditer(rf"{re.escape(ys.STAGE_MARKER)} (\S+)", log))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(log)
        out[m.group(1)] = log[m.end() : end]
    return out


def _outcome(text: str) -> tuple[Status, int]:
    if any(f in text for f in _FAIL):
        steps = parse_sat_table(text)
        return Status.COUNTEREXAMPLE, max(steps, default=0)
    if "Induction step proven: SUCCESS!" in text:
        tries = re.findall(r"\[induction step (\d+)\]", text)
        return Status.PROVEN, int(tries[-1]) if tries else 0
    bound = _BOUND.search(text)
    if bound:
        return Status.UNKNOWN, int(bound.group(1))
    return Status.UNKNOWN, max((int(n) for n in _BASE.findall(text)), default=0)


def _trace(text: str, interface: Interface, vcd: str) -> PropertyTrace | None:
    steps = parse_sat_table(text)
    if not steps:
        return None
    ports = {p.name for p in interface.ports}
    rows = tuple(
        (step, tuple((k, v) for k, v in sorted(values.items()) if k in ports))
        for step, values in sorted(steps.items())
    )
    inputs = tuple(p.name for p in interface.inputs)
    outputs = tuple(p.name for p in interface.outputs)
    return PropertyTrace(rows, inputs, outputs, vcd)


def _error_report(message: str, line: int = 0, unsupported: bool = False, **kw: Any) -> PropertyReport:
    return PropertyReport((), error=message, error_line=line, unsupported=unsupported, **kw)


def _map_line(error: re.Match[str], interface: Interface, offset: int) -> int:
    if error.group(1) and error.group(1).endswith(hs.PROPS_FILE) and error.group(2):
        return max(1, int(error.group(2)) - hs.header_lines(interface) + offset)
    return 0


def check_properties(
    design: str,
    interface: Interface,
    properties: str | PropertyFile,
    *,
    design_top: str | None = None,
    max_steps: int = 20,
    vacuity: bool = True,
    bmc_only: bool = False,
    timeout_s: float = 60.0,
    isolate: bool = True,
    keep_vcd: bool = True,
) -> PropertyReport:
    """Check every property of `properties` on `design` (top `design_top`, default the interface's module).

    Never raises for bad input: a property file outside the subset, or one Yosys rejects, is a report
    with `unsupported` and the line; a design that does not elaborate is a report with `error`.
    bmc_only: look for counterexamples only (grading mutants), no induction and no vacuity check.
    """
    start = time.monotonic()
    top = design_top or interface.module
    base: dict[str, Any] = {"tool_versions": versions(("yosys", "bwrap")), "max_steps": max_steps}
    try:
        pfile = properties if isinstance(properties, PropertyFile) else parse_properties(properties)
    except PropertyFileError as exc:
        return _error_report(str(exc), exc.line, True, **base)
    refusals = screen(design) + screen(pfile.source)
    if refusals:
        return _error_report("\n".join(r.message() for r in refusals), **base)
    try:
        require("yosys")
    except ToolNotFoundError as exc:
        return _error_report(str(exc), **base)
    offset = pfile.offset
    checks: list[hs.Check] = []
    for p in pfile.properties:
        if p.kind == "assert":
            checks.append(hs.Check(f"check.{p.name}", p.name, "base", bmc_only))
        if vacuity and not bmc_only and p.kind in ("assert", "cover"):
            checks.append(hs.Check(f"probe.{p.name}", p.name, "probe"))
    design_text, _notes = ys.frontend_text(design)
    files = {
        hs.DESIGN_FILE: design_text,
        hs.PROPS_FILE: hs.props_text(interface, pfile.body),
        hs.PROBE_FILE: hs.props_text(interface, pfile.probe_body()),
        hs.WRAPPER_FILE: hs.wrapper(interface, top),
    }
    cmds = hs.script(checks, design_top=top, max_steps=max_steps, probe=vacuity and not bmc_only)
    files[hs.SCRIPT_FILE] = ys.script_text(cmds)
    step = ys.yosys_step(hs.SCRIPT_FILE, timeout_s=timeout_s)
    keep = [ys.LOG_FILE, *(c.vcd for c in checks)] if keep_vcd else [ys.LOG_FILE]
    run = run_steps([step], files, Limits(timeout_s=timeout_s), isolate=isolate, keep=keep)
    log = run.files.get(ys.LOG_FILE, b"").decode("utf-8", errors="replace") or (
        run.steps[0].stdout + run.steps[0].stderr
    )
    base.update(
        isolated=run.isolated,
        wall_s=time.monotonic() - start,
        commands=tuple(tuple(c) for c in command_line([step], isolate=isolate)),
        script=files[hs.SCRIPT_FILE],
    )
    parts = segments(log)
    stages = list(parts)
    err = _ERROR.search(log)
    if err and (not stages or stages[-1] in ("properties", "wrapper")):
        line = _map_line(err, interface, offset)
        where = f"line {line}: " if line else ""
        return _error_report(f"{where}Yosys rejects the properties: {err.group(3)}", line, True, **base)
    if err and stages and stages[-1] == "design":
        return _error_report(f"the design does not elaborate: {err.group(3)}", **base)
    if run.steps[0].timed_out or "done" not in parts:
        why = (
            f"timed out after {timeout_s:g} s"
            if run.steps[0].timed_out
            else (err.group(3) if err else "Yosys stopped early")
        )
        base["error"] = f"the check did not finish: {why}"
    results = [_result(p, parts, interface, run.files) for p in pfile.properties]
    base.setdefault("error", "")
    return PropertyReport(tuple(results), **base)


def _result(
    p: Property, parts: dict[str, str], interface: Interface, files: Mapping[str, bytes]
) -> PropertyResult:
    def vcd_of(name: str) -> str:
        return files.get(f"{name}.vcd", b"").decode("utf-8", errors="replace")

    reachable: bool | None = None
    witness = None
    probe = parts.get(f"probe.{p.name}")
    if probe is not None:
        st, _ = _outcome(probe)
        if st is Status.COUNTEREXAMPLE:
            reachable = True
            witness = _trace(probe, interface, vcd_of(f"probe.{p.name}"))
        else:
            reachable = False
    if p.kind != "assert":
        status = Status.REACHED if reachable else Status.UNREACHED
        return PropertyResult(p.name, p.kind, p.line, p.text, status, reachable=reachable, witness=witness)
    text = parts.get(f"check.{p.name}")
    if text is None:
        return PropertyResult(p.name, p.kind, p.line, p.text, Status.ERROR, message="not checked")
    status, depth = _outcome(text)
    trace = _trace(text, interface, vcd_of(f"check.{p.name}")) if status is Status.COUNTEREXAMPLE else None
    return PropertyResult(p.name, p.kind, p.line, p.text, status, depth, trace, reachable, witness)
