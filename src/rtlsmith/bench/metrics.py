"""What a run's results say: pass@k, pass rate by category, failure classes, effort to first pass, cost, time.

All of it is computed from stored results alone, so a report can be rebuilt from the database long after
the run. pass@k uses the unbiased estimator and is NaN when a task has fewer than k samples.

Only strict passes count: a sample the benchmark's testbench passed but whose verdict carries integrity flags
(it reached into the testbench, printed its summary line, ended the run early; see `screen.integrity_flags`)
counts as failed, with class F and the flags in its stored verdict. Rows stored before the worker made that
conversion are read the same way.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from rtlsmith.agent.registry import repairs
from rtlsmith.bench.assertions_report import AssertionSummary, assertion_summary
from rtlsmith.bench.hardware import HardwareSummary, hardware_summary
from rtlsmith.bench.route_report import RouteSummary, route_summary
from rtlsmith.bench.store import BenchStore, ResultRow, RunRecord
from rtlsmith.scoring.passk import estimate_pass_at_k, pass_at_k_table
from rtlsmith.tools.verdict import FailureClass

DEFAULT_KS = (1, 5, 10)
UNTAGGED = "(untagged)"


@dataclass(frozen=True)
class TaskStats:
    task_id: str
    tags: tuple[str, ...]
    n: int
    c: int
    pass_at_k: dict[int, float]
    failure_classes: dict[str, int]
    first_pass_idx: int | None  # the lowest sample index that passed
    iterations_to_first_pass: int | None  # iterations the first passing sample took
    tokens_to_first_pass: int | None  # tokens of samples 0..first pass, as if they were drawn in order
    cost_usd: float | None

    @property
    def pass_rate(self) -> float:
        return self.c / self.n if self.n else math.nan

    @property
    def solved(self) -> bool:
        return self.c > 0


@dataclass(frozen=True)
class CategoryStats:
    tag: str
    tasks: int
    samples: int
    passed: int
    pass_at_1: float  # mean of per-task pass rates, so a task with many samples does not dominate


@dataclass(frozen=True)
class Summary:
    """Mean and median of a quantity over the tasks (or samples) that have it."""

    count: int
    mean: float
    median: float

    @staticmethod
    def of(values: Iterable[float]) -> Summary:
        vals = list(values)
        if not vals:
            return Summary(0, math.nan, math.nan)
        return Summary(len(vals), statistics.fmean(vals), statistics.median(vals))


@dataclass(frozen=True)
class ModelStats:
    """One model of a run's agent; a cascade has several, cheapest first (`position` 0)."""

    position: int
    model_id: str
    samples: int  # samples that called it at least once
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None  # None when it was called and has no known price
    finished: int  # samples whose last call went to this model
    passed: int  # of those, the ones whose final design passed the hidden checks

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def strict(r: ResultRow) -> ResultRow:
    """The row as rtlsmith counts it: a harness pass with integrity flags is a failure of class F."""
    if r.passed and r.verdict.get("integrity"):
        return replace(r, passed=False, failure_class=FailureClass.FLAGGED.value)
    return r


def _usage(r: ResultRow) -> tuple[dict[str, object], ...]:
    """A result's per-model usage; for results stored without it, one entry from the row's totals."""
    if r.usage:
        return r.usage
    if not r.model_id or r.model_id == "none":
        return ()
    calls = r.iterations if r.tokens or r.iterations else 0
    return (
        {"model_id": r.model_id, "calls": calls, "prompt_tokens": r.prompt_tokens,
         "completion_tokens": r.completion_tokens, "cost_usd": r.cost_usd},
    )  # fmt: skip


def _int(value: object) -> int:
    return int(value) if isinstance(value, (int, float)) else 0


@dataclass
class _ModelTally:
    model_id: str
    samples: int = 0
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    unpriced: bool = False
    finished: int = 0
    passed: int = 0


@dataclass(frozen=True)
class _Routing:
    models: list[ModelStats]
    escalated: int  # samples that called more than one model
    no_model: tuple[int, int]  # (samples, passed) that called no model at all


def _routing(rows: Iterable[ResultRow]) -> _Routing:
    """One pass over the results: per-model tallies, escalated samples, samples that called no model."""
    tallies: dict[int, _ModelTally] = {}
    escalated = idle = idle_passed = 0
    for r in rows:
        called: list[_ModelTally] = []
        for i, u in enumerate(_usage(r)):
            t = tallies.setdefault(i, _ModelTally(str(u.get("model_id", ""))))
            calls = _int(u.get("calls"))
            if not calls:
                continue
            called.append(t)
            t.samples += 1
            t.calls += calls
            t.prompt_tokens += _int(u.get("prompt_tokens"))
            t.completion_tokens += _int(u.get("completion_tokens"))
            cost = u.get("cost_usd")
            if isinstance(cost, (int, float)):
                t.cost_usd += float(cost)
            else:
                t.unpriced = True
        if called:
            called[-1].finished += 1
            called[-1].passed += int(r.passed)
        else:
            idle += 1
            idle_passed += int(r.passed)
        escalated += len(called) > 1
    models = [_model_stats(i, t) for i, t in sorted(tallies.items())]
    return _Routing(models, escalated, (idle, idle_passed))


def model_stats(rows: Iterable[ResultRow]) -> list[ModelStats]:
    """Per model (by cascade position): who was called how often, what it cost, and which samples ended on
    it. A sample that passed on position d would also pass with the cascade cut after d (its run never went
    further), so the running sum of `passed` over positions is a lower bound on a shorter cascade's score."""
    return _routing(strict(r) for r in rows).models


def _model_stats(position: int, t: _ModelTally) -> ModelStats:
    return ModelStats(
        position=position, model_id=t.model_id, samples=t.samples, calls=t.calls,
        prompt_tokens=t.prompt_tokens, completion_tokens=t.completion_tokens,
        cost_usd=None if t.unpriced else t.cost_usd, finished=t.finished, passed=t.passed,
    )  # fmt: skip


@dataclass(frozen=True)
class RunMetrics:
    ks: tuple[int, ...]
    tasks_planned: int
    per_task: dict[str, TaskStats]
    pass_at_k: dict[int, float]
    samples: int
    passed: int
    by_category: list[CategoryStats]
    failure_classes: dict[str, int]
    iterations_to_first_pass: Summary
    tokens_to_first_pass: Summary
    total_tokens: int
    cost_usd: float | None  # None when no sample had a known price
    cost_per_solved_usd: float | None
    solved_tasks: int
    agent_wall_s: float
    model_time_s: float
    agent_tool_time_s: float
    judge_time_s: float
    sample_wall: Summary
    budget_curve: list[tuple[int, float]] = field(default_factory=list)  # (iteration budget, pass rate)
    oracle_samples: int = 0
    models: list[ModelStats] = field(default_factory=list)  # per model, cheapest first
    escalated_samples: int = 0  # samples that called more than one model of a cascade
    # Samples that called no model (a hybrid agent's symbolic designs, or a decline), and how many passed.
    no_model: tuple[int, int] = (0, 0)
    # bench --formal: samples per label (PROVEN, COUNTEREXAMPLE, TESTBENCH GAP, INCONCLUSIVE, ERROR), and
    # the (task, sample) pairs that pass the hidden testbench yet have a counterexample.
    formal: dict[str, int] = field(default_factory=dict)
    testbench_gaps: list[tuple[str, int]] = field(default_factory=list)
    # bench --ppa: passing designs' synthesis figures against their references (None: not measured).
    hardware: HardwareSummary | None = None
    # bench --assertions: properties written, proven on the reference, kill rate (None: not asked for).
    assertions: AssertionSummary | None = None
    # Results that store a route (bench --router): tiers called and kept, and why (None: no route).
    routes: RouteSummary | None = None

    @property
    def complete_tasks(self) -> int:
        """Tasks with at least one result."""
        return len(self.per_task)


def _first_pass(rows: Sequence[ResultRow]) -> tuple[int | None, int | None, int | None]:
    tokens = 0
    for r in rows:
        tokens += r.tokens
        if r.passed:
            return r.sample_idx, r.iterations, tokens
    return None, None, None


def task_stats(
    task_id: str, tags: tuple[str, ...], rows: Sequence[ResultRow], ks: Sequence[int]
) -> TaskStats:
    ordered = sorted(rows, key=lambda r: r.sample_idx)
    n, c = len(ordered), sum(1 for r in ordered if r.passed)
    idx, iters, tokens = _first_pass(ordered)
    costs = [r.cost_usd for r in ordered if r.cost_usd is not None]
    return TaskStats(
        task_id=task_id,
        tags=tags,
        n=n,
        c=c,
        pass_at_k={k: estimate_pass_at_k(n, c, k) for k in ks},
        failure_classes=dict(Counter(r.failure_class for r in ordered)),
        first_pass_idx=idx,
        iterations_to_first_pass=iters,
        tokens_to_first_pass=tokens,
        cost_usd=sum(costs) if costs else None,
    )


def budget_curve(rows: Sequence[ResultRow], max_budget: int | None = None) -> list[tuple[int, float]]:
    """Pass rate had each sample been stopped after b iterations, for b = 1..max.

    A sample counts as passed within budget b when its final design passed the hidden checks and the agent
    used at most b iterations to reach it. This reads the curve off one run instead of rerunning per budget;
    it assumes the agent's last design is the one it would have returned at the moment it stopped.
    """
    if not rows:
        return []
    top = max(max(r.iterations for r in rows), max_budget or 1)
    return [
        (b, sum(1 for r in rows if r.passed and r.iterations <= b) / len(rows)) for b in range(1, top + 1)
    ]


def compute(
    results: Sequence[ResultRow],
    tasks: Mapping[str, tuple[str, tuple[str, ...]]],
    ks: Sequence[int] = DEFAULT_KS,
    max_budget: int | None = None,
) -> RunMetrics:
    """Metrics of one run from its results and its task table ({task_id: (hash, tags)}).

    `max_budget` extends the iteration-budget curve to the agent's configured limit.
    """
    results = [strict(r) for r in results]
    by_task: dict[str, list[ResultRow]] = {}
    for r in results:
        by_task.setdefault(r.task_id, []).append(r)
    per_task = {
        tid: task_stats(tid, tasks.get(tid, ("", ()))[1], rows, ks) for tid, rows in sorted(by_task.items())
    }
    counts = {tid: (s.n, s.c) for tid, s in per_task.items()}
    categories: dict[str, list[TaskStats]] = {}
    for s in per_task.values():
        for tag in s.tags or (UNTAGGED,):
            categories.setdefault(tag, []).append(s)
    by_category = [
        CategoryStats(
            tag=tag,
            tasks=len(stats),
            samples=sum(s.n for s in stats),
            passed=sum(s.c for s in stats),
            pass_at_1=statistics.fmean(s.pass_rate for s in stats),
        )
        for tag, stats in sorted(categories.items())
    ]
    solved = [s for s in per_task.values() if s.solved]
    routing = _routing(results)
    priced = [r.cost_usd for r in results if r.cost_usd is not None]
    cost = sum(priced) if priced else None
    return RunMetrics(
        ks=tuple(ks),
        tasks_planned=len(tasks),
        per_task=per_task,
        pass_at_k=pass_at_k_table(counts, ks) if counts else {k: math.nan for k in ks},
        samples=len(results),
        passed=sum(1 for r in results if r.passed),
        by_category=by_category,
        failure_classes=dict(Counter(r.failure_class for r in results).most_common()),
        iterations_to_first_pass=Summary.of(float(s.iterations_to_first_pass or 0) for s in solved),
        tokens_to_first_pass=Summary.of(float(s.tokens_to_first_pass or 0) for s in solved),
        total_tokens=sum(r.tokens for r in results),
        cost_usd=cost,
        cost_per_solved_usd=(cost / len(solved)) if cost is not None and solved else None,
        solved_tasks=len(solved),
        agent_wall_s=sum(r.wall_s for r in results),
        model_time_s=sum(r.model_time_s for r in results),
        agent_tool_time_s=sum(r.tool_time_s for r in results),
        judge_time_s=sum(r.judge_time_s for r in results if not r.judge_cached),
        sample_wall=Summary.of(r.wall_s + (0.0 if r.judge_cached else r.judge_time_s) for r in results),
        budget_curve=budget_curve(results, max_budget),
        oracle_samples=sum(1 for r in results if r.mode == "oracle"),
        models=routing.models,
        formal=dict(Counter(str(r.formal.get("label")) for r in results if r.formal).most_common()),
        testbench_gaps=[
            (r.task_id, r.sample_idx) for r in results if r.formal and r.formal.get("testbench_gap")
        ],
        escalated_samples=routing.escalated,
        no_model=routing.no_model,
        hardware=hardware_summary(results),
        assertions=assertion_summary(results),
        routes=route_summary(results),
    )


# comparing two runs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskChange:
    task_id: str
    a: tuple[int, int]  # (n, c) in run A
    b: tuple[int, int]

    @property
    def rate_a(self) -> float:
        return self.a[1] / self.a[0]

    @property
    def rate_b(self) -> float:
        return self.b[1] / self.b[0]

    @property
    def delta(self) -> float:
        return self.rate_b - self.rate_a


def task_passes(n: int, c: int) -> bool:
    """A task passes in a run when most of its samples pass (with one sample: when that sample passes)."""
    return n > 0 and 2 * c > n


@dataclass(frozen=True)
class Comparison:
    common: list[str]
    only_a: list[str]
    only_b: list[str]
    hash_changed: list[str]  # same id, different task content: compared anyway, flagged
    fail_to_pass: list[TaskChange]
    pass_to_fail: list[TaskChange]
    changed: list[TaskChange]  # per-task pass rate moved without crossing the majority line
    pass_at_1_a: float  # over the common tasks
    pass_at_1_b: float

    @property
    def delta(self) -> float:
        return self.pass_at_1_b - self.pass_at_1_a


def compare(
    a: Sequence[ResultRow],
    b: Sequence[ResultRow],
    tasks_a: Mapping[str, tuple[str, tuple[str, ...]]] | None = None,
    tasks_b: Mapping[str, tuple[str, tuple[str, ...]]] | None = None,
) -> Comparison:
    """Which tasks flipped between two runs, and the pass@1 delta over the tasks both have results for."""

    def counts(rows: Sequence[ResultRow]) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for r in rows:
            n, c = out.get(r.task_id, (0, 0))
            out[r.task_id] = (n + 1, c + int(strict(r).passed))
        return out

    def hashes(rows: Sequence[ResultRow]) -> dict[str, str]:
        return {r.task_id: r.task_hash for r in rows}

    ca, cb = counts(a), counts(b)
    ha = {k: v[0] for k, v in (tasks_a or {}).items()} | hashes(a)
    hb = {k: v[0] for k, v in (tasks_b or {}).items()} | hashes(b)
    common = sorted(set(ca) & set(cb))
    changes = [TaskChange(t, ca[t], cb[t]) for t in common]
    f2p = [c for c in changes if not task_passes(*c.a) and task_passes(*c.b)]
    p2f = [c for c in changes if task_passes(*c.a) and not task_passes(*c.b)]
    flipped = {c.task_id for c in f2p + p2f}
    moved = [c for c in changes if c.task_id not in flipped and abs(c.delta) > 1e-12]
    return Comparison(
        common=common,
        only_a=sorted(set(ca) - set(cb)),
        only_b=sorted(set(cb) - set(ca)),
        hash_changed=[t for t in common if ha.get(t) and hb.get(t) and ha[t] != hb[t]],
        fail_to_pass=f2p,
        pass_to_fail=p2f,
        changed=sorted(moved, key=lambda c: c.delta),
        pass_at_1_a=statistics.fmean(c.rate_a for c in changes) if changes else math.nan,
        pass_at_1_b=statistics.fmean(c.rate_b for c in changes) if changes else math.nan,
    )


def run_metrics(
    store: BenchStore, run: RunRecord, ks: tuple[int, ...], results: list[ResultRow] | None = None
) -> RunMetrics:
    """A stored run's metrics; the budget curve runs to the agent's iteration limit where it has one."""
    rows = store.results(run.run_id, designs=False) if results is None else results
    limit = (
        run.identity.get("agent", {}).get("config", {}).get("max_iterations")
        if repairs(run.agent_name)
        else None
    )
    return compute(rows, store.run_tasks(run.run_id), ks, max_budget=limit)
