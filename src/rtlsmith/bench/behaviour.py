"""Behaviour hashes of stored samples: what a design does, not how it reads.

A sample's behaviour hash is `rtlsmith.agent.agreement.signature` of its final design: the design's outputs
at every clock edge of the shared, seeded random testbench generated from the task's public interface,
hashed. Two designs with one hash agree on every compared sample, the test selection by agreement applies.
It costs one compile and one simulation per distinct design, so it is taken lazily: by the first export that
needs it (only for the samples that export uses, each distinct design of a task once), then kept in the
store's `results.behaviour_hash` column as `SCHEME:DIGEST`, so later exports read it instead. A design whose
hash cannot be taken (it does not compile, the interface has inout ports) is kept as `SCHEME:-` and rows
fall back to the text hash. A hash taken under another scheme (another stimulus) is taken again.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from rtlsmith.agent.agreement import signature
from rtlsmith.bench.store import BenchStore, ResultRow, RunRecord
from rtlsmith.suites.base import Suite
from rtlsmith.task import Task
from rtlsmith.tools.sandbox import Limits

SEED = 1
# Names the stimulus: tbgen's defaults (200 random steps after reset, exhaustive for <= 10 input bits), the
# reset and clock found by the agreement check's rules, seed 1. Bump it when any of these change.
SCHEME = "tbgen1-s1"
STIMULUS = "tbgen random testbench from the public interface, seed 1, Icarus, outputs at every clock edge"
_NONE = "-"


def digest(stored: str | None) -> str | None:
    """The digest of a stored `SCHEME:DIGEST` taken under the current scheme; None for anything else."""
    if not stored or not stored.startswith(SCHEME + ":"):
        return None
    value = stored[len(SCHEME) + 1 :]
    return None if value == _NONE else value


def current(stored: str | None) -> bool:
    """Whether a stored value was taken under the current scheme (a digest, or a note that none exists)."""
    return bool(stored) and str(stored).startswith(SCHEME + ":")


def used_by(kind: str, r: ResultRow) -> bool:
    """Whether an export of `kind` builds a row from the sample (so needs its behaviour hash)."""
    if kind == "sft":
        return r.passed
    return kind == "preference" or bool(r.trace_path)


@dataclass
class BehaviourStats:
    """What taking the hashes cost an export; its manifest reports it."""

    scheme: str = SCHEME
    stimulus: str = STIMULUS
    stored_before: int = 0  # samples whose hash was already in the store
    simulated: int = 0  # distinct designs simulated now
    unavailable: int = 0  # samples with no hash (no compile, unsupported interface): text hash used
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme, "stimulus": self.stimulus, "stored_before": self.stored_before,
            "simulated": self.simulated, "unavailable": self.unavailable, "seconds": round(self.seconds, 3),
        }  # fmt: skip


def _limits(run: RunRecord) -> tuple[Limits, bool]:
    judge = run.judge
    limits = Limits(
        timeout_s=float(judge.get("timeout_s", 30.0)),
        memory_mb=int(judge.get("memory_mb", 4096)),
        output_bytes=int(judge.get("output_bytes", 1024 * 1024)),
    )
    return limits, bool(judge.get("isolate", True))


def _tasks(suite: Suite) -> Callable[[ResultRow], Task | None]:
    """The task a result was judged on, or None when it left the suite or changed since (the export
    excludes those); each (task, hash) looked up once."""
    known: dict[tuple[str, str], Task | None] = {}

    def task_of(r: ResultRow) -> Task | None:
        key = (r.task_id, r.task_hash)
        if key not in known:
            task = suite.get(r.task_id) if r.task_id in suite else None
            known[key] = task if task is not None and task.content_hash() == r.task_hash else None
        return known[key]

    return task_of


class BehaviourHasher:
    """Takes and stores the behaviour hashes one export needs; each distinct design of a task once."""

    def __init__(self, store: BenchStore, *, jobs: int = 1) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.store = store
        self.jobs = jobs
        self.stats = BehaviourStats()
        self._memo: dict[tuple[str, str], str] = {}  # (task hash, exact code hash) -> stored value

    def fill(
        self, run: RunRecord, suite: Suite, results: Sequence[ResultRow], needed: Callable[[ResultRow], bool]
    ) -> list[ResultRow]:
        """`results` with `behaviour_hash` set wherever `needed` and missing; new values are stored."""
        started = time.perf_counter()
        todo: dict[tuple[str, str], tuple[Task, str]] = {}
        task_of = _tasks(suite)
        for r in results:
            if not needed(r) or not r.final_code.strip():
                continue
            if current(r.behaviour_hash):
                self.stats.stored_before += 1
                continue
            task = task_of(r)
            key = (r.task_hash, hashlib.sha256(r.final_code.encode()).hexdigest())
            if task is not None and key not in self._memo:
                todo[key] = (task, r.final_code)
        limits, isolate = _limits(run)

        def take(item: tuple[Task, str]) -> str:
            task, code = item
            sig = signature(code, task.public.interface, limits=limits, isolate=isolate, seed=SEED)
            return f"{SCHEME}:{sig.digest or _NONE}"

        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            for key, taken in zip(todo, pool.map(take, todo.values()), strict=True):
                self._memo[key] = taken
        self.stats.simulated += len(todo)
        out: list[ResultRow] = []
        new: dict[tuple[str, int], str] = {}
        for r in results:
            key = (r.task_hash, hashlib.sha256(r.final_code.encode()).hexdigest())
            value = self._memo.get(key) if needed(r) and not current(r.behaviour_hash) else None
            if value is not None:
                new[(r.task_id, r.sample_idx)] = value
                r = replace(r, behaviour_hash=value)
            judged = task_of(r) is not None  # excluded tasks make no rows: not counted
            if needed(r) and r.final_code.strip() and judged and digest(r.behaviour_hash) is None:
                self.stats.unavailable += 1
            out.append(r)
        try:
            self.store.set_behaviour_hashes(run.run_id, new)
        except sqlite3.Error as exc:  # a read-only database: the export goes on, later ones take them again
            self.stats.warnings.append(f"run {run.run_id}: behaviour hashes not stored ({exc})")
        self.stats.seconds += time.perf_counter() - started
        return out
