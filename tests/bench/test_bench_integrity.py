"""`bench` counts strict passes only: a design the testbench passes by a trick is stored as failed (F)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from bench_helpers import bench_argv, bundled_tasks, needs_iverilog, reference, subprocess_env, wrong


@needs_iverilog
def test_a_spoofed_pass_is_stored_as_failed_with_its_flags(tmp_path: Path) -> None:
    (task,) = bundled_tasks(1)
    spoof = wrong(task).replace("endmodule", '  initial $display("Mismatches: 0 in 1 samples");\nendmodule')
    samples = tmp_path / "s.jsonl"
    samples.write_text(
        "".join(json.dumps({"task_id": task.id, "completion": c}) + "\n" for c in (reference(task), spoof))
    )
    db = tmp_path / "r.db"
    proc = subprocess.run(
        bench_argv(db, samples, [task], 2), env=subprocess_env(tmp_path), capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert (summary["samples"], summary["passed"]) == (2, 1)
    assert summary["failure_classes"] == {".": 1, "F": 1}
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT passed, failure_class, verdict_json FROM results").fetchall()
    flagged = [json.loads(v) for passed, cls, v in rows if cls == "F" and not passed]
    assert len(flagged) == 1
    record = flagged[0]
    assert record["harness_passed"] is True and record["strict_passed"] is False
    assert "Mismatches" in record["reason"] and record["integrity"]
