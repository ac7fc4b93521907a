"""Write a suite's reference solutions as a samples file, the way a model's answers would be written.

    S=verilog-eval-v2:../shared/data/verilog-eval-v2/dataset_spec-to-rtl
    python bench/reference_samples.py --suite $S > refs.jsonl
    rtlsmith score refs.jsonl --suite $S -j 2

v2 and native references are `RefModule`, renamed to `TopModule`; v1 references are written as the body
after the prompt, v1's completion convention.
"""

from __future__ import annotations

import argparse
import json
import sys

from rtlsmith.scoring.samples import reference_completion
from rtlsmith.suites import load_suite


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suite", default="bundled")
    args = parser.parse_args()
    for task in load_suite(args.suite):
        completion = reference_completion(task)
        sys.stdout.write(json.dumps({"task_id": task.id, "completion": completion}) + "\n")


if __name__ == "__main__":
    main()
