"""Input assumptions for a whole suite, from a file: task id -> a Verilog expression over the task's inputs
that holds in every cycle (`score --formal-assumptions`, `bench --formal-assumptions`).

VerilogEval states such assumptions in prose ("assume a one-hot encoding", "x never changes while ..."):
a file lets a user state them once for every task, so formal checks do not report differences on inputs the
spec rules out. TOML (a table `[assume]`) or JSON (an object, or one under "assume"):

    [assume]
    Prob079_fsm3onehot = "$onehot(state)"

A task's own assumption (a native task's `[formal] assume`) is used where the file names none.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

from rtlsmith.errors import UsageError
from rtlsmith.formal.equiv import assumption_expression


def load_assumptions(path: str | Path, task_ids: Iterable[str] | None = None) -> dict[str, str]:
    """{task id: expression} from a TOML or JSON file. UsageError, naming the file and the entry, when the
    file cannot be read, an entry is not one expression, or (given `task_ids`) a task is not in the suite."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read the assumptions file {p}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        kind = "JSON" if p.suffix.lower() == ".json" else "TOML"
        raise UsageError(f"{p} is not valid {kind}: {exc}") from exc
    table = data.get("assume", data) if isinstance(data, Mapping) else None
    if not isinstance(table, Mapping) or not table:
        raise UsageError(f'{p}: expected a table of task id = "expression" (under [assume]); found none')
    out: dict[str, str] = {}
    for task_id, expr in table.items():
        if not isinstance(expr, str):
            raise UsageError(f"{p}: the assumption for {task_id} must be a string, not {type(expr).__name__}")
        try:
            out[str(task_id)] = assumption_expression(expr)
        except ValueError as exc:
            raise UsageError(f"{p}: {task_id}: {exc}") from exc
    if task_ids is not None:
        known = set(task_ids)
        unknown = sorted(t for t in out if t not in known)
        if unknown:
            shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
            raise UsageError(f"{p}: {len(unknown)} task id(s) not in the suite: {shown}")
    return out
