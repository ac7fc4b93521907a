"""Share of the smith agent's wall time spent outside model calls and tool runs, over the bundled suite.

    PYTHONPATH=src python bench/agent_overhead.py              # every bundled task, once
    PYTHONPATH=src python bench/agent_overhead.py --repeat 3 --no-repair

A replay model answers each task from a samples file written here: first the reference design with one
semicolon removed (so LINT fails and the REPAIR path runs: feedback, excerpt, second prompt), then the
reference itself (which passes). Model time is therefore near zero, and what is left is tool time
(pyslang, Verilator lint, Icarus) and the agent's own work: prompts, feedback, hashing, traces, the FSM.

Overhead per task = wall time of the whole `run_agent` call (construction and trace writing included) minus
time inside model calls minus time inside tool runs. Prints the share of the total. Target: <= 5%.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from rtlsmith.agent import AgentConfig, run_agent
from rtlsmith.llm.replay import ReplayModel
from rtlsmith.suites import load_suite
from rtlsmith.task import Purpose, Task
from rtlsmith.tools.toolchain import have, versions


def reference_answer(task: Task) -> str:
    ref = task.hidden.unseal(Purpose.SCORING).reference or ""
    return ref.replace("RefModule", task.public.interface.module)


def broken(code: str) -> str:
    """The design with the semicolon of its last statement line removed: a syntax error pyslang finds."""
    lines = code.splitlines()
    for i in range(len(lines) - 1, -1, -1):
        if re.search(r";\s*(//.*)?$", lines[i]) and not lines[i].lstrip().startswith(
            ("module", "input", "output")
        ):
            lines[i] = re.sub(r";(\s*(//.*)?)$", r"\1", lines[i])
            return "\n".join(lines) + "\n"
    return code


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suite", default="bundled")
    ap.add_argument("--repeat", type=int, default=1, help="Runs per task.")
    ap.add_argument("--no-repair", action="store_true", help="Answer the reference at once (no REPAIR path).")
    args = ap.parse_args()
    if not have("iverilog"):
        print("iverilog is not installed: apt-get install -y iverilog", file=sys.stderr)
        return 2
    suite = load_suite(args.suite)
    tasks = [t for t in suite if t.hidden.unseal(Purpose.SCORING).reference]
    with tempfile.TemporaryDirectory(prefix="rtlsmith-overhead-") as tmp:
        samples = Path(tmp, "samples.jsonl")
        with samples.open("w") as fh:
            for t in tasks:
                good = reference_answer(t)
                answers = [good] if args.no_repair else [broken(good), good]
                for a in answers:
                    fh.write(json.dumps({"task_id": t.id, "completion": f"```verilog\n{a}```\n"}) + "\n")
        config = AgentConfig(runs_dir=str(Path(tmp, "runs")), max_iterations=4, decompose="never")
        wall = model = tool = 0.0
        passed = runs = iterations = 0
        for _ in range(args.repeat):
            replay = ReplayModel(samples)  # fresh, so each repetition starts from the first answer
            for t in tasks:
                t0 = time.perf_counter()
                result = run_agent("smith", t.public, replay, config)
                wall += time.perf_counter() - t0
                model += result.model_time_s
                tool += result.tool_time_s
                passed += result.passed_public
                iterations += result.iterations
                runs += 1
    overhead = wall - model - tool
    share = overhead / wall if wall else float("nan")
    path = "draft only" if args.no_repair else "broken draft + repair"
    print(f"suite {suite.name}: {len(tasks)} tasks x {args.repeat}, {runs} runs, {passed} passed public "
          f"checks, {iterations} design iterations ({path})")  # fmt: skip
    tools = versions(("iverilog", "verilator", "bwrap"))
    print("tools: " + ", ".join(f"{k} {v}" for k, v in tools.items()))
    print(f"wall {wall:.3f} s = model {model:.3f} s + tools {tool:.3f} s + agent {overhead:.3f} s")
    print(f"agent overhead share: {100 * share:.2f}% of wall time (target <= 5%)")
    return 0 if share <= 0.05 else 1


if __name__ == "__main__":
    sys.exit(main())
