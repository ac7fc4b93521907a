"""Icarus Verilog command lines, as data. Flags are VerilogEval's, so verdicts compare with its harness."""

from __future__ import annotations

from collections.abc import Sequence

from rtlsmith.simulators.base import Simulator
from rtlsmith.simulators.registry import register
from rtlsmith.tools.sandbox import Step
from rtlsmith.tools.toolchain import require

VERILOG_EVAL_FLAGS = ("-Wall", "-Winfloop", "-Wno-timescale", "-g2012")
SIM_BINARY = "sim.vvp"


def compile_step(
    sources: Sequence[str],
    top: str = "tb",
    timeout_s: float | None = None,
    extra_tops: Sequence[str] = (),
    output: str = SIM_BINARY,
) -> Step:
    iverilog = require("iverilog").prefix
    roots = [arg for t in (top, *extra_tops) for arg in ("-s", t)]
    argv = (*iverilog, *VERILOG_EVAL_FLAGS, *roots, "-o", output, *sources)
    return Step("compile", argv, timeout_s=timeout_s)


def simulate_step(
    *,
    waves: bool = False,
    timeout_s: float | None = None,
    always: bool = False,
    stop_finishes: bool = True,
    binary: str = SIM_BINARY,
) -> Step:
    """`vvp [-n] sim.vvp [-none]` (`binary`: what `compile_step` wrote as `output`).

    `-n` (`stop_finishes`) makes `$stop` end the run, as VerilogEval v1 does (`vvp -n test.vvp`); v2 runs
    the compiled file directly (`./sim`), where `$stop` with no terminal input prints a prompt and goes on.
    `-none` suppresses waveform dumping; pass `waves=True` where the design's own `$dump*` calls could change
    the outcome (an unopenable dump file ends the simulation) or where a waveform is wanted.
    """
    vvp = require("vvp").prefix
    flags = ("-n",) if stop_finishes else ()
    extra = () if waves else ("-none",)
    return Step("simulate", (*vvp, *flags, binary, *extra), timeout_s=timeout_s, always=always)


@register
class Icarus(Simulator):
    """Icarus Verilog (`iverilog` + `vvp`), with VerilogEval's flags: the benchmarks' own simulator."""

    name = "icarus"
    label = "Icarus"
    executable = "iverilog"
    tools = ("iverilog", "vvp")
    harness_native = True
    short_runs = True
    writes_waves = True

    def compile_step(
        self,
        sources: Sequence[str],
        *,
        top: str = "tb",
        timeout_s: float | None = None,
        extra_tops: Sequence[str] = (),
    ) -> Step:
        return compile_step(sources, top=top, timeout_s=timeout_s, extra_tops=extra_tops)

    def simulate_step(
        self,
        *,
        timeout_s: float | None = None,
        waves: bool = False,
        always: bool = False,
        stop_finishes: bool = True,
    ) -> Step:
        return simulate_step(waves=waves, timeout_s=timeout_s, always=always, stop_finishes=stop_finishes)
