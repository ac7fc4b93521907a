"""The judge: the commands it plans for each layout, and verdicts on a small in-memory task."""

from __future__ import annotations

import pytest
from judge_helpers import BODY, GOOD, HEADER, inline_task, with_body

from rtlsmith.errors import ToolNotFoundError
from rtlsmith.simulators import icarus
from rtlsmith.task import HiddenChecks, Layout, PublicTask, Sealed, Spec, Task
from rtlsmith.tools.judge import CANDIDATE_FILE, JudgeOptions, candidate_source, judge, plan
from rtlsmith.tools.sandbox import Limits
from rtlsmith.tools.verdict import FailureClass

pytestmark = pytest.mark.needs_iverilog


def v1_task() -> Task:
    hidden = HiddenChecks(
        testbench="module tb; endmodule", reference=None, layout=Layout.VERILOG_EVAL_V1, prompt=HEADER
    )
    return Task(PublicTask("v1", "t", Spec("x"), inline_task().public.interface), Sealed(hidden))


def argv_tail(step_argv: tuple[str, ...]) -> list[str]:
    """A command line without the tool's own path, which differs between machines."""
    return [a.rsplit("/", 1)[-1] for a in step_argv]


def test_v2_plan_uses_verilog_evals_flags_and_three_files() -> None:
    the_plan = plan(inline_task(), GOOD, JudgeOptions())
    assert list(the_plan.files) == [CANDIDATE_FILE, "test.sv", "ref.sv"]
    compile_step, sim_step = the_plan.steps
    assert argv_tail(compile_step.argv) == [
        "iverilog", "-Wall", "-Winfloop", "-Wno-timescale", "-g2012", "-s", "tb", "-o", icarus.SIM_BINARY,
        CANDIDATE_FILE, "test.sv", "ref.sv",
    ]  # fmt: skip
    # v2 runs the compiled file directly (no -n); no waveform is written.
    assert argv_tail(sim_step.argv) == ["vvp", icarus.SIM_BINARY, "-none"]
    assert compile_step.merge_stderr and sim_step.merge_stderr and not sim_step.always


def test_v2_plan_keeps_the_waveform_when_the_design_dumps_or_waves_are_asked() -> None:
    dumping = with_body('  initial $dumpfile("mine.vcd");')
    assert "-none" not in plan(inline_task(), dumping, JudgeOptions()).steps[1].argv
    assert "-none" not in plan(inline_task(), GOOD, JudgeOptions(waves=True)).steps[1].argv


def test_v1_plan_is_execution_pys_command_exactly() -> None:
    the_plan = plan(v1_task(), BODY, JudgeOptions())
    assert the_plan.files == {CANDIDATE_FILE: "module tb; endmodule\n" + HEADER + "\n" + BODY}
    compile_step, sim_step = the_plan.steps
    assert argv_tail(compile_step.argv)[-1] == CANDIDATE_FILE
    assert argv_tail(sim_step.argv) == ["vvp", "-n", icarus.SIM_BINARY]
    assert sim_step.always and not sim_step.merge_stderr


def test_code_completion_bodies_get_the_interface_in_front() -> None:
    hidden = HiddenChecks(testbench="", reference=None, layout=Layout.VERILOG_EVAL_V2, prompt=HEADER)
    assert candidate_source(hidden, BODY) == HEADER.rstrip() + "\n" + BODY
    assert candidate_source(hidden, GOOD) == GOOD


def test_commands_are_shown_without_running_anything() -> None:
    commands = plan(inline_task(), GOOD, JudgeOptions()).commands(isolate=False)
    assert [argv_tail(tuple(c))[0] for c in commands] == ["iverilog", "vvp"]


def test_unknown_simulator_is_rejected_with_the_choices() -> None:
    with pytest.raises(ValueError, match="icarus, verilator"):
        JudgeOptions(simulator="modelsim")


def test_good_design_passes_with_a_full_record() -> None:
    v = judge(inline_task(), GOOD, JudgeOptions(limits=Limits(timeout_s=10)))
    assert v.passed and v.failure_class is FailureClass.PASS
    assert (v.mismatches, v.samples) == (0, 20)
    assert v.tool_versions["iverilog"].startswith("Icarus Verilog")
    assert v.limits["timeout_s"] == 10 and v.commands and v.wall_s > 0


def test_code_completion_body_passes() -> None:
    v = judge(inline_task(prompt=HEADER), BODY)
    assert v.passed, v.log


def test_wrong_design_fails_with_the_mismatch_count() -> None:
    v = judge(inline_task(), GOOD.replace("8'd1", "8'd2"))
    assert not v.passed and v.failure_class is FailureClass.RUNTIME
    assert v.mismatches == 20 and v.samples == 20


def test_compile_error_is_classified_and_the_log_names_the_line() -> None:
    v = judge(inline_task(), GOOD.replace("8'd1;", "8'd1"))
    assert v.failure_class is FailureClass.SYNTAX
    assert f"{CANDIDATE_FILE}:3: syntax error" in v.log_excerpt


def test_refused_design_never_reaches_a_tool() -> None:
    v = judge(inline_task(), with_body('  initial $system("touch /tmp/pwned_rtlsmith");'))
    assert v.failure_class is FailureClass.REFUSED and not v.passed
    assert v.commands == () and "$system" in v.reason and v.harness_result == "refused"


def test_missing_tool_is_an_infrastructure_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*args: object, **kwargs: object) -> None:
        raise ToolNotFoundError("iverilog was not found on PATH; install Icarus Verilog")

    monkeypatch.setattr(icarus, "compile_step", missing)
    v = judge(inline_task(), GOOD)
    assert v.failure_class is FailureClass.INFRASTRUCTURE and "install" in v.reason


def test_unisolated_run_is_recorded_as_such() -> None:
    assert judge(inline_task(), GOOD, JudgeOptions(isolate=False)).isolated is False


@pytest.mark.needs_bwrap
def test_isolated_run_is_recorded_as_such() -> None:
    v = judge(inline_task(), GOOD)
    assert v.isolated and v.commands[0][0].endswith("bwrap")


@pytest.mark.slow
@pytest.mark.needs_verilator
def test_verilator_as_second_simulator() -> None:
    # One build only: a --timing build takes seconds (more on a busy machine).
    options = JudgeOptions(simulator="verilator", limits=Limits(timeout_s=60))
    wrong = judge(inline_task(), GOOD.replace("8'd1", "8'd2"), options)
    assert wrong.failure_class is FailureClass.RUNTIME and (wrong.mismatches, wrong.samples) == (20, 20), (
        wrong.log
    )
    assert wrong.simulator == "verilator"
