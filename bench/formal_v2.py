"""Formal equivalence over VerilogEval v2 spec-to-rtl: every reference against itself, optionally against a
seeded mutant of itself, and prints how many are PROVEN / COUNTEREXAMPLE / INCONCLUSIVE / ERROR.

    PYTHONPATH=src python bench/formal_v2.py                    # self-equivalence, 10 s each, 2 workers
    PYTHONPATH=src python bench/formal_v2.py --mutants --judge  # + one mutant each, with simulation verdicts

A reference against itself should be PROVEN; anything else is a limit of the method (or of Yosys) on that
design and is listed. A mutant should give a COUNTEREXAMPLE unless the mutation happens to be equivalent;
with --judge the mutant is also simulated with the benchmark testbench, and a mutant that passes simulation
but has a confirmed counterexample is a testbench gap.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from formal_summary import print_counts  # bench/, beside this script

from rtlsmith.formal.check import formal_check
from rtlsmith.formal.result import EquivalenceResult, Outcome
from rtlsmith.scoring.samples import reference_completion
from rtlsmith.suites import data_dir
from rtlsmith.suites.verilog_eval import load_v2
from rtlsmith.task import Task
from rtlsmith.tools.judge import judge
from rtlsmith.tools.toolchain import have, versions

_REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = data_dir("verilog-eval-v2", _REPO) or _REPO / ".." / "shared" / "data" / "verilog-eval-v2"
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)

# (pattern, replacement) mutations of the kind a model gets wrong; one applicable site is picked at random.
MUTATIONS: tuple[tuple[str, str], ...] = (
    (r"(?<![&|])&(?![&|])", "|"),
    (r"(?<![&|])\|(?![&|])", "&"),
    (r"\^", "&"),
    (r"==", "!="),
    (r"!=", "=="),
    (r"(?<![<>=!])<(?![<=])", ">"),
    (r"\+(?![:+=])", "-"),
    (r"\b1'b0\b", "1'b1"),
    (r"\b1'b1\b", "1'b0"),
    (r"&&", "||"),
    (r"\|\|", "&&"),
    (r"~(?=[A-Za-z_(])", ""),
)


def mutate(source: str, rng: random.Random) -> tuple[str, str] | None:
    """(mutant, description) changing one operator or constant in the module body, or None."""
    text = _COMMENTS.sub(lambda m: " " * len(m.group(0)), source)
    body_at = text.find(");")  # leave the port list alone
    sites: list[tuple[int, int, str, str]] = []
    for pattern, repl in MUTATIONS:
        for m in re.finditer(pattern, text):
            if m.start() > body_at and text[max(0, m.start() - 1) : m.start()] not in ("<", "'"):
                sites.append((m.start(), m.end(), repl, pattern))
    # `<=` of non-blocking assignment and shifts must not be mangled.
    sites = [s for s in sites if text[s[0] : s[0] + 2] not in ("<=", "<<", ">>")]
    if not sites:
        return None
    start, end, repl, _pattern = rng.choice(sites)
    line = source.count("\n", 0, start) + 1
    desc = f"line {line}: `{source[start:end]}` -> `{repl}`"
    return source[:start] + repl + source[end:], desc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="VerilogEval v2 directory")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per check (default 10)")
    ap.add_argument("--depth", type=int, default=20, help="longest induction tried (default 20)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="only the first N problems")
    ap.add_argument("--mutants", action="store_true", help="also check one seeded mutant per reference")
    ap.add_argument("--judge", action="store_true", help="simulate mutants with the benchmark testbench")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-isolate", action="store_true", help="run without bubblewrap")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per problem")
    args = ap.parse_args(argv)
    if not have("yosys"):
        print("yosys not found; install it (apt-get install -y yosys)", file=sys.stderr)
        return 2
    root = args.data.resolve()
    suite = load_v2(root / "dataset_spec-to-rtl" if (root / "dataset_spec-to-rtl").is_dir() else root)
    tasks = list(suite.tasks)[: args.limit or None]
    opts = {"timeout_s": args.timeout, "depth": args.depth, "isolate": not args.no_isolate}
    print(f"tools: {versions(('yosys', 'iverilog', 'bwrap'))}")
    print(f"{len(tasks)} problems from {root}; {args.timeout:g} s limit each; {args.workers} workers")

    def self_check(task: Task) -> EquivalenceResult:
        return formal_check(task, reference_completion(task), **opts)

    t0 = time.monotonic()
    with ThreadPoolExecutor(args.workers) as pool:
        results = list(pool.map(self_check, tasks))
    wall = time.monotonic() - t0
    report("reference vs itself", tasks, results, wall, args.verbose, expect=Outcome.PROVEN)

    if args.mutants:
        rng = random.Random(args.seed)
        mutants: list[tuple[Task, str, str]] = []
        for task in tasks:
            m = mutate(reference_completion(task), rng)
            if m is not None:
                mutants.append((task, m[0], m[1]))

        def mutant_check(item: tuple[Task, str, str]) -> EquivalenceResult:
            task, source, _desc = item
            verdict = judge(task, source) if args.judge else None
            return formal_check(task, source, verdict=verdict, **opts)

        t0 = time.monotonic()
        with ThreadPoolExecutor(args.workers) as pool:
            mres = list(pool.map(mutant_check, mutants))
        wall = time.monotonic() - t0
        report(
            "seeded mutant vs reference",
            [m[0] for m in mutants],
            mres,
            wall,
            args.verbose,
            expect=Outcome.COUNTEREXAMPLE,
            notes=[m[2] for m in mutants],
        )
        if args.judge:
            sim_fail = sum(1 for r in mres if r.simulation_passed is False)
            sim_pass = [r for r in mres if r.simulation_passed is True]
            gaps = [r for r in mres if r.testbench_gap]
            confirmed = sum(1 for r in gaps if r.confirmed)
            print(f"  simulation: {sim_fail} mutants fail the benchmark testbench, {len(sim_pass)} pass it")
            print(
                f"  testbench gaps (pass simulation, formal counterexample): {len(gaps)}"
                f" ({confirmed} replayed)"
            )
            for r in gaps:
                print(f"    {r.task_id}: differs at step {r.depth}")
            for label, group in (("fail", False), ("pass", True)):
                counts = Counter(r.outcome.name for r in mres if r.simulation_passed is group)
                text = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
                print(f"  outcomes of mutants that {label} simulation: {text}")
            false_proofs = [r.task_id for r in mres if r.proven and r.simulation_passed is False]
            print(f"  simulation-failing mutants PROVEN: {len(false_proofs)}")
            for tid in false_proofs:
                print(f"    {tid}")
        methods = Counter(r.method for r in mres if r.proven)
        print(
            "  PROVEN mutants by method: "
            + (", ".join(f"{k} {v}" for k, v in sorted(methods.items())) or "none")
        )
    methods = Counter(r.method for r in results if r.proven)
    print("\nreferences PROVEN by method: " + ", ".join(f"{k} {v}" for k, v in sorted(methods.items())))
    return 0


def report(
    title: str,
    tasks: list[Task],
    results: list[EquivalenceResult],
    wall: float,
    verbose: bool,
    expect: Outcome | None = None,
    notes: list[str] | None = None,
) -> None:
    print_counts(title, results, wall)
    unconfirmed = sum(1 for r in results if r.confirmed is False)
    if unconfirmed:
        print(f"  counterexamples not reproduced by simulation (reported INCONCLUSIVE): {unconfirmed}")
    for i, (task, r) in enumerate(zip(tasks, results, strict=True)):
        note = f"  [{notes[i]}]" if notes else ""
        if verbose or (expect is not None and r.outcome is not expect):
            msg = r.message.splitlines()[0][:150] if r.message else ""
            print(
                f"    {task.id:<40} {r.outcome.name:<14} {r.method:<9} d={r.depth:<3} {r.wall_s:5.2f}s"
                f" {msg}{note}"
            )


if __name__ == "__main__":
    sys.exit(main())
