"""The unbiased pass@k estimator (Chen et al. 2021), NaN when a task has fewer than k samples."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping


def estimate_pass_at_k(n: int, c: int, k: int) -> float:
    """Probability that at least one of k samples drawn from n (c correct) passes; NaN if n < k."""
    if n < k or k <= 0:
        return math.nan
    if n - c < k:
        return 1.0
    prod = 1.0
    for i in range(n - c + 1, n + 1):
        prod *= 1.0 - k / i
    return 1.0 - prod


def pass_at_k_table(counts: Mapping[str, tuple[int, int]], ks: Iterable[int]) -> dict[int, float]:
    """Mean pass@k over tasks from {task_id: (n, c)}; NaN for k when any task has n < k."""
    out: dict[int, float] = {}
    for k in ks:
        values = [estimate_pass_at_k(n, c, k) for n, c in counts.values()]
        out[k] = math.nan if not values or any(math.isnan(v) for v in values) else sum(values) / len(values)
    return out
