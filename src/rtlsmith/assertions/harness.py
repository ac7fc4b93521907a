"""The files and the Yosys script of a property check, as data.

The properties live in their own module, `<top>_props`, whose ports are the design's ports, all inputs:
it can read every port and drive nothing, and the design file is never edited. A wrapper module,
`rtlsmith_formal_top`, instantiates the design and the property module on the same wires (what SVA's
`bind` does; Yosys 0.23 has no `bind`). Facts relied on (Yosys 0.23, measured):

- `read_verilog -formal -sv` turns `assert`/`assume`/`cover` into `$assert`/`$assume`/`$cover` cells named
  by their labels; after `flatten` a property labelled `p` is the cell `props.p` of the wrapper.
- `chformal -remove` on every other `$assert`/`$cover` leaves one property; `sat -tempinduct -prove-asserts
  -set-assumes -set-init-zero` then proves it by induction, finds a counterexample from power-up (registers
  at zero, as in rtlsmith's equivalence check), or reaches its bound; it ignores `$cover` cells, so covers
  are checked as `assert (!(C))` (a counterexample is a witness).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rtlsmith.task import Interface
from rtlsmith.tools import yosys as ys

TOP = "rtlsmith_formal_top"
INSTANCE = "props"
DESIGN_FILE = "design.sv"
PROPS_FILE = "props.sv"
PROBE_FILE = "probe.sv"
WRAPPER_FILE = "top.sv"
SCRIPT_FILE = "assert.ys"


def props_module(interface: Interface) -> str:
    return f"{interface.module}_props"


def _range(width: int) -> str:
    return f"[{width - 1}:0] " if width > 1 else ""


def props_header(interface: Interface) -> str:
    """The property module's header: every design port as an input, one line each."""
    ports = ",\n".join(
        f"  input {'signed ' if p.signed else ''}{_range(p.width)}{p.name}" for p in interface.ports
    )
    return f"module {props_module(interface)} (\n{ports}\n);\n"


def header_lines(interface: Interface) -> int:
    """Lines before the body in the property file Yosys reads (to map its line numbers back)."""
    return props_header(interface).count("\n")


def props_text(interface: Interface, body: str) -> str:
    return props_header(interface) + body + "\nendmodule\n"


def wrapper(interface: Interface, design_top: str) -> str:
    """The top module: the design's inputs are its inputs, the design's outputs its outputs (so `sat`
    shows every port in a trace), and the property module reads them all."""
    if any(p.direction not in ("input", "output") for p in interface.ports):
        raise ValueError("inout ports are not supported by the property check")
    ports = ",\n".join(f"  {p.direction} {_range(p.width)}{p.name}" for p in interface.ports)
    conns = ", ".join(f".{p.name}({p.name})" for p in interface.ports)
    return (
        f"module {TOP} (\n{ports}\n);\n"
        f"  {design_top} dut ({conns});\n"
        f"  {props_module(interface)} {INSTANCE} ({conns});\n"
        "endmodule\n"
    )


@dataclass(frozen=True)
class Check:
    """One `sat` run in the script: `property` alone, in the checked or the probe netlist."""

    name: str  # the stage marker and VCD stem: "check.<p>", "probe.<p>" or "kill.<p>"
    prop: str  # the property's label
    netlist: str  # "base" or "probe"
    bmc_only: bool = False

    @property
    def vcd(self) -> str:
        return f"{self.name}.vcd"


def _elaborate(props_file: str, design_top: str, design_file: str = DESIGN_FILE) -> list[str]:
    return [
        ys.stage("design"),
        f"read_verilog -formal -sv {ys.safe_token(design_file)}",
        ys.stage("properties"),
        f"read_verilog -formal -sv -noautowire {ys.safe_token(props_file)}",
        ys.stage("wrapper"),
        f"read_verilog -formal -sv {WRAPPER_FILE}",
        f"hierarchy -check -top {TOP}",
        "proc",
        "flatten",
        "memory",
        "opt_clean",
        "async2sync",
        "setundef -undriven -anyseq",
    ]


def sat_command(check: Check, max_steps: int, solver_timeout_s: int) -> str:
    induction = "-tempinduct-baseonly" if check.bmc_only else "-tempinduct"
    parts = ["sat", induction, "-prove-asserts", "-set-assumes", "-set-init-zero", "-show-ports"]
    parts += ["-maxsteps", str(max_steps)]
    if solver_timeout_s > 0:
        parts += ["-timeout", str(solver_timeout_s)]
    parts += ["-dump_vcd", ys.safe_token(check.vcd), TOP]
    return " ".join(parts)


def script(
    checks: Sequence[Check],
    *,
    design_top: str,
    max_steps: int,
    solver_timeout_s: int = 0,
    probe: bool = True,
) -> list[str]:
    """Elaborate the design with the properties (and with the probe file), then one `sat` per check."""
    cmds = [*_elaborate(PROPS_FILE, design_top), "design -save base"]
    if probe and any(c.netlist == "probe" for c in checks):
        cmds += ["design -reset", *_elaborate(PROBE_FILE, design_top), "design -save probe"]
    for c in checks:
        cell = f"c:{INSTANCE}.{ys.safe_token(c.prop)}"
        cmds += [
            f"design -load {c.netlist}",
            ys.stage(c.name),
            f"chformal -remove t:$assert t:$cover %u {cell} %d",
            sat_command(c, max_steps, solver_timeout_s),
        ]
    cmds.append(ys.stage("done"))
    return cmds
