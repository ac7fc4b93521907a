"""`rtlsmith assert`: a (scripted) model writes properties, Yosys checks them, mutants grade them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from assertion_helpers import known_bugs, needs_yosys
from click.testing import CliRunner

from rtlsmith.cli import main
from rtlsmith.llm import registry
from rtlsmith.llm.scripted import ScriptedModel

ANSWER = """Here are the properties.
```systemverilog
  always @* p_tc: assert (tc == (en & ((up & (q == 8'hff)) | (~up & (q == 8'h00)))));
  p_reset: assert property (@(posedge clk) reset |=> q == 8'd0);
  p_wrong: assert property (@(posedge clk) reset |=> q == 8'd1);
```
"""


@needs_yosys
def test_assert_on_a_task_writes_checks_and_grades(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = ScriptedModel([ANSWER])
    monkeypatch.setattr(registry, "get_model", lambda spec=None, **kw: model)
    out = tmp_path / "result.json"
    args = ["assert", "--task", "counter_updown_load", "--json", str(out), "--vcd-dir", str(tmp_path / "cex")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    prompt = model.calls[0].messages[-1].content
    assert "module TopModule_props" in prompt and "RefModule" not in prompt  # public part only
    assert "p_wrong" in result.output and "counterexample" in result.output
    assert "kill rate:" in result.output
    assert (tmp_path / "cex" / "p_wrong.vcd").is_file()
    record = json.loads(out.read_text())
    assert record["properties_from"] == "scripted"
    statuses = {r["name"]: r["status"] for r in record["grade"]["reference"]["results"]}
    assert statuses == {"p_tc": "proven", "p_reset": "proven", "p_wrong": "counterexample"}
    assert record["grade"]["wrong"] == ["p_wrong"]
    # A bundled task is graded on its known bugs, shipped in the package (no --mutants needed).
    assert record["mutants_from"] == "known"
    assert {m["name"] for m in record["grade"]["mutants"]} == set(known_bugs("counter_updown_load"))


def test_a_spec_file_without_a_design_is_a_usage_error(tmp_path: Path) -> None:
    spec = tmp_path / "spec.md"
    spec.write_text("module TopModule (input a, output y);\nThe output y equals a.\n")
    props = tmp_path / "p.sv"
    props.write_text("always @* p: assert (y == a);\n")
    result = CliRunner().invoke(main, ["assert", str(spec), "--properties", str(props)])
    assert result.exit_code == 2
    assert "--design" in result.output


@needs_yosys
def test_a_spec_file_with_a_design_and_given_properties(tmp_path: Path) -> None:
    spec = tmp_path / "spec.md"
    spec.write_text("module TopModule (input a, output y);\nThe output y equals a.\n")
    design = tmp_path / "top.sv"
    design.write_text("module TopModule (input a, output y);\n  assign y = a;\nendmodule\n")
    props = tmp_path / "p.sv"
    props.write_text("always @* p_eq: assert (y == a);\n")
    result = CliRunner().invoke(
        main, ["assert", str(spec), "--design", str(design), "--properties", str(props)]
    )
    assert result.exit_code == 0, result.output
    assert "proven" in result.output
