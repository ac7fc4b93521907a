"""`rtlsmith route eval` on runs stored in a bench database."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from click.testing import CliRunner

from rtlsmith.bench.store import BenchStore, ResultRow, RunRecord
from rtlsmith.cli import main


def _run(run_id: str, agent: str) -> RunRecord:
    return RunRecord(
        run_id=run_id, created="2026-01-01T00:00:00+00:00", command_line="rtlsmith bench", config_hash="x",
        identity={}, suite_name="s", suite_spec="native:nowhere", suite_hash="h", model_id=f"m-{agent}",
        model_spec="m", model_settings={}, agent_name=agent, agent_config={}, mode="honest", judge={},
        tool_versions={}, rtlsmith_version="0", seed_base=0,
    )  # fmt: skip


def _row(run_id: str, task: str, passed: bool, tokens: int) -> ResultRow:
    return ResultRow(
        run_id=run_id, task_id=task, sample_idx=0, task_hash="h", prompt_hash="p", seed=0, model_id="m",
        mode="honest", final_code="", code_hash="c", passed=passed, failure_class="." if passed else "R",
        mismatches=None, verdict={}, judge_cached=False, judge_time_s=0.1, passed_public=None,
        stop_reason="max_iterations", checks_kind="none", iterations=1, prompt_tokens=tokens,
        completion_tokens=0, cost_usd=None, wall_s=1.0, model_time_s=0.5, tool_time_s=0.1, trace_path=None,
    )  # fmt: skip


def test_route_eval_reads_two_databases_and_reports_the_oracle(tmp_path: Path) -> None:
    weak_db, strong_db = tmp_path / "weak.sqlite", tmp_path / "strong.sqlite"
    tasks = [f"t{i}" for i in range(8)]
    for db, run_id, agent, passes, tokens in (
        (weak_db, "weak-run", "oneshot", {"t0", "t1"}, 100),
        (strong_db, "strong-run", "smith", {"t0", "t1", "t2", "t3"}, 1000),
    ):
        with BenchStore(db) as store:
            store.create_run(_run(run_id, agent), [(t, "h", ()) for t in tasks])
            for t in tasks:
                store.insert_result(dataclasses.replace(_row(run_id, t, t in passes, tokens)))
    result = CliRunner().invoke(
        main,
        ["route", "eval", "--db", str(weak_db), "--db", str(strong_db), "--weak", "weak", "--strong",
         "strong-run", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert (out["weak_rate"], out["strong_rate"]) == (0.25, 0.5)
    routers = {r["name"]: r for r in out["routers"]}
    assert routers["oracle"]["apgr_calls"] == 0.875
    assert "no task features (suite data not found): trained routers skipped" in out["notes"]
    saved = CliRunner().invoke(
        main,
        ["route", "eval", "--db", str(weak_db), "--db", str(strong_db), "--weak", "weak", "--strong",
         "strong-run", "--save-model", str(tmp_path / "r.pkl")],
    )  # fmt: skip
    assert saved.exit_code != 0 and "--save-model needs the runs' suite" in saved.output
