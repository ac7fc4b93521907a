"""Yosys scripts and command lines, as data.

A formal run is one Yosys script: every command is a string in a list, so a run can be logged, shown with
`--dry-run` and unit-tested without running anything. Facts this module relies on (Yosys 0.23, measured):

- `read_verilog -sv` then `proc` gives a netlist `sat` can import once asynchronous flip-flops and latches
  are rewritten (`async2sync` for one clock domain, `clk2fflogic` when edges or clocks are mixed).
- `miter -equiv -flatten -make_outputs gold gate miter` and
  `sat -verify -tempinduct -prove trigger 0 -set-init-zero -seq 1 -maxsteps N -dump_vcd cex.vcd` prove
  equivalence by temporal induction; `miter -ignore_gold_x` is avoided (it gave a false induction
  counterexample with `sat`).
- FSM extraction needs `opt -nodffe -nosdff` (plain `opt` makes a synchronously reset state register a `$sdff`
  and `fsm` then finds nothing); `fsm -nomap -norecode` keeps the original state encoding.
- The log written with `-l` is flushed as Yosys goes, so a run killed by its time limit still says how far it
  got; the terminal copy of a long table is truncated, the log is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rtlsmith.tools.sandbox import Step
from rtlsmith.tools.toolchain import require

LOG_FILE = "yosys.log"
STAGE_MARKER = "rtlsmith-stage:"
# Identifiers Yosys must see verbatim in a script: module names, port names, file names we chose.
_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9_$.\\/\[\]-]+$")


def safe_token(text: str) -> str:
    """`text` unchanged if it is safe as one Yosys script token (a name, a file), else ValueError."""
    if not _SAFE_TOKEN.match(text):
        raise ValueError(f"not a safe Yosys script token: {text!r}")
    return text


_token = safe_token


def stage(name: str) -> str:
    """A `log` command marking where the script is; a failing run's last marker names the failing stage."""
    return f"log {STAGE_MARKER} {_token(name)}"


_ALWAYS_COMB = re.compile(r"\balways_comb\b")
_TYPEDEF = re.compile(r"\btypedef\b[^;]*?\}\s*([A-Za-z_][A-Za-z0-9_$]*)\s*;", re.S)


def frontend_text(source: str) -> tuple[str, list[str]]:
    """The source as Yosys 0.23 reads it, and what was rewritten: `always_comb` becomes `always @*` (Yosys
    errors on a latch there; simulators accept it) and a cast to a typedef'd type `T'(e)` becomes `(e)`
    (Yosys 0.23 cannot parse it; assignments convert the value the same way)."""
    notes: list[str] = []
    text, n = _ALWAYS_COMB.subn("always @*", source)
    if n:
        notes.append("always_comb is read as always @* (Yosys rejects latches there; simulators accept them)")
    for name in sorted(set(_TYPEDEF.findall(text))):
        text, n = re.subn(rf"\b{re.escape(name)}\s*'\s*\(", "(", text)
        if n:
            notes.append(f"casts {name}'(...) are read as (...) (Yosys 0.23 cannot parse them)")
    return text, notes


def script_text(commands: Sequence[str]) -> str:
    """The script file's text: one command per line."""
    return "\n".join(commands) + "\n"


def yosys_step(
    script_file: str,
    *,
    name: str = "yosys",
    log_file: str = LOG_FILE,
    timeout_s: float | None = None,
    always: bool = False,
) -> Step:
    """`yosys -q -l LOG -s SCRIPT`: quiet on the terminal, everything in the log file."""
    yosys = require("yosys").prefix
    argv = (*yosys, "-q", "-l", _token(log_file), "-s", _token(script_file))
    return Step(name, argv, timeout_s=timeout_s, always=always)


def read_design(
    path: str,
    top: str,
    *,
    as_name: str,
    undef: str = "zero",
    json_file: str | None = None,
    stash: bool = True,
) -> list[str]:
    """Read `path`, elaborate `top`, flatten it and rename it `as_name`, then stash it under that name.

    The netlist is written to `json_file` (if given) before any `x` is replaced. Then, by `undef`:
    "zero": constant `x` and undefined initial values become 0 (`setundef -init -zero`), which is how `sat`
    without undef modelling reads `x` anyway; "anyseq": constant `x` become free values chosen anew each
    cycle (`setundef -anyseq`), so a candidate's `x` output is a mismatch wherever the reference is
    defined, as in a benchmark testbench, and undefined initial values become 0; "keep": nothing is
    replaced (for `sat -enable_undef`, where an undefined initial value is an `x` at power-up).
    """
    if undef not in ("zero", "anyseq", "keep"):
        raise ValueError(f"undef must be 'zero', 'anyseq' or 'keep', not {undef!r}")
    cmds = [
        f"read_verilog -sv {_token(path)}",
        f"hierarchy -check -top {_token(top)}",
        "proc",
        "flatten",
        "memory",
        "opt_clean",
        f"rename {_token(top)} {_token(as_name)}",
    ]
    if json_file:
        cmds.append(f"write_json {_token(json_file)}")
    if undef == "anyseq":
        cmds.append("setundef -anyseq")
    if undef in ("zero", "anyseq"):
        cmds.append("setundef -init -zero")
    if stash:
        cmds.append(f"design -stash {_token(as_name)}")
    return cmds


def miter_commands(gold: str = "gold", gate: str = "gate", miter: str = "miter") -> list[str]:
    """Bring both stashed designs back and build the equivalence miter (no `-ignore_gold_x`)."""
    return [
        f"design -copy-from {gold} -as {gold} {gold}",
        f"design -copy-from {gate} -as {gate} {gate}",
        stage("miter"),
        f"miter -equiv -flatten -make_outputs {gold} {gate} {miter}",
        f"hierarchy -top {miter}",
    ]


def clocking_commands(mode: str) -> list[str]:
    """Make every flip-flop and latch importable by `sat`.

    "cycle": one clock domain; one `sat` time step is one clock cycle; asynchronous resets and latches are
    rewritten by `async2sync` (a latch holds its value from the previous cycle). "step": mixed edges or
    several clocks; `clk2fflogic` makes the clocks ordinary inputs and a time step is half a clock period.
    """
    if mode == "cycle":
        return ["async2sync"]
    if mode == "step":
        return ["clk2fflogic"]
    raise ValueError(f"mode must be 'cycle' or 'step', not {mode!r}")


@dataclass(frozen=True)
class SatOptions:
    """One `sat` invocation on the miter.

    Without `prove_x`, the property is `trigger == 0` (every output pair equal, `x` read as 0). With
    `prove_x` ((gold output, gate output) pairs), `sat` models undefined values (`-enable_undef`, inputs
    defined) and an `x` in the gold output matches anything, as a VerilogEval testbench compares.
    """

    max_steps: int
    skip: int = 1  # -seq: leading time steps whose outputs are not compared (reset / power-up)
    induction: bool = True  # False: bounded model checking only (-tempinduct-baseonly)
    proven_steps: int = 0  # BMC: base-case lengths already proven by an earlier run (-tempinduct-skip)
    set_at: tuple[tuple[int, str, str], ...] = ()  # (step, signal, value): e.g. reset held in step 1
    prove_x: tuple[tuple[str, str], ...] = ()
    init: str = (
        "zero"  # "zero": -set-init-zero; "undef": -set-init-undef (registers power up as x; needs prove_x)
    )
    vcd_file: str = "cex.vcd"
    solver_timeout_s: int = 0  # -timeout per SAT instance, 0 for none
    # Import only the input cone of `trigger` (logic both designs share after `opt_merge` drops out; outputs
    # outside the cone then show unconstrained values in the model table). Ignored with `prove_x` and with
    # `prove_also`, and with `assumes` (the `$assume` cells lie outside that cone).
    cone: bool = True
    # More properties proven together with the outputs: (gold signal, gate signal) pairs that must be equal
    # (`-prove`; with undef modelling an x must match an x). Internal registers of the same name make the
    # induction hypothesis strong enough where the outputs alone do not (`sat` still checks every pair in
    # its base case, so a pair that differs only makes the proof fail, never wrong).
    prove_also: tuple[tuple[str, str], ...] = ()
    # False: prove only the `prove_also` pairs, not the outputs (`register_split_script`'s first half).
    outputs: bool = True
    # The designs hold `$assume` cells (a user's input assumption): constrain every step with them.
    assumes: bool = False

    def command(self, module: str = "miter") -> str:
        parts = ["sat", "-verify", "-show-ports"]
        if not self.outputs and (self.prove_x or not self.prove_also):
            raise ValueError("without the outputs, sat needs `prove_also` pairs and no x modelling")
        if self.prove_x:
            parts += ["-enable_undef", "-set-def-inputs"]
            for gold, gate in self.prove_x:
                parts += ["-prove-x", _token(gold), _token(gate)]
        elif self.outputs:
            parts += ["-prove", "trigger", "0"]
        for gold, gate in self.prove_also:
            parts += ["-prove", _token(gold), _token(gate)]
        if self.init == "undef" and not self.prove_x:
            raise ValueError("an undefined power-up state needs undef modelling (prove_x)")
        if self.assumes:
            parts.append("-set-assumes")
        parts += ["-set-init-undef" if self.init == "undef" else "-set-init-zero"]
        parts += ["-tempinduct" if self.induction else "-tempinduct-baseonly"]
        parts += ["-seq", str(self.skip), "-maxsteps", str(self.max_steps)]
        if not self.induction and self.proven_steps > 0:
            parts += ["-tempinduct-skip", str(self.proven_steps)]
        for step, signal, value in self.set_at:
            parts += ["-set-at", str(step), _token(signal), _token(value)]
        if self.solver_timeout_s > 0:
            parts += ["-timeout", str(self.solver_timeout_s)]
        parts += ["-dump_vcd", _token(self.vcd_file)]
        if self.cone and not self.prove_x and not self.prove_also and not self.assumes:
            parts += [f"{_token(module)}/o:trigger", "%ci*"]
        else:
            parts += [_token(module)]
        return " ".join(parts)


def equivalence_script(
    reference_file: str,
    candidate_file: str,
    *,
    ref_top: str,
    cand_top: str,
    sat: SatOptions,
    mode: str = "cycle",
    share: bool = True,
    json_files: tuple[str, str] | None = ("gold.json", "gate.json"),
) -> list[str]:
    """The whole equivalence run: read both designs, build the miter, prove (or bound) equality.

    share: merge logic the two designs have in common (`opt_merge`, structural hashing) before `sat`.
    Without `sat.prove_x` the candidate's constant `x` become free values (`setundef -anyseq`); with it
    both designs keep their `x` for `sat`'s undef modelling.
    """
    gold_json, gate_json = json_files if json_files else (None, None)
    gold_undef, cand_undef = ("keep", "keep") if sat.prove_x else ("zero", "anyseq")
    return [
        stage("reference"),
        *read_design(reference_file, ref_top, as_name="gold", undef=gold_undef, json_file=gold_json),
        stage("candidate"),
        *read_design(candidate_file, cand_top, as_name="gate", undef=cand_undef, json_file=gate_json),
        *miter_commands(),
        stage("clocking"),
        *clocking_commands(mode),
        *(["opt_merge", "opt_clean", "opt_expr -keepdc", "opt_merge", "opt_clean"] if share else []),
        stage("prove"),
        sat.command(),
    ]


def output_check_command(
    prove_x: Sequence[tuple[str, str]],
    state: Sequence[tuple[str, str]],
    module: str = "miter",
    *,
    assumes: bool = False,
) -> str:
    """`sat` over one time step that starts in any state where every (gold, gate) register pair of `state`
    is defined and equal: each (gold output, gate output) pair of `prove_x` must match, with x modelled (an
    x in the gold output matches anything, an x in the gate output only an x). Registers outside `state`
    are free, which can only make the check fail. Only the combinational input cone of the outputs is
    imported (`%cie*` stops at flip-flops, whose outputs are then free values): the next-state logic plays
    no part in one step from a free state, and leaving it out halves the problem."""
    if not prove_x or not state:
        raise ValueError("the output check needs output pairs and register pairs")
    parts = ["sat", "-verify", "-show-ports", "-enable_undef", "-set-def-inputs"]
    parts += ["-set-assumes"] if assumes else []
    for gold, gate in prove_x:
        parts += ["-prove-x", _token(gold), _token(gate)]
    for gold, gate in state:
        parts += ["-set", _token(gold), _token(gate), "-set-def", _token(gold), "-set-def", _token(gate)]
    return " ".join([*parts, "-seq", "1", f"{_token(module)}/o:*", "%cie*"])


def register_split_script(
    reference_file: str,
    candidate_file: str,
    *,
    ref_top: str,
    cand_top: str,
    state: SatOptions,
    outputs: str,
    mode: str = "cycle",
    share: bool = True,
) -> list[str]:
    """Equivalence in two proofs over registers matched by name, for designs whose `x` reach their outputs
    (where a proof that needs the candidate's `x` to be irrelevant everywhere cannot succeed).

    Stage `state`: `state` (a `SatOptions` with `outputs=False` and the register pairs as `prove_also`)
    proves by induction from reset that the paired registers stay equal, reading the reference's `x` as 0
    (a don't-care given a value) and the candidate's `x` and undriven nets as free values (`setundef
    -anyseq`: they must not change the candidate's state). Stage `outputs`: `outputs` (an
    `output_check_command`) shows that from any state where the pairs are equal every output matches, with
    x modelled. Proven only if the log reaches stage `proven`.
    """
    shared = ["opt_merge", "opt_clean", "opt_expr -keepdc", "opt_merge", "opt_clean"] if share else []
    return [
        stage("reference"),
        *read_design(reference_file, ref_top, as_name="gold", undef="keep"),
        stage("candidate"),
        *read_design(candidate_file, cand_top, as_name="gate", undef="keep"),
        stage("state-miter"),
        "design -copy-from gold -as gold gold",
        "design -copy-from gate -as gate gate",
        "setundef -init -zero gold",
        "setundef -undriven -anyseq gate",
        "setundef -init -zero gate",
        "miter -equiv -flatten -make_outputs gold gate miter",
        "hierarchy -top miter",
        *clocking_commands(mode),
        *shared,
        stage("state"),
        state.command(),
        stage("outputs-miter"),
        "design -reset",
        "design -copy-from gold -as gold gold",
        "design -copy-from gate -as gate gate",
        "miter -equiv -flatten -make_outputs gold gate miter",
        "hierarchy -top miter",
        *clocking_commands(mode),
        *shared,
        stage("outputs"),
        outputs,
        stage("proven"),
    ]


@dataclass(frozen=True)
class StructuralOptions:
    """The structural proof (`structural_script`): how far each `equiv_*` pass looks and how the base case
    is driven.

    seq: `-seq` of `equiv_simple` and `equiv_induct`. `equiv_simple -seq N` proves a pair equal from its
    input cone over up to N + 1 time frames that start in an arbitrary state, so its proof holds from step
    N + 1 on; `equiv_induct -seq N` assumes every pair equal in N consecutive steps and proves the next.
    Neither looks at the power-up state, so the base case (`base_steps` = N + 1 steps from power-up, every
    pair compared in every step) is checked by bounded model checking of the `equiv_miter` of each module.
    set_at: (step, input port, value) forced in the base case (reset held, a clock driven in step mode).
    struct: run `equiv_struct -icells` on the reference/candidate pair, pairing cells (registers included)
    that match structurally even where their names differ.
    candidate_x: False when the candidate has neither constant x nor undriven nets, so `gate_x` and `gate_0`
    would be the same netlist and that proof is left out.
    """

    seq: int = 4
    set_at: tuple[tuple[int, str, str], ...] = ()
    struct: bool = True
    # The candidate has constant x or undriven nets: prove them irrelevant first (see `structural_script`).
    candidate_x: bool = True

    @property
    def base_steps(self) -> int:
        return self.seq + 1

    def base_command(self, module: str) -> str:
        parts = ["sat", "-verify", "-prove", "trigger", "0", "-set-init-zero", "-seq", str(self.base_steps)]
        for step, signal, value in self.set_at:
            parts += ["-set-at", str(step), _token(signal), _token(value)]
        return " ".join([*parts, _token(module)])


def structural_script(
    reference_file: str,
    candidate_file: str,
    *,
    ref_top: str,
    cand_top: str,
    mode: str,
    options: StructuralOptions,
) -> list[str]:
    """Equivalence by matching internal signals: Yosys `equiv_make` pairs the wires of the same name in the
    two designs (`equiv_struct` adds cells that match structurally), `equiv_simple` / `equiv_induct` prove
    every pair by induction, and a bounded check from power-up supplies the base case. It answers proven or
    not proven, never a counterexample. Succeeds only if the log reaches stage `proven`.

    The `x` semantics are those of the miter check without x modelling, made safe for `equiv_struct` (which
    would merge two free-value cells into one): the reference's `x` become 0 (a don't-care given a value,
    which can only make the check stricter); the candidate is read twice, `gate_x` with its `x` and undriven
    nets as free values (`setundef -anyseq`, as the miter check reads it) and `gate_0` with them at 0. The
    first proof shows `gate_x` equal to `gate_0` (the candidate's `x` never reach what it computes; no
    `equiv_struct` here), the second the reference equal to `gate_0`. Registers power up at zero (declared
    initial values kept; `zinit -all` then makes every power-up value zero, so a merged register cannot hide
    a different initial value).
    """
    if options.seq < 1:
        raise ValueError("seq must be at least 1")
    n = str(options.seq)
    pairs = [("equiv_x", "base_x", "candidate-x")] if options.candidate_x else []
    pairs.append(("equiv", "base", "induction"))
    base_stage = {"base_x": "base-x", "base": "base"}
    if options.candidate_x:
        read_candidate = [
            *read_design(candidate_file, cand_top, as_name="gate_x", undef="keep", stash=False),
            "copy gate_x gate_0",
            "setundef -undriven -anyseq gate_x",
            "setundef -init -zero gate_x",
        ]
    else:
        read_candidate = read_design(candidate_file, cand_top, as_name="gate_0", undef="keep", stash=False)
    read_candidate = [
        stage("candidate"),
        *read_candidate,
        "setundef -undriven -init -zero gate_0",
        "design -stash gate",
        "design -copy-from gold -as gold gold",
        *(["design -copy-from gate -as gate_x gate_x"] if options.candidate_x else []),
        "design -copy-from gate -as gate_0 gate_0",
    ]
    match = [stage("match")]
    if options.candidate_x:
        match.append("equiv_make gate_0 gate_x equiv_x")
    match.append("equiv_make gold gate_0 equiv")
    if options.struct:
        match.append("equiv_struct -icells equiv")
    # The base case: each module's pairs compared from power-up. `opt_merge` folds the logic the two sides
    # share (it never merges $anyseq cells, which `equiv_struct` would) so the bounded check stays small.
    base: list[str] = []
    for module, miter, _ in pairs:
        base += [f"equiv_miter -trigger {miter} {module}", f"opt_merge {miter}", f"opt_clean {miter}"]
    for _, miter, _ in pairs:
        base += [stage(base_stage[miter]), options.base_command(miter)]
    prove = [
        cmd
        for module, _, name in pairs
        for cmd in (
            stage(name),
            f"equiv_simple -seq {n} {module}",
            f"equiv_induct -seq {n} {module}",
            f"equiv_status -assert {module}",
        )
    ]
    return [
        stage("reference"),
        *read_design(reference_file, ref_top, as_name="gold", undef="keep", stash=False),
        "setundef -undriven -params -init -zero gold",
        "design -stash gold",
        *read_candidate,
        stage("clocking"),
        *clocking_commands(mode),
        "zinit -all",
        *match,
        *base,
        *prove,
        stage("proven"),
    ]


def fsm_script(path: str, top: str) -> list[str]:
    """Extract state machines without re-encoding them; `fsm_info` prints each one's table to the log.

    (KISS2 is produced from the parsed table: `fsm_export` names its files after internal cell names.)
    """
    return [
        stage("read"),
        f"read_verilog -sv {_token(path)}",
        f"hierarchy -check -top {_token(top)}",
        "proc",
        "flatten",
        "opt -nodffe -nosdff",
        stage("fsm"),
        "fsm -nomap -norecode",  # runs fsm_info itself
    ]
