"""Input assumptions: an expression over the inputs that holds in every cycle (`assume=`, a native task's
`[formal] assume`, `check --formal-assume`). Inputs that break it are not compared; everything else is."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from rtlsmith.cli import main
from rtlsmith.formal import Outcome, check_equivalence, formal_check
from rtlsmith.formal.equiv import with_assumption
from rtlsmith.suites import load_suite
from rtlsmith.tools import yosys as ys
from rtlsmith.tools.toolchain import have

needs_tools = pytest.mark.skipif(
    not (have("yosys") and have("iverilog")),
    reason="Yosys and Icarus Verilog are needed (apt-get install -y yosys iverilog)",
)

# Next-state logic of a one-hot machine, written two ways that agree only on one-hot `state` values.
ONEHOT_REF = """
module RefModule (input in, input [3:0] state, output [3:0] next_state);
  assign next_state[0] = ~in & (state[0] | state[2]);
  assign next_state[1] = in & (state[0] | state[1] | state[3]);
  assign next_state[2] = ~in & (state[1] | state[3]);
  assign next_state[3] = in & state[2];
endmodule
"""
ONEHOT_CAND = """
module TopModule (input in, input [3:0] state, output [3:0] next_state);
  assign next_state = {in & state[2], ~in & (state[3] | state[1]),
                       in & ~state[2], ~in & (state[2] | state[0])};
endmodule
"""

# A counter whose spec promises `load` and `en` are never high together; the two designs give them
# different priority, which matters only when both are high.
COUNTER_REF = """
module RefModule (input clk, input reset, input en, input load, input [3:0] d, output reg [3:0] q);
  always @(posedge clk)
    if (reset) q <= 4'd0; else if (load) q <= d; else if (en) q <= q + 4'd1;
endmodule
"""
COUNTER_CAND = """
module TopModule (input clk, input reset, input en, input load, input [3:0] d, output reg [3:0] q);
  always @(posedge clk)
    if (reset) q <= 4'd0; else if (en) q <= q + 4'd1; else if (load) q <= d;
endmodule
"""


def test_the_assumption_goes_into_the_reference_and_every_sat_run_honours_it() -> None:
    text = with_assumption(ONEHOT_REF, "RefModule", " $onehot(state) ")
    assert "always @* assume ($onehot(state));\nendmodule" in text
    sat = ys.SatOptions(max_steps=4, assumes=True).command()
    assert "-set-assumes" in sat and "%ci*" not in sat  # the $assume cells lie outside the trigger's cone
    assert "-set-assumes" in ys.output_check_command(
        [("gold_y", "gate_y")], [("gold.r", "gate.r")], assumes=True
    )
    for bad in ("", "a; $finish", '$system("rm")', "(a", "a // c", "`define X", "a\nb"):
        with pytest.raises(ValueError, match="one Verilog expression"):
            with_assumption(ONEHOT_REF, "RefModule", bad)
    with pytest.raises(ValueError, match="module Nope not found"):
        with_assumption(ONEHOT_REF, "Nope", "in")


@needs_tools
def test_a_combinational_difference_outside_the_assumption_is_not_one() -> None:
    plain = check_equivalence(ONEHOT_REF, ONEHOT_CAND)
    assert plain.outcome is Outcome.COUNTEREXAMPLE and plain.confirmed
    assumed = check_equivalence(ONEHOT_REF, ONEHOT_CAND, assume="$onehot(state)")
    assert assumed.outcome is Outcome.PROVEN, assumed.summary()
    assert any("`$onehot(state)`" in a for a in assumed.assumptions)
    assert any("the assumption allows" in a for a in assumed.assumptions)
    # A real bug is still found, on an input the assumption allows.
    bug = check_equivalence(
        ONEHOT_REF, ONEHOT_CAND.replace("in & state[2],", "in & state[1],"), assume="$onehot(state)"
    )
    assert bug.outcome is Outcome.COUNTEREXAMPLE and bug.confirmed and bug.trace is not None
    state = bug.trace.samples[0].inputs["state"]
    assert bin(int(state.split("h")[-1], 16)).count("1") == 1, state


@needs_tools
def test_a_sequential_assumption_holds_in_every_cycle() -> None:
    plain = check_equivalence(COUNTER_REF, COUNTER_CAND)
    assert plain.outcome is Outcome.COUNTEREXAMPLE and plain.confirmed
    assumed = check_equivalence(COUNTER_REF, COUNTER_CAND, assume="!(en && load)")
    assert assumed.outcome is Outcome.PROVEN, assumed.summary()
    wrong = COUNTER_CAND.replace("q + 4'd1", "q + 4'd2")
    assert check_equivalence(COUNTER_REF, wrong, assume="!(en && load)").outcome is Outcome.COUNTEREXAMPLE


def test_a_bad_assumption_is_an_error_naming_what_is_wrong() -> None:
    result = check_equivalence(ONEHOT_REF, ONEHOT_CAND, assume="state; $finish")
    assert result.outcome is Outcome.ERROR and result.error_stage == "assume"
    assert "one Verilog expression" in result.message


def _native_task(root: Path, assume: str | None) -> Path:
    d = root / "onehot"
    d.mkdir(parents=True)
    formal = f'[formal]\nassume = "{assume}"\n' if assume else ""
    d.joinpath("task.toml").write_text(
        'summary = "one-hot next state"\ndescription = "Next-state logic; state is one-hot."\n' + formal
    )
    d.joinpath("ref.sv").write_text(ONEHOT_REF)
    d.joinpath("test.sv").write_text('module tb; initial $display("Mismatches: 0 in 1 samples"); endmodule\n')
    return root


def test_a_native_task_carries_its_assumption_and_only_then_changes_its_hash(tmp_path: Path) -> None:
    with_it = load_suite(f"native:{_native_task(tmp_path / 'a', '$onehot(state)')}").get("onehot")
    without = load_suite(f"native:{_native_task(tmp_path / 'b', None)}").get("onehot")
    from rtlsmith.task import Purpose

    assert with_it.hidden.unseal(Purpose.FORMAL).formal_assume == "$onehot(state)"
    assert without.hidden.unseal(Purpose.FORMAL).formal_assume == ""
    assert with_it.content_hash() != without.content_hash()
    if have("yosys") and have("iverilog"):
        assert formal_check(with_it, ONEHOT_CAND).outcome is Outcome.PROVEN
        assert formal_check(without, ONEHOT_CAND).outcome is Outcome.COUNTEREXAMPLE
        # An explicit assumption replaces the task's own.
        assert formal_check(with_it, ONEHOT_CAND, assume="state != 4'd0").outcome is Outcome.COUNTEREXAMPLE


@needs_tools
def test_check_formal_assume_on_the_command_line(tmp_path: Path) -> None:
    suite = _native_task(tmp_path / "s", None)
    design = tmp_path / "cand.sv"
    design.write_text(ONEHOT_CAND)
    args = ["check", str(design), "--task", "onehot", "--suite", f"native:{suite}", "--formal"]
    assert "formal: TESTBENCH GAP" in CliRunner().invoke(main, args).output
    out = CliRunner().invoke(main, [*args, "--formal-assume", "$onehot(state)"]).output
    assert "formal: PROVEN" in out and "$onehot(state)" in out
