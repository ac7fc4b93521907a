"""`score --formal` and `check --formal`: the formal verdict beside the simulation verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rtlsmith.cli import main
from rtlsmith.suites import load_suite
from rtlsmith.task import Purpose

pytestmark = [pytest.mark.needs_iverilog, pytest.mark.needs_yosys]

TASK = "parity_gen"


def _reference() -> str:
    task = load_suite("bundled").get(TASK)
    ref = task.hidden.unseal(Purpose.SCORING).reference
    assert ref is not None
    return ref.replace("RefModule", "TopModule")


def _buggy() -> str:
    ref = _reference()
    bug = ref.replace("^", "|", 1)
    assert bug != ref
    return bug


def test_score_formal_adds_a_formal_record_per_sample(tmp_path: Path) -> None:
    samples = tmp_path / "s.jsonl"
    samples.write_text(
        "".join(json.dumps({"task_id": TASK, "completion": c}) + "\n" for c in (_reference(), _buggy()))
    )
    result = CliRunner().invoke(main, ["score", str(samples), "--suite", "bundled", "--formal", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["formal"] == {"PROVEN": 1, "COUNTEREXAMPLE": 1}
    rows = [json.loads(line) for line in (tmp_path / "s_results.jsonl").read_text().splitlines()]
    assert [r["formal"]["outcome"] for r in rows] == ["proven", "counterexample"]
    assert rows[1]["formal"]["trace"]["samples"], "a counterexample carries its trace"


def test_check_formal_fails_on_a_counterexample(tmp_path: Path) -> None:
    design = tmp_path / "bug.sv"
    design.write_text(_buggy())
    result = CliRunner().invoke(main, ["check", str(design), "--task", TASK, "--formal"])
    assert result.exit_code == 1
    assert "formal: COUNTEREXAMPLE" in result.output
    good = tmp_path / "good.sv"
    good.write_text(_reference())
    result = CliRunner().invoke(main, ["check", str(good), "--task", TASK, "--formal"])
    assert result.exit_code == 0, result.output
    assert "formal: PROVEN" in result.output
