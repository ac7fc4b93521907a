"""How many VerilogEval v2 problems give an agent a `spec-table` check (a truth table, waveform or K-map in
the spec, read as the symbolic agent reads it), and whether each reference passes its own table's check.

    PYTHONPATH=src python bench/spec_tables.py [--data ../shared/data/verilog-eval-v2]

A reference that fails is a disagreement between the dataset's reference and its own spec (or a misreading
of the table); each is listed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rtlsmith.agent import checks
from rtlsmith.scoring.samples import reference_completion
from rtlsmith.suites import data_dir
from rtlsmith.suites.tbgen import vectors_testbench
from rtlsmith.suites.verilog_eval import load_v2
from rtlsmith.symbolic.agent import spec_table_vectors
from rtlsmith.tools.sandbox import Limits

_REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = data_dir("verilog-eval-v2", _REPO) or _REPO / ".." / "shared" / "data" / "verilog-eval-v2"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="VerilogEval v2 directory")
    args = ap.parse_args()
    suite = load_v2(args.data / "dataset_spec-to-rtl")
    with_table, passing, failing = 0, 0, []
    for task in suite.tasks:
        rows = spec_table_vectors(task.public)
        if not rows:
            continue
        with_table += 1
        ifc = task.public.interface
        tb = vectors_testbench(ifc, rows, ifc.clock())
        report = checks.simulate(
            reference_completion(task), tb, ifc, limits=Limits(timeout_s=10), isolate=True, vectors=rows,
            label="spec table",
        )  # fmt: skip
        if report.ok:
            passing += 1
        else:
            failing.append(f"{task.id}: {report.summary}")
    print(f"{with_table} of {len(suite)} problems give a spec-table check")
    print(f"{passing} of {with_table} references pass their own table's check")
    for line in failing:
        print(f"  disagrees: {line}")


if __name__ == "__main__":
    main()
