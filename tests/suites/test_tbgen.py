"""Testbench generation: the text is deterministic and well-formed, bad interfaces are refused with a reason,
and (with Icarus) the generated testbenches catch a wrong design and accept a right one."""

from __future__ import annotations

import pytest

from rtlsmith.errors import UsageError
from rtlsmith.suites.tbgen import generate_testbench, vectors_testbench
from rtlsmith.task import HiddenChecks, Interface, Layout, Port, PublicTask, Sealed, Spec, Task, Vector
from rtlsmith.tools.judge import judge
from rtlsmith.tools.toolchain import have

needs_icarus = pytest.mark.skipif(
    not (have("iverilog") and have("vvp")),
    reason="Icarus Verilog (iverilog, vvp) is not installed: apt-get install -y iverilog",
)

COUNTER = Interface(
    "TopModule",
    (
        Port("clk", "input"),
        Port("reset", "input"),
        Port("en", "input"),
        Port("q", "output", 4, kind="reg"),
    ),
)
COUNTER_REF = """module RefModule (input clk, input reset, input en, output reg [3:0] q);
  always @(posedge clk) if (reset) q <= 4'd0; else if (en) q <= q + 4'd1;
endmodule
"""
COUNTER_WRONG_WRAP = """module TopModule (input clk, input reset, input en, output reg [3:0] q);
  always @(posedge clk) if (reset) q <= 4'd0; else if (en) q <= (q == 4'd9) ? 4'd0 : q + 4'd1;
endmodule
"""
ADDER = Interface(
    "TopModule",
    (Port("a", "input", 3), Port("b", "input", 3), Port("s", "output", 4)),
)
WIDE = Interface("TopModule", (Port("x", "input", 40), Port("y", "output", 40)))


def make_task(interface: Interface, testbench: str, reference: str | None) -> Task:
    public = PublicTask("t", "test", Spec("spec"), interface)
    return Task(public, Sealed(HiddenChecks(testbench, reference, Layout.VERILOG_EVAL_V2)))


def test_generation_is_deterministic_and_seeded() -> None:
    one = generate_testbench(COUNTER, clock="clk", reset="reset", seed=3)
    assert one == generate_testbench(COUNTER, clock="clk", reset="reset", seed=3)
    assert one != generate_testbench(COUNTER, clock="clk", reset="reset", seed=4)
    assert "integer tb_seed = 3;" in one


def test_sequential_testbench_has_the_verilog_eval_shape() -> None:
    text = generate_testbench(COUNTER, clock="clk", reset="reset", cycles=50, directed="tb_step; en <= 1;")
    for needle in (
        "module stimulus_gen",
        "module tb();",
        "RefModule good1",
        "TopModule top_module1",
        "always @(posedge clk, negedge clk)",
        "Hint: Output '%s' has %0d mismatches. First mismatch occurred at time %0d.",
        'Mismatches: %1d in %1d samples", tb_errors, tb_clocks',
        "#1000000",
        '$display("TIMEOUT")',
        "repeat (50) begin",
        "tb_step; en <= 1;",
        "@(negedge clk);",
    ):
        assert needle in text, needle
    assert "$dumpfile" not in text


def test_small_combinational_block_is_swept_exhaustively() -> None:
    text = generate_testbench(ADDER, clock=None, reset=None)
    assert "for (tb_i = 0; tb_i < 64; tb_i = tb_i + 1)" in text
    assert "{a, b} <= tb_i[5:0];" in text
    assert "repeat (200) begin" in text  # then random orders, which catch latches a counting sweep misses
    assert "@(posedge clk, negedge clk);" in text


def test_wide_inputs_get_enough_random_bits() -> None:
    text = generate_testbench(WIDE, clock=None, reset=None, cycles=10)
    assert "x <= {$random(tb_seed), $random(tb_seed)};" in text


def test_active_low_reset_and_random_overrides() -> None:
    iface = Interface("TopModule", (Port("clk", "input"), Port("rst_n", "input"), Port("q", "output")))
    text = generate_testbench(
        iface, clock="clk", reset="rst_n", reset_active_high=False, random_exprs={"rst_n": "0"}
    )
    assert "rst_n <= 1'b0;" in text  # held active (low) at the start
    assert "rst_n <= (0) ? 1'b0 : 1'b1;" in text


@pytest.mark.parametrize(
    ("interface", "kwargs", "message"),
    [
        (COUNTER, {"clock": None, "reset": "reset"}, "needs a clock"),
        (COUNTER, {"clock": "clock", "reset": None}, "not an input"),
        (COUNTER, {"clock": "clk", "reset": "reset", "random_exprs": {"q": "0"}}, "not driven inputs"),
        (
            Interface("TopModule", (Port("a", "input"), Port("parity_error", "output"))),
            {},
            "contains 'error'",
        ),
        (Interface("TopModule", (Port("tb_x", "input"), Port("y", "output"))), {}, "reserved"),
        (Interface("TopModule", (Port("a", "inout"), Port("y", "output"))), {}, "inout"),
        (Interface("TopModule", (Port("a", "input"),)), {}, "no outputs"),
        (
            Interface("TopModule", (Port("a", "input"), Port("q_ref", "input"), Port("q", "output"))),
            {},
            "clashes",
        ),
    ],
)
def test_bad_interfaces_are_refused(interface: Interface, kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"clock": None, "reset": None, **kwargs}
    with pytest.raises(UsageError, match=message):
        generate_testbench(interface, **args)  # type: ignore[arg-type]


def test_vectors_testbench_checks_named_outputs_only() -> None:
    vectors = [
        Vector((("reset", "1"), ("en", "0")), (("q", "4'd0"),)),
        Vector((("reset", "0"), ("en", "1")), ()),
        (iter([("en", "1")]), iter([("q", "4'b001x")])),
    ]
    text = vectors_testbench(COUNTER, vectors, "clk")
    assert text.count("tb_samples = tb_samples + 1;") == 3
    assert text.count('$display("MISMATCH vector') == 2
    assert "tb_exp_q = 4'b001x;" in text


@pytest.mark.parametrize(
    ("vector", "message"),
    [
        (Vector((("nope", "1"),), ()), "not a driven input"),
        (Vector((("clk", "1"),), ()), "not a driven input"),
        (Vector((), (("en", "1"),)), "not an output"),
        (Vector((("en", "1; $finish"),), ()), "not a Verilog number literal"),
    ],
)
def test_bad_vectors_are_refused(vector: Vector, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        vectors_testbench(COUNTER, [vector], "clk")


@needs_icarus
def test_generated_testbench_accepts_the_reference_and_rejects_a_wrong_design() -> None:
    bench = generate_testbench(COUNTER, clock="clk", reset="reset", random_exprs={"en": "1"}, reset_rate=1000)
    task = make_task(COUNTER, bench, COUNTER_REF)
    good = judge(task, COUNTER_REF.replace("RefModule", "TopModule"))
    assert good.passed, good.log_excerpt
    bad = judge(task, COUNTER_WRONG_WRAP)
    assert not bad.passed and bad.failure_class.value == "R"
    assert bad.mismatch_signals == ("q",)


@needs_icarus
def test_vectors_testbench_reports_each_wrong_output() -> None:
    vectors = [
        Vector((("reset", "1"), ("en", "0")), (("q", "4'd0"),)),
        Vector((("reset", "0"), ("en", "1")), (("q", "4'd1"),)),
        Vector((), (("q", "4'd2"),)),
        Vector((), (("q", "4'd7"),)),  # wrong on purpose: the counter is at 3
    ]
    task = make_task(COUNTER, vectors_testbench(COUNTER, vectors, "clk"), None)
    verdict = judge(task, COUNTER_REF.replace("RefModule", "TopModule"))
    assert not verdict.passed
    assert (verdict.mismatches, verdict.samples) == (1, 4)
    assert "MISMATCH vector 3" in verdict.log and "q = 0011, expected 0111" in verdict.log


@needs_icarus
def test_vectors_testbench_for_combinational_block() -> None:
    design = "module TopModule (input [2:0] a, input [2:0] b, output [3:0] s); assign s = a + b; endmodule\n"
    vectors = [
        Vector((("a", "3'd7"), ("b", "3'd7")), (("s", "4'd14"),)),
        Vector((("b", "0"),), (("s", "7"),)),
    ]
    task = make_task(ADDER, vectors_testbench(ADDER, vectors, None), None)
    verdict = judge(task, design)
    assert verdict.passed, verdict.log
    assert verdict.samples == 2
