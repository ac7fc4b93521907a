"""One work item, start to finish, inside a worker: the agent designs from the public task, the hidden
checks judge the design. Runs the same under the local pool and on Ray; it never touches the store."""

from __future__ import annotations

import hashlib
import threading
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from rtlsmith.bench.agents import BenchAgent, SampleRef, load_factory
from rtlsmith.bench.config import BenchConfig
from rtlsmith.bench.store import ResultRow, utc_now
from rtlsmith.errors import ModelError
from rtlsmith.scoring.reference_check import ReferenceCheck, as_task_error, check_references
from rtlsmith.suites import load_suite
from rtlsmith.suites.base import Suite
from rtlsmith.task import Purpose, Task
from rtlsmith.tools.judge import JudgeOptions, judge
from rtlsmith.tools.ppa import Cost, reference_cost, task_comparison
from rtlsmith.tools.verdict import FailureClass

JUDGE_CACHE_SIZE = 512


@dataclass(frozen=True)
class WorkItem:
    """One (task, sample) pair of a run; small and picklable, so it can travel to any worker."""

    run_id: str
    task_id: str
    sample_idx: int
    seed: int

    @property
    def key(self) -> tuple[str, int]:
        return (self.task_id, self.sample_idx)


def _no_design(task_id: str) -> dict[str, Any]:
    """The verdict record of a sample with no module: failed, class "-", no tool run."""
    return {"task_id": task_id, "passed": False, "failure_class": FailureClass.NO_DESIGN.value,
            "failure_description": FailureClass.NO_DESIGN.description, "commands": [], "reason":
            "the agent returned no module"}  # fmt: skip


@dataclass(frozen=True)
class ItemError:
    """A work item that produced no result: the model server failed, a tool is missing or broken
    ("infrastructure"), or the agent itself raised ("agent").

    Such items are not stored as results, so a later run of the same command tries them again.
    """

    item: WorkItem
    kind: str  # "agent" | "infrastructure"
    message: str
    detail: str = ""


ItemOutcome = ResultRow | ItemError


@dataclass(frozen=True)
class _CachedVerdict:
    passed: bool
    failure_class: str
    mismatches: int | None
    record: dict[str, Any]
    wall_s: float
    formal: dict[str, Any] | None = None
    ppa: dict[str, Any] | None = None


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()[:16]


class WorkerContext:
    """What a worker builds once and reuses for every item: the suite, the agent, the judge cache."""

    def __init__(self, config: BenchConfig) -> None:
        self.config = config
        self.suite: Suite = load_suite(config.suite_spec)
        self.agent: BenchAgent = load_factory(config.agent_factory)(config)
        self.options: JudgeOptions = config.judge.options()
        self._task_hashes: dict[str, str] = {}
        self._cache: OrderedDict[tuple[str, str], _CachedVerdict] = OrderedDict()
        self._reference_costs: dict[str, Cost] = {}  # by task hash: each reference is synthesised once
        self._references: dict[str, ReferenceCheck | None] = {}

    def task_hash(self, task_id: str) -> str:
        if task_id not in self._task_hashes:
            self._task_hashes[task_id] = self.suite.get(task_id).content_hash()
        return self._task_hashes[task_id]

    def reference(self, task: Task) -> ReferenceCheck | None:
        """How the task's own reference fares on its testbench (judged once, cached on disk)."""
        if task.id not in self._references:
            self._references[task.id] = check_references([task], self.options, jobs=1).get(task.id)
        return self._references[task.id]

    def formal(self, task: Task, code: str, passed: bool) -> dict[str, Any] | None:
        """`bench --formal`: the design's equivalence with the task's reference, as a record; None when not
        asked for, or when there is no design or no reference to compare."""
        settings = self.config.formal
        if settings is None or not code.strip() or task.hidden.unseal(Purpose.FORMAL).reference is None:
            return None
        from rtlsmith.formal.check import formal_record

        return formal_record(
            task, code, passed=passed, timeout_s=settings.timeout_s, depth=settings.depth,
            isolate=self.options.isolate, assume=settings.assumption(task.id),
        )  # fmt: skip

    def ppa(self, task: Task, code: str, passed: bool) -> dict[str, Any] | None:
        """`bench --ppa`: a passing design's hardware cost against the task's reference, as a record; None
        when not asked for, or when the design failed (the cost of a wrong design means nothing)."""
        settings = self.config.ppa
        if settings is None or not passed or not code.strip():
            return None
        key = self.task_hash(task.id)
        reference = self._reference_costs.get(key)
        if reference is None:
            reference = reference_cost(task, timeout_s=settings.timeout_s, isolate=self.options.isolate)
            self._reference_costs[key] = reference
        return task_comparison(
            task, code, reference=reference, timeout_s=settings.timeout_s, isolate=self.options.isolate
        ).record()

    def assertions(self, task: Task, seed: int) -> dict[str, Any] | None:
        """`bench --assertions`: properties written from the public task, checked on the reference and
        graded on its mutants (`rtlsmith.bench.assertions_step`); None when not asked for."""
        if self.config.assertions is None:
            return None
        from rtlsmith.bench.assertions_step import assertion_record

        return assertion_record(
            task, self.config.assertions, self.config.model_spec, seed=seed, isolate=self.options.isolate
        )

    def run(self, item: WorkItem) -> ItemOutcome:
        """Design, then judge; every failure comes back as a value, never as an exception."""
        task = self.suite.get(item.task_id)
        sample = SampleRef(item.run_id, item.task_id, item.sample_idx, item.seed)
        oracle = task.hidden if self.config.oracle_feedback else None
        try:
            outcome = self.agent(task.public, sample, oracle)
        except ModelError as exc:  # the model never answered: no verdict on the design, nor on the model
            return ItemError(item, "infrastructure", f"model: {exc}", traceback.format_exc(limit=8))
        except Exception as exc:  # the worker reports every agent failure; the runner decides what to do
            return ItemError(item, "agent", f"{type(exc).__name__}: {exc}", traceback.format_exc(limit=8))
        task_hash = self.task_hash(item.task_id)
        design_hash = code_hash(outcome.final_code)
        key = (task_hash, design_hash)
        cached = self._cache.get(key) if self.config.judge_cache else None
        if cached is not None:
            self._cache.move_to_end(key)
            verdict = cached
        elif not outcome.final_code.strip():  # a decline is not an empty design: nothing to judge
            verdict = _CachedVerdict(False, FailureClass.NO_DESIGN.value, None, _no_design(task.id), 0.0)
        else:
            # Strict: a harness pass with integrity flags is stored as failed, class F, flags in its record.
            v = judge(task, outcome.final_code, self.options).strict()
            if v.failure_class is FailureClass.INFRASTRUCTURE:
                return ItemError(item, "infrastructure", v.reason or v.log_excerpt)
            if not v.passed and self.config.check_references:
                v = as_task_error(v, self.reference(task))
            formal = self.formal(task, outcome.final_code, v.passed)
            ppa = self.ppa(task, outcome.final_code, v.passed)
            verdict = _CachedVerdict(
                v.passed, v.failure_class.value, v.mismatches, v.record(), v.wall_s, formal, ppa
            )
            if self.config.judge_cache:
                self._cache[key] = verdict
                while len(self._cache) > JUDGE_CACHE_SIZE:
                    self._cache.popitem(last=False)
        try:
            asserted = self.assertions(task, item.seed)
        except ModelError as exc:
            detail = traceback.format_exc(limit=8)
            return ItemError(item, "infrastructure", f"model (properties): {exc}", detail)
        return ResultRow.judged(
            outcome, run_id=item.run_id, task_id=item.task_id, sample_idx=item.sample_idx,
            task_hash=task_hash, seed=item.seed, mode=self.config.mode, code_hash=design_hash,
            passed=verdict.passed, failure_class=verdict.failure_class, mismatches=verdict.mismatches,
            verdict=verdict.record, judge_cached=cached is not None, judge_time_s=verdict.wall_s,
            created=utc_now(), formal=verdict.formal, ppa=verdict.ppa, assertions=asserted,
        )  # fmt: skip


_local = threading.local()


def context_for(config: BenchConfig) -> WorkerContext:
    """This thread's context for `config`, built on first use (one agent and model per worker thread)."""
    contexts: dict[str, WorkerContext] | None = getattr(_local, "contexts", None)
    if contexts is None:
        contexts = _local.contexts = {}
    key = repr(config)  # the config holds a dict, so it is not hashable itself
    ctx = contexts.get(key)
    if ctx is None:
        ctx = contexts[key] = WorkerContext(config)
    return ctx


def run_item(config: BenchConfig, item: WorkItem) -> ItemOutcome:
    """The unit of work every executor runs."""
    started = time.perf_counter()
    try:
        return context_for(config).run(item)
    except Exception as exc:  # building the context failed (bad suite, model, factory): report, do not die
        elapsed = time.perf_counter() - started
        message = f"{type(exc).__name__}: {exc} (after {elapsed:.1f} s)"
        return ItemError(item, "infrastructure", message, traceback.format_exc(limit=8))
