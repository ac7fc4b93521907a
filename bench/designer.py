"""The default model's agents measured side by side: oneshot, smith and hybrid, honest mode, one sample each,
on a seeded VerilogEval v2 subset and on the bundled suite. Prints the table the README shows.

    python bench/designer.py [--db .rtlsmith/designer.sqlite] [--tasks 40] [--task-seed 1]
                             [--agents oneshot,smith,hybrid] [--suites v2,bundled] [--model embedded]
                             [--suite-spec LABEL=SPEC ...] [--table-only]

`--suite-spec` adds any suite the bench takes (`native:DIR`, `verilog-eval-v2:DIR`, ...), subset the same way
as v2 (a suite of at most `--tasks` tasks is taken whole): the same table on tasks this project has never
seen, e.g. `--suites held-out --suite-spec held-out=native:/path/to/tasks`.

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

from rtlsmith.bench.evidence import wilson
from rtlsmith.suites import data_dir

_REPO = Path(__file__).resolve().parents[1]


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


def latest_run(db: Path, suite_spec: str, agent: str) -> str | None:
    """The newest run of `agent` on the suite `suite_spec` names, if the database has one."""
    if not db.exists():
        return None
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT run_id FROM runs WHERE suite_spec = ? AND agent_name = ? ORDER BY created DESC LIMIT 1",
            (suite_spec, agent),
        ).fetchone()
    return str(row[0]) if row else None


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
        "run_id": run_id,
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
    ap.add_argument(
        "--table-only", action="store_true", help="print the table of the latest stored runs; run nothing"
    )
    ap.add_argument(
        "--suite-spec",
        action="append",
        default=[],
        metavar="LABEL=SPEC",
        help="another suite, named LABEL in --suites and the table (repeatable)",
    )
    args = ap.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    specs = suite_specs(args.tasks, args.task_seed)
    for item in args.suite_spec:
        label, sep, spec = item.partition("=")
        if not sep or not label.strip() or not spec.strip():
            ap.error(f"--suite-spec {item!r}: expected LABEL=SPEC, e.g. held-out=native:/path/to/tasks")
        subset = ["--sample-tasks", str(args.tasks), "--task-seed", str(args.task_seed)]
        specs[label.strip()] = (spec.strip(), subset)
    table: list[tuple[str, str, dict[str, object]]] = []
    for name in [s.strip() for s in args.suites.split(",") if s.strip()]:
        if name not in specs:
            known = ", ".join(sorted(specs)) or "none"
            print(
                f"suite {name}: not available (known here: {known}; VerilogEval v2 needs RTLSMITH_DATA, "
                "any other suite --suite-spec LABEL=SPEC)"
            )
            continue
        spec, extra = specs[name]
        for agent in [a.strip() for a in args.agents.split(",") if a.strip()]:
            found = latest_run(args.db, spec, agent) if args.table_only else None
            if args.table_only and found is None:
                continue
            run_id = found or run_bench(args.db, spec, extra, agent, args.model)
            table.append((name, agent, summarise(args.db, run_id)))
            if not args.table_only:
                print_table(table, args)
    print_table(table, args)


def why(db: Path, run_id: str) -> str:
    """What the run's traces say about its repairs and agreement: repair answers that repeated an earlier
    design, candidates that passed after a fresh draft, agreement group shapes, mechanical fixes."""
    with sqlite3.connect(db) as conn:
        paths = [r[0] for r in conn.execute("SELECT trace_path FROM results WHERE run_id = ?", (run_id,))]
    repairs = repeated = fixes = 0
    majority = split = 0
    for path in paths:
        for trace in (
            sorted(Path(path).parent.parent.glob(Path(path).parent.name + "*/trace.jsonl")) if path else []
        ):
            for line in trace.read_text().splitlines():
                rec = json.loads(line)
                if rec.get("kind") != "step":
                    continue
                fixes += len(rec.get("fixes") or [])
                if rec.get("state") == "REPAIR" and rec.get("event") == "repaired":
                    repairs += 1
                    repeated += "repeated" in str(rec.get("note") or "")
                for v in rec.get("verdicts") or []:
                    if isinstance(v, dict) and v.get("check") == "agreement":
                        sizes = sorted((len(g) for g in v.get("groups") or []), reverse=True)
                        majority += bool(sizes) and sizes[0] >= 2
                        split += bool(sizes) and sizes[0] < 2
    return (
        f"repair answers {repairs}, of which {repeated} repeated an earlier design (a fresh draft at "
        f"temperature 0.7 replaced them); mechanical fixes {fixes}; agreement: {majority} with a group of "
        f"2+ candidates behaving alike, {split} where every candidate behaved differently"
    )


def paired(db: Path, run_a: str, run_b: str) -> tuple[int, int, int]:
    """(tasks both runs finished, passes of A on them, passes of B on them): a fair comparison while one
    of the runs is still partial."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT a.passed, b.passed FROM results a JOIN results b ON a.task_id = b.task_id "
            "AND a.sample_idx = b.sample_idx WHERE a.run_id = ? AND b.run_id = ?",
            (run_a, run_b),
        ).fetchall()
    return len(rows), sum(1 for r in rows if r[0]), sum(1 for r in rows if r[1])


def print_table(table: list[tuple[str, str, dict[str, object]]], args: argparse.Namespace) -> None:
    subsets = ", ".join(["v2", *(i.partition("=")[0].strip() for i in args.suite_spec)])
    sizes = f"{subsets}: {args.tasks} tasks, seed {args.task_seed}"
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
        print(f"{'':<17} run {s['run_id']}")
        if agent != "oneshot":
            print(f"{'':<17} traces: {why(args.db, str(s['run_id']))}")
        base = next((b for su, ag, b in table if su == suite and ag == "oneshot"), None)
        if agent != "oneshot" and base is not None:
            n, mine, theirs = paired(args.db, str(s["run_id"]), str(base["run_id"]))
            print(f"{'':<17} on the {n} tasks both finished: {agent} {mine}, oneshot {theirs}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
