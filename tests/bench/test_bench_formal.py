"""`bench --formal`: every final design is also checked for equivalence with the task's reference, and a
design that passes the hidden testbench but differs from the reference is reported as a testbench gap."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bench_helpers import needs_iverilog, subprocess_env

from rtlsmith.bench import BenchConfig, BenchRequest, BenchStore, FormalSettings, compute, run_bench
from rtlsmith.bench.config import identity
from rtlsmith.bench.report import html_report
from rtlsmith.cli.tables import formal_table
from rtlsmith.tools.toolchain import have

needs_yosys = pytest.mark.skipif(
    not have("yosys"), reason="Yosys is not installed (apt-get install -y yosys)"
)

# A testbench that drives only a=b=0 and a=b=1: it cannot tell AND from OR.
WEAK_TB = """
module tb;
  reg a, b; wire y_ref, y_dut; integer errors = 0, samples = 0;
  RefModule ref_i (.a(a), .b(b), .y(y_ref));
  TopModule dut (.a(a), .b(b), .y(y_dut));
  initial begin
    a = 0; b = 0; #1 samples = samples + 1; if (y_ref !== y_dut) errors = errors + 1;
    a = 1; b = 1; #1 samples = samples + 1; if (y_ref !== y_dut) errors = errors + 1;
    $display("Mismatches: %0d in %0d samples", errors, samples);
    $finish;
  end
endmodule
"""


def _suite(root: Path) -> Path:
    for name, op in (("and2", "&"), ("xor2", "^")):
        d = root / name
        d.mkdir(parents=True)
        (d / "task.toml").write_text(
            f'summary = "y = a {op} b"\ndescription = "Drive y with a {op} b."\n'
            'interface = "module TopModule (input a, input b, output y);"\n'
        )
        (d / "ref.sv").write_text(_design(op).replace("TopModule", "RefModule"))
        (d / "test.sv").write_text(WEAK_TB)
    return root


def _design(op: str) -> str:
    return f"module TopModule (input a, input b, output y);\n  assign y = a {op} b;\nendmodule\n"


def test_formal_settings_are_part_of_a_runs_identity_only_when_asked_for() -> None:
    plain = BenchConfig(suite_spec="bundled", model_spec="scripted")
    formal = BenchConfig(suite_spec="bundled", model_spec="scripted", formal=FormalSettings(timeout_s=5))
    assert "formal" not in identity(plain, "s", "h")
    assert identity(formal, "s", "h")["formal"] == {"timeout_s": 5, "depth": 20}


@needs_iverilog
@needs_yosys
def test_a_design_the_weak_testbench_passes_but_the_reference_refutes_is_a_testbench_gap(
    tmp_path: Path,
) -> None:
    suite = _suite(tmp_path / "suite")
    samples = tmp_path / "samples.jsonl"
    # and2 gets OR: the weak testbench passes it, formal finds a = 1, b = 0. xor2 gets XOR: proven.
    samples.write_text(
        json.dumps({"task_id": "and2", "completion": _design("|")}) + "\n"
        + json.dumps({"task_id": "xor2", "completion": _design("^")}) + "\n"
    )  # fmt: skip
    config = BenchConfig(
        suite_spec=f"native:{suite}", model_spec=f"replay:{samples}", agent_config={"write_trace": False},
        formal=FormalSettings(timeout_s=10),
    )  # fmt: skip
    with BenchStore(tmp_path / "b.sqlite") as store:
        outcome = run_bench(BenchRequest(config, jobs=2, command_line="test"), store)
        assert outcome.status == "done", outcome.errors
        rows = {r.task_id: r for r in store.results(outcome.run.run_id)}
        tasks = store.run_tasks(outcome.run.run_id)
        run = outcome.run
    assert rows["and2"].passed and rows["xor2"].passed  # both pass the hidden testbench
    gap, proven = rows["and2"].formal, rows["xor2"].formal
    assert gap is not None and proven is not None
    assert gap["label"] == "TESTBENCH GAP" and gap["testbench_gap"] and gap["trace"]
    assert proven["label"] == "PROVEN"
    m = compute(list(rows.values()), tasks)
    assert m.formal == {"TESTBENCH GAP": 1, "PROVEN": 1} and m.testbench_gaps == [("and2", 0)]
    assert "and2#0" in str(formal_table(m).caption)
    assert "Testbench gaps (task#sample): and2#0" in html_report(run, m, [])


@needs_iverilog
def test_bench_formal_on_the_command_line_prints_the_formal_counts(tmp_path: Path) -> None:
    if not have("yosys"):
        pytest.skip("Yosys is not installed (apt-get install -y yosys)")
    suite = _suite(tmp_path / "suite")
    samples = tmp_path / "samples.jsonl"
    samples.write_text(json.dumps({"task_id": "and2", "completion": _design("|")}) + "\n")
    argv = [sys.executable, "-m", "rtlsmith.cli", "bench", "--suite", f"native:{suite}", "--model",
            f"replay:{samples}", "--tasks", "and2", "--db", str(tmp_path / "b.sqlite"), "--no-traces",
            "--formal", "--json"]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, env=subprocess_env(tmp_path), timeout=300)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["formal"] == {"TESTBENCH GAP": 1}
    assert summary["testbench_gaps"] == [{"task_id": "and2", "sample": 0}]


@needs_iverilog
@needs_yosys
def test_an_assumptions_file_turns_an_out_of_spec_difference_into_a_proof(tmp_path: Path) -> None:
    suite = _suite(tmp_path / "suite")
    samples = tmp_path / "samples.jsonl"
    samples.write_text(json.dumps({"task_id": "and2", "completion": _design("|")}) + "\n")
    settings = FormalSettings(timeout_s=10, assumptions=(("and2", "a == b"),))  # AND and OR agree there
    assert identity(BenchConfig(suite_spec="s", model_spec="m", formal=settings), "s", "h")["formal"] == {
        "timeout_s": 10, "depth": 20, "assumptions": {"and2": "a == b"},
    }  # fmt: skip
    config = BenchConfig(
        suite_spec=f"native:{suite}", model_spec=f"replay:{samples}", agent_config={"write_trace": False},
        formal=settings,
    )  # fmt: skip
    request = BenchRequest(config, jobs=1, task_ids=["and2"], command_line="test")
    with BenchStore(tmp_path / "b.sqlite") as store:
        outcome = run_bench(request, store)
        (row,) = store.results(outcome.run.run_id)
    assert row.formal is not None and row.formal["label"] == "PROVEN"
    assert any("`a == b`" in a for a in row.formal["assumptions"])
