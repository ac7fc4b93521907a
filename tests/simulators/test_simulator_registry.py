"""Simulators by name: the built-ins, the error for an unknown name, and a third simulator added in this
module alone, usable by the judge through the registry."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from rtlsmith.hdl import parse_interface
from rtlsmith.simulators import Simulator, get_simulator, register, registry, simulator_names
from rtlsmith.task import HiddenChecks, Layout, PublicTask, Sealed, Spec, Task
from rtlsmith.tools.judge import JudgeOptions, judge, plan
from rtlsmith.tools.sandbox import Step

DESIGN = "module TopModule (input a, output y);\n  assign y = a;\nendmodule\n"


class Echo(Simulator):
    """A stand-in simulator: its compile does nothing and its run prints a passing summary line."""

    name = "echo"
    label = "Echo"
    executable = "echo"
    tools = ("echo",)

    def compile_step(
        self,
        sources: Sequence[str],
        *,
        top: str = "tb",
        timeout_s: float | None = None,
        extra_tops: Sequence[str] = (),
    ) -> Step:
        return Step("compile", ("true", *sources), timeout_s=timeout_s)

    def simulate_step(
        self,
        *,
        timeout_s: float | None = None,
        waves: bool = False,
        always: bool = False,
        stop_finishes: bool = True,
    ) -> Step:
        return Step("simulate", ("echo", "Mismatches: 0 in 1 samples"), timeout_s=timeout_s)


@pytest.fixture
def with_echo(monkeypatch: pytest.MonkeyPatch) -> None:
    """`echo` registered for this test only."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    register(Echo)


def _task() -> Task:
    hidden = HiddenChecks(testbench="module tb; endmodule\n", reference=None, layout=Layout.VERILOG_EVAL_V2)
    public = PublicTask("echo_task", "t", Spec("a wire"), parse_interface(DESIGN))
    return Task(public, Sealed(hidden))


def test_the_built_in_simulators_are_registered_by_name() -> None:
    assert simulator_names()[:2] == ("icarus", "verilator")
    assert get_simulator("icarus").harness_native and not get_simulator("verilator").harness_native


def test_an_unknown_simulator_is_refused_with_the_valid_names() -> None:
    with pytest.raises(ValueError, match="unknown simulator 'nope'; choose one of icarus, verilator"):
        JudgeOptions(simulator="nope")


@pytest.mark.needs_iverilog
def test_icarus_builds_verilog_evals_command_lines() -> None:
    sim = get_simulator("icarus")
    compile_argv = sim.compile_step(["a.sv"], top="tb").argv
    assert compile_argv[1:] == (
        "-Wall",
        "-Winfloop",
        "-Wno-timescale",
        "-g2012",
        "-s",
        "tb",
        "-o",
        "sim.vvp",
        "a.sv",
    )
    assert sim.simulate_step(stop_finishes=True).argv[1:] == ("-n", "sim.vvp", "-none")


@pytest.mark.usefixtures("with_echo")
def test_a_simulator_added_in_one_module_is_planned_and_judged_through_the_registry() -> None:
    options = JudgeOptions(simulator="echo", isolate=False)
    commands = plan(_task(), DESIGN, options).commands(isolate=False)
    assert commands == [["true", "TopModule.sv", "test.sv"], ["echo", "Mismatches: 0 in 1 samples"]]
    verdict = judge(_task(), DESIGN, options)
    assert verdict.passed, verdict.log
    assert verdict.simulator == "echo"
