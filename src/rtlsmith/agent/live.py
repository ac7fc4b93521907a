"""The live view of `rtlsmith run`: one line per state the agent visits, read from its trace as it is written.

The agent writes (and flushes) one trace record per step; this view follows those files from a thread, so it
needs no hook in the agent and shows exactly what the trace will keep: state, event, iteration, the verdict
of the tools that ran, tokens and their rate, elapsed time and the budget left.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rtlsmith.agent.trace import TRACE_FILE

POLL_S = 0.25


def step_line(step: dict[str, Any], *, elapsed_s: float, tokens: int, budget: dict[str, float]) -> str:
    """One line for one trace step: when, state -> next, iteration, what the tools said, tokens and rate."""
    parts = [
        f"{elapsed_s:7.1f}s",
        f"{step.get('state', '?'):<8}",
        f"{step.get('event', '')} -> {step.get('next', '')}",
    ]
    iteration = step.get("iteration")
    if iteration:
        parts.append(f"iteration {iteration}/{int(budget.get('max_iterations', 0)) or '?'}")
    new_tokens = int(step.get("completion_tokens") or 0)
    model_s = float(step.get("model_s") or 0.0)
    if new_tokens:
        rate = f", {new_tokens / model_s:.1f} tok/s" if model_s > 0 else ""
        parts.append(f"{new_tokens} tokens in {model_s:.1f}s{rate}")
    verdicts = [
        v.get("summary") for v in step.get("verdicts") or [] if isinstance(v, dict) and v.get("summary")
    ]
    if verdicts:
        parts.append("; ".join(str(v) for v in verdicts))
    fixes = step.get("fixes") or []
    if fixes:
        parts.append(f"{len(fixes)} mechanical fix(es)")
    if step.get("note"):
        parts.append(str(step["note"])[:120])
    left = []
    if budget.get("max_time_s"):
        left.append(f"{max(0.0, budget['max_time_s'] - elapsed_s):.0f}s")
    if budget.get("max_tokens"):
        left.append(f"{max(0, int(budget['max_tokens']) - tokens):,} tokens")
    if left:
        parts.append("left " + ", ".join(left))
    return "  ".join(parts)


class LiveView:
    """Follows `<runs_dir>/<run_id>*/trace.jsonl` (the run's own trace and a hybrid's `-symbolic` one) and
    calls `emit` with one line per new step. Use as a context manager around the run."""

    def __init__(
        self, runs_dir: str | Path, run_id: str, emit: Callable[[str], None], budget: dict[str, float]
    ) -> None:
        self.root = Path(runs_dir)
        self.run_id = run_id
        self.emit = emit
        self.budget = budget
        self.started = time.monotonic()
        self.tokens = 0
        self.steps = 0
        self._offsets: dict[Path, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rtlsmith-live", daemon=True)

    def __enter__(self) -> LiveView:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.poll()  # the last steps, written just before the run returned

    def _loop(self) -> None:
        while not self._stop.wait(POLL_S):
            self.poll()

    def _traces(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.glob(f"{self.run_id}*/{TRACE_FILE}") if p.is_file())

    def poll(self) -> None:
        for path in self._traces():
            offset = self._offsets.get(path, 0)
            try:
                with path.open("rb") as fh:
                    fh.seek(offset)
                    chunk = fh.read()
            except OSError:
                continue
            complete = chunk[: chunk.rfind(b"\n") + 1]  # a line still being written waits for the next poll
            self._offsets[path] = offset + len(complete)
            for raw in complete.splitlines():
                self._record(raw)

    def _record(self, raw: bytes) -> None:
        try:
            record = json.loads(raw)
        except ValueError:
            return
        if not isinstance(record, dict) or record.get("kind") != "step":
            return
        self.steps += 1
        self.tokens += int(record.get("prompt_tokens") or 0) + int(record.get("completion_tokens") or 0)
        elapsed = time.monotonic() - self.started
        self.emit(step_line(record, elapsed_s=elapsed, tokens=self.tokens, budget=self.budget))
