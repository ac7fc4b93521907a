"""Where work items run: a local pool of threads (the default) or a Ray cluster.

Threads are the right local pool: the time goes into simulator subprocesses and model calls that release
the GIL, threads share one loaded suite, and a `kill -9` of the bench takes them all down at once (the
sandbox's `bwrap --die-with-parent` takes the simulators too). Worker threads are daemons so that a second
Ctrl-C can abandon the items in flight without waiting for them.
"""

from __future__ import annotations

import queue
import threading
from typing import Any, Protocol

from rtlsmith.bench.config import BenchConfig
from rtlsmith.bench.worker import ItemOutcome, WorkItem, run_item
from rtlsmith.errors import UsageError

EXECUTORS = ("local", "ray")
RAY_INSTALL_HINT = "pip install 'rtlsmith[ray]'"


class Executor(Protocol):
    """Runs work items somewhere and hands back their outcomes, in completion order."""

    name: str
    jobs: int

    def submit(self, item: WorkItem) -> None: ...

    def poll(self, timeout_s: float) -> list[ItemOutcome]:
        """Outcomes finished since the last poll; waits up to `timeout_s` for the first one."""
        ...

    def pending(self) -> int:
        """Items submitted whose outcome has not been polled yet."""
        ...

    def shutdown(self, abandon: bool = False) -> None:
        """Stop the workers; `abandon` does not wait for items still running."""
        ...


class ThreadExecutor:
    """A fixed pool of daemon threads, each with its own worker context (agent, model, judge cache)."""

    name = "local"

    def __init__(self, config: BenchConfig, jobs: int) -> None:
        self.jobs = jobs
        self._config = config
        self._in: queue.Queue[WorkItem | None] = queue.Queue()
        self._out: queue.Queue[ItemOutcome] = queue.Queue()
        self._pending = 0
        self._threads = [
            threading.Thread(target=self._loop, name=f"bench-worker-{i}", daemon=True) for i in range(jobs)
        ]
        for t in self._threads:
            t.start()

    def _loop(self) -> None:
        while True:
            item = self._in.get()
            if item is None:
                return
            self._out.put(run_item(self._config, item))

    def submit(self, item: WorkItem) -> None:
        self._pending += 1
        self._in.put(item)

    def poll(self, timeout_s: float) -> list[ItemOutcome]:
        out: list[ItemOutcome] = []
        try:
            out.append(self._out.get(timeout=timeout_s))
            while True:
                out.append(self._out.get_nowait())
        except queue.Empty:
            pass
        self._pending -= len(out)
        return out

    def pending(self) -> int:
        return self._pending

    def shutdown(self, abandon: bool = False) -> None:
        if abandon:
            # Drop queued items; running ones die with the process (daemon threads).
            try:
                while True:
                    self._in.get_nowait()
            except queue.Empty:
                pass
        for _ in self._threads:
            self._in.put(None)
        if not abandon:
            for t in self._threads:
                t.join()


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise UsageError(f"--executor ray needs Ray, which is not installed: {RAY_INSTALL_HINT}") from exc
    return ray


class RayExecutor:
    """The same work items as Ray tasks: `ray.init()` starts a local cluster unless `address` names one."""

    name = "ray"

    def __init__(self, config: BenchConfig, jobs: int, address: str | None = None) -> None:
        ray = _ray()
        self.jobs = jobs
        self._ray = ray
        self._owns_cluster = not ray.is_initialized()
        if self._owns_cluster:
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if address:
                kwargs["address"] = address
            else:
                kwargs["num_cpus"] = jobs
            ray.init(**kwargs)
        # A Ray worker process keeps its context (agent, judge cache) between tasks, as a worker thread does.
        self._remote = ray.remote(num_cpus=1, max_retries=0)(run_item)
        self._config_ref = ray.put(config)
        self._refs: list[Any] = []

    def submit(self, item: WorkItem) -> None:
        self._refs.append(self._remote.remote(self._config_ref, item))

    def poll(self, timeout_s: float) -> list[ItemOutcome]:
        if not self._refs:
            return []
        ready, rest = self._ray.wait(self._refs, num_returns=1, timeout=timeout_s)
        if ready:
            more, rest = self._ray.wait(rest, num_returns=len(rest), timeout=0)
            ready += more
        self._refs = rest
        return list(self._ray.get(ready)) if ready else []

    def pending(self) -> int:
        return len(self._refs)

    def shutdown(self, abandon: bool = False) -> None:
        if abandon:
            for ref in self._refs:
                self._ray.cancel(ref, force=True)
            self._refs = []
        if self._owns_cluster:
            self._ray.shutdown()


def make_executor(name: str, config: BenchConfig, jobs: int, *, ray_address: str | None = None) -> Executor:
    if name == "local":
        return ThreadExecutor(config, jobs)
    if name == "ray":
        return RayExecutor(config, jobs, address=ray_address)
    raise UsageError(f"unknown executor {name!r}; choose one of {', '.join(EXECUTORS)}")
