"""Seeded task subsets: the same N tasks everywhere, part of the run's identity."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from bench_helpers import bundled_tasks, needs_iverilog, write_samples

from rtlsmith.bench import BenchRequest, BenchStore, run_bench
from rtlsmith.bench.config import BenchConfig, identity, identity_hash
from rtlsmith.bench.runner import sample_tasks, select_tasks
from rtlsmith.errors import UsageError
from rtlsmith.suites import load_suite
from rtlsmith.task import Task


def test_a_seeded_subset_is_stable_and_depends_only_on_ids_and_seed() -> None:
    suite = load_suite("bundled")
    chosen = [t.id for t in sample_tasks(suite.tasks, 10, seed=1)]
    assert len(chosen) == 10 and len(set(chosen)) == 10
    # Suite order is kept, and shuffling the input changes nothing.
    order = [t.id for t in suite.tasks]
    assert chosen == sorted(chosen, key=order.index)
    assert [t.id for t in sample_tasks(list(reversed(suite.tasks)), 10, seed=1)] == list(reversed(chosen))
    # The rule, spelled out independently: the 10 smallest sha256("1:<id>").
    expected = sorted(order, key=lambda i: hashlib.sha256(f"1:{i}".encode()).hexdigest())[:10]
    assert set(chosen) == set(expected)
    assert chosen != [t.id for t in sample_tasks(suite.tasks, 10, seed=2)]
    assert select_tasks(suite, (), None, (10, 1)) == sample_tasks(suite.tasks, 10, 1)
    assert len(select_tasks(suite, (), 3, (10, 1))) == 3


def test_a_subset_larger_than_the_suite_is_the_suite_and_zero_is_refused() -> None:
    suite = load_suite("bundled")
    assert len(sample_tasks(suite.tasks, 10_000, seed=0)) == len(suite.tasks)
    with pytest.raises(UsageError, match="--sample-tasks must be at least 1"):
        sample_tasks(suite.tasks, 0, seed=0)


def test_the_subset_is_part_of_the_run_identity() -> None:
    whole = identity(BenchConfig(suite_spec="bundled", model_spec="scripted"), "bundled", "h")
    sub = identity(
        BenchConfig(suite_spec="bundled", model_spec="scripted", task_sample=(40, 1)), "bundled", "h"
    )
    assert "tasks" not in whole and sub["tasks"] == {"sample": 40, "seed": 1}


def _request(tmp_path: Path, tasks: list[Task], **kw: Any) -> BenchRequest:
    samples = write_samples(tmp_path / "s.jsonl", tasks, ("ref",))
    config = BenchConfig(
        suite_spec="bundled", model_spec=f"replay:{samples}", agent_config={"write_trace": False}
    )
    return BenchRequest(config, samples=1, jobs=1, command_line="rtlsmith bench", **kw)


@needs_iverilog
def test_another_task_selection_is_another_run_and_old_runs_still_resume(tmp_path: Path) -> None:
    tasks = bundled_tasks(3)
    db = tmp_path / "b.sqlite"
    with BenchStore(db) as store:
        two = run_bench(_request(tmp_path, tasks, limit=2), store).run
        three = run_bench(_request(tmp_path, tasks, limit=3), store).run
        assert two.run_id != three.run_id  # not a silent extension of the first run
        assert two.identity["tasks"] == {"limit": 2} and len(store.run_tasks(two.run_id)) == 2
        with pytest.raises(UsageError, match=r"tasks.limit: stored 2, now 3"):
            run_bench(_request(tmp_path, tasks, limit=3, run_id=two.run_id), store)
        picked = run_bench(_request(tmp_path, tasks, task_ids=(tasks[2].id, tasks[0].id)), store).run
        assert picked.identity["tasks"] == {"ids": sorted([tasks[0].id, tasks[2].id])}
        # A run stored before the selection was part of the identity resumes with its own tasks.
        legacy = {k: v for k, v in picked.identity.items() if k != "tasks"}
        store._db.execute(
            "UPDATE runs SET identity_json = ?, config_hash = ? WHERE run_id = ?",
            (json.dumps(legacy), identity_hash(legacy), picked.run_id),
        )
        store._db.commit()
        again = run_bench(
            _request(tmp_path, tasks, task_ids=(tasks[0].id, tasks[2].id), run_id=picked.run_id), store
        )
        assert again.run.run_id == picked.run_id and again.progress.total == 0
