"""Executors: the local pool and Ray run the same work items to the same results."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from bench_helpers import bundled_tasks, needs_iverilog, stored, write_samples

from rtlsmith.bench import BenchConfig, BenchRequest, BenchStore, run_bench
from rtlsmith.bench.executors import make_executor
from rtlsmith.errors import UsageError

PATTERN = ("ref", "wrong", "syntax")


def _bench(tmp_path: Path, db: Path, executor: str, jobs: int = 2) -> str:
    tasks = bundled_tasks(3)
    samples = write_samples(tmp_path / "samples.jsonl", tasks, PATTERN)
    config = BenchConfig(
        suite_spec="bundled", model_spec=f"replay:{samples}", agent_config={"write_trace": False}
    )
    request = BenchRequest(
        config, samples=3, jobs=jobs, executor=executor, task_ids=[t.id for t in tasks], command_line="test"
    )
    with BenchStore(db) as store:
        outcome = run_bench(request, store)
    assert outcome.status == "done", outcome.errors
    assert outcome.progress.done == 9
    return outcome.run.run_id


@needs_iverilog
@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray is not installed: pip install 'rtlsmith[ray]'"
)
def test_ray_executor_gives_the_same_results_as_the_local_pool(tmp_path: Path) -> None:
    local_id = _bench(tmp_path, tmp_path / "local.sqlite", "local")
    ray_id = _bench(tmp_path, tmp_path / "ray.sqlite", "ray")
    assert ray_id == local_id  # the executor is not part of a run's identity
    assert stored(tmp_path / "ray.sqlite") == stored(tmp_path / "local.sqlite")


def test_ray_missing_gives_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` fail as if it were not installed
    config = BenchConfig(suite_spec="bundled", model_spec="scripted")
    with pytest.raises(UsageError, match=r"pip install 'rtlsmith\[ray\]'"):
        make_executor("ray", config, 2)


@needs_iverilog
def test_one_worker_and_many_workers_agree(tmp_path: Path) -> None:
    _bench(tmp_path, tmp_path / "one.sqlite", "local", jobs=1)
    _bench(tmp_path, tmp_path / "four.sqlite", "local", jobs=4)
    assert stored(tmp_path / "one.sqlite") == stored(tmp_path / "four.sqlite")


@needs_iverilog
def test_an_item_whose_model_fails_is_not_stored_and_is_retried_on_resume(tmp_path: Path) -> None:
    tasks = bundled_tasks(2)
    samples = write_samples(tmp_path / "samples.jsonl", tasks[:1])  # no completion at all for the second task
    db = tmp_path / "b.sqlite"
    config = BenchConfig(
        suite_spec="bundled", model_spec=f"replay:{samples}", agent_config={"write_trace": False}
    )
    request = BenchRequest(config, samples=2, jobs=2, task_ids=[t.id for t in tasks], command_line="test")
    with BenchStore(db) as store:
        outcome = run_bench(request, store)
        assert outcome.status == "failed"
        assert {e.item.task_id for e in outcome.errors} == {tasks[1].id}
        assert "no completion for task" in outcome.errors[0].message
        assert store.done_keys(outcome.run.run_id) == {(tasks[0].id, 0), (tasks[0].id, 1)}
        again = run_bench(request, store)
        assert again.progress.total == 2  # only the two failed items are tried again


def test_oneshot_with_oracle_feedback_is_refused_up_front(tmp_path: Path) -> None:
    config = BenchConfig(suite_spec="bundled", model_spec="scripted", oracle_feedback=True)
    with BenchStore(tmp_path / "b.sqlite") as store, pytest.raises(UsageError, match="--agent smith"):
        run_bench(BenchRequest(config), store)
