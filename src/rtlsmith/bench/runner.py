"""Run a bench: plan the (task, sample) items a run still lacks, run them, store each result as it lands.

Resuming is planning: items already in the store are skipped, so the same command after Ctrl-C or
`kill -9` does only what is missing. Items run longest task first (measured judge time, else testbench
size) and at most `2 * jobs` are in flight, so memory does not grow with the number of samples.

Two benches may run the same run on one database at once: each claims an item before running it, leaves
items a live bench has claimed to that bench, and waits at the end until those are stored (or their bench
has died, and it takes them over).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import platform
import signal
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from rtlsmith import __version__
from rtlsmith.bench.agents import load_factory
from rtlsmith.bench.config import BenchConfig, default_run_id, diff, identity, identity_hash
from rtlsmith.bench.executors import Executor, make_executor
from rtlsmith.bench.store import BenchStore, ResultRow, RunRecord, utc_now
from rtlsmith.bench.worker import ItemError, WorkItem
from rtlsmith.errors import UsageError
from rtlsmith.scoring.scorer import estimate_seconds, load_durations, save_durations
from rtlsmith.suites import load_suite
from rtlsmith.suites.base import Suite
from rtlsmith.task import Task
from rtlsmith.tools.toolchain import cpu_count, versions


@dataclass(frozen=True)
class BenchRequest:
    """One invocation of the bench: the run's identity plus what this invocation should do of it."""

    config: BenchConfig
    samples: int = 1
    jobs: int = 2
    executor: str = "local"
    run_id: str | None = None
    task_ids: Sequence[str] = ()
    limit: int | None = None
    command_line: str = ""
    max_errors: int = 10  # stop after this many items failed to produce a result
    ray_address: str | None = None


@dataclass
class Progress:
    """Counts the runner reports after every stored result."""

    total: int  # items this invocation must run
    already: int  # items found in the store at start
    done: int = 0
    passed: int = 0
    errors: int = 0
    duplicates: int = 0  # results this session made that another bench had stored first
    elsewhere: int = 0  # items another bench on the same database ran and stored


@dataclass
class BenchOutcome:
    run: RunRecord
    session_id: int
    progress: Progress
    status: str  # done | interrupted | failed
    wall_s: float
    errors: list[ItemError] = field(default_factory=list)


ProgressHook = Callable[[Progress], None]
Notify = Callable[[str], None]


def sample_tasks(tasks: Sequence[Task], n: int, seed: int) -> list[Task]:
    """`n` tasks chosen by `seed`, in suite order: each task ranks by sha256 of "seed:task id", so the
    choice depends on nothing but the ids and the seed (not on Python's random, the platform or the order)."""
    if n < 1:
        raise UsageError("--sample-tasks must be at least 1")
    ranked = sorted(tasks, key=lambda t: hashlib.sha256(f"{seed}:{t.id}".encode()).hexdigest())
    chosen = {t.id for t in ranked[:n]}
    return [t for t in tasks if t.id in chosen]


def select_tasks(
    suite: Suite, task_ids: Sequence[str], limit: int | None, sample: tuple[int, int] | None = None
) -> list[Task]:
    """The tasks a request names (all by default, in suite order), then a seeded sample of `sample` =
    (n, seed) of them, then the first `limit`."""
    tasks = [suite.get(t) for t in dict.fromkeys(task_ids)] if task_ids else list(suite.tasks)
    if sample is not None:
        tasks = sample_tasks(tasks, *sample)
    if limit is not None:
        if limit < 1:
            raise UsageError("--limit must be at least 1")
        tasks = tasks[:limit]
    return tasks


def plan_items(
    run_id: str, tasks: Sequence[Task], samples: int, config: BenchConfig, done: set[tuple[str, int]]
) -> list[WorkItem]:
    """Items still missing from a run, longest task first."""
    durations = load_durations()
    sim = config.judge.simulator
    seconds = {t.id: estimate_seconds(t, durations, f"{t.content_hash()}:{sim}") for t in tasks}
    ordered = sorted(tasks, key=lambda t: -seconds[t.id])
    return [
        WorkItem(run_id, t.id, i, config.seed(i))
        for t in ordered
        for i in range(samples)
        if (t.id, i) not in done
    ]


def with_selection(ident: dict[str, Any], request: BenchRequest) -> dict[str, Any]:
    """The identity with the request's explicit task selection (`--tasks`, `--limit`) in `tasks`: a run is
    the same tasks under the same settings, so another selection is another run, never a silent extension.
    Whole-suite runs (and `--sample-tasks` alone) keep the identity they had."""
    if not request.task_ids and request.limit is None:
        return ident
    chosen: dict[str, Any] = dict(ident.get("tasks") or {})
    if request.task_ids:
        chosen["ids"] = sorted(dict.fromkeys(request.task_ids))
    if request.limit is not None:
        chosen["limit"] = request.limit
    return {**ident, "tasks": chosen}


def _legacy_selection(
    existing: RunRecord, ident: dict[str, Any], store: BenchStore, tasks: Sequence[Task]
) -> bool:
    """A run stored before the selection was part of the identity, resumed with the tasks it already has:
    the same run (it still opens, reports and resumes)."""
    stored_tasks = existing.identity.get("tasks") or {}
    if "ids" in stored_tasks or "limit" in stored_tasks or "tasks" not in ident:
        return False
    legacy = {**ident, "tasks": {k: v for k, v in ident["tasks"].items() if k not in ("ids", "limit")}}
    if not legacy["tasks"]:
        del legacy["tasks"]
    return existing.config_hash == identity_hash(legacy) and {t.id for t in tasks} <= set(
        store.run_tasks(existing.run_id)
    )


def open_run(store: BenchStore, request: BenchRequest, suite: Suite, tasks: Sequence[Task]) -> RunRecord:
    """The run this request continues, or a new one; refuses a stored run whose identity differs."""
    config = request.config
    ident = with_selection(identity(config, suite.name, suite.content_hash()), request)
    run_id = request.run_id or default_run_id(ident)
    if request.run_id is None and store.get_run(run_id) is None:
        older = store.get_run(default_run_id(ident, legacy=True))  # stored before symbolic ids said "none"
        if older is not None and older.config_hash == identity_hash(ident):
            run_id = older.run_id
    task_rows = [(t.id, t.content_hash(), t.public.tags) for t in tasks]
    existing = store.get_run(run_id)
    if existing is not None:
        if _legacy_selection(existing, ident, store, tasks):
            return existing
        if existing.config_hash != identity_hash(ident):
            changes = "\n  ".join(diff(existing.identity, ident)) or "(identity hashes differ)"
            raise UsageError(
                f"run {run_id!r} in {store.path} was made with different settings, so it cannot be resumed:\n"
                f"  {changes}\n"
                f"Use the original settings to resume it, or start a new run: drop --run-id (the default id "
                f"is derived from the settings) or pass a new one."
            )
        store.add_tasks(run_id, task_rows)
        return existing
    agent = load_factory(config.agent_factory)(config)  # a probe for the model's id and settings
    run = RunRecord(
        run_id=run_id,
        created=utc_now(),
        command_line=request.command_line,
        config_hash=identity_hash(ident),
        identity=ident,
        suite_name=suite.name,
        suite_spec=config.suite_spec,
        suite_hash=suite.content_hash(),
        model_id=agent.model_id,
        model_spec="none" if config.agent == "symbolic" else " > ".join(config.model_specs),
        model_settings=agent.model_settings,
        agent_name=config.agent,
        agent_config=dict(config.agent_config),
        mode=config.mode,
        judge=config.judge.record(),
        tool_versions=versions(),
        rtlsmith_version=__version__,
        seed_base=config.seed_base,
        host={"python": platform.python_version(), "platform": platform.platform(), "cpus": cpu_count()},
    )
    try:
        store.create_run(run, task_rows)
    except sqlite3.IntegrityError:
        # Another process created the same run a moment ago: continue it if it is the same, as above.
        return open_run(store, request, suite, tasks)
    return run


# A claim made on another machine cannot be checked: it is trusted for this long.
FOREIGN_CLAIM_TTL_S = 3600.0
# How often a bench that waits for another bench's items looks again.
CLAIM_RECHECK_S = 0.2


def _process_start(pid: int) -> float | None:
    """When a process started (seconds since the epoch), where /proc says; None where it cannot tell."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = Path("/proc/stat").read_text().split("btime", 1)[1].split()[0]
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (command) "
        if fields[0] == "Z":
            return float("inf")  # a zombie: dead, only not yet reaped
        return float(boot) + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def claimant_alive(host: str, pid: int, claimed: str) -> bool:
    """Whether the bench that claimed an item at `claimed` (UTC, ISO 8601) may still be running it."""
    try:
        when = _dt.datetime.fromisoformat(claimed).timestamp()
    except ValueError:
        return False
    if host != socket.gethostname():
        return time.time() - when < FOREIGN_CLAIM_TTL_S
    if pid == os.getpid():
        return False  # another session's claim, made by an earlier process that had this pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, but another user's
    started = _process_start(pid)
    # A process that started after the claim (to the second) is not the claimant: its pid was reused.
    return started is None or started <= when + 1.0


class _Interrupts:
    """Counts SIGINT/SIGTERM instead of raising, so a signal never lands inside a store transaction."""

    def __init__(self) -> None:
        self.count = 0
        self._old: dict[int, Any] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.count += 1

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


def run_bench(
    request: BenchRequest,
    store: BenchStore,
    *,
    executor: Executor | None = None,
    on_start: ProgressHook | None = None,
    on_progress: ProgressHook | None = None,
    notify: Notify | None = None,
) -> BenchOutcome:
    """Run what a request asks of its run and store each result; returns counts and the session's status."""
    if request.samples < 1:
        raise UsageError("--samples must be at least 1")
    if request.jobs < 1:
        raise UsageError("-j/--jobs must be at least 1")
    if request.config.oracle_feedback and request.config.agent in ("oneshot", "symbolic"):
        raise UsageError(
            f"--oracle-feedback needs an agent that takes feedback (--agent smith); {request.config.agent} "
            "takes none"
        )
    router = request.config.router
    if router is not None and router.name != "cascade" and request.executor == "ray":
        raise UsageError(
            f"--router {router.name} learns from a rounds file beside the database, which Ray workers on "
            "other machines cannot read; use --executor local"
        )
    say = notify or (lambda _msg: None)
    suite = load_suite(request.config.suite_spec)
    tasks = select_tasks(suite, request.task_ids, request.limit, request.config.task_sample)
    run = open_run(store, request, suite, tasks)
    done = store.done_keys(run.run_id)
    items = plan_items(run.run_id, tasks, request.samples, request.config, done)
    progress = Progress(total=len(items), already=len(tasks) * request.samples - len(items))
    pool = None
    if items:
        pool = executor or make_executor(
            request.executor, request.config, request.jobs, ray_address=request.ray_address
        )
    session = store.start_session(
        run.run_id, request.command_line, request.executor, request.jobs, len(items)
    )
    if on_start:
        on_start(progress)
    start = time.monotonic()
    errors: list[ItemError] = []
    status = "done"
    if pool is not None:
        try:
            status = _drive(pool, iter(items), store, session, progress, errors, request, on_progress, say)
        except BaseException:
            store.finish_session(session, "failed", progress.done, progress.errors)
            raise
    wall = time.monotonic() - start
    if status == "done" and errors:
        status = "failed"
    store.finish_session(session, status, progress.done, progress.errors)
    return BenchOutcome(run, session, progress, status, wall, errors)


def _drive(
    pool: Executor,
    items: Iterator[WorkItem],
    store: BenchStore,
    session: int,
    progress: Progress,
    errors: list[ItemError],
    request: BenchRequest,
    on_progress: ProgressHook | None,
    say: Notify,
) -> str:
    capacity = 2 * pool.jobs
    submitting = True
    stopping = False
    deferred: list[WorkItem] = []  # items another live bench had claimed
    seen_interrupts = 0
    measured: dict[str, float] = {}
    status = "done"
    abandon = False
    with _Interrupts() as interrupts:
        try:
            while True:
                if interrupts.count > seen_interrupts:
                    seen_interrupts = interrupts.count
                    if seen_interrupts == 1:
                        submitting = False
                        stopping = True
                        status = "interrupted"
                        say(
                            f"stopping: waiting for {pool.pending()} item(s) in flight to finish and be "
                            "stored "
                            "(press Ctrl-C again to abandon them)"
                        )
                    else:
                        abandon = True
                        break
                while submitting and pool.pending() < capacity:
                    item = next(items, None)
                    if item is None:
                        submitting = False
                        break
                    claim = store.claim(item.run_id, item.task_id, item.sample_idx, session, claimant_alive)
                    if claim == "stored":  # by another bench on the same database, since this one planned
                        progress.elsewhere += 1
                        if on_progress:
                            on_progress(progress)
                    elif claim == "elsewhere":
                        deferred.append(item)
                    else:
                        pool.submit(item)
                if pool.pending() == 0:
                    if stopping or not deferred:
                        break
                    # What is left is another bench's: look again until it is stored, or its bench died.
                    time.sleep(CLAIM_RECHECK_S)
                    items, deferred = iter(deferred), []
                    submitting = True
                    continue
                for outcome in pool.poll(0.2):
                    if isinstance(outcome, ResultRow):
                        if store.insert_result(outcome, session):
                            if request.config.router is not None:
                                from rtlsmith.bench.routed import note_result

                                note_result(request.config, outcome)
                            progress.done += 1
                            progress.passed += int(outcome.passed)
                            key = f"{outcome.task_hash}:{request.config.judge.simulator}"
                            if not outcome.judge_cached:
                                measured[key] = max(measured.get(key, 0.0), outcome.judge_time_s)
                        else:
                            progress.duplicates += 1
                    else:
                        errors.append(outcome)
                        progress.errors += 1
                        store.log_item_error(
                            outcome.item.run_id, session, outcome.item.task_id, outcome.item.sample_idx,
                            outcome.kind, outcome.message,
                        )  # fmt: skip
                        say(f"{outcome.item.task_id} sample {outcome.item.sample_idx}: {outcome.kind} error: "
                            f"{outcome.message}")  # fmt: skip
                        if progress.errors >= request.max_errors and not stopping:
                            submitting = False
                            stopping = True
                            status = "failed"
                            say(
                                f"stopping after {progress.errors} errors (--max-errors {request.max_errors})"
                            )
                    if on_progress:
                        on_progress(progress)
        finally:
            pool.shutdown(abandon=abandon)
            if measured:
                save_durations(measured)
    return status


def command_line(argv: Sequence[str] | None = None) -> str:
    """The invocation as a user would retype it: `rtlsmith ARGS...`."""
    import shlex

    args = list(sys.argv[1:] if argv is None else argv)
    return shlex.join(["rtlsmith", *args])
