"""Formal equivalence over the bundled suite: every reference against itself, then every hand-written mutant
(rtlsmith/suites/bundled_mutants/<task>/<name>.sv) against its reference, with the mutant's simulation
verdict.

    PYTHONPATH=src python bench/formal_bundled.py              # 10 s limit per check, 2 workers
    PYTHONPATH=src python bench/formal_bundled.py -v           # one line per check

A reference against itself should be PROVEN. A mutant fails the suite's testbench by construction (its
expected failure class is in bundled_mutants/expected.toml); one that fails simulation must never be
PROVEN, and the script says whether any was (exit status 1 if so).
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from formal_summary import print_counts  # bench/, beside this script

from rtlsmith.formal.check import formal_check
from rtlsmith.formal.result import EquivalenceResult, Outcome
from rtlsmith.scoring.samples import reference_completion
from rtlsmith.suites import bundled_mutants_path, load_suite
from rtlsmith.task import Task
from rtlsmith.tools.judge import judge
from rtlsmith.tools.toolchain import have, versions

MUTANTS = bundled_mutants_path()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per check (default 10)")
    ap.add_argument("--depth", type=int, default=20, help="longest induction tried (default 20)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-mutants", action="store_true", help="only the references against themselves")
    ap.add_argument("--no-isolate", action="store_true", help="run without bubblewrap")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per check")
    args = ap.parse_args(argv)
    if not have("yosys"):
        print("yosys not found; install it (apt-get install -y yosys)", file=sys.stderr)
        return 2
    suite = load_suite("bundled")
    tasks = list(suite)
    opts = {"timeout_s": args.timeout, "depth": args.depth, "isolate": not args.no_isolate}
    print(f"tools: {versions(('yosys', 'iverilog', 'bwrap'))}")
    print(f"{len(tasks)} bundled tasks; {args.timeout:g} s limit each; {args.workers} workers")

    def self_check(task: Task) -> EquivalenceResult:
        return formal_check(task, reference_completion(task), **opts)

    t0 = time.monotonic()
    with ThreadPoolExecutor(args.workers) as pool:
        results = list(pool.map(self_check, tasks))
    report("reference vs itself", [t.id for t in tasks], results, time.monotonic() - t0, args.verbose,
           expect=Outcome.PROVEN)  # fmt: skip
    bad_self = sum(1 for r in results if r.outcome is not Outcome.PROVEN)
    if args.no_mutants:
        return 0

    expected: dict[str, dict[str, str]] = tomllib.loads((MUTANTS / "expected.toml").read_text())
    by_id = {t.id: t for t in tasks}
    cases = sorted((tid, name) for tid, names in expected.items() for name in names)

    def mutant_check(case: tuple[str, str]) -> EquivalenceResult:
        tid, name = case
        task = by_id[tid]
        source = (MUTANTS / tid / f"{name}.sv").read_text()
        verdict = judge(task, source) if have("iverilog") else None
        return formal_check(task, source, verdict=verdict, **opts)

    t0 = time.monotonic()
    with ThreadPoolExecutor(args.workers) as pool:
        mres = list(pool.map(mutant_check, cases))
    labels = [f"{tid}.{name} [{expected[tid][name]}]" for tid, name in cases]
    report("bundled mutant vs reference", labels, mres, time.monotonic() - t0, args.verbose,
           expect=Outcome.COUNTEREXAMPLE)  # fmt: skip
    sim_fail = [r for r in mres if r.simulation_passed is False]
    print(f"  simulation: {len(sim_fail)} mutants fail the suite's testbench, "
          f"{sum(1 for r in mres if r.simulation_passed is True)} pass it")  # fmt: skip
    by_outcome = Counter(r.outcome.name for r in sim_fail)
    print("  of those failing simulation: " + ", ".join(f"{k} {v}" for k, v in sorted(by_outcome.items())))
    false_proofs = [
        lab for lab, r in zip(labels, mres, strict=True) if r.proven and r.simulation_passed is False
    ]
    print(f"  simulation-failing mutants PROVEN: {len(false_proofs)}")
    for lab in false_proofs:
        print(f"    {lab}")
    methods = Counter(r.method for r in results + mres if r.proven)
    print("\nPROVEN by method: " + ", ".join(f"{k or '-'} {v}" for k, v in sorted(methods.items())))
    return 1 if false_proofs or bad_self else 0


def report(
    title: str,
    labels: list[str],
    results: list[EquivalenceResult],
    wall: float,
    verbose: bool,
    expect: Outcome | None = None,
) -> None:
    print_counts(title, results, wall)
    for label, r in zip(labels, results, strict=True):
        if verbose or (expect is not None and r.outcome is not expect):
            msg = r.message.splitlines()[0][:120] if r.message else ""
            sim = {True: "sim pass", False: "sim fail", None: ""}[r.simulation_passed]
            print(f"    {label:<48} {r.outcome.name:<14} {r.method:<12} d={r.depth:<3} {r.wall_s:5.2f}s"
                  f" {sim:<8} {msg}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
