"""`rtlsmith bench`: a failure on a task whose own reference fails its testbench is stored as a task error."""

from __future__ import annotations

import json
from pathlib import Path

from bench_helpers import needs_iverilog

from rtlsmith.bench.config import BenchConfig, identity
from rtlsmith.bench.store import ResultRow
from rtlsmith.bench.worker import WorkerContext, WorkItem
from rtlsmith.scoring.reference_check import REFERENCE_FAILS

DESIGN = "module inv (input a, output y);\n  assign y = ~a;\nendmodule\n"
TESTBENCH = """`define DATA "vectors.dat"
module inv_tb;
  reg a; wire y; reg [1:0] v [0:1];
  inv uut (.a(a), .y(y));
  initial begin
    $readmemb(`DATA, v);
    a = v[0][1]; #1;
    if (y === v[0][0]) $display("=========== Your Design Passed ===========");
    else $display("=========== Failed ===========");
    $finish;
  end
endmodule
"""


def make_suite(root: Path) -> Path:
    d = root / "rtllm" / "inv"
    d.mkdir(parents=True)
    (d / "design_description.txt").write_text("Module name: inv\nInput ports: a\nOutput ports: y = ~a\n")
    (d / "testbench.v").write_text(TESTBENCH)  # vectors.dat is missing: no design can pass
    (d / "verified_inv.v").write_text(DESIGN.replace("module inv", "module verified_inv"))
    return root / "rtllm"


def outcome(tmp_path: Path, check: bool) -> ResultRow:
    samples = tmp_path / "samples.jsonl"
    samples.write_text(json.dumps({"task_id": "inv", "completion": DESIGN}) + "\n")
    config = BenchConfig(
        suite_spec=f"rtllm:{make_suite(tmp_path / str(check))}", model_spec=f"replay:{samples}",
        agent="oneshot", traces_dir=str(tmp_path / "traces"), check_references=check,
    )  # fmt: skip
    row = WorkerContext(config).run(WorkItem("run", "inv", 0, 0))
    assert isinstance(row, ResultRow), row
    return row


@needs_iverilog
def test_bench_stores_a_task_error_where_the_reference_fails_too(tmp_path: Path) -> None:
    row = outcome(tmp_path, check=True)
    assert (row.passed, row.failure_class) == (False, "I")
    assert str(row.verdict["reason"]).startswith(REFERENCE_FAILS)
    unchecked = outcome(tmp_path, check=False)
    assert (unchecked.passed, unchecked.failure_class) == (False, "R")


def test_turning_the_check_off_is_part_of_a_runs_identity_and_on_is_not() -> None:
    on = BenchConfig(suite_spec="bundled", model_spec="embedded")
    off = BenchConfig(suite_spec="bundled", model_spec="embedded", check_references=False)
    assert "reference_check" not in identity(on, "bundled", "h")
    assert identity(off, "bundled", "h")["reference_check"] is False
