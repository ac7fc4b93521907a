"""Helpers for bench tests: replay samples built from bundled references, bench command lines, DB readers."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from rtlsmith.bench.store import ResultRow
from rtlsmith.suites import load_suite
from rtlsmith.task import Port, Purpose, Task
from rtlsmith.tools.toolchain import have

SRC = Path(__file__).resolve().parents[2] / "src"

needs_iverilog = pytest.mark.skipif(
    not (have("iverilog") and have("vvp")),
    reason="Icarus Verilog (iverilog, vvp) is not installed: apt-get install -y iverilog",
)


def bundled_tasks(count: int) -> list[Task]:
    suite = load_suite("bundled")
    if len(suite) < count:
        pytest.skip(f"the bundled suite has {len(suite)} tasks; this test needs {count}")
    return list(suite.tasks[:count])


def reference(task: Task) -> str:
    """The task's reference, renamed to the module the candidate must define."""
    ref = task.hidden.unseal(Purpose.SCORING).reference
    assert ref is not None
    return ref.replace("RefModule", "TopModule")


def wrong(task: Task) -> str:
    """A design that compiles and drives every output to zero: a runtime mismatch for any real task."""
    ports = [Port(p.name, p.direction, p.width, p.signed) for p in task.public.interface.ports]
    header = type(task.public.interface)("TopModule", tuple(ports)).header()
    body = "\n".join(f"  assign {p.name} = 0;" for p in ports if p.direction == "output")
    return f"{header}\n{body}\nendmodule\n"


SYNTAX_ERROR = "module TopModule (input a, output y);\n  assign y = ;\nendmodule\n"

ANSWERS = {"ref": reference, "wrong": wrong, "syntax": lambda _t: SYNTAX_ERROR}


def write_samples(path: Path, tasks: Sequence[Task], pattern: Sequence[str] = ("ref",)) -> Path:
    """A replay samples file: task i's completions follow `pattern`, rotated by i so verdicts vary by task."""
    with path.open("w") as fh:
        for i, task in enumerate(tasks):
            for j in range(len(pattern)):
                kind = pattern[(i + j) % len(pattern)]
                fh.write(json.dumps({"task_id": task.id, "completion": ANSWERS[kind](task)}) + "\n")
    return path


def subprocess_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # the longest-first duration cache
    env.pop("RTLSMITH_BENCH_DB", None)
    return env


def bench_argv(db: Path, samples: Path, tasks: Sequence[Task], n: int, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "rtlsmith.cli", "bench", "--suite", "bundled", "--model", f"replay:{samples}",
        "--agent", "oneshot", "--samples", str(n), "-j", "2", "--tasks", ",".join(t.id for t in tasks),
        "--db", str(db), "--no-judge-cache", "--no-traces", "--json", *extra,
    ]  # fmt: skip


def repo_status() -> str:
    """`git status` of the project, ignored files included (but not Python's and pytest's caches, which
    any import may add to): a bench run elsewhere must leave it as it was."""
    out = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
        cwd=SRC.parent, capture_output=True, text=True, check=False,
    )  # fmt: skip
    caches = ("__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache")
    return "\n".join(line for line in out.stdout.splitlines() if not any(c in line for c in caches))


def count_results(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM results").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # the schema is not there yet


def stored(db: Path) -> dict[tuple[str, int], tuple[Any, ...]]:
    """What matters about each stored result: verdict, design, seed and task hash, keyed by (task, sample)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT task_id, sample_idx, passed, failure_class, code_hash, seed, task_hash, run_id "
            "FROM results"
        ).fetchall()
    out = {(r[0], r[1]): tuple(r[2:]) for r in rows}
    assert len(out) == len(rows), "a (task, sample) pair is stored twice"
    return out


def result_row(
    task_id: str,
    idx: int,
    passed: bool,
    failure_class: str | None = None,
    *,
    iterations: int = 1,
    tokens: int = 0,
    cost: float | None = None,
    run_id: str = "r",
    task_hash: str = "h",
) -> ResultRow:
    """A synthetic result for metric tests."""
    return ResultRow(
        run_id=run_id, task_id=task_id, sample_idx=idx, task_hash=task_hash, prompt_hash="p", seed=idx,
        model_id="m", mode="honest", final_code="", code_hash="c", passed=passed,
        failure_class=failure_class or ("." if passed else "R"), mismatches=None, verdict={},
        judge_cached=False, judge_time_s=0.5, passed_public=None,
        stop_reason="passed" if passed else "max_iterations", checks_kind="none", iterations=iterations,
        prompt_tokens=tokens, completion_tokens=0, cost_usd=cost,
        wall_s=1.0, model_time_s=0.8, tool_time_s=0.1, trace_path=None,
    )  # fmt: skip
