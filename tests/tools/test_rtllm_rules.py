"""RTLLM's pass/fail rules (rtlsmith.tools.rtllm) on the verdict lines RTLLM's testbenches print."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtlsmith.suites.rtllm import load_rtllm
from rtlsmith.tools.judge import JudgeOptions, judge, plan
from rtlsmith.tools.rtllm import RtllmAnalysis, classify_rtllm, fail_lines, harness_result
from rtlsmith.tools.verdict import FailureClass

V1 = Path(__file__).parents[1] / "suites" / "fixtures" / "rtllm" / "v1"

PASS_LINES = ("===========Your Design Passed===========", "=========== Your Design Passed ===========")
FAIL_LINES = (
    "===========Test completed with          3 /100 failures===========",
    "=========== Test completed with 1/20 failures ===========",
    "=========== Test completed with           2 failures ===========",
    "===========Error===========",
    "===========Failed===========          1",
    "=========== Failed ===========",
    "Failed at i= 3, out=00000100, expected=00000010",
    "Test failed: A =  3, B =  9, Cin = 1 | Expected = 19, Got =  3, Cout = 1",
    "Error: dividend=100, divisor= 10, expected=000a, got=0000",
)


def run(log: str, *, returncode: int | None = 0, timed_out: bool = False, crash: str = "") -> RtllmAnalysis:
    """The rules applied to a simulation log after a clean compile."""
    return classify_rtllm(
        compile_ok=True, compile_log="", compile_timed_out=False, sim_log=log, sim_timed_out=timed_out,
        sim_returncode=returncode, crash=crash, candidate="",
    )  # fmt: skip


def sim(log: str, *, returncode: int | None = 0, timed_out: bool = False, crash: str = "") -> FailureClass:
    return run(log, returncode=returncode, timed_out=timed_out, crash=crash).failure_class


@pytest.mark.parametrize("line", PASS_LINES)
def test_the_pass_line_passes(line: str) -> None:
    log = f"VCD info: dumpfile wave.vcd opened.\n{line}\ntestbench.v:40: $finish called at 1310 (1ps)\n"
    assert sim(log) is FailureClass.PASS


@pytest.mark.parametrize("line", FAIL_LINES)
def test_every_failure_wording_fails(line: str) -> None:
    assert fail_lines(line) == [line]
    assert sim(line + "\n") is FailureClass.RUNTIME


def test_a_failed_check_wins_over_a_later_pass_line_unlike_the_harness() -> None:
    """ring_counter prints `Failed at ...` per wrong cycle, then `Your Design Passed` whatever happened."""
    result = run("Failed at i= 2, out=00000001, expected=00000010\n" + PASS_LINES[1] + "\n")
    assert result.failure_class is FailureClass.RUNTIME
    assert result.harness_result == "passed"  # auto_run.py: "Pass" occurs in the output
    assert "Failed at i= 2" in result.reason


def test_no_verdict_line_is_its_own_class_not_a_pass() -> None:
    assert sim("") is FailureClass.NO_VERDICT
    assert sim("At time 40, clock = 10, red = 1\nsomething passed\n") is FailureClass.NO_VERDICT


def test_timeouts_crashes_and_bad_exit_statuses_fail_even_after_the_pass_line() -> None:
    assert sim(PASS_LINES[0], timed_out=True) is FailureClass.TIMEOUT
    assert sim(PASS_LINES[0], returncode=139, crash="simulate: killed by SIGSEGV") is FailureClass.RUNTIME
    assert sim(PASS_LINES[0], returncode=1) is FailureClass.RUNTIME


def test_compile_failures_use_verilog_evals_classes() -> None:
    def compiled(log: str, timed_out: bool = False) -> FailureClass:
        return classify_rtllm(
            compile_ok=False, compile_log=log, compile_timed_out=timed_out, sim_log="", sim_timed_out=False,
            sim_returncode=None, crash="", candidate="",
        ).failure_class  # fmt: skip

    assert compiled("adder.v:3: syntax error\nI give up.\n") is FailureClass.SYNTAX
    assert compiled("testbench.v:14: error: Unknown module type: adder_8bit\n") is FailureClass.UNKNOWN_MODULE
    assert compiled("adder.v:5: error: 'x' has already been declared.\n") is FailureClass.COMPILE
    assert compiled("") is FailureClass.COMPILE  # a non-zero exit with no message is still a failed compile
    assert compiled("", timed_out=True) is FailureClass.TIMEOUT


def test_harness_result_is_auto_run_pys_text_rule() -> None:
    assert harness_result(False, False, "") == "compile failed"
    assert harness_result(True, True, PASS_LINES[0]) == "timed out"
    assert harness_result(True, False, "bypass mode\n") == "passed"  # its rule is a bare substring test
    assert harness_result(True, False, FAIL_LINES[0]) == "failed"


@pytest.mark.needs_iverilog
def test_plan_compiles_the_design_under_its_name_with_the_testbench_top() -> None:
    the_plan = plan(load_rtllm(V1).get("parity8"), "module parity8; endmodule\n", JudgeOptions())
    assert list(the_plan.files) == ["rtllm_timescale.v", "parity8.v", "testbench.v"]
    compile_step, sim_step = the_plan.steps
    argv = [a.rsplit("/", 1)[-1] for a in compile_step.argv]
    assert argv[-7:] == ["-s", "testbench", "-o", "sim.vvp", "rtllm_timescale.v", "parity8.v", "testbench.v"]
    assert "-g2012" in argv
    assert [a.rsplit("/", 1)[-1] for a in sim_step.argv] == ["vvp", "-n", "sim.vvp", "-none"]
    assert the_plan.files["rtllm_timescale.v"] == "`timescale 1ns/1ns\n"


@pytest.mark.needs_iverilog
def test_a_design_that_prints_the_pass_line_itself_is_flagged() -> None:
    task = load_rtllm(V1).get("parity8")
    cheat = (
        "module parity8 (input [7:0] data, output parity);\n  assign parity = ^data;\n"
        '  initial begin $display("===========Your Design Passed==========="); $finish; end\nendmodule\n'
    )
    verdict = judge(task, cheat)
    assert verdict.passed  # the harness would count it too; the flag is how a reader sees it
    assert any("Design Passed" in flag for flag in verdict.integrity)
