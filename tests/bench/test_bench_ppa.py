"""`bench --ppa`: each passing design's synthesis figures and their ratios to the reference are stored per
sample, and the report shows them (terminal table, HTML scatter, designs far worse than the reference)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from bench_helpers import needs_iverilog, reference, result_row, subprocess_env, wrong

from rtlsmith.bench import BenchConfig, BenchRequest, BenchStore, PpaSettings, compute, run_bench
from rtlsmith.bench.config import identity
from rtlsmith.bench.hardware import hardware_summary
from rtlsmith.bench.report import html_report
from rtlsmith.bench.store import _SCHEMA, SCHEMA_VERSION
from rtlsmith.cli.tables import hardware_table
from rtlsmith.suites import load_suite
from rtlsmith.tools.toolchain import have

needs_yosys = pytest.mark.skipif(
    not have("yosys"), reason="Yosys is not installed (apt-get install -y yosys)"
)

# mux4_w8's function with every data input sent through a multiply and a divide by 3: it passes the
# hidden testbench at several times the reference's area and depth.
BLOATED_MUX4_W8 = """
module TopModule (input [1:0] sel, input en, input [7:0] a, input [7:0] b, input [7:0] c, input [7:0] d,
                  output [7:0] y);
  wire [15:0] a2 = ({8'd0, a} * 16'd3) / 16'd3;
  wire [15:0] b2 = ({8'd0, b} * 16'd3) / 16'd3;
  wire [15:0] c2 = ({8'd0, c} * 16'd3) / 16'd3;
  wire [15:0] d2 = ({8'd0, d} * 16'd3) / 16'd3;
  assign y = !en ? 8'h00 : sel == 2'd0 ? a2[7:0] : sel == 2'd1 ? b2[7:0] : sel == 2'd2 ? c2[7:0] : d2[7:0];
endmodule
"""


def _samples(path: Path) -> Path:
    counter = load_suite("bundled").get("counter_updown_load")
    lines = [
        ("mux4_w8", BLOATED_MUX4_W8),
        ("counter_updown_load", reference(counter)),
        ("counter_updown_load", wrong(counter)),
    ]
    path.write_text("".join(json.dumps({"task_id": t, "completion": c}) + "\n" for t, c in lines))
    return path


def test_ppa_settings_are_part_of_a_runs_identity_only_when_asked_for() -> None:
    plain = BenchConfig(suite_spec="bundled", model_spec="scripted")
    ppa = BenchConfig(suite_spec="bundled", model_spec="scripted", ppa=PpaSettings(timeout_s=5))
    assert "ppa" not in identity(plain, "s", "h")
    assert identity(ppa, "s", "h")["ppa"] == {"timeout_s": 5}


def test_a_database_written_before_ppa_opens_and_gains_the_column(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db) as con:
        con.executescript("\n".join(line for line in _SCHEMA.splitlines() if "ppa_json" not in line))
        con.execute("PRAGMA user_version=2")
    with BenchStore(db) as store:
        columns = {str(r[1]) for r in store._db.execute("PRAGMA table_info(results)").fetchall()}
        assert "ppa_json" in columns
        assert int(store._db.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION


def test_summary_lists_designs_far_worse_than_the_reference_and_unsynthesised_ones() -> None:
    def costed(area: int, depth: int) -> dict[str, Any]:
        ref = {"area": 100, "depth": 4, "flip_flops": 8, "cells": 20}
        design = {"area": area, "depth": depth, "flip_flops": 8, "cells": 20}
        ratios = {"area": area / 100, "depth": depth / 4, "flip_flops": 1.0, "cells": 1.0}
        return {"design": design, "reference": ref, "ratios": ratios}

    rows = [
        replace(result_row("a", 0, True), ppa=costed(100, 4)),
        replace(result_row("a", 1, True), ppa=costed(300, 4)),
        replace(result_row("b", 0, True), ppa=costed(90, 16)),
        replace(result_row("b", 1, True), ppa={"error": "the reference could not be synthesised: ..."}),
        result_row("b", 2, False),
    ]
    h = hardware_summary(rows)
    assert h is not None and len(h.samples) == 3 and len(h.errors) == 1
    assert [(s.task_id, s.sample_idx) for s in h.far_worse] == [("b", 0), ("a", 1)]  # depth 4x, area 3x
    assert h.tasks[0].median["area"] == 2.0 and h.median["area"] == 1.0
    assert hardware_summary([result_row("a", 0, True)]) is None  # a run made without --ppa


@needs_iverilog
@needs_yosys
def test_bench_ppa_stores_costs_of_passing_designs_and_reports_them(tmp_path: Path) -> None:
    samples = _samples(tmp_path / "samples.jsonl")
    config = BenchConfig(
        suite_spec="bundled", model_spec=f"replay:{samples}", agent_config={"write_trace": False},
        ppa=PpaSettings(), judge_cache=False,
    )  # fmt: skip
    request = BenchRequest(
        config, samples=2, jobs=2, command_line="test", task_ids=("mux4_w8", "counter_updown_load")
    )
    with BenchStore(tmp_path / "b.sqlite") as store:
        outcome = run_bench(request, store)
        assert outcome.status == "done", outcome.errors
        rows = {(r.task_id, r.sample_idx): r for r in store.results(outcome.run.run_id, designs=False)}
        tasks = store.run_tasks(outcome.run.run_id)
        run = outcome.run
    good, bad = rows[("counter_updown_load", 0)], rows[("counter_updown_load", 1)]
    assert good.passed and not bad.passed
    assert bad.ppa is None  # a failing design is not measured
    assert good.ppa is not None and good.ppa["ratios"]["area"] == 1.0
    assert good.ppa["design"]["flip_flops"] == good.ppa["reference"]["flip_flops"] == 8
    bloated = rows[("mux4_w8", 0)]
    assert bloated.passed and bloated.ppa is not None
    assert bloated.ppa["design"]["flip_flops"] == 0 and bloated.ppa["ratios"]["area"] > 2.0
    m = compute(list(rows.values()), tasks)
    assert m.hardware is not None and len(m.hardware.samples) == 3  # the replay repeats mux4_w8's answer
    assert {s.task_id for s in m.hardware.far_worse} == {"mux4_w8"}
    table = hardware_table(m.hardware)
    assert "(3 samples;" in str(table.title) and "mux4_w8#0" in str(table.caption)
    page = html_report(run, m, [])
    assert "<h2>Hardware cost</h2>" in page and "area ratio vs logic depth ratio" in page
    assert "Far worse than the reference" in page and "mux4_w8#0: area" in page


@needs_iverilog
@needs_yosys
def test_bench_ppa_on_the_command_line_prints_and_reports_the_costs(tmp_path: Path) -> None:
    samples = _samples(tmp_path / "samples.jsonl")
    db = tmp_path / "b.sqlite"
    cli = [sys.executable, "-m", "rtlsmith.cli"]
    argv = [*cli, "bench", "--suite", "bundled", "--model", f"replay:{samples}", "--tasks",
            "mux4_w8,counter_updown_load", "--db", str(db), "--no-traces", "--ppa"]  # fmt: skip
    env = subprocess_env(tmp_path)
    done = subprocess.run([*argv, "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    hardware = json.loads(done.stdout)["hardware"]
    assert hardware["measured"] == 2 and hardware["far_worse"][0]["task_id"] == "mux4_w8"
    run_id = json.loads(done.stdout)["run_id"]
    shown = subprocess.run(
        [*cli, "report", run_id, "--db", str(db), "--out", str(tmp_path / "r.html")],
        capture_output=True, text=True, env={**env, "COLUMNS": "160"}, timeout=120,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert "hardware cost of passing designs" in shown.stdout and "counter_updown_load" in shown.stdout
    assert "<h2>Hardware cost</h2>" in (tmp_path / "r.html").read_text()
