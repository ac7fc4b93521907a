"""What a behaviour hash costs next to the hidden judgement, over the bundled suite.

    PYTHONPATH=src python bench/behaviour_overhead.py              # every bundled task, reference design
    PYTHONPATH=src python bench/behaviour_overhead.py --repeat 3 --no-isolate

For each task with a reference, the reference (renamed to the candidate's module) is judged on the hidden
testbench (`rtlsmith.tools.judge.judge`, no cache) and its behaviour hash is taken
(`rtlsmith.agent.agreement.signature`: one compile and one simulation on the shared random stimulus). Both
are timed by wall clock, best of `--repeat`, and printed side by side with their ratio; the last line is the
suite's total ratio, which is the overhead an export adds per distinct design it has to hash (a bench
that never exports pays nothing: hashes are taken on export, see README).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

from rtlsmith.agent.agreement import signature
from rtlsmith.suites import load_suite
from rtlsmith.task import Purpose, Task
from rtlsmith.tools.judge import JudgeOptions, judge
from rtlsmith.tools.sandbox import Limits
from rtlsmith.tools.toolchain import have, versions

T = TypeVar("T")


def reference_design(task: Task) -> str:
    ref = task.hidden.unseal(Purpose.SCORING).reference or ""
    return ref.replace("RefModule", task.public.interface.module)


def best_of(repeat: int, fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[float, T]:
    """The best wall time of `repeat` calls, and the last call's value."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suite", default="bundled")
    ap.add_argument("--repeat", type=int, default=1, help="Timings per task; the best is kept.")
    ap.add_argument("--no-isolate", action="store_true", help="Run the tools without the sandbox.")
    args = ap.parse_args()
    if not (have("iverilog") and have("vvp")):
        print("iverilog is not installed: apt-get install -y iverilog", file=sys.stderr)
        return 2
    isolate = not args.no_isolate
    options = JudgeOptions(simulator="icarus", limits=Limits(), isolate=isolate)
    tasks = [t for t in load_suite(args.suite) if t.hidden.unseal(Purpose.SCORING).reference]
    print(f"iverilog: {versions().get('iverilog', '?')}; isolate={isolate}; best of {args.repeat}")
    print(f"{'task':<24} {'judge s':>8} {'hash s':>8} {'ratio':>6}  samples")
    judged = hashed = 0.0
    ratios = []
    missing = []
    for task in tasks:
        code = reference_design(task)
        j, _ = best_of(args.repeat, judge, task, code, options)
        h, sig = best_of(
            args.repeat, signature, code, task.public.interface, limits=Limits(), isolate=isolate
        )
        if sig.digest is None:
            missing.append(f"{task.id}: {sig.error}")
        judged, hashed = judged + j, hashed + h
        ratios.append(h / j)
        print(f"{task.id:<24} {j:8.3f} {h:8.3f} {h / j:6.2f}  {sig.samples}")
    print(
        f"{'total':<24} {judged:8.3f} {hashed:8.3f} {hashed / judged:6.2f}  "
        f"(median per-task ratio {statistics.median(ratios):.2f}, {len(tasks)} tasks)"
    )
    for line in missing:
        print(f"no hash: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
