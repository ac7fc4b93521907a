"""Counterexamples: a `sat` model as a readable trace, and a testbench that replays it in a simulator.

A trace is read from the table `sat -show-ports` writes to the Yosys log (the log keeps it whole; the
terminal copy is truncated) or from the VCD `sat -dump_vcd` writes. The miter names its ports `in_<port>`,
`gold_<port>` (reference) and `gate_<port>` (candidate); a trace keeps the port names and binary values,
most significant bit first.

`replay_testbench` turns a trace into a self-checking Verilog testbench (module `tb`) that instantiates
`RefModule` and `TopModule`, drives the trace's inputs cycle by cycle and compares outputs the way a
VerilogEval testbench does: an `x` in the reference is a don't-care, anything else must match exactly. It
ends with `Mismatches: N in M samples`, so the benchmark's own log rules read it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rtlsmith.task import Interface, Port

MODES = ("cycle", "step")
_TABLE_ROW = re.compile(r"^\s*(\d+|init)\s+\\(\S+)\s+(.*\S)\s*$")
_FAIL_MARKERS = ("model found for base case: FAIL!", "SAT proof finished - model found: FAIL!")


@dataclass(frozen=True)
class Sample:
    """One time step of a counterexample: inputs applied, then both designs' outputs."""

    cycle: int
    inputs: Mapping[str, str]
    reference: Mapping[str, str]
    candidate: Mapping[str, str]

    def mismatched(self) -> tuple[str, ...]:
        """Outputs that differ, with an `x` bit in the reference counted as a don't-care."""
        return tuple(
            name
            for name, ref in self.reference.items()
            if name in self.candidate and not bits_match(ref, self.candidate[name])
        )

    def record(self) -> dict[str, Any]:
        return {
            "cycle": self.cycle,
            "inputs": dict(self.inputs),
            "reference": dict(self.reference),
            "candidate": dict(self.candidate),
        }


def bits_match(reference: str, candidate: str) -> bool:
    """VerilogEval's rule (`ref === (ref ^ dut ^ ref)`) on binary strings: a reference x/z matches all."""
    if len(reference) != len(candidate):
        width = max(len(reference), len(candidate))
        reference, candidate = reference.rjust(width, "0"), candidate.rjust(width, "0")
    return all(r in "xXzZ" or r == c for r, c in zip(reference, candidate, strict=True))


@dataclass(frozen=True)
class Trace:
    """A counterexample, time step by time step.

    mode "cycle": one step is one clock cycle of `clock` (its active `edge` comes after the step's compare).
    mode "step": a step is half a clock period; the clock is an ordinary input the trace drives.
    `check_from` is the first step whose outputs the proof compared (earlier steps apply reset).
    """

    samples: tuple[Sample, ...]
    mode: str = "cycle"
    clock: str | None = None
    edge: str = "posedge"
    check_from: int = 1
    values_from: str = "sat"  # "simulation" once a replay has filled in the outputs

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")
        if self.edge not in ("posedge", "negedge"):
            raise ValueError(f"edge must be 'posedge' or 'negedge', not {self.edge!r}")

    @property
    def length(self) -> int:
        return len(self.samples)

    def first_mismatch(self) -> Sample | None:
        return next((s for s in self.samples if s.cycle >= self.check_from and s.mismatched()), None)

    def input_names(self) -> tuple[str, ...]:
        names: dict[str, None] = {}
        for s in self.samples:
            names.update(dict.fromkeys(s.inputs))
        return tuple(names)

    def output_names(self) -> tuple[str, ...]:
        names: dict[str, None] = {}
        for s in self.samples:
            names.update(dict.fromkeys(s.reference))
        return tuple(names)

    def table(self, max_rows: int = 40) -> str:
        """A terminal table: step, inputs, then each output as reference/candidate, mismatches marked."""
        inputs = [n for n in self.input_names() if not (self.mode == "cycle" and n == self.clock)]
        outputs = self.output_names()
        unit = "cycle" if self.mode == "cycle" else "step"
        header = [unit, *inputs, *(f"{o} ref|cand" for o in outputs)]
        rows: list[list[str]] = []
        samples = list(self.samples)
        skipped = 0
        if len(samples) > max_rows:
            skipped = len(samples) - max_rows
            samples = samples[-max_rows:]
        for s in samples:
            bad = set(s.mismatched()) if s.cycle >= self.check_from else set()
            row = [str(s.cycle) + ("" if s.cycle >= self.check_from else " (not compared)")]
            row += [_show(s.inputs.get(n, "")) for n in inputs]
            for o in outputs:
                cell = f"{_show(s.reference.get(o, ''))}|{_show(s.candidate.get(o, ''))}"
                row.append(cell + ("  <-- differs" if o in bad else ""))
            rows.append(row)
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]
        ]
        if skipped:
            lines.insert(1, f"... {skipped} earlier {unit}s not shown")
        return "\n".join(lines)

    def record(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "clock": self.clock,
            "edge": self.edge,
            "check_from": self.check_from,
            "values_from": self.values_from,
            "samples": [s.record() for s in self.samples],
        }

    def trimmed(self, keep_last: int) -> Trace:
        """The last `keep_last` steps only (a combinational counterexample needs just its final step)."""
        kept = self.samples[-keep_last:]
        first = kept[0].cycle if kept else 1
        renumbered = tuple(Sample(s.cycle - first + 1, s.inputs, s.reference, s.candidate) for s in kept)
        return Trace(renumbered, self.mode, self.clock, self.edge, check_from=1, values_from=self.values_from)


def _show(bits: str) -> str:
    """Binary for one bit, else hex when fully defined (with the width), else binary."""
    if len(bits) <= 1:
        return bits
    if set(bits) <= {"0", "1"}:
        return f"{len(bits)}'h{int(bits, 2):x}"
    return f"{len(bits)}'b{bits}"


# ---------------------------------------------------------------------------------------------- parsing


def parse_sat_table(log: str) -> dict[int, dict[str, str]]:
    """The model table printed after the last failed proof in a Yosys log: step -> signal -> binary value.

    Rows look like `    13 \\gold_q    12    c    1100` (step, signal, decimal, hex, binary); the binary
    column is last and complete. `init` rows (initial register values) are left out.
    """
    start = max((log.rfind(m) for m in _FAIL_MARKERS), default=-1)
    if start < 0:
        return {}
    steps: dict[int, dict[str, str]] = {}
    seen_row = False
    for line in log[start:].splitlines()[1:]:
        m = _TABLE_ROW.match(line)
        if m is None:
            if seen_row and not line.strip().startswith("----") and line.strip():
                break
            continue
        seen_row = True
        when, name, rest = m.groups()
        if when == "init":
            continue
        value = rest.split()[-1]
        steps.setdefault(int(when), {})[name] = value.lower()
    return steps


def parse_vcd(text: str) -> dict[int, dict[str, str]]:
    """A `sat -dump_vcd` file: step -> signal -> binary value (steps numbered from 1 in time order).

    Yosys writes step 1 at time 0 (inside `$dumpvars`, after the initial register values) and step k at
    time k; the final timestamp has no values. Values carry over from the previous step when not repeated.
    """
    ids: dict[str, tuple[str, int]] = {}
    times: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    in_defs = True
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if in_defs:
            if line.startswith("$var"):
                parts = line.split()
                # $var wire WIDTH ID NAME [range] $end
                ids[parts[3]] = (parts[4].lstrip("\\"), int(parts[2]))
            elif line.startswith("$enddefinitions"):
                in_defs = False
            continue
        if line.startswith("#"):
            current = {}
            times.append(current)
            continue
        if line.startswith("$"):
            continue
        if current is None:
            continue
        if line[0] in "bB":
            value, ident = line[1:].split()
        else:
            value, ident = line[0], line[1:]
        if ident in ids:
            name, width = ids[ident]
            current[name] = value.lower().rjust(width, "0")
    steps: dict[int, dict[str, str]] = {}
    previous: dict[str, str] = {}
    for values in times:
        if not values:
            continue
        merged = {**previous, **values}
        steps[len(steps) + 1] = merged
        previous = merged
    return steps


def trace_from_steps(
    steps: Mapping[int, Mapping[str, str]],
    *,
    mode: str = "cycle",
    clock: str | None = None,
    edge: str = "posedge",
    check_from: int = 1,
) -> Trace | None:
    """Build a trace from miter signals (`in_*`, `gold_*`, `gate_*`); None when there is nothing to show."""
    samples: list[Sample] = []
    for step in sorted(steps):
        values = steps[step]
        inputs, ref, cand = {}, {}, {}
        for name, value in values.items():
            if name.startswith("in_"):
                inputs[name[3:]] = value
            elif name.startswith("gold_"):
                ref[name[5:]] = value
            elif name.startswith("gate_"):
                cand[name[5:]] = value
        if inputs or ref or cand:
            samples.append(Sample(step, inputs, ref, cand))
    if not samples:
        return None
    return Trace(tuple(samples), mode=mode, clock=clock, edge=edge, check_from=check_from)


def trace_from_log(log: str, **kwargs: Any) -> Trace | None:
    """The counterexample in a Yosys log (see `parse_sat_table`); keyword arguments as `trace_from_steps`."""
    return trace_from_steps(parse_sat_table(log), **kwargs)


def trace_from_vcd(text: str, **kwargs: Any) -> Trace | None:
    """The counterexample in a `sat -dump_vcd` file; keyword arguments as `trace_from_steps`."""
    return trace_from_steps(parse_vcd(text), **kwargs)


# ---------------------------------------------------------------------------------------------- replay


def interface_from_trace(trace: Trace, module: str = "TopModule") -> Interface:
    """Ports as the trace shows them (names and widths); enough to replay it when no interface is known."""
    first = trace.samples[0]
    ports = [Port(n, "input", len(v)) for n, v in first.inputs.items()]
    if trace.clock and trace.clock not in first.inputs:
        ports.insert(0, Port(trace.clock, "input", 1))
    ports += [Port(n, "output", len(v)) for n, v in first.reference.items()]
    return Interface(module, tuple(ports))


def _literal(width: int, bits: str) -> str:
    bits = (bits or "0").lower().replace("z", "x").rjust(width, "0")[-width:]
    return f"{width}'b{bits}"


def _decl(kind: str, width: int, name: str) -> str:
    rng = f" [{width - 1}:0]" if width > 1 else ""
    return f"  {kind}{rng} {name};"


def replay_testbench(
    trace: Trace,
    interface: Interface | None,
    *,
    reference_module: str = "RefModule",
    candidate_module: str = "TopModule",
    dump_values: bool = False,
) -> str:
    """A Verilog testbench (module `tb`) that replays `trace` on both modules and counts mismatches.

    cycle mode: each step sets the inputs, waits, compares, then pulses the clock's active edge.
    step mode: each step first moves the clock to the trace's value (so flip-flops sample the previous
    step's data, as `clk2fflogic` models it), then sets the other inputs, waits and compares.
    Steps before `trace.check_from` are applied but not compared. The last line printed is
    `Mismatches: N in M samples`; before it, one `Hint:` line per output, in VerilogEval's wording.
    dump_values: also print every output of both modules at every step (`rtlsmith-value` lines).
    """
    ifc = interface or interface_from_trace(trace)
    inputs = [p for p in ifc.ports if p.direction == "input"]
    outputs = [p for p in ifc.ports if p.direction == "output"]
    clock = trace.clock if trace.clock and any(p.name == trace.clock for p in inputs) else None
    idle = "1'b1" if trace.edge == "negedge" else "1'b0"
    active = "1'b0" if trace.edge == "negedge" else "1'b1"
    lines = ["`timescale 1 ps/1 ps", "", "module tb;"]
    for p in inputs:
        lines.append(_decl("reg", p.width, f"in_{p.name}"))
    for p in outputs:
        lines.append(_decl("wire", p.width, f"ref_{p.name}"))
        lines.append(_decl("wire", p.width, f"dut_{p.name}"))
    lines.append("  integer rtlsmith_mismatches = 0;")
    lines.append("  integer rtlsmith_samples = 0;")
    for p in outputs:
        lines.append(f"  integer rtlsmith_err_{p.name} = 0;")
        lines.append(f"  integer rtlsmith_first_{p.name} = 0;")
    lines.append("  reg rtlsmith_bad;")
    conns_ref = ", ".join(
        [f".{p.name}(in_{p.name})" for p in inputs] + [f".{p.name}(ref_{p.name})" for p in outputs]
    )
    conns_dut = ", ".join(
        [f".{p.name}(in_{p.name})" for p in inputs] + [f".{p.name}(dut_{p.name})" for p in outputs]
    )
    lines.append(f"  {reference_module} rtlsmith_ref ({conns_ref});")
    lines.append(f"  {candidate_module} rtlsmith_dut ({conns_dut});")
    lines.append("")
    lines.append("  task rtlsmith_check(input integer cycle);")
    lines.append("    begin")
    lines.append("      rtlsmith_samples = rtlsmith_samples + 1;")
    lines.append("      rtlsmith_bad = 1'b0;")
    for p in outputs:
        r, d = f"ref_{p.name}", f"dut_{p.name}"
        lines.append(f"      if ({r} !== ({r} ^ {d} ^ {r})) begin")
        lines.append("        rtlsmith_bad = 1'b1;")
        lines.append(f"        if (rtlsmith_err_{p.name} == 0) rtlsmith_first_{p.name} = $time;")
        lines.append(f"        rtlsmith_err_{p.name} = rtlsmith_err_{p.name} + 1;")
        lines.append(
            f'        $display("cycle %0d: output {p.name}: reference %b, candidate %b", cycle, {r}, {d});'
        )
        lines.append("      end")
    lines.append("      if (rtlsmith_bad) rtlsmith_mismatches = rtlsmith_mismatches + 1;")
    lines.append("    end")
    lines.append("  endtask")
    lines.append("")
    lines.append("  initial begin")
    if clock and trace.mode == "cycle":
        lines.append(f"    in_{clock} = {idle};")
    for s in trace.samples:
        lines.append(f"    // {'cycle' if trace.mode == 'cycle' else 'step'} {s.cycle}")
        if trace.mode == "step" and clock:
            lines.append(f"    in_{clock} = {_literal(1, s.inputs.get(clock, '0'))};")
            lines.append("    #1;")
        assigns = [
            f"in_{p.name} = {_literal(p.width, s.inputs.get(p.name, ''))};" for p in inputs if p.name != clock
        ]
        if assigns:
            lines.append("    " + " ".join(assigns))
        lines.append("    #1;")
        if dump_values:
            for p in outputs:
                lines.append(
                    f'    $display("rtlsmith-value %0d {p.name} %b %b", '
                    f"{s.cycle}, ref_{p.name}, dut_{p.name});"
                )
        if s.cycle >= trace.check_from:
            lines.append(f"    rtlsmith_check({s.cycle});")
        if clock and trace.mode == "cycle":
            lines.append(f"    in_{clock} = {active}; #1; in_{clock} = {idle};")
    for p in outputs:
        lines.append(
            f"    if (rtlsmith_err_{p.name} == 0) "
            f'$display("Hint: Output \'%s\' has no mismatches.", "{p.name}");'
        )
        hint = "Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d."
        lines.append(
            f'    else $display("{hint}", "{p.name}", rtlsmith_err_{p.name}, rtlsmith_first_{p.name});'
        )
    lines.append('    $display("Mismatches: %0d in %0d samples", rtlsmith_mismatches, rtlsmith_samples);')
    lines.append("    $finish;")
    lines.append("  end")
    lines.append("endmodule")
    return "\n".join(lines) + "\n"


_MISMATCHES = re.compile(r"^Mismatches: (\d+) in (\d+) samples$", re.M)
_VALUE = re.compile(r"^rtlsmith-value (\d+) (\S+) (\S+) (\S+)$", re.M)


def parse_values(output: str) -> dict[int, dict[str, tuple[str, str]]]:
    """`rtlsmith-value` lines of a replay: step -> output -> (reference bits, candidate bits)."""
    values: dict[int, dict[str, tuple[str, str]]] = {}
    for step, name, ref, dut in _VALUE.findall(output):
        values.setdefault(int(step), {})[name] = (ref.lower(), dut.lower())
    return values


def with_simulated_outputs(trace: Trace, values: Mapping[int, Mapping[str, tuple[str, str]]]) -> Trace:
    """The trace with each step's outputs as the simulator computed them (inputs unchanged)."""
    samples = []
    for s in trace.samples:
        got = values.get(s.cycle)
        if not got:
            samples.append(s)
            continue
        samples.append(
            Sample(
                s.cycle,
                s.inputs,
                {n: got[n][0] if n in got else v for n, v in s.reference.items()},
                {n: got[n][1] if n in got else v for n, v in s.candidate.items()},
            )
        )
    return Trace(
        tuple(samples), trace.mode, trace.clock, trace.edge, trace.check_from, values_from="simulation"
    )


def parse_mismatches(output: str) -> tuple[int, int] | None:
    """(mismatches, samples) from a testbench's `Mismatches: N in M samples` line, or None."""
    found = _MISMATCHES.findall(output)
    if not found:
        return None
    n, m = found[-1]
    return int(n), int(m)
