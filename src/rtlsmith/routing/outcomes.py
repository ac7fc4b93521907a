"""Per-task outcomes of stored runs, one run per tier, read from bench databases."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rtlsmith.bench.store import BenchStore, ResultRow, RunRecord
from rtlsmith.errors import UsageError

CostKind = Literal["tokens", "seconds", "usd"]
COST_KINDS: tuple[CostKind, ...] = ("tokens", "seconds", "usd")


@dataclass(frozen=True)
class Outcome:
    """One tier's recorded outcome on one task, averaged over the stored samples."""

    passed: float  # share of samples that passed the hidden checks
    passed_public: bool | None  # the agent's own public checks (sample 0); None when none ran
    tokens: float
    seconds: float
    usd: float

    def cost(self, kind: CostKind) -> float:
        return {"tokens": self.tokens, "seconds": self.seconds, "usd": self.usd}[kind]


@dataclass(frozen=True)
class Tier:
    """A stored run used as one routing choice."""

    name: str  # short label: agent/model
    run_id: str
    suite_spec: str
    model_id: str
    agent: str


@dataclass
class OutcomeTable:
    """Outcomes of several tiers on the tasks they all ran, tiers ordered cheapest first."""

    tiers: list[Tier]
    tasks: list[str]
    outcomes: dict[tuple[str, str], Outcome] = field(default_factory=dict)  # (task, tier name) -> outcome

    def get(self, task: str, tier: str) -> Outcome:
        return self.outcomes[(task, tier)]

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tiers]

    def pass_rate(self, tier: str, tasks: Sequence[str] | None = None) -> float:
        chosen = self.tasks if tasks is None else tasks
        return sum(self.get(t, tier).passed for t in chosen) / len(chosen) if chosen else math.nan

    def total_cost(self, tier: str, kind: CostKind, tasks: Sequence[str] | None = None) -> float:
        chosen = self.tasks if tasks is None else tasks
        return sum(self.get(t, tier).cost(kind) for t in chosen)

    def subset(self, tasks: Sequence[str]) -> OutcomeTable:
        keep = set(tasks)
        return OutcomeTable(
            self.tiers,
            [t for t in self.tasks if t in keep],
            {k: v for k, v in self.outcomes.items() if k[0] in keep},
        )


def outcome_of(rows: Sequence[ResultRow], prices: Mapping[str, float]) -> Outcome:
    """Average a task's samples; `prices` is USD per million tokens by model id (overrides stored cost)."""
    n = len(rows)
    first = min(rows, key=lambda r: r.sample_idx)

    def usd(r: ResultRow) -> float:
        if r.model_id in prices:
            return r.tokens * prices[r.model_id] / 1e6
        return r.cost_usd or 0.0

    return Outcome(
        passed=sum(1.0 for r in rows if r.passed) / n,
        passed_public=first.passed_public,
        tokens=sum(r.tokens for r in rows) / n,
        seconds=sum(r.wall_s for r in rows) / n,
        usd=sum(usd(r) for r in rows) / n,
    )


def tier_name(run: RunRecord) -> str:
    model = run.model_id.split(":", 1)[-1]
    return run.agent_name if run.agent_name == "symbolic" else f"{run.agent_name}/{model}"


def find_run(stores: Sequence[BenchStore], run_ref: str) -> tuple[BenchStore, RunRecord]:
    """The run `run_ref` names (an id or a unique prefix of one) in the first database that has it."""
    matches: list[tuple[BenchStore, RunRecord]] = []
    for store in stores:
        run = store.get_run(run_ref)
        if run is not None:
            return store, run
        matches += [(store, r) for r in store.runs() if r.run_id.startswith(run_ref)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UsageError(
            f"no run {run_ref!r} in the databases given; list them with `rtlsmith runs --db FILE`"
        )
    raise UsageError(f"{run_ref!r} names several runs: {', '.join(r.run_id for _, r in matches)}")


def load_table(
    db_paths: Sequence[Path], run_refs: Sequence[str], prices: Mapping[str, float] | None = None
) -> OutcomeTable:
    """The outcome table of `run_refs` (cheapest tier first) on the tasks all of them have results for."""
    stores = [BenchStore(p, create=False) for p in db_paths]
    try:
        tiers: list[Tier] = []
        per_tier: list[dict[str, Outcome]] = []
        for ref in run_refs:
            store, run = find_run(stores, ref)
            by_task: dict[str, list[ResultRow]] = defaultdict(list)
            for row in store.iter_results(run.run_id, designs=False):
                by_task[row.task_id].append(row)
            name = tier_name(run)
            if name in {t.name for t in tiers}:
                name = f"{name}#{len(tiers)}"
            tiers.append(Tier(name, run.run_id, run.suite_spec, run.model_id, run.agent_name))
            per_tier.append({task: outcome_of(rows, prices or {}) for task, rows in by_task.items()})
    finally:
        for s in stores:
            s.close()
    if len({t.suite_spec for t in tiers}) > 1:
        raise UsageError(
            "the runs are of different suites: " + ", ".join(f"{t.run_id}: {t.suite_spec}" for t in tiers)
        )
    common = sorted(set.intersection(*(set(d) for d in per_tier)))
    if not common:
        raise UsageError("the runs have no task in common")
    table = OutcomeTable(tiers, common)
    for tier, outcomes in zip(tiers, per_tier, strict=True):
        for task in common:
            table.outcomes[(task, tier.name)] = outcomes[task]
    return table
