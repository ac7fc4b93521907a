"""VerilogEval v1 canonical solutions scored as samples: pass counts and failing ids, Human and Machine.

Each task's `canonical_solution` is the completion, judged by v1's own rule (execution.py on release/1.0.0:
any stderr is a compile error). Run from the project root:

    PYTHONPATH=src python bench/v1_references.py [-j 2] [--data ../shared/data/verilog-eval-v1]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rtlsmith.scoring.samples import Sample
from rtlsmith.scoring.scorer import score_samples
from rtlsmith.suites import data_dir, load_suite
from rtlsmith.tools.judge import JudgeOptions

_REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = data_dir("verilog-eval-v1", _REPO) or _REPO / ".." / "shared" / "data" / "verilog-eval-v1"


def reference_samples(jsonl: Path) -> list[Sample]:
    """One sample per task: its canonical solution, which v1 appends to the prompt."""
    samples: list[Sample] = []
    with jsonl.open() as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                samples.append(Sample(len(samples), rec["task_id"], rec["canonical_solution"], {}))
    return samples


def first_error_line(log: str) -> str:
    for line in log.splitlines():
        if "error" in line or "sorry" in line:
            return line.strip()
    return (log.strip().splitlines() or [""])[0]


def score_variant(data: Path, variant: str, jobs: int) -> tuple[int, int, list[tuple[str, str, str, str]]]:
    """(passed, total, [(task_id, v1 result, class, first error line)]) for one v1 file."""
    jsonl = data / f"VerilogEval_{variant}.jsonl"
    suite = load_suite(f"verilog-eval-v1:{jsonl}")
    samples = reference_samples(jsonl)
    report = score_samples(samples, suite, JudgeOptions(), jobs=jobs, ks=(1,))
    failing = [
        (r["task_id"], r["result"], r["failure_class"], first_error_line(r["log_excerpt"]))
        for r in report.results
        if not r["passed"]
    ]
    return report.n_passed, report.n_samples, failing


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not (args.data / "VerilogEval_Human.jsonl").is_file():
        print(f"VerilogEval v1 data not found under {args.data}; pass --data", file=sys.stderr)
        return 2
    for variant in ("Human", "Machine"):
        start = time.monotonic()
        passed, total, failing = score_variant(args.data, variant, args.jobs)
        print(f"{variant}: {passed}/{total} canonical solutions pass ({time.monotonic() - start:.1f} s)")
        for task_id, result, cls, why in failing:
            print(f"  {task_id}: {result} [{cls}] {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
