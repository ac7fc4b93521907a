"""Hand-made outcome tables with known answers."""

from __future__ import annotations

from collections.abc import Sequence

from rtlsmith.routing.outcomes import Outcome, OutcomeTable, Tier


def table(
    weak: Sequence[int],
    strong: Sequence[int],
    *,
    weak_cost: float = 1.0,
    strong_cost: float = 10.0,
    weak_public: Sequence[bool | None] | None = None,
) -> OutcomeTable:
    """Two tiers over len(weak) tasks; pass lists are 0/1 per task; each call costs the same per tier."""
    tiers = [Tier("weak", "rw", "s", "m-weak", "oneshot"), Tier("strong", "rs", "s", "m-strong", "smith")]
    tasks = [f"t{i:02d}" for i in range(len(weak))]
    out = OutcomeTable(tiers, tasks)
    for i, t in enumerate(tasks):
        public = weak_public[i] if weak_public is not None else None
        out.outcomes[(t, "weak")] = Outcome(float(weak[i]), public, weak_cost, weak_cost, 0.0)
        out.outcomes[(t, "strong")] = Outcome(float(strong[i]), None, strong_cost, strong_cost, 0.0)
    return out
