"""Hardware cost: Yosys figures of bundled references, ratios to a reference, and failures as values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from rtlsmith.cli import main
from rtlsmith.suites import load_suite
from rtlsmith.task import Purpose
from rtlsmith.tools import ppa

# mux4_w8's function with every data input sent through a multiply and a divide by 3: the same value at
# many more gates, which synthesis does not see through.
BLOATED_MUX4_W8 = """
module TopModule (
  input [1:0] sel,
  input en,
  input [7:0] a,
  input [7:0] b,
  input [7:0] c,
  input [7:0] d,
  output [7:0] y
);
  wire [15:0] a2 = ({8'd0, a} * 16'd3) / 16'd3;
  wire [15:0] b2 = ({8'd0, b} * 16'd3) / 16'd3;
  wire [15:0] c2 = ({8'd0, c} * 16'd3) / 16'd3;
  wire [15:0] d2 = ({8'd0, d} * 16'd3) / 16'd3;
  assign y = !en ? 8'h00 : sel == 2'd0 ? a2[7:0] : sel == 2'd1 ? b2[7:0] : sel == 2'd2 ? c2[7:0] : d2[7:0];
endmodule
"""


def _reference(task_id: str) -> str:
    reference = load_suite("bundled").get(task_id).hidden.unseal(Purpose.FORMAL).reference
    assert reference is not None
    return reference


def test_script_synthesises_to_cmos_gates_and_measures_depth_without_flip_flops() -> None:
    script = ppa.synthesis_script("design.sv", "TopModule")
    assert "synth -flatten -top TopModule" in script and "abc -g cmos" in script
    legalise = next(i for i, cmd in enumerate(script) if cmd.startswith("dfflegalize "))
    assert script.index("synth -flatten -top TopModule") < legalise < script.index("abc -g cmos")
    assert "tee -q -o stat.json stat -tech cmos -json" in script and script[-1] == "ltp -noff"
    with pytest.raises(ValueError):
        ppa.synthesis_script("design.sv", "Top; shell rm")


def test_transistor_estimate_follows_yosys_and_says_where_it_is_rtlsmiths_own() -> None:
    assert ppa.transistors({"$_NAND_": 2, "$_DFF_P_": 1}) == (24, [])
    total, notes = ppa.transistors({"$_DFF_PP0_": 2, "$_WEIRD_": 1})
    assert total == 40
    assert any("rtlsmith's estimate" in n for n in notes) and any("$_WEIRD_" in n for n in notes)


def test_ratios_are_design_over_reference_and_undefined_where_the_reference_has_none() -> None:
    ref = ppa.Cost("RefModule", cells=10, area=100, depth=4, flip_flops=0)
    design = ppa.Cost("TopModule", cells=20, area=150, depth=2, flip_flops=0)
    cmp = ppa.compare(design, ref)
    assert cmp.ok and cmp.ratios == {"cells": 2.0, "area": 1.5, "depth": 0.5, "flip_flops": 1.0}
    assert ppa.ratio(3, 0) is None and ppa.ratio(None, 4) is None
    assert ppa.Cost.from_record(design.record()) == ppa.Cost(
        "TopModule", cells=20, area=150, depth=2, flip_flops=0
    )


def test_a_reference_that_cannot_be_synthesised_is_said_so() -> None:
    broken = ppa.Cost("RefModule", error="synthesis failed: syntax error")
    cmp = ppa.compare(ppa.Cost("TopModule", cells=1, area=2, depth=1), broken)
    assert not cmp.ok and cmp.error.startswith("the reference could not be synthesised")
    assert cmp.record()["error"] == cmp.error and "ratios" not in cmp.record()
    assert all(row[3] == "-" and row[2] == "-" for row in ppa.cost_rows(cmp))


@pytest.mark.needs_yosys
def test_combinational_reference_has_no_flip_flops_and_stable_figures() -> None:
    first = ppa.hardware_cost(_reference("mux4_w8"), "RefModule")
    second = ppa.hardware_cost(_reference("mux4_w8"), "RefModule")
    assert first.ok, first.error
    assert first.record() == second.record()
    assert first.flip_flops == 0 and first.latches == 0
    assert first.cells > 8 and first.area > 0 and first.depth is not None and 1 <= first.depth < 20


@pytest.mark.needs_yosys
def test_counter_has_one_flip_flop_per_bit_and_stable_figures() -> None:
    first = ppa.hardware_cost(_reference("counter_updown_load"), "RefModule")
    second = ppa.hardware_cost(_reference("counter_updown_load"), "RefModule")
    assert first.ok, first.error
    assert first.record() == second.record()
    assert first.flip_flops == 8
    assert first.area > 8 * 16 and first.depth is not None and first.depth > 2
    assert not first.notes  # every cell priced by Yosys' own table after legalisation


@pytest.mark.needs_yosys
def test_asynchronous_reset_and_latches_are_counted_and_priced_by_estimate() -> None:
    source = """
module RefModule(input clk, input arst, input en, input [3:0] d, output reg [3:0] q, output reg [3:0] l);
  always @(posedge clk or posedge arst) if (arst) q <= 4'd0; else if (en) q <= d;
  always @* if (en) l = d;
endmodule
"""
    cost = ppa.hardware_cost(source, "RefModule")
    assert cost.ok, cost.error
    assert cost.flip_flops == 4 and cost.latches == 4
    assert any("rtlsmith's estimate" in n for n in cost.notes)


@pytest.mark.needs_yosys
def test_bloated_equivalent_design_costs_more_than_the_reference() -> None:
    task = load_suite("bundled").get("mux4_w8")
    cmp = ppa.task_comparison(task, BLOATED_MUX4_W8)
    assert cmp.ok, cmp.error
    area = cmp.ratios["area"]
    assert area is not None and area > 2.0
    same = ppa.task_comparison(task, _reference("mux4_w8").replace("RefModule", "TopModule"))
    assert same.ok and same.ratios["area"] == 1.0 and same.ratios["depth"] == 1.0


@pytest.mark.needs_yosys
def test_unsynthesisable_design_gives_an_error_not_an_exception() -> None:
    syntax = ppa.hardware_cost("module TopModule(input a, output y); assign y = a endmodule", "TopModule")
    assert not syntax.ok and "syntax error" in syntax.error
    missing = ppa.hardware_cost("module Other(input a, output y); assign y = a; endmodule", "TopModule")
    assert not missing.ok and "TopModule" in missing.error
    cmp = ppa.compare(syntax, ppa.hardware_cost(_reference("mux4_w8"), "RefModule"))
    assert not cmp.ok and cmp.error.startswith("the design could not be synthesised")


@pytest.mark.needs_yosys
def test_synthesis_time_limit_gives_an_error() -> None:
    big = "module TopModule(input [63:0] a, b, output [127:0] y); assign y = a * b / (b | 64'd1); endmodule"
    cost = ppa.hardware_cost(big, "TopModule", timeout_s=0.5)
    assert not cost.ok and "out of time" in cost.error


def test_missing_yosys_is_an_error_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    from rtlsmith.errors import ToolNotFoundError

    def absent(name: str) -> None:
        raise ToolNotFoundError(f"{name} was not found on PATH; install Yosys")

    monkeypatch.setattr(ppa, "require", absent)
    cost = ppa.hardware_cost("module TopModule(); endmodule", "TopModule")
    assert not cost.ok and "not found" in cost.error


@pytest.mark.needs_yosys
@pytest.mark.needs_iverilog
def test_check_ppa_prints_figures_and_ratios(tmp_path: Path) -> None:
    design = tmp_path / "mux.sv"
    design.write_text(BLOATED_MUX4_W8)
    result = CliRunner().invoke(main, ["check", str(design), "--task", "mux4_w8", "--ppa"])
    assert result.exit_code == 0, result.output
    assert "PASS" in result.output and "hardware cost" in result.output
    area = next(line for line in result.output.splitlines() if "area (transistors)" in line)
    design_area, reference_area, ratio = re.findall(r"\d+(?:\.\d+)?x?", area)
    assert reference_area == "198" and int(design_area) > 396 and float(ratio.rstrip("x")) > 2.0


@pytest.mark.needs_yosys
def test_a_state_machine_yosys_re_encodes_is_noted() -> None:
    cost = ppa.hardware_cost(_reference("seqdet_1011_moore"), "RefModule")
    assert cost.ok, cost.error
    assert any("re-encoded 1 state machine" in n for n in cost.notes)
