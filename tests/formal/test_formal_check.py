"""`formal_check` on tasks: v2 and v1 layouts, code-completion bodies, and testbench gaps."""

from __future__ import annotations

import pytest
from formal_designs import SEQ_BUG, SEQ_REF, as_candidate

from rtlsmith.formal import Outcome, formal_check
from rtlsmith.formal.cex import Sample, Trace, replay_testbench
from rtlsmith.formal.check import formal_sources
from rtlsmith.hdl import parse_interface
from rtlsmith.task import HiddenChecks, Layout, PublicTask, Sealed, Spec, Task
from rtlsmith.tools.toolchain import have

needs_yosys = pytest.mark.skipif(
    not have("yosys"), reason="Yosys is not installed (apt-get install -y yosys)"
)
needs_icarus = pytest.mark.skipif(
    not (have("iverilog") and have("vvp")),
    reason="Icarus Verilog is not installed (apt-get install -y iverilog)",
)


def weak_testbench() -> str:
    """A VerilogEval-style testbench that resets, then counts only five enabled cycles."""
    cycles = [Sample(1, {"clk": "0", "reset": "1", "en": "0"}, {}, {})]
    cycles += [Sample(i, {"clk": "0", "reset": "0", "en": "1"}, {}, {}) for i in range(2, 8)]
    trace = Trace(tuple(cycles), clock="clk", check_from=2)
    return replay_testbench(trace, parse_interface(as_candidate(SEQ_REF), "TopModule"))


def counter_task(layout: Layout = Layout.VERILOG_EVAL_V2, prompt: str = "") -> Task:
    header = as_candidate(SEQ_REF).split(");")[0] + ");"
    public = PublicTask("counter", "inline", Spec("A 4-bit counter."), parse_interface(header, "TopModule"))
    hidden = HiddenChecks(testbench=weak_testbench(), reference=SEQ_REF, layout=layout, prompt=prompt)
    return Task(public, Sealed(hidden))


@needs_yosys
@needs_icarus
def test_a_candidate_that_passes_simulation_but_has_a_counterexample_is_a_testbench_gap() -> None:
    task = counter_task()
    result = formal_check(task, SEQ_BUG, simulate=True)
    assert result.simulation_passed is True, "the weak testbench never reaches the 12th count"
    assert result.outcome is Outcome.COUNTEREXAMPLE and result.testbench_gap
    assert result.label() == "TESTBENCH GAP" and result.task_id == "counter"
    assert result.summary().startswith("formal: TESTBENCH GAP")
    assert result.record()["testbench_gap"] is True
    good = formal_check(task, as_candidate(SEQ_REF), simulate=True)
    assert good.outcome is Outcome.PROVEN and not good.testbench_gap and good.simulation_passed


@needs_yosys
def test_code_completion_bodies_get_their_interface() -> None:
    header = as_candidate(SEQ_REF).split(");")[0] + ");\n"
    body = as_candidate(SEQ_REF).split(");", 1)[1]
    task = counter_task(prompt=header)
    _ref, candidate, _rt, _ct = formal_sources(task, body)
    assert candidate.startswith(header.rstrip())
    assert formal_check(task, body).outcome is Outcome.PROVEN


@needs_yosys
def test_verilog_eval_v1_layout_compares_top_module_with_top_module() -> None:
    prompt = "module top_module (input [3:0] a, input [3:0] b, output [3:0] y);\n"
    public = PublicTask("v1", "inline", Spec("and"), parse_interface(prompt + "endmodule", "top_module"))
    hidden = HiddenChecks(
        testbench="", reference=prompt + "  assign y = a & b;\nendmodule\n", layout=Layout.VERILOG_EVAL_V1,
        prompt=prompt,
    )  # fmt: skip
    task = Task(public, Sealed(hidden))
    assert formal_check(task, "  assign y = b & a;\nendmodule\n").outcome is Outcome.PROVEN
    wrong = formal_check(task, "  assign y = a | b;\nendmodule\n")
    assert wrong.outcome is Outcome.COUNTEREXAMPLE, wrong.summary()


def test_a_task_without_reference_is_an_error() -> None:
    public = PublicTask("none", "inline", Spec("x"), parse_interface("module TopModule(input a); endmodule"))
    hidden = HiddenChecks(testbench="", reference=None, layout=Layout.VERILOG_EVAL_V2)
    result = formal_check(Task(public, Sealed(hidden)), "module TopModule(input a); endmodule")
    assert result.outcome is Outcome.ERROR and result.error_stage == "task"
    assert "no reference" in result.message


@needs_yosys
@needs_icarus
def test_an_rtllm_design_keeps_its_module_name_and_meets_a_reference_named_verified() -> None:
    from pathlib import Path

    from rtlsmith.suites.rtllm import load_rtllm

    fixtures = Path(__file__).resolve().parents[1] / "suites" / "fixtures" / "rtllm" / "v2"
    task = load_rtllm(fixtures).get("adder_4bit")
    good = (
        "module adder_4bit (input [3:0] x, input [3:0] y, input cin, output [3:0] sum, output cout);\n"
        "  assign {cout, sum} = x + y + cin;\nendmodule\n"
    )
    reference, candidate, ref_top, cand_top = formal_sources(task, good)
    assert (ref_top, cand_top) == ("verified_adder_4bit", "adder_4bit") and candidate == good
    assert "module verified_adder_4bit" in reference
    assert formal_check(task, good).outcome is Outcome.PROVEN
    wrong = formal_check(task, good.replace("x + y + cin", "x + y"), simulate=True)
    assert wrong.outcome is Outcome.COUNTEREXAMPLE and wrong.confirmed, wrong.summary()
    assert wrong.simulation_passed is False
