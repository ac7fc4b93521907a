"""`rtlsmith check --waves FILE.vcd` keeps the testbench's waveform; logs name the user's file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rtlsmith.cli import main
from rtlsmith.scoring.samples import reference_completion
from rtlsmith.suites import data_dir, load_suite

pytestmark = pytest.mark.skipif(shutil.which("iverilog") is None, reason="needs Icarus Verilog")


def _v2() -> str:
    found = data_dir("verilog-eval-v2", Path(__file__).resolve().parents[2])
    if found is None:
        pytest.skip("VerilogEval v2 not found: set RTLSMITH_DATA to the directory holding verilog-eval-v2/")
    return f"verilog-eval-v2:{found / 'dataset_spec-to-rtl'}"


def test_waves_writes_the_vcd_where_asked(tmp_path: Path) -> None:
    suite = _v2()
    design = tmp_path / "zero.sv"
    design.write_text(reference_completion(load_suite(suite).get("Prob001_zero")))
    vcd = tmp_path / "out" / "zero.vcd"
    result = CliRunner().invoke(main, ["check", str(design), "--task", "Prob001_zero", "--suite", suite,
                                       "--waves", str(vcd)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"waveform: {vcd}" in result.output.replace("\n", "")
    text = vcd.read_text()
    assert text.startswith("$date") and "$enddefinitions" in text and "$scope module tb" in text


def test_errors_name_the_users_file_not_the_sandboxs(tmp_path: Path) -> None:
    design = tmp_path / "my_mux.sv"
    design.write_text("module TopModule(input [1:0] sel, output [7:0] y);\n assign y = 1\nendmodule\n")
    result = CliRunner().invoke(main, ["check", str(design), "--task", "mux4_w8"])
    assert result.exit_code == 1
    assert f"{design}:3: syntax error" in result.output.replace("\n", "")
    assert "TopModule.sv:" not in result.output


def test_a_testbench_that_dumps_nothing_is_given_a_dump_of_tb(tmp_path: Path) -> None:
    # Generated testbenches (the bundled suite's) dump nothing: a second root module dumps all of `tb`.
    design = tmp_path / "mux.sv"
    design.write_text(reference_completion(load_suite("bundled").get("mux4_w8")))
    vcd = tmp_path / "mux.vcd"
    result = CliRunner().invoke(main, ["check", str(design), "--task", "mux4_w8", "--waves", str(vcd)])
    assert result.exit_code == 0, result.output
    text = vcd.read_text()
    assert "$scope module tb $end" in text and "$scope module top_module1 $end" in text  # the design too
    # Without --waves, nothing is added: the judged files are the benchmark's own.
    plain = CliRunner().invoke(main, ["check", str(design), "--task", "mux4_w8", "--dry-run"]).output
    assert "rtlsmith_waves" not in plain


def test_waves_with_verilator_is_a_clear_error(tmp_path: Path) -> None:
    design = tmp_path / "d.sv"
    design.write_text("module TopModule; endmodule\n")
    args = [
        "check",
        str(design),
        "--task",
        "mux4_w8",
        "--simulator",
        "verilator",
        "--waves",
        str(tmp_path / "w.vcd"),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "--waves needs --simulator icarus" in result.output
    assert not (tmp_path / "w.vcd").exists()
