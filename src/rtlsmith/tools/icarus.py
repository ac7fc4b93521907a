"""Icarus Verilog command lines, as data. Flags are VerilogEval's, so verdicts compare with its harness."""

from __future__ import annotations

from collections.abc import Sequence

from rtlsmith.tools.sandbox import Step
from rtlsmith.tools.toolchain import require

VERILOG_EVAL_FLAGS = ("-Wall", "-Winfloop", "-Wno-timescale", "-g2012")
SIM_BINARY = "sim.vvp"


def compile_step(sources: Sequence[str], top: str = "tb", timeout_s: float | None = None) -> Step:
    iverilog = require("iverilog").prefix
    argv = (*iverilog, *VERILOG_EVAL_FLAGS, "-s", top, "-o", SIM_BINARY, *sources)
    return Step("compile", argv, timeout_s=timeout_s)


def simulate_step(*, waves: bool = False, timeout_s: float | None = None, always: bool = False) -> Step:
    """`vvp -n sim.vvp`; `-none` suppresses the testbench's VCD unless waveforms are asked for."""
    vvp = require("vvp").prefix
    extra = () if waves else ("-none",)
    return Step("simulate", (*vvp, "-n", SIM_BINARY, *extra), timeout_s=timeout_s, always=always)
