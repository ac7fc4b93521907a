"""`bench --ppa` results summed up: each passing design's synthesis figures against its task's reference,
per task and over the run, and the designs far worse than the reference."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rtlsmith.bench.store import ResultRow

FIGURES = ("area", "depth", "flip_flops", "cells")
# A design at least this many times the reference's area or logic depth is listed as far worse.
FAR_WORSE = 2.0


@dataclass(frozen=True)
class SampleCost:
    """One passing design's figures, its reference's, and their ratios (None where undefined)."""

    task_id: str
    sample_idx: int
    design: Mapping[str, int | None]
    reference: Mapping[str, int | None]
    ratios: Mapping[str, float | None]

    @property
    def worst(self) -> float:
        """The larger of the area and depth ratios (0 where neither is defined)."""
        known = [r for r in (self.ratios.get("area"), self.ratios.get("depth")) if r is not None]
        return max(known, default=0.0)


@dataclass(frozen=True)
class TaskCost:
    """A task's reference figures and the median ratio of its passing designs, per figure."""

    task_id: str
    samples: int
    reference: Mapping[str, int | None]
    median: Mapping[str, float | None]


@dataclass(frozen=True)
class HardwareSummary:
    samples: list[SampleCost]  # passing designs with figures for both sides
    errors: list[tuple[str, int, str]]  # (task, sample, why): design or reference not synthesised
    tasks: list[TaskCost]
    median: dict[str, float | None]  # over every measured sample
    far_worse: list[SampleCost] = field(default_factory=list)  # worst first

    def json(self) -> dict[str, Any]:
        def sample(s: SampleCost) -> dict[str, Any]:
            return {"task_id": s.task_id, "sample": s.sample_idx, "ratios": dict(s.ratios)}

        return {
            "measured": len(self.samples),
            "median_ratios": self.median,
            "far_worse": [sample(s) for s in self.far_worse],
            "errors": [{"task_id": t, "sample": i, "error": e} for t, i, e in self.errors],
            "tasks": [
                {"task_id": t.task_id, "samples": t.samples, "reference": dict(t.reference),
                 "median_ratios": dict(t.median)}
                for t in self.tasks
            ],
        }  # fmt: skip


def _median(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def _figures(record: Mapping[str, Any]) -> dict[str, int | None]:
    return {name: record.get(name) for name in FIGURES}


def hardware_summary(results: Sequence[ResultRow], far_worse: float = FAR_WORSE) -> HardwareSummary | None:
    """The run's hardware costs; None when no sample has one (the run was not made with --ppa)."""
    measured: list[SampleCost] = []
    errors: list[tuple[str, int, str]] = []
    for r in results:
        if not r.ppa:
            continue
        if r.ppa.get("error"):
            errors.append((r.task_id, r.sample_idx, str(r.ppa["error"])))
            continue
        ratios = {name: r.ppa.get("ratios", {}).get(name) for name in FIGURES}
        design, reference = _figures(r.ppa.get("design", {})), _figures(r.ppa.get("reference", {}))
        measured.append(SampleCost(r.task_id, r.sample_idx, design, reference, ratios))
    if not measured and not errors:
        return None
    by_task: dict[str, list[SampleCost]] = {}
    for s in measured:
        by_task.setdefault(s.task_id, []).append(s)
    tasks = [
        TaskCost(tid, len(rows), rows[0].reference, {n: _median(s.ratios[n] for s in rows) for n in FIGURES})
        for tid, rows in sorted(by_task.items())
    ]
    worse = sorted((s for s in measured if s.worst >= far_worse), key=lambda s: (-s.worst, s.task_id))
    return HardwareSummary(
        samples=measured,
        errors=errors,
        tasks=tasks,
        median={n: _median(s.ratios[n] for s in measured) for n in FIGURES},
        far_worse=worse,
    )
