"""Simulators: every command line that compiles or runs a design in a simulator is built here, as data.

Owns: the `Simulator` contract (`base`), the name registry (`registry`: `get_simulator("icarus")`, whose
error lists the valid names), and the built-in backends `icarus` (Icarus Verilog, the benchmarks' own) and
`verilator` (a second simulator, and Verilator's lint). A third simulator is one module: a `Simulator`
subclass decorated with `@register`, imported before use.

May import: `rtlsmith.errors` and the sandbox layer (`rtlsmith.tools.sandbox` for `Step`,
`rtlsmith.tools.toolchain` to find programs). Nothing above it (no agent, bench, scoring, click or rich):
it builds commands and runs none, except Verilator's cache warm-up of rtlsmith's own design.

    from rtlsmith.simulators import get_simulator
    sim = get_simulator("icarus")
    steps = (sim.compile_step(["TopModule.sv", "test.sv"]), sim.simulate_step(timeout_s=30))
"""

from rtlsmith.simulators import icarus, verilator
from rtlsmith.simulators.base import Simulator
from rtlsmith.simulators.registry import UnknownSimulatorError, get_simulator, register, simulator_names

__all__ = [
    "Simulator",
    "UnknownSimulatorError",
    "get_simulator",
    "icarus",
    "register",
    "simulator_names",
    "verilator",
]
