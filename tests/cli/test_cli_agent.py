"""`rtlsmith run`, `rtlsmith trace` and `rtlsmith agent` as a user calls them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from agent_helpers import bundled, needs_iverilog, reference_design
from click.testing import CliRunner

from rtlsmith.agent.specfile import load_spec
from rtlsmith.cli.agent import agent_cmd, run_cmd, trace_cmd
from rtlsmith.errors import UsageError


def test_every_command_help_has_an_example() -> None:
    for cmd in (run_cmd, trace_cmd, agent_cmd):
        out = CliRunner().invoke(cmd, ["--help"]).output
        assert "Example" in out and f"rtlsmith {cmd.name}" in out


def test_agent_diagram_prints_mermaid() -> None:
    out = CliRunner().invoke(agent_cmd, ["--diagram"]).output
    assert "stateDiagram-v2" in out and "TEST --> REPAIR: failed" in out
    table = CliRunner().invoke(agent_cmd, []).output
    assert "WRITE_TESTS" in table and "verilator" in table


@needs_iverilog
def test_run_a_bundled_task_then_show_its_trace(tmp_path: Path) -> None:
    task = bundled("counter_updown_load")
    samples = tmp_path / "samples.jsonl"
    samples.write_text(json.dumps({"task_id": task.id, "completion": reference_design(task)}) + "\n")
    runs = tmp_path / "runs"
    runner = CliRunner()
    result = runner.invoke(run_cmd, [task.id, "--model", f"replay:{samples}", "--runs-dir", str(runs)])
    assert result.exit_code == 0, result.output
    assert "final module" in result.output and "passed" in result.output
    assert "hidden testbench" in result.output and "trace" in result.output
    [run_dir] = list(runs.iterdir())
    assert (run_dir / "trace.jsonl").is_file() and (run_dir / "final.sv").is_file()
    assert run_dir.name in result.output.replace("\n", "")
    shown = runner.invoke(trace_cmd, [run_dir.name[:18], "--runs-dir", str(runs)])
    assert shown.exit_code == 0, shown.output
    for word in ("DRAFT", "LINT", "TEST", "lint clean", "passed public checks: True (public-vectors)"):
        assert word in shown.output
    full = runner.invoke(trace_cmd, ["--runs-dir", str(runs), "--step", "2"])
    assert "Write the Verilog module described below." in full.output


def test_run_json_from_a_spec_file_without_checks_gives_up_honestly(tmp_path: Path) -> None:
    spec = tmp_path / "inv.txt"
    spec.write_text("An inverter.\n\nmodule TopModule (input a, output y);\n")
    samples = tmp_path / "s.jsonl"
    samples.write_text(json.dumps({"task_id": "inv", "completion": "no code here"}) + "\n")
    args = [str(spec), "--model", f"replay:{samples}", "--runs-dir", str(tmp_path / "r"), "--json"]
    args += ["--max-iterations", "2"]
    result = CliRunner().invoke(run_cmd, args)
    assert result.exit_code == 1, result.output  # finished, but the design passed no checks
    record = json.loads(result.output)
    assert record["task_id"] == "inv" and record["stop_reason"] == "max_iterations"
    assert record["hidden_verdict"] is None and record["mode"] == "honest"


def test_oracle_feedback_needs_a_suite_task(tmp_path: Path) -> None:
    spec = tmp_path / "inv.txt"
    spec.write_text("module TopModule (input a, output y);\n")
    result = CliRunner().invoke(run_cmd, [str(spec), "--oracle-feedback", "--model", "scripted"])
    assert isinstance(result.exception, UsageError) and "suite task" in str(result.exception)


def test_spec_files_text_and_toml(tmp_path: Path) -> None:
    text = tmp_path / "and.txt"
    text.write_text("Output y is a AND b.\nmodule TopModule(input a, input b, output y);\n")
    task = load_spec(text)
    assert task.id == "and" and [p.name for p in task.interface.ports] == ["a", "b", "y"]
    assert task.public.empty
    (tmp_path / "tb.sv").write_text("module tb; endmodule\n")
    toml = tmp_path / "and.toml"
    toml.write_text(
        'description = "y = a & b"\ninterface = "module TopModule(input a, input b, output y);"\n'
        '[public]\ntestbench = "tb.sv"\nvectors = [ { in = { a = "1", b = "1" }, out = { y = "1" } } ]\n'
    )
    task = load_spec(toml)
    assert task.public.testbench == "module tb; endmodule\n"
    assert task.public.vectors[0].outputs == (("y", "1"),)
    bare = tmp_path / "bare.txt"
    bare.write_text("An AND gate.")
    with pytest.raises(UsageError, match="--interface FILE"):
        load_spec(bare)
    ifc = tmp_path / "ifc.v"
    ifc.write_text("module TopModule(input a, input b, output y);")
    assert load_spec(bare, ifc).interface.module == "TopModule"


def test_commands_are_registered_on_the_main_cli() -> None:
    from rtlsmith.cli import main

    out = CliRunner().invoke(main, ["agent", "--diagram"]).output
    assert out.startswith("---\ntitle: rtlsmith smith agent")
    for name in ("run", "trace", "agent"):
        assert name in main.commands


@needs_iverilog
def test_run_writes_the_final_module_where_asked_and_never_over_a_file_unasked(tmp_path: Path) -> None:
    task = bundled("counter_updown_load")
    samples = tmp_path / "samples.jsonl"
    samples.write_text(json.dumps({"task_id": task.id, "completion": reference_design(task)}) + "\n")
    out = tmp_path / "rtl" / "counter.sv"
    args = [task.id, "--model", f"replay:{samples}", "--runs-dir", str(tmp_path / "runs"), "-o", str(out)]
    result = CliRunner().invoke(run_cmd, args)
    assert result.exit_code == 0, result.output
    assert out.read_text().strip() == reference_design(task).strip()
    assert f"wrote {out} (the design passed its checks)" in result.output.replace("\n", "")
    out.write_text("// mine\n")
    from rtlsmith.cli import main

    again = CliRunner().invoke(main, ["run", *args])
    assert again.exit_code != 0 and "pass --force" in again.output
    assert out.read_text() == "// mine\n"  # refused before any work, nothing lost
    forced = CliRunner().invoke(run_cmd, [*args, "--force", "--json"])
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.output)["out"] == str(out) and "endmodule" in out.read_text()
