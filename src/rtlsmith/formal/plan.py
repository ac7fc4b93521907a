"""How the Yosys runs of an equivalence check are set up, timed and described.

`RunConfig` is one run's set-up (cycle or step mode, clock, reset, x modelling, power-up state) and builds
the options of `ys.equivalence_script` and `ys.structural_script`; `sat_assumptions` and
`structural_assumptions` say in words what a result under that set-up assumes. The budget constants
below share a check's time between its stages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rtlsmith.tools import yosys as ys

REFERENCE_FILE = "ref.sv"
CANDIDATE_FILE = "cand.sv"
SCRIPT_FILE = "equiv.ys"
VCD_FILE = "cex.vcd"
JSON_FILES = ("gold.json", "gate.json")

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


@dataclass(frozen=True)
class RunConfig:
    """How one equivalence run is set up; derived from the netlists and redone if a guess was wrong."""

    mode: str  # "cycle" | "step"
    clock: str | None
    edge: str
    reset: tuple[str, int] | None
    outputs: tuple[str, ...] | None  # with x modelling: the outputs compared with -prove-x; else None
    init: str = "zero"  # power-up state of registers without a declared value: "zero" or "undef" (x)
    assumes: bool = False  # the reference holds the user's input assumption as an `$assume` cell

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
            set_at=tuple(set_at), skip=self.skip, prove_x=prove_x, init=self.init, vcd_file=VCD_FILE,
            assumes=self.assumes, **kw,
        )  # fmt: skip


def sat_assumptions(cfg: RunConfig, latches: int, *, x_words: bool = True) -> list[str]:
    """What a result of `sat` on the miter under `cfg` assumes, in words; `x_words=False` leaves out how x is
    read, for a proof that states its own x handling."""
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
    out += _clocking_words(cfg, latches)
    if not x_words:
        return out
    if cfg.outputs is not None:
        out.append(
            "x is modelled (sat -enable_undef): an x in the reference is a don't-care, "
            "in the candidate a mismatch"
        )
    else:
        out.append("an x in the candidate may take any value; the reference has no x")
    return out


def _clocking_words(cfg: RunConfig, latches: int) -> list[str]:
    """What a time step is, and how latches are read, under `cfg`."""
    out: list[str] = []
    if cfg.mode == "cycle" and cfg.clock:
        out.append(f"one time step is one clock cycle ({cfg.edge} {cfg.clock})")
    elif cfg.mode == "step":
        out.append("clocks are free inputs (clk2fflogic); one time step is half a clock period")
    if latches and cfg.mode == "cycle":
        out.append("latches hold their value from the previous cycle (async2sync)")
    return out


def structural_assumptions(
    cfg: RunConfig, latches: int, opts: ys.StructuralOptions, ref_x: bool, combinational: bool
) -> list[str]:
    """What a structural proof (`ys.structural_script`) under `cfg` and `opts` assumes, in words."""
    out: list[str] = []
    if combinational:
        out.append("combinational: every input combination is checked")
    else:
        out.append("registers power up at zero (declared initial values are kept)")
        if cfg.reset is not None:
            name, level = cfg.reset
            steps = "the first cycle" if cfg.mode == "cycle" else "the first 3 time steps"
            out.append(f"reset `{name}` is held at {level} in {steps}")
        out += _clocking_words(cfg, latches)
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
    cfg = RunConfig(mode, clock, "posedge", reset, outputs)
    sat = cfg.sat(max_steps=depth)
    return ys.equivalence_script(
        REFERENCE_FILE, CANDIDATE_FILE, ref_top=ref_top, cand_top=cand_top, sat=sat, mode=mode
    )
