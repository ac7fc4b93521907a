"""Seeded task subsets: the same N tasks everywhere, part of the run's identity."""

from __future__ import annotations

import hashlib

import pytest

from rtlsmith.bench.config import BenchConfig, identity
from rtlsmith.bench.runner import sample_tasks, select_tasks
from rtlsmith.errors import UsageError
from rtlsmith.suites import load_suite


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
