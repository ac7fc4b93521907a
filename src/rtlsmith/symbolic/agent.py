"""The symbolic agent: no model, for specs that are tables (`rtlsmith run/bench --agent symbolic`).

    PARSE -> SYNTHESIZE -> LINT -> TEST -> DONE     (PARSE or SYNTHESIZE may end in DECLINED, a failed check
                                                     in GIVE_UP)

PARSE reads the spec's truth tables, simulation waveforms, Karnaugh maps and state transition tables
(`rtlsmith.symbolic.tables`). SYNTHESIZE turns the first table that defines every output into a module.

- A combinational table (truth table, waveform or K-map of an interface without a clock, or a state table
  whose present state is an input port): for each output (or output bit) the cheapest expression
  consistent with the rows, rows the table does not list being don't-cares. Candidates, cheapest first: a
  constant; an input or its negation; a two-input gate or sum/difference of inputs; for one-bit outputs over
  at most 8 varying input bits a minimal sum of products or product of sums (Quine-McCluskey, then an exact
  cover search) or a parity; otherwise a `case` on the fewest inputs that determine the output, each branch
  a constant or (for buses) an input.
- A state table of a whole Moore machine (the interface has a clock and a reset): a state register, a
  next-state `case` and decoded outputs; the reset is synchronous unless the text says asynchronous, active
  high unless the port name or the text says low, and goes to the state the text names ("resets ... to
  state A"), else the first row.

LINT and TEST run the design through the sandbox: lint, then a testbench built from the same table
(`vectors_testbench`: the table's rows; for a machine, reset, a walk that takes every transition reachable
from the reset state, and reset again), plus any public checks the task has. The table is part of the
public spec, so the check is honest; the hidden testbench is never touched.

The agent declines (no design, stop reason `declined`, `final_state` DECLINED, the reason in the trace) when
the spec has no usable table, when the interface has a clock and the table is not a state table (sequential
waveforms are not inferred), when the spec builds the module from submodules (a table there may describe a
part), or when the table gives two values for the same inputs. It never falls back to a model.

This module chooses the table and runs the agent; the synthesis lives beside it:
`rtlsmith.symbolic.combinational` (combinational tables and their vectors), with the minimal sums of
products, products of sums and parities in `rtlsmith.symbolic.logic`;
`rtlsmith.symbolic.sequential` (state machines); `rtlsmith.symbolic.design` (the `Design`,
`Choice` and `Decline` they return).
"""

from __future__ import annotations

import re
import time
from typing import Any

from rtlsmith.agent import checks
from rtlsmith.agent.budget import Clock
from rtlsmith.agent.checks import CheckReport
from rtlsmith.agent.config import AgentConfig
from rtlsmith.agent.record import AgentResult, StopReason
from rtlsmith.agent.registry import AgentPlugin
from rtlsmith.agent.trace import NullTrace, TraceWriter, new_run_id
from rtlsmith.errors import RtlsmithError, UsageError
from rtlsmith.suites.tbgen import vectors_testbench
from rtlsmith.symbolic.combinational import best_expression, synthesize, table_vectors
from rtlsmith.symbolic.design import Choice, Decline, Design
from rtlsmith.symbolic.sequential import synthesize_machine
from rtlsmith.symbolic.tables import StateTable, Table, find_tables
from rtlsmith.task import HiddenChecks, PublicTask, Vector
from rtlsmith.tools.sandbox import Limits

__all__ = [
    "AGENT",
    "CHECKS",
    "Choice",
    "Decline",
    "Design",
    "best_expression",
    "choose_table",
    "run_symbolic",
    "spec_table_vectors",
    "synthesize",
    "synthesize_machine",
    "table_vectors",
]


AGENT = "symbolic"
CHECKS = "spec-table"


def choose_table(task: PublicTask) -> tuple[Table | StateTable, list[str]]:
    """The table the design comes from, and notes on tables passed over; Decline when there is none."""
    text = task.spec.text("detailed")
    interface = task.interface
    scan = find_tables(text, interface)
    notes = list(scan.problems)
    if not scan.tables and not scan.machines:
        why = (
            "the spec has no truth table, simulation waveform, Karnaugh map or state table over the "
            "interface's ports"
        )
        raise Decline(why + (f" ({'; '.join(notes)})" if notes else ""))
    if re.search(r"\bsub-?modules?\b", text, re.I):
        raise Decline("the spec builds the module from submodules: a table there may describe a part")
    wanted = {p.name for p in interface.outputs}
    clock = interface.clock()
    for table in scan.tables:
        if {r.port for r in table.outputs} != wanted:
            notes.append(f"{table.describe()}: does not define every output ({', '.join(sorted(wanted))})")
        elif table.sequential or (clock is not None and table.kind != "state"):
            # A state table over a state port is the machine's combinational logic even beside a clock.
            notes.append(f"{table.describe()}: sequential (the interface has a clock, {clock})")
        else:
            return table, notes
    for machine in scan.machines:
        if clock is None:
            notes.append(f"{machine.describe()}: a whole state machine, but the interface has no clock")
        elif set(machine.outputs) != wanted:
            notes.append(f"{machine.describe()}: does not define every output ({', '.join(sorted(wanted))})")
        else:
            return machine, notes
    if clock is not None:
        raise Decline(
            f"the interface has a clock ({clock}): a sequential circuit, which this agent infers only from a "
            "state transition table (" + "; ".join(notes) + ")"
        )
    raise Decline("no table defines every output: " + "; ".join(notes))


def spec_table_vectors(task: PublicTask) -> list[Vector]:
    """The spec's table as vectors a testbench can check, for agents that write their own design (smith uses
    them as public checks): a combinational table's rows (truth table, waveform or K-map), or for a state
    table the walk from reset through every transition (reset port, polarity and state read from the spec,
    as the symbolic agent reads them). [] when the spec has no table this agent reads."""
    try:
        table, _ = choose_table(task)
        if isinstance(table, StateTable):
            return list(synthesize_machine(table, task.interface, task.spec.text("detailed")).vectors)
    except RtlsmithError:
        return []
    return table_vectors(table, task.interface)


def run_symbolic(task: PublicTask, config: AgentConfig | None = None) -> AgentResult:
    """Design from the spec's table and check the design against that table; see the module docstring."""
    config = config or AgentConfig()
    run_id = config.run_id or new_run_id(task.id)
    trace: TraceWriter | NullTrace = (
        TraceWriter(config.runs_dir, run_id) if config.write_trace else NullTrace(run_id)
    )
    wall0 = time.perf_counter()
    trace.write("run", run_id=run_id, agent=AGENT, task_id=task.id, suite=task.suite, models=[],
                config=config.record(), mode=config.mode)  # fmt: skip
    limits = Limits(timeout_s=config.tool_timeout_s)
    tool_s = 0.0
    code, state, passed, used = "", "PARSE", False, "none"
    stop: StopReason = "declined"
    error = ""

    def step(name: str, event: str, nxt: str, t0: float, **extra: Any) -> None:
        fields: dict[str, Any] = {"tools": [], "verdicts": [], "code": None, "note": ""}
        fields.update(extra)
        trace.write("step", mode=config.mode, state=name, event=event, next=nxt, model=None, messages=[],
                    response=None, prompt_tokens=0, completion_tokens=0, model_s=0.0,
                    wall_s=round(time.perf_counter() - t0, 4), **fields)  # fmt: skip

    try:
        t0 = time.perf_counter()
        try:
            table, notes = choose_table(task)
        except Decline as exc:
            error = str(exc)
            step("PARSE", "declined", "DECLINED", t0, note=error)
            state = "DECLINED"
            raise
        step("PARSE", "found", "SYNTHESIZE", t0, note=table.describe(), passed_over=notes)
        t0 = time.perf_counter()
        try:
            if isinstance(table, StateTable):
                design = synthesize_machine(table, task.interface, task.spec.text("detailed"))
            else:
                design = synthesize(table, task.interface)
        except Decline as exc:
            error = str(exc)
            step("SYNTHESIZE", "declined", "DECLINED", t0, note=error)
            state = "DECLINED"
            raise
        code = design.code
        how = "; ".join(f"{c.target}: {c.how}" for c in design.choices)
        step("SYNTHESIZE", "synthesized", "LINT", t0, code=code, note=how,
             choices=[c.record() for c in design.choices])  # fmt: skip
        t0 = time.perf_counter()
        ifc = task.interface
        lint = checks.lint(code, ifc, use_verilator=config.lint, limits=limits, isolate=config.isolate)
        tool_s += time.perf_counter() - t0
        if not lint.ok:
            step("LINT", "errors", "GIVE_UP", t0, **lint.step_fields())
            state, stop, error = "GIVE_UP", "max_iterations", lint.summary
        else:
            step("LINT", "clean", "TEST", t0, **lint.step_fields())
            t0 = time.perf_counter()
            reports, kinds = _test(task, design, limits, config.isolate)
            tool_s += time.perf_counter() - t0
            passed = all(r.ok for r in reports)
            used = "+".join(kinds)
            state = "DONE" if passed else "GIVE_UP"
            stop = "passed" if passed else "max_iterations"
            merged: dict[str, Any] = {"tools": [], "verdicts": []}
            for r in reports:
                part = r.step_fields()
                merged["tools"] += part["tools"]
                merged["verdicts"] += part["verdicts"]
            failed = [r for r in reports if not r.ok]
            merged["note"] = failed[0].feedback[:2000] if failed else ""
            error = failed[0].summary if failed else ""
            step("TEST", "passed" if passed else "failed", state, t0, **merged)
    except Decline:
        pass
    result = AgentResult(
        task_id=task.id, final_code=code, passed_public=passed, stop_reason=stop, mode=config.mode,
        checks=used, iterations=1 if code else 0, prompt_tokens=0, completion_tokens=0,
        wall_s=time.perf_counter() - wall0, model_time_s=0.0, tool_time_s=tool_s,
        trace_path=str(trace.path) if trace.path else None, agent=AGENT, model_id="none", run_id=run_id,
        final_state=state,
    )  # fmt: skip
    trace.save_final(code)
    trace.write("result", **result.record(), error=error)
    trace.close()
    return result


def _test(
    task: PublicTask, design: Design, limits: Limits, isolate: bool
) -> tuple[list[CheckReport], list[str]]:
    """The table's own rows as a testbench, then the task's public testbench or vectors, if any."""
    interface = task.interface
    vectors = design.vectors
    tb = vectors_testbench(interface, vectors, design.clock)
    reports = [
        checks.simulate(design.code, tb, interface, limits=limits, isolate=isolate, vectors=vectors,
                        label="spec table")
    ]  # fmt: skip
    kinds = [CHECKS]
    public = task.public
    if public.testbench:
        reports.append(checks.simulate(design.code, public.testbench, interface, limits=limits,
                                       isolate=isolate, label="public testbench"))  # fmt: skip
        kinds.append("public-testbench")
    elif public.vectors:
        try:
            tb = vectors_testbench(interface, public.vectors, interface.clock())
        except RtlsmithError as exc:
            reports.append(CheckReport("test", False, f"public vectors unusable: {exc}"))
        else:
            reports.append(checks.simulate(design.code, tb, interface, limits=limits, isolate=isolate,
                                           vectors=public.vectors, label="public vectors"))  # fmt: skip
        kinds.append("public-vectors")
    return reports, kinds


def _run(
    public_task: PublicTask,
    model: Any,
    config: AgentConfig,
    hidden_for_oracle: HiddenChecks | None,
    clock: Clock | None,
) -> AgentResult:
    if config.oracle_feedback:
        raise UsageError("the symbolic agent takes no feedback, so --oracle-feedback means nothing for it")
    return run_symbolic(public_task, config)


PLUGIN = AgentPlugin(
    AGENT,
    _run,
    summary="no model: designs from the spec's truth tables, waveforms, K-maps and state tables",
    uses_model=False,
)
