"""Formal checks with Yosys: equivalence against a reference, counterexample replay, FSM extraction.

Owns: every Yosys-based proof and extraction, and the replay of counterexamples in a simulator.
May import: `task`, `errors`, `hdl`, `tools`, `simulators`, `benchmarks` (which modules of a task to
compare). No click or rich.
"""

from rtlsmith.formal.cex import Sample, Trace, replay_testbench
from rtlsmith.formal.check import formal_check, formal_sources
from rtlsmith.formal.equiv import check_equivalence
from rtlsmith.formal.fsm import Fsm, FsmDiff, FsmExtraction, diff_fsm, diff_sources, extract_fsms
from rtlsmith.formal.result import EquivalenceResult, FormalVerdict, Outcome

__all__ = [
    "EquivalenceResult",
    "FormalVerdict",
    "Fsm",
    "FsmDiff",
    "FsmExtraction",
    "Outcome",
    "Sample",
    "Trace",
    "check_equivalence",
    "diff_fsm",
    "diff_sources",
    "extract_fsms",
    "formal_check",
    "formal_sources",
    "replay_testbench",
]
