"""Score a samples file against a suite: parallel, longest task first, one verdict per sample."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rtlsmith.errors import UsageError
from rtlsmith.scoring.passk import pass_at_k_table
from rtlsmith.scoring.samples import Sample
from rtlsmith.suites.base import Suite
from rtlsmith.task import Purpose, Task
from rtlsmith.tools.judge import JudgeOptions, judge_many
from rtlsmith.tools.toolchain import versions
from rtlsmith.tools.verdict import FailureClass, Verdict

Progress = Callable[[int, int], None]


@dataclass
class ScoreReport:
    suite: str
    suite_hash: str
    simulator: str
    results: list[dict[str, Any]]
    per_task: dict[str, tuple[int, int]]  # task_id -> (n samples, c correct), by the harness's reading
    pass_at_k: dict[int, float]  # the harness's reading: the figure published numbers use
    class_counts: dict[str, int]
    wall_s: float
    tool_versions: dict[str, str]
    isolated: bool
    limits: dict[str, float | int] = field(default_factory=dict)
    # rtlsmith's strict reading: a pass with integrity flags counts as failed (Verdict.strict_passed).
    strict_per_task: dict[str, tuple[int, int]] = field(default_factory=dict)
    strict_pass_at_k: dict[int, float] = field(default_factory=dict)
    # Tasks whose reference fails their own testbench (task id -> why): their failures are not the designs'.
    task_errors: dict[str, str] = field(default_factory=dict)
    references_checked: bool = False

    def formal_counts(self) -> dict[str, int]:
        """Formal labels (PROVEN, COUNTEREXAMPLE, TESTBENCH GAP, ...) over the samples checked."""
        return dict(Counter(r["formal"]["label"] for r in self.results if "formal" in r))

    @property
    def n_samples(self) -> int:
        return len(self.results)

    @property
    def n_flagged(self) -> int:
        """Passing samples with integrity flags (they may pass without being right)."""
        return sum(1 for r in self.results if r["passed"] and r.get("integrity"))

    @property
    def n_passed(self) -> int:
        return sum(1 for r in self.results if r["passed"])

    @property
    def n_strict_passed(self) -> int:
        return sum(1 for r in self.results if r["passed"] and not r.get("integrity"))


def _durations_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rtlsmith" / "durations.json"


_DUR_LOCK = threading.Lock()


def load_durations() -> dict[str, float]:
    try:
        data = json.loads(_durations_path().read_text())
        return {str(k): float(v) for k, v in data.items()}
    except (OSError, ValueError):
        return {}


def save_durations(update: dict[str, float]) -> None:
    with _DUR_LOCK:
        merged = load_durations()
        merged.update(update)
        path = _durations_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(merged))
            tmp.replace(path)
        except OSError:
            pass  # a cache that cannot be written only costs scheduling quality


def estimate_seconds(task: Task, durations: dict[str, float], key: str) -> float:
    """Seconds a task is expected to take: measured before if known, else a guess from testbench size."""
    if key in durations:
        return durations[key]
    return len(task.hidden.unseal(Purpose.SCORING).testbench) / 1e6


def order_longest_first(
    samples: Sequence[Sample], tasks: dict[str, Task], keys: dict[str, str]
) -> list[Sample]:
    durations = load_durations()
    seconds = {tid: estimate_seconds(t, durations, keys[tid]) for tid, t in tasks.items()}
    return sorted(samples, key=lambda s: -seconds[s.task_id])


# Candidates expected to take less than this are judged in batches of about this total length: one sandbox
# start (~4 ms with bwrap) per batch instead of per candidate, while the workers still finish together.
BATCH_SECONDS = 0.1
BATCH_MAX = 8

T = TypeVar("T")


def batch_short(items: Sequence[T], cost: Callable[[T], float]) -> list[list[T]]:
    """Group `items` (longest first): long ones alone, short ones together, ~BATCH_SECONDS a batch."""
    batches: list[list[T]] = []
    current: list[T] = []
    current_cost = 0.0
    for item in items:
        c = cost(item)
        if c >= BATCH_SECONDS:
            batches.append([item])
            continue
        current.append(item)
        current_cost += c
        if current_cost >= BATCH_SECONDS or len(current) >= BATCH_MAX:
            batches.append(current)
            current, current_cost = [], 0.0
    if current:
        batches.append(current)
    return batches


def verdict_record(sample: Sample, verdict: Verdict) -> dict[str, Any]:
    rec: dict[str, Any] = {"task_id": sample.task_id, "completion": sample.completion, **sample.extra}
    rec.update(
        {
            "passed": verdict.passed,
            "strict_passed": verdict.strict_passed,
            "result": verdict.harness_result or verdict.failure_class.description,
            "failure_class": verdict.failure_class.value,
            "failure_description": verdict.failure_class.description,
            "mismatches": verdict.mismatches,
            "samples": verdict.samples,
            "first_mismatch_time": verdict.first_mismatch_time,
            "mismatch_signals": list(verdict.mismatch_signals),
            "reason": verdict.reason,
            "integrity": list(verdict.integrity),
            "log_excerpt": verdict.log_excerpt,
            "simulator": verdict.simulator,
            "isolated": verdict.isolated,
            "wall_s": round(verdict.wall_s, 4),
        }
    )
    return rec


@dataclass(frozen=True)
class FormalOptions:
    """Limits of the equivalence check `score --formal` runs beside each simulation."""

    timeout_s: float = 10.0
    depth: int = 20
    isolate: bool = True
    # Input assumptions by task id (`formal.assumptions.load_assumptions`); a task's own is used otherwise.
    assumptions: Mapping[str, str] = field(default_factory=dict)


def _formal_pass(
    unique: dict[tuple[str, str], list[Sample]],
    tasks: dict[str, Task],
    verdicts: dict[int, Verdict],
    options: FormalOptions,
    jobs: int,
) -> dict[int, dict[str, Any]]:
    """Formal equivalence of each distinct candidate with its task's reference, as records by sample index."""
    from rtlsmith.formal.check import formal_record

    def check(key: tuple[str, str]) -> dict[str, Any]:
        tid, completion = key
        return formal_record(
            tasks[tid], completion, passed=verdicts[unique[key][0].index].passed,
            timeout_s=options.timeout_s, depth=options.depth, isolate=options.isolate,
            assume=options.assumptions.get(tid),
        )  # fmt: skip

    out: dict[int, dict[str, Any]] = {}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for key, rec in zip(unique, pool.map(check, list(unique)), strict=True):
            for s in unique[key]:
                out[s.index] = rec
    return out


def _where(task_id: str, lines: list[int]) -> str:
    """`Prob999 (lines 3, 7)`: an unknown task id and where the samples file has it."""
    known = [n for n in lines if n]
    if not known:
        return task_id
    listed = ", ".join(map(str, known[:3])) + (" ..." if len(known) > 3 else "")
    return f"{task_id} (line{'s' if len(known) > 1 else ''} {listed})"


def score_samples(
    samples: Sequence[Sample],
    suite: Suite,
    options: JudgeOptions | None = None,
    *,
    jobs: int = 2,
    ks: Sequence[int] = (1, 5, 10),
    progress: Progress | None = None,
    formal: FormalOptions | None = None,
    check_references: bool = True,
) -> ScoreReport:
    """Judge every sample; identical (task, completion) pairs are simulated once.

    With `check_references`, the reference of each task where a sample failed is judged on the same
    testbench (once, cached on disk); where it fails too, those failures become task errors (class I).
    With `formal`, each distinct candidate is also checked for equivalence with the task's reference, and
    its record gets a `formal` entry; a simulation pass with a counterexample is a testbench gap.
    """
    options = options or JudgeOptions()
    unknown: dict[str, list[int]] = {}
    for s in samples:
        if s.task_id not in suite:
            unknown.setdefault(s.task_id, []).append(s.line)
    if unknown:
        shown = ", ".join(_where(tid, lines) for tid, lines in sorted(unknown.items())[:5])
        raise UsageError(
            f"{len(unknown)} task id(s) in the samples are not in suite {suite.name!r}: {shown}"
            f"{' ...' if len(unknown) > 5 else ''}; check --suite (`rtlsmith tasks --suite ...` lists "
            "its ids)"
        )
    if jobs < 1:
        raise UsageError("-j/--jobs must be at least 1")
    tasks = {s.task_id: suite.get(s.task_id) for s in samples}
    keys = {tid: f"{t.content_hash()}:{options.simulator}" for tid, t in tasks.items()}
    ordered = order_longest_first(samples, tasks, keys)
    start = time.monotonic()
    verdicts: dict[int, Verdict] = {}
    unique: dict[tuple[str, str], list[Sample]] = {}
    for s in ordered:
        unique.setdefault((s.task_id, s.completion), []).append(s)
    measured: dict[str, float] = {}
    done = 0
    durations = load_durations()
    items = list(unique.items())
    if options.backend.short_runs:
        batches = batch_short(
            items, lambda item: estimate_seconds(tasks[item[0][0]], durations, keys[item[0][0]])
        )
    else:
        batches = [[item] for item in items]  # a build takes seconds (Verilator): nothing to amortise
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(judge_many, [(tasks[tid], comp) for (tid, comp), _group in batch], options): batch
            for batch in batches
        }
        for fut in as_completed(futures):
            for ((tid, _comp), group), verdict in zip(futures[fut], fut.result(), strict=True):
                measured[keys[tid]] = verdict.wall_s
                for s in group:
                    verdicts[s.index] = verdict
                done += len(group)
            if progress:
                progress(done, len(samples))
    save_durations(measured)
    task_errors: dict[str, str] = {}
    if check_references:
        task_errors = _restate_task_errors(unique, tasks, verdicts, options, jobs)
    formal_records: dict[int, dict[str, Any]] = {}
    if formal is not None:
        formal_records = _formal_pass(unique, tasks, verdicts, formal, jobs)
    wall = time.monotonic() - start
    results = [verdict_record(s, verdicts[s.index]) for s in samples]
    for rec, s in zip(results, samples, strict=True):
        if s.index in formal_records:
            rec["formal"] = formal_records[s.index]
        if s.task_id in task_errors and not rec["passed"]:
            rec["task_error"] = task_errors[s.task_id]
    per_task: dict[str, tuple[int, int]] = {}
    strict_per_task: dict[str, tuple[int, int]] = {}
    for s in samples:
        n, c = per_task.get(s.task_id, (0, 0))
        per_task[s.task_id] = (n + 1, c + (1 if verdicts[s.index].passed else 0))
        n, c = strict_per_task.get(s.task_id, (0, 0))
        strict_per_task[s.task_id] = (n + 1, c + (1 if verdicts[s.index].strict_passed else 0))
    classes = Counter(verdicts[s.index].failure_class.value for s in samples)
    # Refused samples never ran, so they say nothing about isolation.
    ran = [v for v in verdicts.values() if v.commands]
    return ScoreReport(
        suite=suite.name,
        suite_hash=suite.content_hash(),
        simulator=options.simulator,
        results=results,
        per_task=per_task,
        pass_at_k=pass_at_k_table(per_task, ks),
        class_counts={FailureClass(k).value: v for k, v in sorted(classes.items())},
        wall_s=wall,
        tool_versions=versions(),
        isolated=bool(ran) and all(v.isolated for v in ran),
        limits=options.limits.record(),
        strict_per_task=strict_per_task,
        strict_pass_at_k=pass_at_k_table(strict_per_task, ks),
        task_errors=task_errors,
        references_checked=check_references,
    )


def _restate_task_errors(
    unique: dict[tuple[str, str], list[Sample]],
    tasks: dict[str, Task],
    verdicts: dict[int, Verdict],
    options: JudgeOptions,
    jobs: int,
) -> dict[str, str]:
    """Check the references of tasks with a failing sample; restate those samples' verdicts where the
    reference fails too. Returns the task errors found, by task id."""
    from rtlsmith.scoring.reference_check import as_task_error, check_references

    failed = {tid for (tid, _c), group in unique.items() if not verdicts[group[0].index].passed}
    if not failed:
        return {}
    checks = check_references((tasks[tid] for tid in sorted(failed)), options, jobs=jobs)
    errors = {tid: c.task_error() for tid, c in checks.items() if not c.passed}
    for (tid, _c), group in unique.items():
        if tid in errors:
            for s in group:
                verdicts[s.index] = as_task_error(verdicts[s.index], checks[tid])
    return errors
