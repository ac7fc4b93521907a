"""Schematics of small designs: Yosys `show -format dot` (RTL cells or gates) laid out by Graphviz.

Yosys runs in the sandbox like every other tool run on a design; `dot` then lays out the graph Yosys wrote.
Above `MAX_CELLS` cells no picture is drawn: a schematic that size does not fit a screen legibly (every
cell is a box with its ports, every net a wire), and the cell counts of `check --ppa` say more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rtlsmith.errors import ToolNotFoundError
from rtlsmith.pictures.graphviz import dot_svg
from rtlsmith.tools import yosys as ys
from rtlsmith.tools.sandbox import Limits, run_steps
from rtlsmith.tools.toolchain import require

MAX_CELLS = 60
LEVELS = ("rtl", "gates")
SOURCE_FILE = "design.sv"
SCRIPT_FILE = "schematic.ys"
DOT_FILE = "schematic.dot"
_CELLS = re.compile(r"Number of cells:\s+(\d+)")


@dataclass(frozen=True)
class Schematic:
    """A schematic's SVG, or why there is none; `cells` as Yosys counted them (-1 when it did not run)."""

    svg: str
    cells: int
    reason: str = ""


def schematic_script(top: str, level: str = "rtl") -> list[str]:
    """The Yosys script: elaborate `top`, then RTL cells (`proc; flatten; opt`) or gates (`synth; abc -g`)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    top = ys.safe_token(top)
    cmds = [f"read_verilog -sv {SOURCE_FILE}", f"hierarchy -check -top {top}"]
    if level == "rtl":
        cmds += ["proc", "flatten", "opt", "clean -purge"]
    else:
        cmds += [f"synth -flatten -top {top}", "abc -g AND,NAND,OR,NOR,XOR,XNOR,MUX", "opt_clean -purge"]
    cmds += ["stat", f"show -format dot -prefix {DOT_FILE[:-4]} -notitle {top}"]
    return cmds


def schematic(
    source: str,
    top: str = "TopModule",
    *,
    level: str = "rtl",
    max_cells: int = MAX_CELLS,
    timeout_s: float = 30.0,
    isolate: bool = True,
) -> Schematic:
    """The schematic of `top` in `source`, or a reason (too many cells, Yosys failed)."""
    try:
        require("yosys")
    except ToolNotFoundError as exc:
        return Schematic("", -1, str(exc))
    text, _ = ys.frontend_text(source)
    run = run_steps(
        [ys.yosys_step(SCRIPT_FILE, timeout_s=timeout_s)],
        {SOURCE_FILE: text, SCRIPT_FILE: ys.script_text(schematic_script(top, level))},
        Limits(timeout_s=timeout_s),
        isolate=isolate,
        keep=[ys.LOG_FILE, DOT_FILE],
    )
    log = run.files.get(ys.LOG_FILE, b"").decode("utf-8", errors="replace")
    errors = re.findall(r"^(?:\S+:\d+: )?ERROR: (.*)$", log, re.M)
    counts = _CELLS.findall(log)
    cells = int(counts[-1]) if counts else -1
    if errors or run.steps[0].returncode != 0 or DOT_FILE not in run.files:
        why = errors[0] if errors else (run.steps[0].stderr.strip() or "Yosys wrote no schematic")
        return Schematic("", cells, f"Yosys failed: {why}")
    if cells > max_cells:
        return Schematic(
            "", cells, f"{cells} cells: above {max_cells} a schematic is not legible (not drawn)"
        )
    return Schematic(dot_svg(run.files[DOT_FILE].decode("utf-8", errors="replace")), cells)
