"""Smith with and without properties as a public check (issue 19, item 3): same model, same tasks, honest
mode, one sample each. Prints pass@1 of both arms on the tasks both finished, with Wilson 95% intervals,
the paired wins and losses, and what the properties did (written, usable, refuting a design).

    python bench/smith_properties.py [--suite v2|bundled] [--db .rtlsmith/designer.sqlite] [--tasks 12]
                                     [--seed 0] [--without-run RUN_ID] [--summary-only]

The tasks are a seeded sample of `--tasks`, chosen as `bench --sample-tasks` chooses (sha256 ranks): from
the VerilogEval v2 subset that bench/designer.py measures (`--sample-tasks 40 --task-seed 1`), or from the
bundled suite. Each arm is one resumable `rtlsmith bench` run in the database; stop it at any point and
rerun with the same arguments.

`--without-run RUN_ID` reads the arm without properties from a stored smith run of the same settings (for
instance bench/designer.py's 40-task run) instead of running it again: the script checks that the stored
run's identity equals this arm's apart from the task selection and the (then absent) `assertions` field,
and that it holds every chosen task; otherwise it stops with the difference.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from rtlsmith.bench.evidence import wilson
from rtlsmith.bench.runner import sample_tasks
from rtlsmith.suites import data_dir, load_suite

_REPO = Path(__file__).resolve().parents[1]
BUDGET = ["--max-iterations", "4"]  # as bench/designer.py gives smith on a 2-core CPU


def v2_spec() -> str:
    v2 = data_dir("verilog-eval-v2", _REPO)
    if v2 is None:
        raise SystemExit("VerilogEval v2 not found: set RTLSMITH_DATA to the folder holding verilog-eval-v2")
    return f"verilog-eval-v2:{(v2 / 'dataset_spec-to-rtl').resolve()}"


def chosen_tasks(spec: str, n: int, seed: int, from_n: int, from_seed: int) -> list[str]:
    pool = list(load_suite(spec).tasks)
    if spec != "bundled":
        pool = sample_tasks(pool, from_n, from_seed)
    return [t.id for t in sample_tasks(pool, n, seed)]


def run_arm(db: Path, spec: str, tasks: list[str], model: str, properties: bool) -> str:
    argv = [
        sys.executable, "-m", "rtlsmith.cli", "bench", "--suite", spec, "--agent", "smith", "--model", model,
        "--samples", "1", "-j", "2", "--db", str(db), "--json", "--tasks", ",".join(tasks), *BUDGET,
        *(["--agent-option", "assertions=true"] if properties else []),
    ]  # fmt: skip
    print(f"$ {' '.join(argv[2:])}", file=sys.stderr, flush=True)
    proc = subprocess.run(argv, stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench failed with status {proc.returncode}")
    return str(json.loads(proc.stdout)["run_id"])


def identity(db: Path, run_id: str) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT identity_json FROM runs WHERE run_id = ?", (run_id,)).fetchone()
    if row is None:
        raise SystemExit(f"no run {run_id!r} in {db}")
    return dict(json.loads(row[0]))


def comparable(ident: dict[str, Any]) -> dict[str, Any]:
    """The identity without what may differ between a stored run and this arm."""
    out: dict[str, Any] = json.loads(json.dumps(ident))
    out.pop("tasks", None)
    out["agent"]["config"].pop("assertions", None)
    return out


def outcomes(db: Path, run_id: str, tasks: list[str]) -> dict[str, dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT task_id, passed, prompt_tokens + completion_tokens, wall_s, stop_reason, trace_path "
            "FROM results WHERE run_id = ? AND sample_idx = 0",
            (run_id,),
        ).fetchall()
    keep = set(tasks)
    return {
        r[0]: {"passed": bool(r[1]), "tokens": r[2], "seconds": r[3], "stop": r[4], "trace": r[5]}
        for r in rows
        if r[0] in keep
    }


def property_use(trace: str | None) -> tuple[bool, int]:
    """(usable properties were written, designs they refuted) from a sample's trace."""
    if not trace or not Path(trace).is_file():
        return False, 0
    usable = False
    refuted = 0
    for line in Path(trace).read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec.get("kind") != "step":
            continue
        usable = usable or rec.get("note") == "properties written"
        for v in rec.get("verdicts") or []:
            if isinstance(v, dict) and v.get("check") == "properties":
                usable = True
                refuted += not v.get("ok", True)
    return usable, refuted


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", choices=("v2", "bundled"), default="v2")
    ap.add_argument("--db", type=Path, default=_REPO / ".rtlsmith" / "designer.sqlite")
    ap.add_argument("--tasks", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--from-tasks", type=int, default=40)
    ap.add_argument("--from-seed", type=int, default=1)
    ap.add_argument("--model", default="embedded")
    ap.add_argument(
        "--without-run", default="", help="stored smith run to read the arm without properties from"
    )
    ap.add_argument("--with-run", default="", help="with --summary-only: the stored arm with properties")
    ap.add_argument(
        "--summary-only", action="store_true", help="run nothing; needs --with-run and --without-run"
    )
    args = ap.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    spec = v2_spec() if args.suite == "v2" else "bundled"
    tasks = chosen_tasks(spec, args.tasks, args.seed, args.from_tasks, args.from_seed)
    print(f"{len(tasks)} tasks: {', '.join(tasks)}", flush=True)
    if args.summary_only:
        if not (args.with_run and args.without_run):
            raise SystemExit("--summary-only needs --with-run and --without-run")
        with_run = args.with_run
    else:
        with_run = run_arm(args.db, spec, tasks, args.model, properties=True)
    if args.without_run:
        without_run = args.without_run
        mine, theirs = comparable(identity(args.db, with_run)), comparable(identity(args.db, without_run))
        if mine != theirs:
            raise SystemExit(f"{without_run} was made with other settings:\n{theirs}\nvs\n{mine}")
        missing = set(tasks) - set(outcomes(args.db, without_run, tasks))
        if missing:
            raise SystemExit(f"{without_run} lacks {sorted(missing)}; run without --without-run")
    else:
        without_run = run_arm(args.db, spec, tasks, args.model, properties=False)
    a, b = outcomes(args.db, with_run, tasks), outcomes(args.db, without_run, tasks)
    both = [t for t in tasks if t in a and t in b]
    print(
        f"\n{args.suite}: smith, model {args.model}, honest mode, max 4 iterations; "
        f"{len(both)} tasks both arms finished"
    )
    for name, arm, run in (("without", b, without_run), ("with", a, with_run)):
        n = len(both)
        k = sum(arm[t]["passed"] for t in both)
        lo, hi = wilson(k, n)
        tok = sum(arm[t]["tokens"] for t in both) / max(n, 1)
        sec = sum(arm[t]["seconds"] for t in both) / max(n, 1)
        print(f"  {name:<8} properties: {k}/{n} ({lo * 100:.1f}-{hi * 100:.1f}%), {tok:.0f} tokens and "
              f"{sec:.0f} s per task  [{run}]")  # fmt: skip
    wins = [t for t in both if a[t]["passed"] and not b[t]["passed"]]
    losses = [t for t in both if b[t]["passed"] and not a[t]["passed"]]
    print(f"  with properties passed {len(wins)} the other did not ({', '.join(wins) or '-'}), "
          f"lost {len(losses)} ({', '.join(losses) or '-'})")  # fmt: skip
    use = {t: property_use(a[t]["trace"]) for t in both}
    usable = sum(u for u, _ in use.values())
    refuting = [t for t, (_, r) in use.items() if r]
    print(f"  properties usable (in the subset Yosys checks) on {usable}/{len(both)} tasks; they refuted a "
          f"design on {len(refuting)} ({', '.join(refuting) or '-'})")  # fmt: skip


if __name__ == "__main__":
    main()
