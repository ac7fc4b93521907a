"""AssertionBench-style inputs (`rtlsmith assert --import-bench DIR`): designs and expected assertions read in
the benchmark's published layout, each set checked on its design and graded on mutants of it. The directory
used is a small one we wrote in that layout (assertionbench_sample/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from assertion_helpers import needs_yosys
from click.testing import CliRunner

from rtlsmith.assertions.assertionbench import (
    expected_property_file,
    grade_design,
    load_assertionbench,
    non_ports,
)
from rtlsmith.cli import main
from rtlsmith.errors import UsageError
from rtlsmith.hdl import parse_interface
from rtlsmith.llm import registry
from rtlsmith.llm.scripted import ScriptedModel

SAMPLE = Path(__file__).parent / "assertionbench_sample"


def test_designs_and_expected_sets_are_read_from_the_published_layout() -> None:
    inputs = load_assertionbench(SAMPLE)
    designs = {d.name: d for d in inputs.designs}
    assert set(designs) == {"arb2", "parity4"}
    arb2 = designs["arb2"]
    assert arb2.file_name == "arb2.v" and "module arb2" in arb2.source
    # GoldMine's file is JSON lines (with empty objects); its keys carry a `_goldmine` suffix.
    assert len(arb2.expected["goldmine"]) == 4 and arb2.expected["goldmine"][0].startswith("@(posedge clk)")
    assert arb2.expected["harm"] == ("(gnt1) |-> !gnt2", "(req1 ##1 1) |-> gnt1")
    assert inputs.unmatched == ("ghost",)


def test_a_directory_without_designs_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"final_verilog_designs\.json"):
        load_assertionbench(tmp_path)


def test_assertions_naming_internal_signals_are_left_out_as_unsupported() -> None:
    arb2 = next(d for d in load_assertionbench(SAMPLE).designs if d.name == "arb2")
    interface = parse_interface(arb2.source, "arb2")
    assert non_ports("@(posedge clk) (last == 1) |-> (gnt2 == 4'b0001)", interface) == ["last"]
    assert non_ports("$past(req1) |-> gnt1", interface) == []
    text, left_out = expected_property_file(arb2.expected, interface)
    assert "goldmine_0: assert property (@(posedge clk) (rst == 1) |=> (gnt1 == 0));" in text
    assert [r["name"] for r in left_out] == ["goldmine_3"]
    assert "last" in left_out[0]["message"] and "ports only" in left_out[0]["message"]
    assert text.splitlines()[left_out[0]["line"] - 1].startswith("// goldmine_3")


@needs_yosys
def test_expected_sets_are_checked_and_graded_on_mutants() -> None:
    designs = {d.name: d for d in load_assertionbench(SAMPLE).designs}
    record = grade_design(designs["arb2"])
    status = {r["name"]: r["status"] for r in record["results"]}
    assert status == {
        "goldmine_0": "proven",
        "goldmine_1": "proven",
        "goldmine_2": "counterexample",  # false of the design: a trace, and never a kill
        "goldmine_3": "unsupported",  # names the internal register `last`
        "harm_0": "proven",
        "harm_1": "unsupported",  # `##`
    }
    assert record["asserts"] == 6 and record["proven"] == 3 and record["unsupported"] == 2
    assert record["mutants"] > 0 and 0 < record["kill_rate"] <= 1
    assert all("goldmine_2" not in killers for killers in record["killed_by"].values())
    parity = grade_design(designs["parity4"])
    assert {r["name"]: r["status"] for r in parity["results"]} == {
        "harm_0": "proven",
        "harm_1": "counterexample",
    }


@needs_yosys
def test_import_bench_on_the_command_line_grades_expected_mine_or_the_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "bench.json"
    args = ["assert", "--import-bench", str(SAMPLE), "--json", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "arb2" in result.output and "parity4" in result.output and "ghost" in result.output
    record = json.loads(out.read_text())
    assert [d["design"] for d in record["designs"]] == ["arb2", "parity4"]
    assert {d["properties_from"] for d in record["designs"]} == {"expected"}
    # Mine: a directory of <design>.sv, designs without a file skipped.
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "parity4.sv").write_text("always @* p_odd: assert (odd == ^data);\n")
    result = CliRunner().invoke(main, [*args, "--properties", str(mine)])
    assert result.exit_code == 0, result.output
    designs = json.loads(out.read_text())["designs"]
    assert [d["design"] for d in designs] == ["parity4"]
    assert designs[0]["proven"] == 1 and designs[0]["kill_rate"] > 0
    # The model's: written from the design's source (AssertionBench's input), one design picked by --task.
    model = ScriptedModel(["```systemverilog\n  always @* p_odd: assert (odd == ^data);\n```\n"])
    monkeypatch.setattr(registry, "get_model", lambda spec=None, **kw: model)
    result = CliRunner().invoke(main, [*args, "--task", "parity4", "--model", "scripted:p"])
    assert result.exit_code == 0, result.output
    assert "assign odd = ^data" in model.calls[0].messages[-1].content
    assert json.loads(out.read_text())["designs"][0]["properties_from"] == "scripted:p"
    missing = CliRunner().invoke(main, [*args, "--task", "nope"])
    assert missing.exit_code == 2 and "no design named" in missing.output
