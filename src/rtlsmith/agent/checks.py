"""The checks the agent may run on a candidate, each through the sandbox, each returning a `CheckReport`.

- `lint`: refuse hostile system tasks, pyslang syntax check, interface check, then Verilator
  `--lint-only -Wall` (warnings are feedback, errors block).
- `simulate`: compile and run a public (or screened self-written) testbench with Icarus; verdict from its
  `MISMATCH` / `Mismatches: N in M samples` lines; the normalized output's hash identifies the behaviour.
- `screen_testbench`: accept a self-written testbench only if it compiles against an interface stub and fails
  on mutants of the candidate (outputs tied to 0, outputs inverted, reset ignored).
- `oracle`: the hidden testbench through `judge`, only with hidden checks the caller unsealed for ORACLE.
- `formal`: equivalence with a user-supplied reference through `rtlsmith.formal`, when that package is
  present.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rtlsmith.agent import feedback as fb
from rtlsmith.errors import RtlsmithError
from rtlsmith.hdl import module_names, parse_interface, syntax_errors
from rtlsmith.simulators import icarus, verilator
from rtlsmith.task import HiddenChecks, Interface, Port, PublicTask, Sealed, Task, Vector
from rtlsmith.tools.sandbox import Limits, RunResult, Step, command_line, run_steps
from rtlsmith.tools.screen import integrity_flags, screen
from rtlsmith.tools.toolchain import have
from rtlsmith.tools.verdict import FailureClass

_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_SUMMARY = re.compile(r"Mismatches: (\d+) in (\d+) samples")
_RESET_NAME = re.compile(r"^a?(?:rst|reset)(?:_?n|_ni|_b)?$", re.I)
_NOISE = ("VCD info", "VCD warning", "$finish called", "finish called at", "Simulation finished at")


@dataclass(frozen=True)
class ToolRun:
    """One sandbox invocation, for the trace: what ran and how long it took."""

    tool: str
    commands: tuple[tuple[str, ...], ...]
    ok: bool
    wall_s: float
    isolated: bool = False

    def record(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "commands": [list(c) for c in self.commands],
            "ok": self.ok,
            "wall_s": round(self.wall_s, 4),
            "isolated": self.isolated,
        }


@dataclass(frozen=True)
class CheckReport:
    """The outcome of one check: pass/fail, feedback for the next prompt, and what ran."""

    name: str
    ok: bool
    summary: str
    feedback: str = ""
    runs: tuple[ToolRun, ...] = ()
    behaviour_hash: str | None = None  # simulate only: hash of the normalized simulation output
    details: dict[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        return {
            "check": self.name,
            "ok": self.ok,
            "summary": self.summary,
            "behaviour_hash": self.behaviour_hash,
            **({"details": self.details} if self.details else {}),
        }

    def step_fields(self) -> dict[str, Any]:
        """What a trace step records of this check: the tools that ran and the verdict."""
        return {"tools": [r.record() for r in self.runs], "verdicts": [self.record()]}


def source_hash(source: str) -> str:
    """Hash of the source with comments removed and whitespace collapsed: reformatting does not change it."""
    text = _COMMENTS.sub(" ", source)
    text = re.sub(r"\s+", " ", text).strip()
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def behaviour_hash(sim_output: str) -> str:
    """Hash of a simulation's output without tool chatter (file paths, VCD notices, the finish line)."""
    lines = [ln.strip() for ln in sim_output.splitlines() if ln.strip() and not any(n in ln for n in _NOISE)]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:20]


def _candidate_file(interface: Interface) -> str:
    return f"{interface.module}.sv"


def _tool_run(tool: str, steps: Sequence[Step], run: RunResult, isolate: bool) -> ToolRun:
    ok = all(s.returncode == 0 for s in run.steps if s.ran) and not run.killed
    return ToolRun(
        tool, tuple(tuple(c) for c in command_line(steps, isolate=isolate)), ok, run.wall_s, run.isolated
    )


# ---------------------------------------------------------------------------------------------------- lint


def lint(
    source: str, interface: Interface, *, use_verilator: bool, limits: Limits, isolate: bool
) -> CheckReport:
    """Syntax, interface and Verilator lint. Errors block (ok=False); warnings come back as feedback."""
    refusals = screen(source)
    if refusals:
        msgs = [fb.Located(r.line, 0, "error", f"{r.construct}: {r.reason}", "screen") for r in refusals]
        text = fb.located_feedback(source, msgs, "The design uses constructs that are not allowed:")
        return CheckReport("lint", False, f"refused: {refusals[0].message()}", text)
    errors = syntax_errors(source)
    if errors:
        located = fb.parse_located(errors, "source", "pyslang")
        text = fb.located_feedback(source, located, "Syntax errors (pyslang):") or errors
        return CheckReport("lint", False, f"syntax: {len(located) or 1} error(s)", text)
    problem = interface_problem(source, interface)
    if problem:
        return CheckReport("lint", False, "interface mismatch", problem)
    file = _candidate_file(interface)
    # Icarus compiles it as the judge will (its flags): what it rejects the judge rejects too, and Verilator
    # accepts some of it.
    steps: list[Step] = []
    if have("iverilog"):
        steps.append(icarus.compile_step([file], top=interface.module))
    lint_verilator = use_verilator and have("verilator")
    if lint_verilator:
        steps.append(replace(verilator.lint_step([file], top=interface.module), always=True))
    if not steps:
        return CheckReport("lint", True, "syntax ok; no compiler or linter installed, lint skipped")
    run = run_steps(steps, {file: source}, limits, isolate=isolate)
    tool = _tool_run("iverilog+verilator" if len(steps) == 2 else steps[0].name, steps, run, isolate)
    compile_run = run.steps[0] if have("iverilog") else None
    if compile_run is not None and compile_run.returncode not in (0, None):
        log = compile_run.stdout + compile_run.stderr
        located = [m for m in fb.parse_located(log, file, "iverilog") if m.severity == "error"]
        text = fb.located_feedback(source, located, "Icarus Verilog (the simulator that judges) rejects it:")
        if not text:
            text = "Icarus Verilog (the simulator that judges) rejects it:\n" + "\n".join(
                fb.unlocated(log, ("error", "rror", "syntax")) or log.splitlines()[:10]
            )
        return CheckReport("lint", False, f"iverilog: {len(located) or 1} error(s)", text, (tool,),
                           details={"compile_log": log[-4000:]})  # fmt: skip
    if not lint_verilator:
        reason = "verilator lint off" if not use_verilator else "verilator absent; lint skipped"
        return CheckReport("lint", True, f"compiles; {reason}", "", (tool,))
    vrun = run.steps[-1]
    text = vrun.stdout + vrun.stderr
    located = fb.parse_located(text, file, "verilator")
    errs = [m for m in located if m.severity == "error"]
    warns = [m for m in located if m.severity == "warning"]
    loose = [
        ln for ln in fb.unlocated(text, ("%Error",))
        if not any(k in ln for k in ("Exiting due to", "Cannot continue", file))
    ]  # fmt: skip
    if errs or loose or run.killed:
        body = fb.located_feedback(source, errs + warns, "Verilator lint errors:") or "Verilator lint failed:"
        if loose:
            body += "\n" + "\n".join(loose)
        return CheckReport("lint", False, f"verilator: {len(errs) or len(loose)} error(s)", body, (tool,))
    warn_text = fb.located_feedback(source, warns, "Verilator lint warnings (worth fixing):")
    summary = f"lint clean ({len(warns)} warning(s))" if warns else "lint clean"
    return CheckReport("lint", True, summary, warn_text, (tool,))


def interface_problem(source: str, interface: Interface) -> str:
    """Why the candidate's ports differ from the interface, or "" when they agree."""
    try:
        got = parse_interface(source, interface.module)
    except RtlsmithError as exc:
        return f"{exc}. The module must be declared exactly as:\n{interface.header()}"
    want = {p.name: p for p in interface.ports}
    have_ports = {p.name: p for p in got.ports}
    issues: list[str] = []
    for name, p in want.items():
        q = have_ports.get(name)
        if q is None:
            issues.append(f"port `{name}` is missing")
        elif q.direction != p.direction or q.width != p.width:
            got_desc, want_desc = f"{q.direction} [{q.width} bit(s)]", f"{p.direction} [{p.width}]"
            issues.append(f"port `{name}` is {got_desc}, expected {want_desc}")
    issues += [f"port `{n}` is not in the interface" for n in have_ports if n not in want]
    if not issues:
        return ""
    listing = "\n- ".join(issues)
    return f"The module's ports do not match the interface:\n- {listing}\nUse:\n{interface.header()}"


# ------------------------------------------------------------------------------------------------ simulate


def _testbench_top(tb: str, interface: Interface) -> str | None:
    names = [n for n in module_names(_COMMENTS.sub(" ", tb)) if n != interface.module]
    if "tb" in names:
        return "tb"
    instantiated = {n for n in names if re.search(rf"^\s*{re.escape(n)}\s+(#\s*\(|[A-Za-z_])", tb, re.M)}
    tops = [n for n in names if n not in instantiated]
    return tops[0] if tops else (names[0] if names else None)


def sim_result(log: str, timed_out: bool) -> str:
    """`pass`, `fail`, `timeout` or `no-verdict` from a testbench's output."""
    if timed_out or "TIMEOUT" in log:
        return "timeout"
    counts = _SUMMARY.findall(log)
    if "MISMATCH" in log or re.search(r"\bFAIL(ED)?\b", log) or any(int(bad) > 0 for bad, _ in counts):
        return "fail"
    if counts or re.search(r"\bPASS(ED)?\b", log):
        return "pass"
    return "no-verdict"


def integrity_feedback(flags: Sequence[str]) -> str:
    """Repair feedback for a design whose pass does not rest on its ports alone (see `integrity_flags`)."""
    listed = "\n".join(f"- {flag}" for flag in flags)
    return (
        "The testbench reports a pass, but it does not count: the design must be judged by the values on "
        f"its ports alone, and it\n{listed}\nRemove these constructs and describe the behaviour instead."
    )


def simulate(
    source: str,
    testbench: str,
    interface: Interface,
    *,
    limits: Limits,
    isolate: bool,
    vectors: Sequence[Vector] = (),
    label: str = "public testbench",
) -> CheckReport:
    """Compile `source` with `testbench` under Icarus and run it; ok when the testbench reports success."""
    top = _testbench_top(testbench, interface)
    if top is None:
        return CheckReport("test", False, "testbench has no module", "The testbench defines no module.")
    cand = _candidate_file(interface)
    files = {cand: source, "checks_tb.sv": testbench}
    steps = (icarus.compile_step([cand, "checks_tb.sv"], top=top), icarus.simulate_step())
    run = run_steps(steps, files, limits, isolate=isolate)
    tool = _tool_run("iverilog", steps, run, isolate)
    comp, sim = run.steps
    compile_log = comp.stdout + comp.stderr
    if comp.returncode != 0:
        located = fb.parse_located(compile_log, cand, "iverilog")
        text = fb.located_feedback(source, located, f"Icarus could not compile the design with the {label}:")
        if not text:
            text = f"Icarus could not compile the design with the {label}:\n" + "\n".join(
                fb.unlocated(compile_log, ("error", "rror", "syntax")) or compile_log.splitlines()[:10]
            )
        return CheckReport("test", False, "compile failed", text, (tool,))
    log = sim.stdout + sim.stderr
    verdict = sim_result(log, sim.timed_out or run.killed)
    digest = behaviour_hash(sim.stdout)
    counts = _SUMMARY.findall(log)
    summary = f"{label}: {verdict}" + (f" (Mismatches: {counts[-1][0]} in {counts[-1][1]})" if counts else "")
    if verdict == "pass":
        flags = integrity_flags(source)
        if flags:
            return CheckReport(
                "test", False, summary + " (integrity flags)", integrity_feedback(flags), (tool,)
            )
        return CheckReport("test", True, summary, "", (tool,), digest)
    if verdict == "timeout":
        text = (
            f"The simulation with the {label} did not finish in {limits.timeout_s:g} s (or printed TIMEOUT): "
            "look for combinational loops or a design that never settles."
        )
    else:
        text = fb.simulation_feedback(log, vectors)
        if "MISMATCH" in log or any(int(bad) > 0 for bad, _ in counts):
            return CheckReport(
                "test",
                False,
                summary,
                text,
                (tool,),
                digest,
                _waves(source, cand, testbench, top, limits, isolate),
            )
    return CheckReport("test", False, summary, text, (tool,), digest)


def _waves(source: str, cand: str, testbench: str, top: str, limits: Limits, isolate: bool) -> dict[str, Any]:
    """The failing public check's first mismatch as a text waveform (for the trace and `rtlsmith run`),
    from one more simulation of the same public testbench with a dump; the model's prompt is unchanged."""
    from rtlsmith.pictures.public_waves import public_window
    from rtlsmith.pictures.waves import text_waves

    picture = public_window(source, cand, testbench, top, limits, isolate=isolate)
    if picture.window is None:
        return {"waves_unavailable": picture.reason}
    return {"waves": text_waves(picture.window)}


# -------------------------------------------------------------------------------------- self-written tests


def _plain(port: Port) -> Port:
    return Port(port.name, port.direction, port.width, port.signed, "")


def _plain_header(interface: Interface, name: str | None = None) -> str:
    return Interface(name or interface.module, tuple(_plain(p) for p in interface.ports)).header()


def reset_port(interface: Interface) -> Port | None:
    return next((p for p in interface.inputs if p.width == 1 and _RESET_NAME.match(p.name)), None)


def stub(interface: Interface) -> str:
    """A module with the exact interface whose outputs are all tied to 0."""
    body = "\n".join(f"  assign {p.name} = {p.width}'d0;" for p in interface.outputs)
    return f"{_plain_header(interface)}\n{body}\nendmodule\n"


def _rename(candidate: str, module: str, new: str) -> str:
    return re.sub(rf"\bmodule\s+{re.escape(module)}\b", f"module {new}", candidate)


def _wrapper(interface: Interface, inner: str, *, invert: bool, tie: dict[str, str]) -> str:
    lines = [_plain_header(interface)]
    conns = []
    for p in interface.ports:
        if p.direction == "output":
            rng = f"[{p.width - 1}:0] " if p.width > 1 else ""
            lines.append(f"  wire {rng}mut_{p.name};")
            lines.append(f"  assign {p.name} = {'~' if invert else ''}mut_{p.name};")
            conns.append(f".{p.name}(mut_{p.name})")
        else:
            conns.append(f".{p.name}({tie.get(p.name, p.name)})")
    lines.append(f"  {inner} mut_inner ({', '.join(conns)});")
    lines.append("endmodule")
    return "\n".join(lines) + "\n"


def mutants(candidate: str, interface: Interface) -> dict[str, str]:
    """Designs a useful testbench must reject: outputs tied to 0, outputs inverted, reset ignored."""
    inner = f"{interface.module}__cand"
    renamed = _rename(candidate, interface.module, inner)
    out = {"outputs tied to 0": stub(interface)}
    out["outputs inverted"] = renamed + "\n" + _wrapper(interface, inner, invert=True, tie={})
    rst = reset_port(interface)
    if rst is not None:
        inactive = "1'b1" if re.search(r"(n|_ni|_b)$", rst.name, re.I) else "1'b0"
        out["reset ignored"] = (
            renamed + "\n" + _wrapper(interface, inner, invert=False, tie={rst.name: inactive})
        )
    return out


def screen_testbench(
    testbench: str, candidate: str, interface: Interface, *, limits: Limits, isolate: bool
) -> CheckReport:
    """Accept a self-written testbench only if it compiles with an interface stub and fails every mutant."""
    refusals = screen(testbench)
    if refusals:
        why = "It uses tasks that are not allowed: " + refusals[0].message()
        return CheckReport("screen", False, "refused", why)
    errors = syntax_errors(testbench)
    if errors:
        return CheckReport("screen", False, "syntax errors", f"It does not parse:\n{errors}")
    top = _testbench_top(testbench, interface)
    if top is None or not re.search(rf"\b{re.escape(interface.module)}\b", testbench):
        why = f"It must define module `tb` instantiating {interface.module}."
        return CheckReport("screen", False, "no dut", why)
    variants = mutants(candidate, interface)
    files: dict[str, str] = {"checks_tb.sv": testbench}
    steps: list[Step] = []
    for i, text in enumerate(variants.values()):
        files[f"mutant{i}.sv"] = text
        sources = (f"mutant{i}.sv", "checks_tb.sv")
        compile_i = icarus.compile_step(sources, top=top, output=f"mutant{i}.vvp")
        simulate_i = icarus.simulate_step(binary=f"mutant{i}.vvp")
        steps.append(replace(compile_i, name=f"compile{i}", always=True))
        steps.append(replace(simulate_i, name=f"simulate{i}", always=True))
    run = run_steps(steps, files, limits, isolate=isolate)
    tool = _tool_run("iverilog", steps, run, isolate)
    outcomes: dict[str, str] = {}
    for i, name in enumerate(variants):
        comp, sim = run.step(f"compile{i}"), run.step(f"simulate{i}")
        if comp.returncode != 0:
            outcomes[name] = "compile-error"
            if i == 0:
                log = comp.stdout + comp.stderr
                located = fb.parse_located(log, "checks_tb.sv", "iverilog")
                text = fb.located_feedback(testbench, located, "It does not compile against the interface:")
                return CheckReport("screen", False, "does not compile", text or log[:1500], (tool,))
            continue
        outcomes[name] = sim_result(sim.stdout + sim.stderr, sim.timed_out)
    details = {"mutants": outcomes}
    if outcomes.get("outputs tied to 0") in ("no-verdict", "timeout"):
        why = "it did not finish (call $finish)"
        if outcomes["outputs tied to 0"] == "no-verdict":
            why = "it printed no `Mismatches: N in M samples` line"
        return CheckReport(
            "screen", False, "no verdict", f"Run against a stub, {why}.", (tool,), details=details
        )
    passed = [name for name, r in outcomes.items() if r == "pass"]
    if passed:
        wrong = ", ".join(passed)
        text = f"It passes wrong designs ({wrong}): it does not check the outputs closely enough."
        return CheckReport("screen", False, "accepts mutants", text, (tool,), details=details)
    return CheckReport("screen", True, f"rejects {len(outcomes)} mutant(s)", "", (tool,), details=details)


# ------------------------------------------------------------------------------------------ oracle, formal


def oracle(
    public_task: PublicTask, hidden: HiddenChecks, source: str, *, limits: Limits, isolate: bool
) -> CheckReport:
    """Judge with the hidden testbench. Only reachable in oracle mode, with checks unsealed for ORACLE."""
    from rtlsmith.tools.judge import JudgeOptions, judge

    t0 = time.perf_counter()
    # The strict reading: a pass with integrity flags is class F, a failure the repair loop sees.
    verdict = judge(
        Task(public_task, Sealed(hidden)), source, JudgeOptions(limits=limits, isolate=isolate)
    ).strict()
    tool = ToolRun("judge", verdict.commands, verdict.passed, time.perf_counter() - t0, verdict.isolated)
    summary = f"hidden testbench: {verdict.failure_class.description}"
    if verdict.mismatches is not None:
        summary += f" (Mismatches: {verdict.mismatches} in {verdict.samples})"
    if verdict.passed:
        return CheckReport("oracle", True, summary, "", (tool,))
    text = f"The benchmark testbench reports ({verdict.failure_class.description}):\n{verdict.log_excerpt}"
    if verdict.failure_class is FailureClass.FLAGGED:
        text = integrity_feedback(verdict.integrity)
    return CheckReport("oracle", False, summary, text, (tool,))


def _check_equivalence() -> Callable[..., Any] | None:
    """`rtlsmith.formal.check_equivalence` when that package is installed, else None."""
    try:
        module = importlib.import_module("rtlsmith.formal")
    except ImportError:
        return None
    fn = getattr(module, "check_equivalence", None)
    return fn if callable(fn) else None


def formal_available() -> bool:
    return _check_equivalence() is not None


def formal(
    reference: str, source: str, interface: Interface, *, timeout_s: float = 10.0, isolate: bool = True
) -> CheckReport | None:
    """Equivalence with a user-supplied reference; None when `rtlsmith.formal` is not installed.

    A counterexample fails the check and its trace table becomes REPAIR feedback. An inconclusive result
    (no difference within the bound) passes, and so does a check that could not run for reasons outside the
    candidate (tool missing, reference unreadable): the summary says so.
    """
    check_equivalence = _check_equivalence()
    if check_equivalence is None:
        return None
    names = module_names(_COMMENTS.sub(" ", reference))
    ref_top = next(
        (n for n in (interface.module, "RefModule") if n in names), names[0] if names else "RefModule"
    )
    result = check_equivalence(
        reference, source, ref_top=ref_top, cand_top=interface.module, timeout_s=timeout_s, isolate=isolate
    )
    outcome = str(getattr(getattr(result, "outcome", None), "value", ""))
    commands = tuple(tuple(c) for c in getattr(result, "commands", ()))
    wall = float(getattr(result, "wall_s", 0.0))
    summary_text = result.summary() if hasattr(result, "summary") else str(result)
    stage = str(getattr(result, "error_stage", ""))
    ok = outcome in ("proven", "inconclusive") or (
        outcome == "error" and stage not in ("candidate", "interface")
    )
    tool = ToolRun("yosys", commands, ok, wall, bool(getattr(result, "isolated", False)))
    first = summary_text.splitlines()[0] if summary_text else outcome
    if ok:
        return CheckReport("formal", True, first, "", (tool,), details={"outcome": outcome})
    text = (
        "A formal equivalence check against the reference design found a difference:\n" + summary_text[:4000]
    )
    return CheckReport("formal", False, first, text, (tool,), details={"outcome": outcome})
