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
_SAFE_TOKEN = re.compile(r"^[A-Za-z0-9_$.\\/-]+$")


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
    # outside the cone then show unconstrained values in the model table). Ignored with `prove_x`.
    cone: bool = True

    def command(self, module: str = "miter") -> str:
        parts = ["sat", "-verify", "-show-ports"]
        if self.prove_x:
            parts += ["-enable_undef", "-set-def-inputs"]
            for gold, gate in self.prove_x:
                parts += ["-prove-x", _token(gold), _token(gate)]
        else:
            parts += ["-prove", "trigger", "0"]
        if self.init == "undef" and not self.prove_x:
            raise ValueError("an undefined power-up state needs undef modelling (prove_x)")
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
        if self.cone and not self.prove_x:
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
