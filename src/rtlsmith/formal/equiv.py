"""Formal equivalence of a candidate against a reference with Yosys `miter` + `sat`.

The check, in one sandboxed Yosys run per phase:

1. Read each design on its own (`read_verilog -sv; hierarchy -check; proc; flatten; memory`), rename its top
   `gold` (reference) or `gate` (candidate) and stash it, so helper modules of the same name cannot clash.
   Each netlist is also written as JSON: ports (the interface check), clocks and edges, latches, and
   whether the reference has constant `x` (don't-cares).
2. `miter -equiv -flatten -make_outputs gold gate miter`; flip-flops and latches are made importable with
   `async2sync` (one clock domain, one time step per clock cycle) or `clk2fflogic` (mixed edges or several
   clocks; a time step is half a clock period). `opt_merge` then folds the logic both designs share, and
   `sat` imports only the input cone of `trigger`.
3. `sat -verify -tempinduct -prove trigger 0 -set-init-zero -seq S -maxsteps N`: temporal induction. Its base
   case is bounded model checking, so when induction does not close within `depth` the run still says how
   many steps are free of differences; a second run (`-tempinduct-baseonly`) goes on to `bmc_depth`.
   `x` handling: without don't-cares in the reference, the candidate's constant `x` become free values
   (`setundef -anyseq`), so an `x` output is a mismatch wherever the reference is defined. When the
   reference has `x`, `sat` models undefined values and compares each output with `-prove-x` (an `x` in
   the reference matches anything): VerilogEval's `ref === (ref ^ dut ^ ref)`. `miter -ignore_gold_x` is
   never used.
   When induction neither closes nor finds a difference (state the outputs do not show: memories, FIFOs,
   wide counters), two proofs may still upgrade the result to PROVEN; neither ever reports a difference,
   so bounded model checking follows when both fail. First the structural proof (`ys.structural_script`,
   method "equiv_induct"): Yosys `equiv_make` pairs the signals of the same name in the two netlists,
   `equiv_struct` pairs cells that match structurally (renamed registers), `equiv_simple` / `equiv_induct`
   prove every pair by induction and a bounded check from power-up gives the base case. It reads the
   reference's `x` as 0 (stricter) and first shows the candidate's `x` irrelevant. Where that is what
   stops it (a candidate whose `x` reach its outputs, as a reference's don't-cares do) and every register
   of both designs pairs up by name and width, the registers are proven equal by induction without x
   modelling and then every output from any state where they are equal, with x modelling (method
   "induction_split", `ys.register_split_script`); where the registers do not all pair up, `sat`
   induction is run again with the registers of the same name as extra equalities (method
   "induction_regs"), keeping the `x` modelling of step 3.
4. A counterexample is replayed in Icarus with a generated testbench. One that simulation does not
   reproduce is looked at again with registers powering up as `x` (`-set-init-undef`, `-prove-x`), as a
   simulator starts them; if that finds nothing either, the result is INCONCLUSIVE, never COUNTEREXAMPLE.

Assumptions, listed in every result: registers power up at zero (`-set-init-zero`; a declared initial value
is kept) unless the x power-up retry says otherwise; a reset input (by name, or the `reset` argument) is
held active in the first cycle and the first `S` steps are not compared; in cycle mode a time step is one
cycle of the single clock. A PROVEN candidate must also compile in Icarus (Yosys reads some illegal Verilog,
e.g. a procedural assignment to a wire, and would prove its own reading of it); if it does not (and the
reference does), the result is an ERROR at stage "candidate".
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from rtlsmith.errors import ToolNotFoundError
from rtlsmith.formal.cex import (
    Trace,
    parse_mismatches,
    parse_values,
    replay_testbench,
    trace_from_log,
    trace_from_vcd,
    with_simulated_outputs,
)
from rtlsmith.formal.result import EquivalenceResult, Outcome
from rtlsmith.task import Interface, Port
from rtlsmith.tools import icarus
from rtlsmith.tools import yosys as ys
from rtlsmith.tools.sandbox import Limits, RunResult, command_line, run_steps
from rtlsmith.tools.screen import screen
from rtlsmith.tools.toolchain import have, require, versions

REFERENCE_FILE = "ref.sv"
CANDIDATE_FILE = "cand.sv"
SCRIPT_FILE = "equiv.ys"
VCD_FILE = "cex.vcd"
JSON_FILES = ("gold.json", "gate.json")

# Reset inputs recognised by name, with their active level.
RESET_NAMES: dict[str, int] = {
    "reset": 1, "rst": 1, "areset": 1, "arst": 1, "sreset": 1, "srst": 1, "clear": 1, "clr": 1,
    "resetn": 0, "reset_n": 0, "rst_n": 0, "rstn": 0, "aresetn": 0, "areset_n": 0, "arstn": 0, "arst_n": 0,
    "nreset": 0, "nrst": 0, "reset_b": 0, "rst_b": 0,
}  # fmt: skip

_FF_TYPES = {
    "$dff", "$dffe", "$adff", "$adffe", "$sdff", "$sdffe", "$sdffce",
    "$dffsr", "$dffsre", "$aldff", "$aldffe",
}  # fmt: skip
_ASYNC_FF_TYPES = {"$adff", "$adffe", "$dffsr", "$dffsre", "$aldff", "$aldffe"}
_LATCH_TYPES = {"$dlatch", "$adlatch", "$dlatchsr", "$sr"}
_ERROR_LINE = re.compile(r"^(?:(\S+?):(\d+): )?ERROR: (.*)$", re.M)
_BASE_PROVEN = re.compile(r"^Base case for induction length (\d+) proven\.", re.M)
_INDUCTION_TRY = re.compile(r"^\[induction step (\d+)\] Solving", re.M)
_MODULE_DECL = re.compile(r"\bmodule\s+([A-Za-z_][A-Za-z0-9_$]*)")


# ---------------------------------------------------------------------------------------------- design facts


@dataclass(frozen=True)
class DesignInfo:
    """What the elaborated netlist of one design says about its ports and state (from `write_json`)."""

    ports: tuple[Port, ...]
    clocks: frozenset[tuple[str, str]]  # (clock signal, "posedge" | "negedge")
    flops: int = 0
    async_flops: int = 0
    latches: int = 0
    latch_enables: frozenset[str] = frozenset()
    has_x: bool = False  # constant x bits anywhere in the netlist (don't-cares, in a reference)
    registers: tuple[tuple[str, int], ...] = ()  # (name, width): public nets driven by registers
    undriven: bool = False  # some bit read by a cell or an output is driven by nothing
    registered_outputs: tuple[tuple[str, int], ...] = ()  # (name, width): output ports driven by registers
    unnamed_state: int = 0  # register bits outside every public net made only of register bits

    @property
    def state(self) -> dict[str, int]:
        """Every named register, registered outputs included: name -> width."""
        return dict(self.registers + self.registered_outputs)

    @property
    def interface(self) -> dict[str, tuple[str, int]]:
        return {p.name: (p.direction, p.width) for p in self.ports}


def _param(value: Any) -> int:
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text, 2) if text and set(text) <= {"0", "1"} else 0


def design_info(netlist: Mapping[str, Any], module: str) -> DesignInfo | None:
    """Ports, clocks, flip-flops and latches of `module` in a Yosys JSON netlist, or None if it is absent."""
    mod = netlist.get("modules", {}).get(module)
    if mod is None:
        return None
    bit_name: dict[int, str] = {}
    for name, net in mod.get("netnames", {}).items():
        if not name.startswith("$"):
            for b in net.get("bits", []):
                if isinstance(b, int):
                    bit_name.setdefault(b, name)
    ports: list[Port] = []
    for name, p in mod.get("ports", {}).items():
        direction = p.get("direction", "inout")
        bits = p.get("bits", [])
        for b in bits:
            if isinstance(b, int):
                bit_name[b] = name  # a port's own name wins over any alias
        ports.append(Port(name, direction, len(bits), bool(p.get("signed", 0))))
    clocks: set[tuple[str, str]] = set()
    state_bits: set[int] = set()
    driven: set[int] = set()
    used: set[int] = set()
    for p in mod.get("ports", {}).values():
        (driven if p.get("direction") == "input" else used).update(
            b for b in p.get("bits", []) if isinstance(b, int)
        )
    flops = async_flops = latches = 0
    enables: set[str] = set()
    has_x = any(b == "x" for p in mod.get("ports", {}).values() for b in p.get("bits", []))
    for cell in mod.get("cells", {}).values():
        kind = cell.get("type", "")
        conns = cell.get("connections", {})
        params = cell.get("parameters", {})
        has_x = has_x or any(b == "x" for bits in conns.values() for b in bits)
        for port, bits in conns.items():
            out = cell.get("port_directions", {}).get(port) == "output"
            (driven if out else used).update(b for b in bits if isinstance(b, int))
        if kind in _FF_TYPES or kind in _LATCH_TYPES:
            state_bits.update(b for b in conns.get("Q", []) if isinstance(b, int))
        if kind in _FF_TYPES:
            flops += 1
            async_flops += kind in _ASYNC_FF_TYPES
            clk = conns.get("CLK", [])
            name = bit_name.get(clk[0], "<internal>") if clk and isinstance(clk[0], int) else "<constant>"
            edge = "posedge" if _param(params.get("CLK_POLARITY", 1)) else "negedge"
            clocks.add((name, edge))
        elif kind in _LATCH_TYPES:
            latches += 1
            en = conns.get("EN", [])
            if en and isinstance(en[0], int):
                enables.add(bit_name.get(en[0], "<internal>"))
    port_names = {p.name for p in ports}
    state_nets = [
        (name, net["bits"])
        for name, net in mod.get("netnames", {}).items()
        if not name.startswith("$")
        and net.get("bits")
        and all(isinstance(b, int) and b in state_bits for b in net["bits"])
    ]
    registers = tuple((name, len(bits)) for name, bits in state_nets if name not in port_names)
    outputs = {p.name for p in ports if p.direction == "output"}
    registered_outputs = tuple((name, len(bits)) for name, bits in state_nets if name in outputs)
    named_state = {b for _, bits in state_nets for b in bits}
    return DesignInfo(
        tuple(ports),
        frozenset(clocks),
        flops,
        async_flops,
        latches,
        frozenset(enables),
        has_x,
        registers,
        bool(used - driven),
        registered_outputs,
        len(state_bits - named_state),
    )


def interface_difference(reference: DesignInfo, candidate: DesignInfo) -> str:
    """Why two port lists cannot be compared, in words; empty when they match by name, direction and width."""
    ref, cand = reference.interface, candidate.interface
    problems: list[str] = []
    for name, (direction, width) in ref.items():
        if name not in cand:
            problems.append(f"the candidate has no {direction} `{name}`")
        elif cand[name][0] != direction:
            problems.append(
                f"`{name}` is an {direction} in the reference but an {cand[name][0]} in the candidate"
            )
        elif cand[name][1] != width:
            problems.append(
                f"`{name}` is {width} bits wide in the reference but {cand[name][1]} in the candidate"
            )
    for name, (direction, _) in cand.items():
        if name not in ref:
            problems.append(f"the candidate has an extra {direction} `{name}`")
    return "; ".join(problems)


def choose_mode(infos: list[DesignInfo], input_names: set[str]) -> tuple[str, str | None, str]:
    """("cycle" | "step", clock port, edge): cycle mode needs one clock input with one active edge overall."""
    clocks = set().union(*(i.clocks for i in infos)) if infos else set()
    enables = set().union(*(i.latch_enables for i in infos)) if infos else set()
    if not clocks:
        return "cycle", None, "posedge"
    if len(clocks) == 1:
        name, edge = next(iter(clocks))
        if name in input_names and name not in enables:
            return "cycle", name, edge
    names = sorted({c for c, _ in clocks if c in input_names})
    return "step", names[0] if len(names) == 1 else None, "posedge"


def find_reset(ports: tuple[Port, ...] | list[Port], requested: str | None) -> tuple[str, int] | None:
    """The reset input and its active level: `requested` if given ("auto" looks the usual names up)."""
    if requested is None:
        return None
    inputs = {p.name: p for p in ports if p.direction == "input" and p.width == 1}
    if requested != "auto":
        if requested not in inputs:
            return None
        return requested, RESET_NAMES.get(requested.lower(), 1)
    for name in inputs:
        level = RESET_NAMES.get(name.lower())
        if level is not None:
            return name, level
    return None


# ---------------------------------------------------------------------------------------------- log reading


@dataclass(frozen=True)
class SatLog:
    """What a Yosys equivalence log says."""

    stage: str  # the last stage marker reached
    error: str  # the first ERROR line (with its file:line when Yosys gave one), or ""
    proven: bool  # induction closed, or (BMC) every base case up to the bound was proven
    counterexample: bool
    base_proven: int  # largest base-case length proven
    induction_length: int  # the length at which induction closed (0 when it did not)
    timed_out: bool  # the solver reported a timeout

    @property
    def proof_error(self) -> bool:
        """The ERROR is `sat -verify` reporting the proof's own outcome, not a failure to run."""
        return "Called with -verify and proof did" in self.error

    @staticmethod
    def parse(log: str) -> SatLog:
        stages = re.findall(rf"{re.escape(ys.STAGE_MARKER)} (\S+)", log)
        error = ""
        m = _ERROR_LINE.search(log)
        if m:
            where = f"{m.group(1)}:{m.group(2)}: " if m.group(1) else ""
            error = where + m.group(3).strip()
        base = [int(n) for n in _BASE_PROVEN.findall(log)]
        tries = [int(n) for n in _INDUCTION_TRY.findall(log)]
        closed = "Induction step proven: SUCCESS!" in log
        return SatLog(
            stage=stages[-1] if stages else "",
            error=error,
            proven=closed or "proved base case for" in log,
            counterexample=any(marker in log for marker in _CEX_MARKERS),
            base_proven=max(base, default=0),
            induction_length=tries[-1] if tries and closed else 0,
            timed_out="Interrupted SAT solver: TIMEOUT!" in log,
        )


_CEX_MARKERS = ("model found for base case: FAIL!", "SAT proof finished - model found: FAIL!")


def _excerpt(log: str, lines: int = 30) -> str:
    kept = [ln for ln in log.splitlines() if ln.strip()]
    return "\n".join(kept[-lines:])


# ---------------------------------------------------------------------------------------------- the check


@dataclass
class _Run:
    """One equivalence phase as it ran."""

    script: list[str]
    result: RunResult
    log: str
    sat: SatLog
    infos: tuple[DesignInfo | None, DesignInfo | None]
    vcd: str = ""
    commands: list[list[str]] = field(default_factory=list)


def _run_phase(
    files: dict[str, str],
    script: list[str],
    *,
    timeout_s: float,
    isolate: bool,
    memory_mb: int,
) -> _Run:
    text = ys.script_text(script)
    step = ys.yosys_step(SCRIPT_FILE, timeout_s=max(0.5, timeout_s))
    limits = Limits(timeout_s=max(0.5, timeout_s), memory_mb=memory_mb)
    result = run_steps(
        [step],
        {**files, SCRIPT_FILE: text},
        limits,
        isolate=isolate,
        keep=[ys.LOG_FILE, VCD_FILE, *JSON_FILES],
    )
    log = result.files.get(ys.LOG_FILE, b"").decode("utf-8", errors="replace")
    if not log:
        s = result.steps[0]
        log = s.stdout + s.stderr
    infos: list[DesignInfo | None] = []
    for fname, module in zip(JSON_FILES, ("gold", "gate"), strict=True):
        raw = result.files.get(fname)
        info = None
        if raw:
            try:
                info = design_info(json.loads(raw), module)
            except (ValueError, KeyError, TypeError):
                info = None
        infos.append(info)
    vcd = result.files.get(VCD_FILE, b"").decode("utf-8", errors="replace")
    return _Run(
        script=script,
        result=result,
        log=log,
        sat=SatLog.parse(log),
        infos=(infos[0], infos[1]),
        vcd=vcd,
        commands=command_line([step], isolate=isolate),
    )


def _rename_module(source: str, old: str, new: str) -> str:
    return re.sub(rf"\bmodule\s+{re.escape(old)}\b", f"module {new}", source, count=1)


def replay_sources(reference: str, candidate: str, ref_top: str, cand_top: str) -> tuple[str, str]:
    """Reference and candidate texts with tops named RefModule/TopModule and no helper-module name clash."""
    ref = _rename_module(reference, ref_top, "RefModule") if ref_top != "RefModule" else reference
    cand = _rename_module(candidate, cand_top, "TopModule") if cand_top != "TopModule" else candidate
    shared = (set(_MODULE_DECL.findall(ref)) & set(_MODULE_DECL.findall(cand))) - {"RefModule", "TopModule"}
    for name in sorted(shared):
        ref = re.sub(rf"\b{re.escape(name)}\b", f"{name}__rtlsmith_ref", ref)
    return ref, cand


@dataclass(frozen=True)
class Replay:
    """A counterexample replayed in Icarus."""

    mismatches: int
    samples: int
    output: str
    values: dict[int, dict[str, tuple[str, str]]]


def replay_in_simulator(
    trace: Trace,
    interface: Interface | None,
    reference: str,
    candidate: str,
    *,
    timeout_s: float = 10.0,
    isolate: bool = True,
) -> Replay | None:
    """Compile and run the replay testbench with Icarus (sources as `replay_sources` makes them); None when
    it did not compile or did not reach its `Mismatches:` line."""
    tb = replay_testbench(trace, interface, dump_values=True)
    files = {"ref.sv": reference, "TopModule.sv": candidate, "replay_tb.sv": tb}
    steps = [
        icarus.compile_step(("replay_tb.sv", "TopModule.sv", "ref.sv"), timeout_s=timeout_s),
        icarus.simulate_step(timeout_s=timeout_s),
    ]
    run = run_steps(steps, files, Limits(timeout_s=timeout_s), isolate=isolate)
    out = "".join(s.stdout + s.stderr for s in run.steps)
    counts = parse_mismatches(out)
    if counts is None:
        return None
    return Replay(counts[0], counts[1], out, parse_values(out))


@dataclass(frozen=True)
class _Config:
    """How one equivalence run is set up; derived from the netlists and redone if a guess was wrong."""

    mode: str  # "cycle" | "step"
    clock: str | None
    edge: str
    reset: tuple[str, int] | None
    outputs: tuple[str, ...] | None  # with x modelling: the outputs compared with -prove-x; else None
    init: str = "zero"  # power-up state of registers without a declared value: "zero" or "undef" (x)

    @property
    def skip(self) -> int:
        return 1 if self.mode == "cycle" else 3

    def script_key(self) -> tuple[Any, ...]:
        """What changes the Yosys script (in cycle mode the clock only matters to the replay)."""
        clocking = (self.clock, self.edge) if self.mode == "step" else ()
        return (self.mode, clocking, self.reset, self.outputs, self.init)

    def forced(self) -> list[tuple[int, str, str]]:
        """(step, input port, value): the clock in the first steps of step mode, the reset while skipped."""
        set_at: list[tuple[int, str, str]] = []
        if self.mode == "step" and self.clock:
            idle, active = ("1", "0") if self.edge == "negedge" else ("0", "1")
            set_at += [(1, self.clock, idle), (2, self.clock, active), (3, self.clock, idle)]
        if self.reset is not None:
            name, level = self.reset
            set_at += [(s, name, str(level)) for s in range(1, self.skip + 1)]
        return set_at

    def structural(self, candidate_x: bool = True) -> ys.StructuralOptions:
        """The structural proof's set-up (`-seq` doubled in step mode, where a step is half a cycle)."""
        seq = STRUCTURAL_SEQ if self.mode == "cycle" else 2 * STRUCTURAL_SEQ
        return ys.StructuralOptions(seq=seq, set_at=tuple(self.forced()), candidate_x=candidate_x)

    def sat(self, **kw: Any) -> ys.SatOptions:
        set_at = [(step, f"in_{name}", value) for step, name, value in self.forced()]
        prove_x = tuple((f"gold_{o}", f"gate_{o}") for o in self.outputs) if self.outputs is not None else ()
        return ys.SatOptions(
            set_at=tuple(set_at), skip=self.skip, prove_x=prove_x, init=self.init, vcd_file=VCD_FILE, **kw
        )


def _assumptions(cfg: _Config, latches: int) -> list[str]:
    if cfg.init == "undef":
        out = ["registers power up as x, as in simulation (sat -set-init-undef; declared values are kept)"]
    else:
        out = ["registers power up at zero (sat -set-init-zero; declared initial values are kept)"]
    if cfg.reset is not None:
        name, level = cfg.reset
        steps = "the first cycle" if cfg.mode == "cycle" else "the first 3 time steps"
        out.append(f"reset `{name}` is held at {level} in {steps}, whose outputs are not compared")
    else:
        out.append("no reset input is forced; outputs of the first time step are not compared")
    if cfg.mode == "cycle" and cfg.clock:
        out.append(f"one time step is one clock cycle ({cfg.edge} {cfg.clock})")
    elif cfg.mode == "step":
        out.append("clocks are free inputs (clk2fflogic); one time step is half a clock period")
    if latches and cfg.mode == "cycle":
        out.append("latches hold their value from the previous cycle (async2sync)")
    if cfg.outputs is not None:
        out.append(
            "x is modelled (sat -enable_undef): an x in the reference is a don't-care, "
            "in the candidate a mismatch"
        )
    else:
        out.append("an x in the candidate may take any value; the reference has no x")
    return out


def _structural_assumptions(
    cfg: _Config, latches: int, opts: ys.StructuralOptions, ref_x: bool, combinational: bool
) -> list[str]:
    out: list[str] = []
    if combinational:
        out.append("combinational: every input combination is checked")
    else:
        out.append("registers power up at zero (declared initial values are kept)")
        if cfg.reset is not None:
            name, level = cfg.reset
            steps = "the first cycle" if cfg.mode == "cycle" else "the first 3 time steps"
            out.append(f"reset `{name}` is held at {level} in {steps}")
        if cfg.mode == "cycle" and cfg.clock:
            out.append(f"one time step is one clock cycle ({cfg.edge} {cfg.clock})")
        elif cfg.mode == "step":
            out.append("clocks are free inputs (clk2fflogic); one time step is half a clock period")
        if latches and cfg.mode == "cycle":
            out.append("latches hold their value from the previous cycle (async2sync)")
    out.append(
        "signals of the same name (and cells that match structurally) in the two designs are paired, outputs "
        f"included; every pair is equal in the first {opts.base_steps} time steps from power-up (bounded "
        f"model checking) and stays equal after (Yosys equiv_simple / equiv_induct -seq {opts.seq}), so "
        "outputs are equal from the first time step on"
    )
    out.append("an x in the candidate may take any value (shown not to change what it computes)")
    if ref_x:
        out.append("an x in the reference is read as 0 (the don't-care given a value: a stricter check)")
    return out


# Time: induction on the outputs plans its runs as if the budget ended STRUCTURAL_RESERVE * `timeout_s`
# early, each run taking 60% of what is left of that (a second or third run when the netlists call for
# another set-up), so at least 40% of `timeout_s` (4 s of the default 10 s) is left when it gives up: the
# induction runs that close on VerilogEval v2 take at most about 2 s, and the fallback proofs that decide
# a memory (VerilogEval's Prob153_gshare: 128 two-bit counters with x on its outputs) take about 4.5 s. The
# structural proof may use 75% of the time left, induction with matched registers half of what then
# remains, the register/output split proof all but SPLIT_KEEP * `timeout_s`; bounded model checking gets
# the rest. A proof that fails usually fails fast (a base case, one induction step), so bounded model
# checking seldom loses much; each attempt gets at least STRUCTURAL_FLOOR_S while time is left.
# `-seq` of the structural proof: STRUCTURAL_SEQ in cycle mode, doubled in step mode (half-cycle steps).
STRUCTURAL_SEQ = 4
STRUCTURAL_RESERVE = 0.4
STRUCTURAL_SHARE = 0.75
REGISTER_SHARE = 0.5
SPLIT_KEEP = 0.05
STRUCTURAL_FLOOR_S = 1.0

_X_LITERAL = re.compile(r"'[sS]?[bBoOhHdD]?\s*[0-9a-fA-F_]*[xX]")


def check_equivalence(
    reference: str,
    candidate: str,
    *,
    ref_top: str = "RefModule",
    cand_top: str = "TopModule",
    depth: int = 20,
    timeout_s: float = 10,
    isolate: bool = True,
    bmc_depth: int | None = None,
    reset: str | None = "auto",
    mode: str = "auto",
    undef: str = "auto",
    share: bool = True,
    confirm: bool = True,
    structural: bool = True,
    compile_check: bool = True,
    memory_mb: int = 4096,
) -> EquivalenceResult:
    """Prove `candidate` (top `cand_top`) equivalent to `reference` (top `ref_top`), or find an input
    sequence that tells them apart. Never raises for a bad design: that is an ERROR outcome.

    depth: the longest induction tried. bmc_depth: how far bounded model checking goes when induction does
    not close (default 2 * depth). timeout_s: the wall-clock budget of the whole check (Yosys phases and the
    Icarus replay). reset: "auto" finds a reset input by name, None forces none, or a port name.
    mode: "auto", "cycle" or "step" (see the module docstring). undef: "auto" models x (`-prove-x`) when
    the reference has x constants, "model" always, "free" never (the candidate's x become free values).
    share: merge common logic before SAT (`opt_merge`). confirm: replay counterexamples in Icarus.
    structural: when induction on the outputs neither closes nor finds a difference, try a proof over
    matched internal signals (`ys.structural_script`: Yosys equiv_make / equiv_struct / equiv_induct); it can
    only turn INCONCLUSIVE into PROVEN (method "equiv_induct"), never give a counterexample.
    compile_check: a candidate is PROVEN only if Icarus Verilog also compiles it (Yosys accepts some
    illegal Verilog, e.g. a procedural assignment to a wire or a signal declared twice, so its reading of
    such a text proves nothing about the design a simulator rejects); an ERROR at stage "candidate" if not.
    """
    start = time.monotonic()
    deadline = start + timeout_s
    bmc_depth = bmc_depth if bmc_depth is not None else 2 * depth
    base: dict[str, Any] = {"tool_versions": versions(("yosys", "iverilog", "bwrap"))}

    def elapsed() -> float:
        return time.monotonic() - start

    def error(stage: str, message: str) -> EquivalenceResult:
        return EquivalenceResult(Outcome.ERROR, message=message, error_stage=stage, wall_s=elapsed(), **base)

    if mode not in ("auto", "cycle", "step"):
        raise ValueError(f"mode must be 'auto', 'cycle' or 'step', not {mode!r}")
    if undef not in ("auto", "model", "free"):
        raise ValueError(f"undef must be 'auto', 'model' or 'free', not {undef!r}")
    if depth < 1:
        raise ValueError("depth must be at least 1")
    refusals = screen(candidate)
    if refusals:
        return error("candidate", "\n".join(r.message() for r in refusals))
    try:
        require("yosys")
    except ToolNotFoundError as exc:
        return error("tool", str(exc))

    ref_text, ref_notes = ys.frontend_text(reference)
    cand_text, cand_notes = ys.frontend_text(candidate)
    rewrites = list(dict.fromkeys(ref_notes + cand_notes))
    files = {REFERENCE_FILE: ref_text, CANDIDATE_FILE: cand_text}

    def run(cfg: _Config, budget: float, **sat_kw: Any) -> _Run:
        script = ys.equivalence_script(
            REFERENCE_FILE, CANDIDATE_FILE, ref_top=ref_top, cand_top=cand_top,
            sat=cfg.sat(**sat_kw), mode=cfg.mode, share=share,
        )  # fmt: skip
        return _run_phase(files, script, timeout_s=budget, isolate=isolate, memory_mb=memory_mb)

    def wanted(gold: DesignInfo, gate: DesignInfo) -> _Config:
        names = {p.name for p in gold.ports if p.direction == "input"}
        run_mode, clock, edge = choose_mode([gold, gate], names)
        if mode != "auto":
            run_mode = mode
        model_x = undef == "model" or (undef == "auto" and gold.has_x)
        outputs = tuple(p.name for p in gold.ports if p.direction == "output") if model_x else None
        return _Config(run_mode, clock, edge, find_reset(list(gold.ports), reset), outputs)

    # Phase 1: induction. The first run guesses its set-up from the reference text (cycle mode, clock and
    # reset by name, x modelling if the text has x literals); the netlists it writes decide, and a wrong
    # guess is run again.
    guess = _ports_guess(reference, ref_top)
    guess_x = undef == "model" or (undef == "auto" and bool(_X_LITERAL.search(_strip_comments(reference))))
    guess_outputs = tuple(p.name for p in guess if p.direction == "output")
    cfg = _Config(
        "cycle" if mode == "auto" else mode,
        _clock_guess(guess),
        "posedge",
        find_reset(guess, reset),
        guess_outputs if guess_x and guess_outputs else None,
    )
    runs: list[_Run] = []
    # Time kept back from induction on the outputs for the fallback proofs (see STRUCTURAL_RESERVE).
    reserve = STRUCTURAL_RESERVE * timeout_s if structural else 0.0
    for attempt in range(3):
        budget = max(0.5, (deadline - reserve - time.monotonic()) * 0.6)
        current = run(cfg, budget, max_steps=depth)
        runs.append(current)
        gold, gate = current.infos
        if gold is None or gate is None or interface_difference(gold, gate):
            break
        want = wanted(gold, gate)
        if want.script_key() == cfg.script_key():
            cfg = want  # same script; the clock and edge the replay needs may be better known now
            break
        if attempt == 2:
            break
        cfg = want
    phase1 = runs[-1]
    gold, gate = phase1.infos
    latches = (gold.latches if gold else 0) + (gate.latches if gate else 0)
    combinational = bool(gold and gate and not gold.clocks and not gate.clocks and latches == 0)
    interface = Interface("TopModule", gold.ports) if gold else None
    all_runs: list[_Run] = list(runs)
    other_commands: list[list[str]] = []  # tool runs outside Yosys: the Icarus compile check

    def assumptions_for(c: _Config) -> tuple[str, ...]:
        if combinational:
            out: tuple[str, ...] = ("combinational: every input combination is checked",)
            if c.outputs is not None:
                out += ("an x in the reference is a don't-care, in the candidate a mismatch",)
        else:
            out = tuple(_assumptions(c, latches))
        return out + tuple(rewrites)

    def finish(
        outcome: Outcome,
        ran: _Run,
        c: _Config,
        assumptions: tuple[str, ...] | None = None,
        **extra: Any,
    ) -> EquivalenceResult:
        commands = [cmd for r in all_runs for cmd in r.commands] + other_commands
        return EquivalenceResult(
            outcome,
            mode=c.mode,
            assumptions=assumptions_for(c) if assumptions is None else assumptions,
            isolated=ran.result.isolated,
            commands=tuple(tuple(cmd) for cmd in commands),
            script=ys.script_text(ran.script),
            log=ran.log,
            vcd=ran.vcd,
            log_excerpt=_excerpt(ran.log),
            wall_s=elapsed(),
            **base,
            **extra,
        )

    def failure(ran: _Run, c: _Config) -> EquivalenceResult | None:
        """A result for a run that stopped for a reason other than the proof's outcome."""
        step = ran.result.steps[0]
        killed = step.timed_out or ran.result.killed
        sat_log = ran.sat
        if sat_log.error and not sat_log.proof_error:

            def fin(outcome: Outcome, r: _Run, **k: Any) -> EquivalenceResult:
                return finish(outcome, r, c, **k)

            return _error_result(ran, sat_log, fin)
        if killed and sat_log.stage != "prove":
            return finish(
                Outcome.INCONCLUSIVE, ran, c, method="",
                message=f"the time limit was reached while Yosys was still in stage "
                f"`{sat_log.stage or 'start'}`; nothing was proven",
            )  # fmt: skip
        if not killed and step.returncode not in (0, 1):
            why = sat_log.error or _excerpt(step.stderr, 3) or "no output"
            return finish(
                Outcome.ERROR, ran, c, error_stage=sat_log.stage or "tool",
                message=f"Yosys exited with status {step.returncode}: {why}",
            )  # fmt: skip
        if not killed and step.returncode == 1 and not sat_log.error:
            return finish(
                Outcome.ERROR, ran, c, error_stage=sat_log.stage or "tool", message=_excerpt(ran.log, 3)
            )
        return None

    def counterexample(ran: _Run, c: _Config, method: str) -> EquivalenceResult:
        trace_kw: dict[str, Any] = {
            "mode": c.mode, "clock": c.clock, "edge": c.edge, "check_from": c.skip + 1,
        }  # fmt: skip
        trace = trace_from_log(ran.log, **trace_kw)
        if trace is None and ran.vcd:
            trace = trace_from_vcd(ran.vcd, **trace_kw)
        if trace is not None and combinational:
            trace = trace.trimmed(1)
        at = trace.samples[-1].cycle if trace else 0
        extra: dict[str, Any] = {"method": method, "depth": at, "trace": trace}
        if trace is None:
            return finish(
                Outcome.COUNTEREXAMPLE, ran, c, message="the counterexample table could not be read", **extra
            )
        ref_src, cand_src = replay_sources(reference, candidate, ref_top, cand_top)
        extra["replay_testbench"] = replay_testbench(trace, interface)
        left = deadline - time.monotonic()
        if not confirm or not have("iverilog") or left < 0.2:
            why = "replay skipped" if not confirm else "no Icarus" if not have("iverilog") else "no time left"
            return finish(
                Outcome.COUNTEREXAMPLE, ran, c, message=f"not replayed in simulation ({why})", **extra
            )
        replay = replay_in_simulator(
            trace, interface, ref_src, cand_src, timeout_s=max(1.0, left), isolate=isolate
        )
        if replay is None:
            return finish(
                Outcome.COUNTEREXAMPLE, ran, c,
                message="the replay testbench did not compile or run in Icarus; the trace is unconfirmed",
                **extra,
            )  # fmt: skip
        # Outputs outside the proof's cone show unconstrained values in sat's table: show the simulator's.
        extra.update(replay_mismatches=replay.mismatches, replay_samples=replay.samples)
        extra["trace"] = with_simulated_outputs(trace, replay.values)
        if replay.mismatches > 0:
            return finish(Outcome.COUNTEREXAMPLE, ran, c, confirmed=True, **extra)
        extra["depth"] = max(0, at - 1)
        power_up = "x power-up" if c.init == "undef" else "zero power-up state"
        return finish(
            Outcome.INCONCLUSIVE, ran, c, confirmed=False,
            message=(
                f"sat found a difference at step {at}, but replaying it in Icarus shows none: "
                f"it rests on the {power_up} or on x, which simulation treats differently"
            ),
            **extra,
        )  # fmt: skip

    def proven(
        ran: _Run, c: _Config, assumptions: tuple[str, ...] | None = None, **extra: Any
    ) -> EquivalenceResult:
        """PROVEN, unless Icarus Verilog rejects the candidate (but not the reference): then Yosys proved its
        own lenient reading of a text that is not legal Verilog, and the result is an ERROR at stage
        "candidate". When Icarus rejects the reference too (e.g. a construct it does not support), the
        compile says nothing about the candidate and is only noted."""
        kept = assumptions_for(c) if assumptions is None else assumptions
        if compile_check:

            def compiles(text: str, top: str, file: str) -> tuple[bool | None, str]:
                left = max(1.0, deadline - time.monotonic())
                ok, out, cmds = _icarus_compiles(text, top, timeout_s=left, isolate=isolate, file=file)
                other_commands.extend(cmds)
                return ok, out

            ok, text = compiles(candidate, cand_top, CANDIDATE_FILE)
            if ok is False:
                ref_ok, _ = compiles(reference, ref_top, REFERENCE_FILE)
                if ref_ok is not False:
                    return finish(
                        Outcome.ERROR, ran, c, error_stage="candidate",
                        message="Icarus Verilog does not compile the candidate, so what Yosys proved "
                        f"equivalent (its own reading of the text) is not a design a simulator runs:\n{text}",
                    )  # fmt: skip
                kept += ("Icarus Verilog rejects the reference as well as the candidate",)
            elif ok is None:
                kept += (f"not compiled in Icarus Verilog: {text}",)
        return finish(Outcome.PROVEN, ran, c, assumptions=kept, **extra)

    def structural_proof(c: _Config) -> tuple[EquivalenceResult | None, str, bool]:
        """(the structural proof as a PROVEN result, "", False), or (None, why it did not prove, whether the
        candidate's x or undriven nets stopped it)."""
        left = deadline - time.monotonic()
        if left < 0.3:
            return None, "the structural proof (equiv_induct) was not tried: no time left", False
        opts = c.structural(candidate_x=gate is None or gate.has_x or gate.undriven)
        script = ys.structural_script(
            REFERENCE_FILE, CANDIDATE_FILE, ref_top=ref_top, cand_top=cand_top, mode=c.mode, options=opts
        )
        budget = min(left, max(STRUCTURAL_FLOOR_S, left * STRUCTURAL_SHARE))
        ran = _run_phase(files, script, timeout_s=budget, isolate=isolate, memory_mb=memory_mb)
        all_runs.append(ran)
        step = ran.result.steps[0]
        killed = step.timed_out or ran.result.killed
        # The `proven` marker is logged only after every `equiv_status -assert` passed: a run killed while
        # Yosys was exiting still proved.
        if ran.sat.stage == "proven" and not ran.sat.error and (killed or step.returncode == 0):
            pairs = _proven_pairs(ran.log)
            kept = _structural_assumptions(c, latches, opts, bool(gold and gold.has_x), combinational)
            msg = (
                f"induction on the outputs alone did not close; {pairs} bits of signals matched by name or "
                "structure are proven equal together (Yosys equiv_induct)"
            )
            result = proven(
                ran, c, assumptions=tuple(kept + rewrites), method="equiv_induct", depth=opts.seq, message=msg
            )
            return result, "", False
        x_blocked = ran.sat.stage in ("base-x", "candidate-x") and not killed
        return None, "structural proof (equiv_induct): " + _structural_failure(ran, opts, killed), x_blocked

    def register_proof(c: _Config) -> tuple[EquivalenceResult | None, str]:
        """Induction on the miter again, with the registers both designs name alike as extra equalities."""
        theirs = dict(gate.registers) if gate else {}
        pairs = tuple(
            (f"gold.{name}", f"gate.{name}")
            for name, width in (gold.registers if gold else ())
            if theirs.get(name) == width and _PLAIN_NAME.match(name)
        )
        if not pairs:
            return None, ""
        left = deadline - time.monotonic()
        if left < 0.3:
            return None, "induction with matched registers was not tried: no time left"
        budget = min(left, max(STRUCTURAL_FLOOR_S, left * REGISTER_SHARE))
        ran = run(c, budget, max_steps=depth, prove_also=pairs, cone=False)
        all_runs.append(ran)
        step = ran.result.steps[0]
        killed = step.timed_out or ran.result.killed
        if not killed and ran.sat.proven and not ran.sat.counterexample and failure(ran, c) is None:
            names = ", ".join(f"`{g[5:]}`" for g, _ in pairs[:8]) + (", ..." if len(pairs) > 8 else "")
            also = f"registers of the same name in both designs ({names}) are proven equal with the outputs"
            kept = (*assumptions_for(c), also)
            msg = (
                f"induction on the outputs alone did not close; with {len(pairs)} matched registers it "
                f"closed at length {ran.sat.induction_length}"
            )
            return proven(
                ran, c, assumptions=kept, method="induction_regs", depth=ran.sat.induction_length, message=msg
            ), ""
        bad = failure(ran, c)
        if killed or ran.sat.timed_out:
            why = "stopped by the time limit"
        elif bad is not None:
            why = f"Yosys stopped: {bad.message}"
        elif ran.sat.counterexample:
            why = "the registers differ where the outputs do not"
        else:
            why = f"did not close (tried up to length {depth})"
        return None, f"induction with {len(pairs)} matched registers: {why}"

    def split_proof(c: _Config) -> tuple[EquivalenceResult | None, str]:
        """The registers (all of them named alike in both designs) proven equal by induction, then every
        output checked from any state where they are equal, with x modelled (`ys.register_split_script`).
        (None, "") when the designs' registers do not pair up, so it does not apply."""
        pairs = _state_pairs(gold, gate)
        if pairs is None or c.mode != "cycle" or c.init != "zero" or gold is None:
            return None, ""
        left = deadline - time.monotonic()
        if left < 0.3:
            return None, "the register/output split proof was not tried: no time left"
        state = replace(c.sat(max_steps=depth, prove_also=pairs, outputs=False, cone=False), prove_x=())
        outputs = tuple((f"gold_{p.name}", f"gate_{p.name}") for p in gold.ports if p.direction == "output")
        script = ys.register_split_script(
            REFERENCE_FILE, CANDIDATE_FILE, ref_top=ref_top, cand_top=cand_top, state=state,
            outputs=ys.output_check_command(outputs, pairs), mode=c.mode, share=share,
        )  # fmt: skip
        budget = min(left, max(STRUCTURAL_FLOOR_S, left - SPLIT_KEEP * timeout_s))
        ran = _run_phase(files, script, timeout_s=budget, isolate=isolate, memory_mb=memory_mb)
        all_runs.append(ran)
        step = ran.result.steps[0]
        killed = step.timed_out or ran.result.killed
        n = len(pairs)
        if ran.sat.stage == "proven" and not ran.sat.error and (killed or step.returncode == 0):
            kept = (
                *[a for a in assumptions_for(c) if not a.startswith(("x is modelled", "an x in the"))],
                f"every register has one of the same name and width in the other design ({n} pairs); they "
                "are proven equal by induction from reset, reading an x in the reference as 0 (a stricter "
                "check) and an x or undriven net in the candidate as any value",
                "outputs are compared in one time step from every state where the paired registers are "
                "equal and defined, with x modelled: an x in the reference is a don't-care, in the "
                "candidate a mismatch",
            )
            msg = (
                f"induction on the outputs alone did not close; the {n} registers named alike are proven "
                f"equal (induction closed at length {ran.sat.induction_length}), and from any state where "
                "they are equal the outputs match"
            )
            return proven(
                ran,
                c,
                assumptions=kept,
                method="induction_split",
                depth=ran.sat.induction_length,
                message=msg,
            ), ""
        if killed or ran.sat.timed_out:
            why = f"stopped by the time limit in stage `{ran.sat.stage or 'start'}`"
        elif ran.sat.stage == "state" and ran.sat.counterexample:
            why = "the registers differ where the outputs need not"
        elif ran.sat.stage == "state" and ran.sat.proof_error:
            why = f"the registers' induction did not close (tried up to length {depth})"
        elif ran.sat.stage == "outputs" and ran.sat.proof_error:
            why = "an output differs in some state where the registers are equal (reachable or not)"
        else:
            why = f"Yosys stopped in stage `{ran.sat.stage or 'start'}`: {ran.sat.error or 'no output'}"
        return None, f"registers then outputs ({n} register pairs): {why}"

    def fallback_proofs(c: _Config) -> tuple[EquivalenceResult | None, list[str]]:
        """The proofs that may turn an induction that did not close into PROVEN, in order; (PROVEN result,
        []) or (None, why each one tried did not prove).

        The structural proof reads the reference's x as 0 and needs the candidate's x irrelevant to every
        matched signal, outputs included; where that is what stops it, the split proof (registers, then
        outputs with x modelled) and then induction with the matched registers (x modelled throughout,
        for a reference whose x reach its registers, which the split proof reads as 0) follow. When the
        reference has don't-cares, the candidate has x too and the split proof applies, the structural
        proof would stop there, so the split proof goes first."""
        notes: list[str] = []
        split_first = bool(
            gold and gate and gold.has_x and (gate.has_x or gate.undriven) and _state_pairs(gold, gate)
        )
        if split_first:
            upgraded, note = split_proof(c)
            if upgraded is not None:
                return upgraded, []
            notes += [note] if note else []
        upgraded, note, x_blocked = structural_proof(c)
        if upgraded is not None:
            return upgraded, []
        notes.append(note)
        if x_blocked:
            for attempt in (register_proof,) if split_first else (split_proof, register_proof):
                upgraded, note = attempt(c)
                if upgraded is not None:
                    return upgraded, []
                notes += [note] if note else []
        return None, notes

    def evaluate(first: _Run, c: _Config) -> EquivalenceResult:
        """The outcome of an induction run, going on to bounded model checking when it did not close."""
        bad = failure(first, c)
        if bad is not None:
            return bad
        sat_log = first.sat
        if sat_log.counterexample:
            return counterexample(first, c, "induction")
        if sat_log.proven:
            return proven(first, c, method="induction", depth=sat_log.induction_length)
        killed = first.result.steps[0].timed_out or first.result.killed
        notes: list[str] = []
        if structural and c.init == "zero":
            upgraded, tried = fallback_proofs(c)
            if upgraded is not None:
                return upgraded
            notes += tried
        reached = c.skip + sat_log.base_proven
        left = deadline - time.monotonic()
        last = first
        bmc_stopped = False
        if bmc_depth > sat_log.base_proven and left > 0.3:
            bmc = run(c, left * 0.85, max_steps=bmc_depth, induction=False, proven_steps=sat_log.base_proven)
            all_runs.append(bmc)
            last = bmc
            bad = failure(bmc, c)
            if bad is not None and bad.outcome is Outcome.ERROR:
                return bad
            if bmc.sat.counterexample:
                return counterexample(bmc, c, "bmc")
            reached = max(reached, c.skip + bmc.sat.base_proven)
            bmc_stopped = bmc.result.steps[0].timed_out or bmc.result.killed or bmc.sat.timed_out
        why = "the time limit stopped induction" if killed or sat_log.timed_out else "induction did not close"
        why += f" (tried up to length {depth})"
        if bmc_stopped:
            why += "; the time limit stopped bounded model checking"
        message = f"{why}; no difference within {reached} steps"
        message += "".join(f"\n{note}" for note in notes)
        return finish(Outcome.INCONCLUSIVE, last, c, method="bmc", depth=reached, message=message)

    result = evaluate(phase1, cfg)
    # A difference that exists only from the zero power-up state: simulation starts from x, so look again
    # with registers powering up as x and x in the reference as a don't-care, as a testbench sees them.
    if (
        result.confirmed is False
        and cfg.init == "zero"
        and gold is not None
        and not combinational
        and deadline - time.monotonic() > 0.5
    ):
        outputs = tuple(p.name for p in gold.ports if p.direction == "output")
        cfg_x = replace(cfg, outputs=outputs, init="undef")
        retry = run(cfg_x, max(0.5, (deadline - time.monotonic()) * 0.6), max_steps=depth)
        all_runs.append(retry)
        second = evaluate(retry, cfg_x)
        note = f"with zero power-up: {result.message}"
        if second.outcome is not Outcome.ERROR:
            msg = f"{second.message}\n{note}" if second.message else note
            return replace(second, message=msg)
    return result


_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])?$")  # `mem[3]`: a memory word
_UNPROVEN = re.compile(r"Found (\d+) unproven \$equiv cells in 'equiv_status -assert'")
_PROVEN_PAIRS = re.compile(r"Of those cells (\d+) are proven and 0 are unproven")


def _state_pairs(gold: DesignInfo | None, gate: DesignInfo | None) -> tuple[tuple[str, str], ...] | None:
    """("gold.r", "gate.r") for every register, when all state of both designs is in registers (registered
    outputs included) that pair up by name and width; None otherwise."""
    if gold is None or gate is None or gold.unnamed_state or gate.unnamed_state:
        return None
    mine = gold.state
    if not mine or mine != gate.state or not all(_PLAIN_NAME.match(name) for name in mine):
        return None
    return tuple((f"gold.{name}", f"gate.{name}") for name in sorted(mine))


def _proven_pairs(log: str) -> int:
    """Matched bit pairs in the reference/candidate module (the last `equiv_status` of the run)."""
    found = _PROVEN_PAIRS.findall(log)
    return int(found[-1]) if found else 0


def _structural_failure(ran: _Run, opts: ys.StructuralOptions, killed: bool) -> str:
    stage = ran.sat.stage or "start"
    if killed:
        return f"stopped by the time limit in stage `{stage}`"
    if stage == "base-x" and ran.sat.proof_error:
        return (
            f"the candidate's x or undriven nets change a matched signal within {opts.base_steps} time steps "
            "of power-up"
        )
    if stage == "base" and ran.sat.proof_error:
        return (
            f"matched signals differ within {opts.base_steps} time steps of power-up "
            "(signals paired by name or structure need not agree where outputs do)"
        )
    m = _UNPROVEN.search(ran.log)
    unproven = f"{m.group(1)} matched signal bits unproven" if m else "unproven matched signals"
    if stage == "candidate-x":
        return f"the candidate's x or undriven nets may change what it computes ({unproven})"
    if stage == "induction":
        return f"not inductive ({unproven})"
    return f"Yosys stopped in stage `{stage}`: {ran.sat.error or 'no output'}"


def _icarus_compiles(
    source: str, top: str, *, timeout_s: float, isolate: bool, file: str = CANDIDATE_FILE
) -> tuple[bool | None, str, list[list[str]]]:
    """(True, "", commands) if Icarus compiles `source` with top `top` (VerilogEval's flags); (False, its
    errors, commands) if not; (None, why, commands) when it could not be run or did not finish."""
    if not have("iverilog"):
        return None, "Icarus Verilog is not installed", []
    step = icarus.compile_step((file,), top=top, timeout_s=timeout_s)
    run = run_steps([step], {file: source}, Limits(timeout_s=timeout_s), isolate=isolate)
    cmds = command_line([step], isolate=isolate)
    done = run.steps[0] if run.steps else None
    if done is None or done.timed_out or run.killed:
        return None, "the compile did not finish within the time limit", cmds
    if done.returncode != 0:
        out = done.stdout + done.stderr
        errors = [ln for ln in out.splitlines() if "error" in ln.lower() or "sorry" in ln.lower()]
        return False, "\n".join(errors[:5]) if errors else _excerpt(out, 6), cmds
    return True, "", cmds


def _strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*|/\*.*?\*/", " ", text, flags=re.S)


def _error_result(run: _Run, sat_log: SatLog, finish: Any) -> EquivalenceResult:
    stage = sat_log.stage or "tool"
    gold, gate = run.infos
    msg = sat_log.error
    if stage == "miter" and gold is not None and gate is not None:
        diff = interface_difference(gold, gate)
        if diff:
            return finish(Outcome.ERROR, run, error_stage="interface", message=f"interfaces differ: {diff}")  # type: ignore[no-any-return]
    if stage == "reference":
        msg = f"the reference does not synthesize in Yosys: {msg}"
    elif stage == "candidate":
        msg = f"the candidate does not synthesize in Yosys: {msg}"
    elif stage == "miter":
        stage = "interface"
        msg = f"interfaces differ: {msg}"
    elif "Failed to import cell" in msg:
        msg = f"sat cannot model a cell of this design: {msg}"
    return finish(Outcome.ERROR, run, error_stage=stage, message=msg)  # type: ignore[no-any-return]


_PORT_DECL = re.compile(r"\b(input|output|inout)\b([^;()]*?)\b([A-Za-z_][A-Za-z0-9_$]*)\s*(?=[,;)\n]|$)")


def _ports_guess(source: str, top: str) -> list[Port]:
    """Port names from the module text (pyslang when it elaborates, else a scan): reset and clock guesses."""
    try:
        from rtlsmith.hdl import parse_interface

        return list(parse_interface(source, top).ports)
    except Exception:  # a guess only; Yosys' netlist decides later
        m = re.search(rf"\bmodule\s+{re.escape(top)}\b(.*?)\bendmodule\b", source, re.S)
        body = m.group(1) if m else source
        return [Port(name, "input" if d == "input" else "output") for d, _, name in _PORT_DECL.findall(body)]


def _clock_guess(ports: list[Port]) -> str | None:
    return Interface("guess", tuple(ports)).clock()


def equivalence_plan(
    *,
    ref_top: str = "RefModule",
    cand_top: str = "TopModule",
    depth: int = 20,
    mode: str = "cycle",
    reset: tuple[str, int] | None = None,
    clock: str | None = None,
    outputs: tuple[str, ...] | None = None,
) -> list[str]:
    """A phase-1 Yosys script as `check_equivalence` builds it (for --dry-run and docs)."""
    cfg = _Config(mode, clock, "posedge", reset, outputs)
    sat = cfg.sat(max_steps=depth)
    return ys.equivalence_script(
        REFERENCE_FILE, CANDIDATE_FILE, ref_top=ref_top, cand_top=cand_top, sat=sat, mode=mode
    )


__all__ = [
    "DesignInfo",
    "SatLog",
    "check_equivalence",
    "design_info",
    "equivalence_plan",
    "find_reset",
    "interface_difference",
    "replay_in_simulator",
    "replay_sources",
]
