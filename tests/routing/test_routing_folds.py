"""Trained routers never see the tasks they are evaluated on."""

from __future__ import annotations

import pytest

from rtlsmith.errors import UsageError
from rtlsmith.routing.trained import out_of_fold_scores, task_folds


def test_folds_are_disjoint_by_task_and_cover_every_task_once() -> None:
    tasks = [f"t{i}" for i in range(23)]
    folds = task_folds(tasks + tasks[:5], 5, seed=4)  # repeated ids (several samples) are one task
    tested = [t for _, test in folds for t in test]
    assert sorted(tested) == sorted(tasks)
    for train, test in folds:
        assert not set(train) & set(test)
        assert set(train) | set(test) == set(tasks)


def test_fold_assignment_depends_on_the_seed() -> None:
    tasks = [f"t{i}" for i in range(20)]
    assert task_folds(tasks, 4, seed=0) != task_folds(tasks, 4, seed=1)


def test_too_many_folds_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        task_folds(["a", "b"], 3)


def test_out_of_fold_scores_come_from_models_that_never_saw_the_task() -> None:
    pytest.importorskip("sklearn")
    tasks = [f"t{i}" for i in range(30)]
    # The label is a feature copied verbatim, except on t0, whose label contradicts its feature. A model
    # trained with t0 could memorise it; out of fold, t0 is scored like any task with its feature.
    features = {t: [float(i % 2)] for i, t in enumerate(tasks)}
    labels = {t: i % 2 for i, t in enumerate(tasks)}
    labels["t0"] = 1
    scores = out_of_fold_scores("boosting", features, labels, task_folds(tasks, 5, seed=0))
    assert set(scores) == set(tasks)
    assert scores["t0"] < 0.5
    assert scores["t1"] > 0.5
