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

from rtlsmith.suites import load_suite
from rtlsmith.task import Layout, Purpose


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--suite", default="bundled")
    args = parser.parse_args()
    for task in load_suite(args.suite):
        hidden = task.hidden.unseal(Purpose.SCORING)
        ref = hidden.reference or ""
        if hidden.layout is Layout.VERILOG_EVAL_V1:
            completion = ref[len(hidden.prompt) :] if ref.startswith(hidden.prompt) else ref
        else:
            completion = ref.replace("RefModule", "TopModule")
        sys.stdout.write(json.dumps({"task_id": task.id, "completion": completion}) + "\n")


if __name__ == "__main__":
    main()
