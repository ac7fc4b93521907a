"""The default model's agents measured side by side: oneshot, smith and hybrid, honest mode, one sample each,
on a seeded VerilogEval v2 subset and on the bundled suite. Prints the table the README shows.

    python bench/designer.py [--db .rtlsmith/designer.sqlite] [--tasks 40] [--task-seed 1]
                             [--agents oneshot,smith,hybrid] [--suites v2,bundled] [--model embedded]
                             [--table-only]

Every (suite, agent) pair is one `rtlsmith bench` run in the same database: the script may be stopped at any
point (Ctrl-C, kill) and rerun with the same arguments; finished samples are kept and only the rest is run.
Pass rates come with Wilson 95% intervals over the task count.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

from rtlsmith.suites import data_dir

_REPO = Path(__file__).resolve().parents[1]


def wilson(passed: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a pass rate (as fractions)."""
    if n == 0:
        return (math.nan, math.nan)
    p = passed / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def suite_specs(tasks: int, seed: int) -> dict[str, tuple[str, list[str]]]:
    """Suite name -> (suite spec, extra bench arguments)."""
    out: dict[str, tuple[str, list[str]]] = {"bundled": ("bundled", [])}
    v2 = data_dir("verilog-eval-v2", _REPO)
    if v2 is not None:
        spec = f"verilog-eval-v2:{(v2 / 'dataset_spec-to-rtl').resolve()}"
        out["v2"] = (spec, ["--sample-tasks", str(tasks), "--task-seed", str(seed)])
    return out


# The budget of the repairing agents on a 2-core CPU: 4 design iterations (default 8). Tasks with no public
# checks use the default policy, selection by agreement among 3 drafts.
BUDGET = ["--max-iterations", "4"]


def run_bench(db: Path, suite: str, extra: list[str], agent: str, model: str) -> str:
    """Run (or resume) one bench; returns its run id."""
    budget = BUDGET if agent in ("smith", "hybrid") else []
    argv = [
        sys.executable, "-m", "rtlsmith.cli", "bench", "--suite", suite, "--agent", agent, "--model", model,
        "--samples", "1", "-j", "2", "--db", str(db), "--json", *extra, *budget,
    ]  # fmt: skip
    print(f"$ {' '.join(argv[2:])}", file=sys.stderr, flush=True)
    proc = subprocess.run(argv, stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench failed with status {proc.returncode}")
    return str(json.loads(proc.stdout)["run_id"])


def summarise(db: Path, run_id: str) -> dict[str, object]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT passed, failure_class, stop_reason, prompt_tokens + completion_tokens, wall_s, "
            "iterations FROM results WHERE run_id = ?",
            (run_id,),
        ).fetchall()
    n = len(rows)
    passed = sum(1 for r in rows if r[0])
    lo, hi = wilson(passed, n)
    return {
        "n": n,
        "passed": passed,
        "rate": passed / n if n else math.nan,
        "ci": (lo, hi),
        "tokens": sum(r[3] for r in rows) / n if n else math.nan,
        "seconds": sum(r[4] for r in rows) / n if n else math.nan,
        "iterations": sum(r[5] for r in rows) / n if n else math.nan,
        "stops": Counter(str(r[2]) for r in rows),
        "classes": Counter(str(r[1]) for r in rows if not r[0]),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=_REPO / ".rtlsmith" / "designer.sqlite")
    ap.add_argument("--tasks", type=int, default=40, help="VerilogEval v2 subset size")
    ap.add_argument("--task-seed", type=int, default=1)
    ap.add_argument("--agents", default="oneshot,hybrid,smith")
    ap.add_argument("--suites", default="v2,bundled")
    ap.add_argument("--model", default="embedded")
    args = ap.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    specs = suite_specs(args.tasks, args.task_seed)
    table: list[tuple[str, str, dict[str, object]]] = []
    for name in [s.strip() for s in args.suites.split(",") if s.strip()]:
        if name not in specs:
            print(f"suite {name}: not available (VerilogEval v2 data not found; set RTLSMITH_DATA)")
            continue
        spec, extra = specs[name]
        for agent in [a.strip() for a in args.agents.split(",") if a.strip()]:
            run_id = run_bench(args.db, spec, extra, agent, args.model)
            table.append((name, agent, summarise(args.db, run_id)))
            print_table(table, args)
    print_table(table, args)


def print_table(table: list[tuple[str, str, dict[str, object]]], args: argparse.Namespace) -> None:
    sizes = f"v2: {args.tasks} tasks, seed {args.task_seed}"
    print(f"\nmodel {args.model}, honest mode, 1 sample per task ({sizes})")
    head = (
        f"{'suite':<8} {'agent':<8} {'pass@1':>7} {'95% CI':>13} {'tok/task':>9} {'s/task':>7} {'iters':>5}"
    )
    print(head + "  stops")
    for suite, agent, s in table:
        lo, hi = s["ci"]  # type: ignore[misc]
        stops = ", ".join(f"{k} {v}" for k, v in s["stops"].most_common())  # type: ignore[attr-defined]
        print(
            f"{suite:<8} {agent:<8} {s['passed']:>3}/{s['n']:<3} {lo * 100:5.1f}-{hi * 100:5.1f}% "
            f"{s['tokens']:>9.0f} {s['seconds']:>7.1f} {s['iterations']:>5.1f}  {stops}"
        )
        classes = ", ".join(f"{k} {v}" for k, v in sorted(s["classes"].items()))  # type: ignore[attr-defined]
        print(f"{'':<17} failures by class: {classes or '-'}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
