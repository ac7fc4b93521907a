"""`rtlsmith bench` at scale: wall time against the simulators' own time; memory as the sample count grows.

A replay model answers every sample with the task's reference design (renamed to TopModule), so the agent
costs nothing and the bench's time is simulation plus harness. The judge cache is OFF (`--no-judge-cache`):
every one of the samples is really compiled and simulated, so the sum of the stored raw tool times (each
sample's sandboxed compile+simulate wall time, `judge_time_s`) is over exactly the simulations that ran.

For each size the bench runs as a child process (`rtlsmith bench --samples K -j 2` over the bundled suite, a
fresh database), and this script reports:

- wall: the child's whole run, and the bench session alone (planning to last result stored);
- ideal: (sum of raw tool times) / jobs; the target is wall <= 1.2 x ideal;
- peak RSS: the bench process's own peak (ru_maxrss), the largest child's (a simulator), and the peak of the
  whole process tree sampled from /proc every 50 ms; the target is that they stay flat as samples grow.

    PYTHONPATH=src python bench/bench_scaling.py [--sizes 250,1000] [-j 2] [--traces]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from rtlsmith.scoring.samples import reference_completion
from rtlsmith.suites import load_suite

TARGET = 1.2
SRC = Path(__file__).resolve().parents[1] / "src"

# Runs the bench in this child process and prints its rusage, so the figures are the bench's own.
CHILD = """
import json, resource, sys
from rtlsmith.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print("RUSAGE " + json.dumps({"self_kb": me.ru_maxrss, "children_kb": kids.ru_maxrss}), file=sys.stderr)
"""


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, in kB (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        pid = int(entry)
        parents[pid] = int(stat.rsplit(")", 1)[1].split()[1])
        rss[pid] = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        for child, parent in parents.items():
            if parent == p and child not in tree:
                tree.add(child)
                frontier.append(child)
    return sum(rss.get(p, 0) for p in tree)


def run_size(per_task: int, jobs: int, workdir: Path, samples: Path, traces: bool) -> dict[str, float]:
    db = workdir / f"bench-{per_task}.sqlite"
    args = [
        "bench", "--suite", "bundled", "--model", f"replay:{samples}", "--agent", "oneshot",
        "--samples", str(per_task), "-j", str(jobs), "--db", str(db), "--no-judge-cache", "--json",
    ]  # fmt: skip
    if not traces:
        args.append("--no-traces")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])))
    env["XDG_CACHE_HOME"] = str(workdir / "cache")
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args], cwd=workdir, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    peak_tree = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not stop.is_set():
            peak_tree = max(peak_tree, _tree_rss_kb(proc.pid))
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.monotonic() - start
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"bench failed ({proc.returncode}):\n{err[-3000:]}")
    summary = json.loads(out)
    rusage = json.loads(next(line for line in err.splitlines() if line.startswith("RUSAGE "))[7:])
    with sqlite3.connect(db) as conn:
        n, tool_s, cached, passed = conn.execute(
            "SELECT COUNT(*), SUM(judge_time_s), SUM(judge_cached), SUM(passed) FROM results"
        ).fetchone()
    assert cached == 0, "the judge cache was on; the comparison would not be honest"
    return {
        "samples": n,
        "passed": passed,
        "wall_s": wall,
        "session_s": summary["session"]["wall_s"],
        "tool_s": tool_s,
        "ideal_s": tool_s / jobs,
        "self_mb": rusage["self_kb"] / 1024,
        "child_mb": rusage["children_kb"] / 1024,
        "tree_mb": peak_tree / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="250,1000", help="Total sample counts to run (rounded to whole tasks)."
    )
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument(
        "--traces", action="store_true", help="Write an agent trace per sample (default: off)."
    )
    opts = parser.parse_args()
    suite = load_suite("bundled")
    print(f"bundled suite: {len(suite)} tasks ({suite.content_hash()}); -j {opts.jobs}; judge cache off; "
          f"traces {'on' if opts.traces else 'off'}; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="rtlsmith-scaling-") as tmp:
        workdir = Path(tmp)
        samples = workdir / "references.jsonl"
        with samples.open("w") as fh:
            for t in suite:
                fh.write(json.dumps({"task_id": t.id, "completion": reference_completion(t)}) + "\n")
        rows = []
        for size in (int(s) for s in opts.sizes.split(",")):
            per_task = max(1, math.ceil(size / len(suite)))
            r = run_size(per_task, opts.jobs, workdir, samples, opts.traces)
            rows.append(r)
            print(
                f"{r['samples']:5d} samples ({per_task}/task, {r['passed']} passed): "
                f"wall {r['wall_s']:6.1f} s "
                f"(session {r['session_s']:6.1f} s); raw tool time {r['tool_s']:6.1f} s, /{opts.jobs} = "
                f"{r['ideal_s']:6.1f} s; wall/ideal {r['wall_s'] / r['ideal_s']:.3f} "
                f"(session {r['session_s'] / r['ideal_s']:.3f}); peak RSS: bench {r['self_mb']:.0f} MB, "
                f"largest child {r['child_mb']:.0f} MB, process tree {r['tree_mb']:.0f} MB",
                flush=True,
            )
    big, small = rows[-1], rows[0]
    ratio = big["wall_s"] / big["ideal_s"]
    print(f"\nwall / ((sum of raw tool times) / {opts.jobs}) at {big['samples']} samples: {ratio:.3f} "
          f"(target <= {TARGET}): {'OK' if ratio <= TARGET else 'NOT MET'}")  # fmt: skip
    if len(rows) > 1:
        growth = big["self_mb"] - small["self_mb"]
        print(
            f"bench peak RSS {small['self_mb']:.0f} MB at {small['samples']} samples, "
            f"{big['self_mb']:.0f} MB at {big['samples']} ({growth:+.1f} MB); "
            f"process tree {small['tree_mb']:.0f} -> {big['tree_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
