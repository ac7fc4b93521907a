"""A sample of VerilogEval v2 references, each proven equivalent to itself (RefModule renamed TopModule)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from rtlsmith.formal import Outcome, formal_check
from rtlsmith.suites.verilog_eval import load_v2
from rtlsmith.task import Purpose
from rtlsmith.tools.toolchain import have

_SHARED = os.environ.get("RTLSMITH_DATA") or Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
DATA = (Path(_SHARED) / "verilog-eval-v2").resolve()
SPEC = DATA / "dataset_spec-to-rtl"

# Combinational, sequential, FSMs, x don't-cares, a negedge clock, a dual-edge clock, a latch in
# always_comb, an enum cast, an asynchronous reset, a memory with x don't-cares.
SAMPLE = (
    "Prob001_zero",
    "Prob021_mux256to1v",
    "Prob031_dff",
    "Prob046_dff8p",
    "Prob078_dualedge",
    "Prob095_review2015_fsmshift",
    "Prob110_fsm2",
    "Prob125_kmap3",
    "Prob133_2014_q3fsm",
    "Prob151_review2015_fsm",
    "Prob153_gshare",  # 128 two-bit counters and x on both outputs: the register/output split proof
)

pytestmark = [
    pytest.mark.skipif(not have("yosys"), reason="Yosys is not installed (apt-get install -y yosys)"),
    pytest.mark.skipif(not SPEC.is_dir(), reason=f"VerilogEval v2 not found at {SPEC}"),
]


def test_sampled_references_are_proven_equivalent_to_themselves() -> None:
    tasks = {t.id: t for t in load_v2(SPEC).tasks}
    missing = [p for p in SAMPLE if p not in tasks]
    assert not missing, f"problems not in the dataset: {missing}"
    failures = []
    for pid in SAMPLE:
        task = tasks[pid]
        reference = task.hidden.unseal(Purpose.FORMAL).reference or ""
        # A generous ceiling: this checks that the proofs close, not how fast (gshare's takes seconds on an
        # idle machine and ran past 20 s on a loaded one).
        result = formal_check(task, re.sub(r"\bRefModule\b", "TopModule", reference), timeout_s=120)
        if result.outcome is not Outcome.PROVEN:
            failures.append(f"{pid}: {result.summary()}")
    assert not failures, "\n\n".join(failures)
