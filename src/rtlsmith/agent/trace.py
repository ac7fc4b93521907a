"""Run traces: one JSONL file per run, one record per step, and a readable rendering for `rtlsmith trace`.

A trace starts with a `run` record (task, model, configuration, mode), has one `step` record per state visited
(prompt messages, response, tool commands, verdict, tokens, time) and ends with a `result` record.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from rtlsmith.errors import UsageError

TRACE_FILE = "trace.jsonl"
FINAL_FILE = "final.sv"


def new_run_id(task_id: str) -> str:
    """A sortable, unique, filesystem-safe id: time, task and a short random suffix."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", task_id)[:40] or "task"
    return f"{stamp}-{safe}-{secrets.token_hex(2)}"


class TraceWriter:
    """Appends JSON records to `<runs_dir>/<run_id>/trace.jsonl`, flushing each so a crash keeps the steps."""

    def __init__(self, runs_dir: str | Path, run_id: str) -> None:
        self.run_id = run_id
        self.directory = Path(runs_dir) / run_id
        self.directory.mkdir(parents=True, exist_ok=True)
        self.path = self.directory / TRACE_FILE
        self._fh: IO[str] | None = self.path.open("a", encoding="utf-8")
        self.steps = 0

    def write(self, kind: str, **fields: Any) -> None:
        if self._fh is None:
            raise ValueError(f"trace {self.path} is closed")
        record = {"kind": kind, **fields}
        if kind == "step":
            self.steps += 1
            record["seq"] = self.steps
        self._fh.write(json.dumps(record, default=_jsonable, ensure_ascii=False) + "\n")
        self._fh.flush()

    def save_final(self, code: str) -> Path:
        path = self.directory / FINAL_FILE
        path.write_text(code)
        return path

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class NullTrace:
    """A trace that keeps records in memory only (tests, `write_trace=False`)."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.path: Path | None = None
        self.records: list[dict[str, Any]] = []
        self.steps = 0

    def write(self, kind: str, **fields: Any) -> None:
        record = {"kind": kind, **fields}
        if kind == "step":
            self.steps += 1
            record["seq"] = self.steps
        self.records.append(json.loads(json.dumps(record, default=_jsonable)))

    def save_final(self, code: str) -> None:
        return None

    def close(self) -> None:
        return None


def _jsonable(value: object) -> object:
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "value") and hasattr(value, "name"):  # Enum
        return value.name
    return repr(value)


def read_trace(path: str | Path) -> list[dict[str, Any]]:
    return list(iter_trace(path))


def iter_trace(path: str | Path) -> Iterator[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def find_trace(
    run: str, runs_dir: str | Path = ".rtlsmith/runs", bench_traces: str | Path | None = None
) -> Path:
    """The trace file for a run id (or a unique prefix of one), a run directory, or a trace path.

    Runs of `rtlsmith run` are looked up under `runs_dir`; then a bench's traces under `bench_traces`
    (`bench-traces/` next to the bench database), where a sample is `BENCH_RUN/TASK-sN`, each part a prefix,
    or `TASK-sN` alone when only one bench run has it.
    """
    given = Path(run)
    if given.is_file():
        return given
    if (given / TRACE_FILE).is_file():
        return given / TRACE_FILE
    root = Path(runs_dir)
    exact = root / run / TRACE_FILE
    if exact.is_file():
        return exact
    matches = (
        sorted(d for d in root.glob(f"{_glob_safe(run)}*") if (d / TRACE_FILE).is_file())
        if root.is_dir()
        else []
    )
    where = f"{root}/"
    if not matches and bench_traces is not None and Path(bench_traces).is_dir():
        matches = _bench_matches(run, Path(bench_traces))
        where = f"{root}/ or {bench_traces}/"
    if len(matches) == 1:
        return matches[0] / TRACE_FILE
    if len(matches) > 1:
        names = ", ".join(_shown(m, bench_traces) for m in matches[:5])
        more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
        raise UsageError(f"run id {run!r} is ambiguous under {where}: {names}{more}; give more of it")
    raise UsageError(
        f"no run {run!r} under {where}; `ls {root}` lists agent runs, a bench sample is BENCH_RUN/TASK-sN "
        "(`rtlsmith runs` lists bench runs; --db names the database the bench wrote)"
    )


def _glob_safe(text: str) -> str:
    return re.sub(r"([*?\[\]])", r"[\1]", text)


def _bench_matches(run: str, root: Path) -> list[Path]:
    bench, sep, sample = run.partition("/")
    pattern = f"{_glob_safe(bench)}*/{_glob_safe(sample)}*" if sep else f"*/{_glob_safe(run)}*"
    found = sorted(d for d in root.glob(pattern) if (d / TRACE_FILE).is_file())
    if sep:
        exact = [d for d in found if d.parent.name == bench and d.name == sample]
        return exact or found
    exact = [d for d in found if d.name == run]
    return exact or found


def _shown(match: Path, bench_traces: str | Path | None) -> str:
    if bench_traces is not None and match.parent.parent == Path(bench_traces):
        return f"{match.parent.name}/{match.name}"
    return match.name


def latest_run(runs_dir: str | Path = ".rtlsmith/runs") -> str | None:
    root = Path(runs_dir)
    if not root.is_dir():
        return None
    runs = [d for d in root.iterdir() if (d / TRACE_FILE).is_file()]
    return max(runs, key=lambda d: os.path.getmtime(d / TRACE_FILE)).name if runs else None
