"""Does a task's own reference pass its testbench? A verdict is only the design's when it does.

A testbench that cannot run (a data file it does not get, a guard that fires for any design, a construct
this simulator lacks) fails every candidate, the reference included. Charging that failure to a design is
wrong for the wrong reason: such a failure is a task error instead (class I, `REFERENCE_FAILS`).

The reference is judged only for tasks where some candidate failed, with the same simulator and limits,
and the answer is kept on disk (`cache_dir()`) by task content hash, simulator, its version and the
limits, so a second scoring of the same suite costs nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from rtlsmith.scoring.samples import reference_completion
from rtlsmith.simulators.registry import executable_of
from rtlsmith.task import Task
from rtlsmith.tools.judge import JudgeOptions, judge
from rtlsmith.tools.toolchain import versions
from rtlsmith.tools.verdict import FailureClass, Verdict

REFERENCE_FAILS = "the task's reference fails its own testbench"
_LOCK = threading.Lock()


def cache_dir() -> Path:
    """rtlsmith's cache: $RTLSMITH_CACHE_DIR, else $XDG_CACHE_HOME/rtlsmith, else ~/.cache/rtlsmith."""
    if os.environ.get("RTLSMITH_CACHE_DIR"):
        return Path(os.environ["RTLSMITH_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rtlsmith"


def _cache_path() -> Path:
    return cache_dir() / "reference_checks.json"


@dataclass(frozen=True)
class ReferenceCheck:
    """How a task's reference fared on its own testbench."""

    task_id: str
    passed: bool
    failure_class: str = "."
    reason: str = ""

    def task_error(self) -> str:
        """The words a candidate's record carries when this reference fails."""
        why = f"class {self.failure_class}"
        if self.reason:
            why += f": {self.reason}"
        return f"{REFERENCE_FAILS} ({why}); the result says nothing about the design"


def _key(task: Task, options: JudgeOptions) -> str:
    tool = executable_of(options.simulator)
    settings = json.dumps(
        [task.content_hash(), options.simulator, versions((tool,)).get(tool, ""),
         options.limits.record(), options.compile_timeout_s, options.isolate],
        sort_keys=True,
    )  # fmt: skip
    return hashlib.sha256(settings.encode()).hexdigest()[:24]


def _load() -> dict[str, dict[str, object]]:
    try:
        data = json.loads(_cache_path().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(update: dict[str, dict[str, object]]) -> None:
    with _LOCK:
        merged = _load()
        merged.update(update)
        path = _cache_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(merged))
            tmp.replace(path)
        except OSError:
            pass  # a cache that cannot be written only costs the check again next time


def _from_cache(task: Task, entry: dict[str, object]) -> ReferenceCheck:
    return ReferenceCheck(
        task.id, bool(entry.get("passed")), str(entry.get("class", "")), str(entry.get("reason", ""))
    )


def _check(task: Task, options: JudgeOptions) -> ReferenceCheck | None:
    design = reference_completion(task)
    if not design.strip():
        return None  # no reference: nothing to check against
    verdict = judge(task, design, options)
    if verdict.passed:
        return ReferenceCheck(task.id, True)
    last_lines = verdict.log_excerpt.strip().splitlines()[-2:]
    reason = verdict.reason or " / ".join(line.strip() for line in last_lines)
    return ReferenceCheck(task.id, False, verdict.failure_class.value, reason[:300])


def check_references(
    tasks: Iterable[Task], options: JudgeOptions | None = None, *, jobs: int = 2
) -> dict[str, ReferenceCheck]:
    """Each task's reference judged on its own testbench, by task id (tasks without a reference are left
    out); answers come from the disk cache where it has them."""
    options = options or JudgeOptions()
    todo = {t.id: t for t in tasks}
    cached = _load()
    keys = {tid: _key(t, options) for tid, t in todo.items()}
    out: dict[str, ReferenceCheck] = {}
    missing: list[Task] = []
    for tid, task in todo.items():
        entry = cached.get(keys[tid])
        if isinstance(entry, dict):
            if entry.get("has_reference", True):
                out[tid] = _from_cache(task, entry)
        else:
            missing.append(task)
    if not missing:
        return out
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        checks = list(pool.map(lambda t: _check(t, options), missing))
    update: dict[str, dict[str, object]] = {}
    for task, check in zip(missing, checks, strict=True):
        if check is None:
            update[keys[task.id]] = {"has_reference": False}
            continue
        # An infrastructure fault (a tool that would not start) is this machine's state, not the task's:
        # it says nothing about the reference and is neither used nor kept.
        if check.failure_class == FailureClass.INFRASTRUCTURE.value:
            continue
        out[task.id] = check
        update[keys[task.id]] = {"passed": check.passed, "class": check.failure_class, "reason": check.reason}
    _save(update)
    return out


def as_task_error(verdict: Verdict, check: ReferenceCheck | None) -> Verdict:
    """A failing verdict on a task whose reference fails too, restated as a task error (class I)."""
    if verdict.passed or check is None or check.passed:
        return verdict
    if verdict.failure_class in (FailureClass.REFUSED, FailureClass.INFRASTRUCTURE):
        return verdict  # refused before running, or a tool fault: the testbench played no part
    was = f"; as the design's verdict it would have been {verdict.failure_class.value}"
    return replace(verdict, failure_class=FailureClass.INFRASTRUCTURE, reason=check.task_error() + was)
