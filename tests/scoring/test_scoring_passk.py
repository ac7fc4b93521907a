"""pass@k: the unbiased estimator, exact on known values, NaN where a task has fewer than k samples."""

from __future__ import annotations

import math
from itertools import combinations

import pytest

from rtlsmith.scoring.passk import estimate_pass_at_k, pass_at_k_table


def brute_force(n: int, c: int, k: int) -> float:
    """The definition: the share of k-subsets of n samples (c correct) with at least one correct."""
    samples = [True] * c + [False] * (n - c)
    subsets = list(combinations(range(n), k))
    return sum(any(samples[i] for i in s) for s in subsets) / len(subsets)


@pytest.mark.parametrize(
    ("n", "c", "k"), [(5, 0, 1), (5, 1, 1), (5, 2, 3), (6, 3, 2), (8, 1, 8), (10, 4, 5), (7, 7, 3)]
)
def test_matches_the_definition(n: int, c: int, k: int) -> None:
    assert estimate_pass_at_k(n, c, k) == pytest.approx(brute_force(n, c, k), abs=1e-12)


def test_known_values() -> None:
    assert estimate_pass_at_k(1, 1, 1) == 1.0
    assert estimate_pass_at_k(1, 0, 1) == 0.0
    assert estimate_pass_at_k(20, 5, 1) == pytest.approx(0.25)
    assert estimate_pass_at_k(20, 1, 10) == pytest.approx(0.5)  # 1 - C(19,10)/C(20,10)
    assert estimate_pass_at_k(20, 11, 10) == 1.0  # n - c < k: every 10-subset holds a correct one


def test_nan_when_n_is_below_k() -> None:
    assert math.isnan(estimate_pass_at_k(3, 3, 5))
    assert math.isnan(estimate_pass_at_k(3, 1, 0))


def test_stable_for_large_n() -> None:
    # The product form never builds huge binomials: n = 100,000 is exact to float precision.
    value = estimate_pass_at_k(100_000, 1, 1)
    assert value == pytest.approx(1e-5, rel=1e-9)
    assert estimate_pass_at_k(100_000, 50_000, 100) == pytest.approx(1.0)
    assert 0.0 <= estimate_pass_at_k(10_000, 3, 7) <= 1.0


def test_table_averages_over_tasks_and_is_nan_if_any_task_is_short() -> None:
    table = pass_at_k_table({"a": (5, 5), "b": (5, 0)}, (1, 5, 10))
    assert table[1] == pytest.approx(0.5) and table[5] == pytest.approx(0.5)
    assert math.isnan(table[10])
    assert math.isnan(pass_at_k_table({}, (1,))[1])
