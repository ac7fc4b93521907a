"""A symbolic bench: labelled with no model, and a declined task recorded as no design, not judged empty."""

from __future__ import annotations

from pathlib import Path

from bench_helpers import needs_iverilog

from rtlsmith.bench import BenchConfig, BenchRequest, BenchStore, run_bench
from rtlsmith.bench.config import default_run_id


def _request(**kw: object) -> BenchRequest:
    config = BenchConfig(
        suite_spec="bundled", model_spec="embedded", agent="symbolic", agent_config={"write_trace": False}
    )
    return BenchRequest(config, samples=1, jobs=1, task_ids=("add8_carry",), command_line="b", **kw)  # type: ignore[arg-type]


@needs_iverilog
def test_a_symbolic_run_names_no_model_and_a_decline_is_no_design(tmp_path: Path) -> None:
    with BenchStore(tmp_path / "b.sqlite") as store:
        run = run_bench(_request(), store).run
        [row] = store.results(run.run_id)
    assert "-symbolic-none-" in run.run_id and "embedded" not in run.run_id
    assert run.model_spec == "none" and run.model_id == "none"
    assert row.stop_reason == "declined" and row.final_code == ""
    assert (row.passed, row.failure_class) == (False, "-")
    assert row.verdict["commands"] == [] and row.judge_time_s == 0.0  # nothing was run on an empty design


@needs_iverilog
def test_a_symbolic_run_stored_under_its_old_id_still_resumes(tmp_path: Path) -> None:
    with BenchStore(tmp_path / "b.sqlite") as store:
        first = run_bench(_request(), store).run
        legacy = default_run_id(first.identity, legacy=True)
        assert legacy != first.run_id and "-symbolic-embedded.embedded-" in legacy
        old = run_bench(_request(run_id=legacy), store).run  # as an older rtlsmith would have named it
        store._db.execute("DELETE FROM results WHERE run_id = ?", (first.run_id,))
        store._db.execute("DELETE FROM run_tasks WHERE run_id = ?", (first.run_id,))
        store._db.execute("DELETE FROM sessions WHERE run_id = ?", (first.run_id,))
        store._db.execute("DELETE FROM runs WHERE run_id = ?", (first.run_id,))
        store._db.commit()
        again = run_bench(_request(), store)
    assert again.run.run_id == old.run_id and again.progress.total == 0
