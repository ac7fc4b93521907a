"""What `formal_v2.py` and `formal_bundled.py` both print for a batch of equivalence checks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rtlsmith.formal.result import EquivalenceResult, Outcome


def print_counts(title: str, results: Sequence[EquivalenceResult], wall: float) -> None:
    """The batch's outcome counts and per-check times."""
    counts = Counter(r.outcome for r in results)
    times = sorted(r.wall_s for r in results)
    print(f"\n{title}: {len(results)} checks in {wall:.1f} s wall")
    for outcome in Outcome:
        print(f"  {outcome.name:<15} {counts.get(outcome, 0):4d}")
    if times:
        median = times[len(times) // 2]
        print(f"  per check: median {median * 1000:.0f} ms, max {times[-1]:.1f} s, total {sum(times):.1f} s")
