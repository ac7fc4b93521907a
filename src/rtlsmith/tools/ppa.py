"""Hardware cost of a design: Yosys synthesis to generic CMOS gates, then cells, an area estimate, logic
depth and flip-flops, and the same figures as ratios to a reference.

The flow (Yosys 0.23, measured):

    read_verilog -sv design.sv
    synth -flatten -top TOP
    dfflegalize -cell $_DFF_P_ 01 ...     enables and synchronous resets become gates
    abc -g cmos                           map every gate to NAND/NOR/AOI/OAI/MUX/XOR/NOT cells
    tee -q -o stat.json stat -tech cmos -json
    ltp -noff                             the longest combinational path, in cells

`synth` extracts state machines and re-encodes them (`fsm`; "auto" often means one-hot), as a synthesis
tool would: a state machine's flip-flops are those of Yosys' encoding, and a cost notes when that happened.
`stat -json` exists in 0.23. Its transistor estimate prices only plain gates and `$_DFF_P_`/`$_DFF_N_`
(it prints "388+" when a `$_SDFFE_` cell is left unpriced), so flip-flops are first legalised to plain
ones (their enable and synchronous reset become logic that `abc` maps and `stat` prices). Cells Yosys
still cannot price (flip-flops with an asynchronous set or reset, latches) get rtlsmith's own transistor
estimate from `EXTRA_TRANSISTORS`, and a cost says when it used one. The area is thus a count of
transistors in a static CMOS realisation: a ratio between two designs is meaningful, the absolute number
is not a silicon area.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rtlsmith.errors import ToolNotFoundError
from rtlsmith.tools import yosys as ys
from rtlsmith.tools.sandbox import Limits, run_steps
from rtlsmith.tools.toolchain import require

if TYPE_CHECKING:
    from rtlsmith.task import Task

SOURCE_FILE = "design.sv"
SCRIPT_FILE = "ppa.ys"
STAT_FILE = "stat.json"
DEFAULT_TIMEOUT_S = 30.0

# Yosys 0.23 `stat -tech cmos` (kernel/cost.h, cmos_transistors_db): transistors per cell.
CMOS_TRANSISTORS: Mapping[str, int] = {
    "$_BUF_": 1, "$_NOT_": 2, "$_AND_": 6, "$_NAND_": 4, "$_OR_": 6, "$_NOR_": 4, "$_ANDNOT_": 6,
    "$_ORNOT_": 6, "$_XOR_": 12, "$_XNOR_": 12, "$_AOI3_": 6, "$_OAI3_": 6, "$_AOI4_": 8, "$_OAI4_": 8,
    "$_MUX_": 12, "$_NMUX_": 10, "$_DFF_P_": 16, "$_DFF_N_": 16,
}  # fmt: skip
# rtlsmith's own estimates for the storage cells Yosys does not price, by cell-type pattern: a flip-flop
# with an asynchronous set or reset is a plain one with 2-input gates made 3-input (+4), one with both
# (+8); a latch is half a flip-flop, with a reset +2.
EXTRA_TRANSISTORS: tuple[tuple[str, int], ...] = (
    (r"\$_DFF_[PN][PN][01]_", 20),
    (r"\$_DFFSR_[PN]{3}_", 24),
    (r"\$_DLATCH_[PN]_", 8),
    (r"\$_DLATCH_[PN][PN][01]_", 10),
    (r"\$_DLATCHSR_[PN]{3}_", 12),
    (r"\$_SR_[PN]{2}_", 8),
)
# Storage cells `dfflegalize` may leave (every other flip-flop kind is rewritten into one of these).
_LEGAL_CELLS = (
    "$_DFF_P_", "$_DFF_N_", "$_DFF_??0_", "$_DFF_??1_", "$_DFFSR_???_", "$_DLATCH_P_", "$_DLATCH_N_",
    "$_DLATCH_??0_", "$_DLATCH_??1_", "$_DLATCHSR_???_", "$_SR_??_",
)  # fmt: skip
_FLIP_FLOP = re.compile(r"^\$_(?:S?DFF|DFFE|SDFFE|SDFFCE|ALDFF|ALDFFE|DFFSR|DFFSRE)_")
_LATCH = re.compile(r"^\$_(?:DLATCH|DLATCHSR|SR)_")
_LONGEST = re.compile(r"Longest topological path in \S+ \(length=(\d+)\)")
_ERROR = re.compile(r"^((?:\S+:\d+: )?)ERROR: (.*)$", re.M)


@dataclass(frozen=True)
class Cost:
    """A design's synthesis figures, or why there are none (`error`)."""

    top: str
    cells: int = 0  # every cell after mapping to CMOS gates, flip-flops included
    area: int = 0  # estimated transistors (see the module docstring)
    depth: int | None = None  # cells on the longest combinational path (`ltp -noff`)
    flip_flops: int = 0  # flip-flop bits
    latches: int = 0
    cell_types: Mapping[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # what makes a figure approximate (own estimates, loops)
    error: str = ""  # why the design could not be synthesised; the figures are then meaningless
    wall_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error

    def figures(self) -> dict[str, int | None]:
        """The figures a comparison uses, by name."""
        return {"cells": self.cells, "area": self.area, "depth": self.depth, "flip_flops": self.flip_flops}

    def record(self) -> dict[str, Any]:
        """A JSON-ready record (without the wall time, so equal designs have equal records)."""
        if self.error:
            return {"top": self.top, "error": self.error}
        return {
            "top": self.top, **self.figures(), "latches": self.latches,
            "cell_types": dict(sorted(self.cell_types.items())), "notes": list(self.notes),
        }  # fmt: skip

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Cost:
        depth = record.get("depth")
        return cls(
            top=str(record.get("top", "")),
            cells=int(record.get("cells", 0)),
            area=int(record.get("area", 0)),
            depth=None if depth is None else int(depth),
            flip_flops=int(record.get("flip_flops", 0)),
            latches=int(record.get("latches", 0)),
            cell_types=dict(record.get("cell_types", {})),
            notes=tuple(record.get("notes", ())),
            error=str(record.get("error", "")),
        )


def synthesis_script(path: str, top: str) -> list[str]:
    """The Yosys script behind `hardware_cost`, one command per entry."""
    legal = " ".join(f"-cell {cell} 01" for cell in _LEGAL_CELLS)
    return [
        ys.stage("read"),
        f"read_verilog -sv {ys.safe_token(path)}",
        ys.stage("synth"),
        f"synth -flatten -top {ys.safe_token(top)}",
        f"dfflegalize {legal}",
        "abc -g cmos",
        "opt_clean",
        ys.stage("stat"),
        f"tee -q -o {STAT_FILE} stat -tech cmos -json",
        ys.stage("depth"),
        "ltp -noff",
    ]


def transistors(cell_types: Mapping[str, int]) -> tuple[int, list[str]]:
    """(estimated transistors, notes on cells priced by rtlsmith's estimate or not at all)."""
    total = 0
    notes: list[str] = []
    for cell, count in sorted(cell_types.items()):
        if cell in CMOS_TRANSISTORS:
            total += CMOS_TRANSISTORS[cell] * count
            continue
        own = next((t for pattern, t in EXTRA_TRANSISTORS if re.fullmatch(pattern, cell)), None)
        if own is None:
            notes.append(f"{count} {cell} cells have no transistor estimate and count as 0")
        else:
            total += own * count
            notes.append(f"{count} {cell} cells at rtlsmith's estimate of {own} transistors each")
    return total, notes


def hardware_cost(
    source: str, top: str, *, timeout_s: float = DEFAULT_TIMEOUT_S, isolate: bool = True
) -> Cost:
    """Synthesise `top` from `source` in the sandbox and measure it; a design that cannot be synthesised
    (or runs out of time, or Yosys missing) gives a Cost whose `error` says why, never an exception."""
    started = time.perf_counter()
    try:
        require("yosys")
        script = synthesis_script(SOURCE_FILE, top)
    except (ToolNotFoundError, ValueError) as exc:
        return Cost(top, error=str(exc))
    text, _rewrites = ys.frontend_text(source)
    run = run_steps(
        [ys.yosys_step(SCRIPT_FILE, timeout_s=timeout_s)],
        {SOURCE_FILE: text, SCRIPT_FILE: ys.script_text(script)},
        Limits(timeout_s=timeout_s),
        isolate=isolate,
        keep=[ys.LOG_FILE, STAT_FILE],
    )
    wall = time.perf_counter() - started
    step = run.steps[0]
    log = run.files.get(ys.LOG_FILE, b"").decode("utf-8", errors="replace")
    if step.timed_out or run.killed:
        return Cost(top, error=f"Yosys ran out of time ({timeout_s:g} s)", wall_s=wall)
    errors = _ERROR.findall(log)
    if errors or step.returncode != 0 or STAT_FILE not in run.files:
        failed = step.stderr.strip() or f"Yosys failed (exit {step.returncode})"
        why = "".join(errors[0]) if errors else failed
        return Cost(top, error=f"synthesis failed: {why}", wall_s=wall)
    try:
        stat = json.loads(run.files[STAT_FILE])
        design = stat["design"]
        cell_types = {str(k): int(v) for k, v in design.get("num_cells_by_type", {}).items()}
        cells = int(design["num_cells"])
    except (ValueError, KeyError, TypeError) as exc:
        return Cost(top, error=f"unreadable Yosys statistics: {exc}", wall_s=wall)
    area, notes = transistors(cell_types)
    recoded = re.findall(r"mapping auto encoding to `([\w-]+)`", log)
    if recoded:
        notes.append(
            f"Yosys re-encoded {len(recoded)} state machine(s) ({', '.join(sorted(set(recoded)))}); "
            "the flip-flops are those of its encoding"
        )
    if re.search(r"Detected loop at", log):
        notes.append("combinational loop: the depth stops where Yosys broke it")
    longest = _LONGEST.findall(log)
    depth = max((int(n) for n in longest), default=None)
    if depth is None and not any(t for t in cell_types if not _FLIP_FLOP.match(t) and not _LATCH.match(t)):
        depth = 0  # no combinational cell at all: `ltp` prints no path
    return Cost(
        top=top,
        cells=cells,
        area=area,
        depth=depth,
        flip_flops=sum(n for t, n in cell_types.items() if _FLIP_FLOP.match(t)),
        latches=sum(n for t, n in cell_types.items() if _LATCH.match(t)),
        cell_types=cell_types,
        notes=tuple(notes),
        wall_s=wall,
    )


def ratio(value: int | None, reference: int | None) -> float | None:
    """`value / reference`; 1.0 when both are 0, None where undefined (no figure, or 0 in the reference)."""
    if value is None or reference is None:
        return None
    if reference == 0:
        return 1.0 if value == 0 else None
    return value / reference


@dataclass(frozen=True)
class CostComparison:
    """A design's figures against its reference's, as ratios (design / reference); `error` says why there
    are none (the design or the reference could not be synthesised)."""

    design: Cost
    reference: Cost
    ratios: Mapping[str, float | None] = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {"design": self.design.record(), "reference": self.reference.record()}
        if self.error:
            out["error"] = self.error
        else:
            out["ratios"] = {k: (None if v is None else round(v, 4)) for k, v in self.ratios.items()}
        return out


def compare(design: Cost, reference: Cost) -> CostComparison:
    """The design's figures as ratios to the reference's (area 2.0: twice the reference's transistors)."""
    if not design.ok:
        return CostComparison(design, reference, error=f"the design could not be synthesised: {design.error}")
    if not reference.ok:
        return CostComparison(
            design, reference, error=f"the reference could not be synthesised: {reference.error}"
        )
    ref = reference.figures()
    ratios = {name: ratio(value, ref[name]) for name, value in design.figures().items()}
    return CostComparison(design, reference, ratios)


FIGURE_LABELS = {
    "cells": "cells", "area": "area (transistors)", "depth": "logic depth", "flip_flops": "flip-flops",
}  # fmt: skip


def format_ratio(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    return f"{value:.2f}x"


def cost_rows(comparison: CostComparison) -> list[tuple[str, str, str, str]]:
    """(figure, design, reference, ratio) rows for a terminal or HTML table."""
    d, r = comparison.design, comparison.reference

    def show(c: Cost, value: int | None) -> str:
        return "-" if not c.ok else ("n/a" if value is None else str(value))

    rows = []
    for key, label in FIGURE_LABELS.items():
        ratio_text = format_ratio(comparison.ratios.get(key)) if comparison.ok else "-"
        rows.append((label, show(d, d.figures()[key]), show(r, r.figures()[key]), ratio_text))
    return rows


def task_sources(task: Task, completion: str) -> tuple[str, str, str, str]:
    """(design source, design top, reference source, reference top) of a task's completion, with the
    interface prepended where the completion is a body (as the judge and the formal check read it).
    Raises ValueError when the task has no reference."""
    from rtlsmith.formal.check import formal_sources

    reference, design, ref_top, top = formal_sources(task, completion)
    return design, top, reference, ref_top


def task_comparison(
    task: Task,
    completion: str,
    *,
    reference: Cost | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    isolate: bool = True,
) -> CostComparison:
    """A completion's cost against its task's reference; `reference` is the reference's cost when the
    caller already has it (a bench synthesises each reference once)."""
    try:
        design_src, top, ref_src, ref_top = task_sources(task, completion)
    except ValueError as exc:
        missing = Cost("", error=str(exc))
        return CostComparison(missing, missing, error=str(exc))
    if reference is None:
        reference = hardware_cost(ref_src, ref_top, timeout_s=timeout_s, isolate=isolate)
    return compare(hardware_cost(design_src, top, timeout_s=timeout_s, isolate=isolate), reference)


def reference_cost(task: Task, *, timeout_s: float = DEFAULT_TIMEOUT_S, isolate: bool = True) -> Cost:
    """The cost of a task's reference (an error Cost when it has none)."""
    try:
        _, _, ref_src, ref_top = task_sources(task, "")
    except ValueError as exc:
        return Cost("", error=str(exc))
    return hardware_cost(ref_src, ref_top, timeout_s=timeout_s, isolate=isolate)
