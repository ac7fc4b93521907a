"""Scoring samples files against suites: JSONL I/O, pass@k, and a parallel scorer.

Owns: re-scoring samples files (`scorer`), pass@k and reference checks. Its commands (`tasks`, `score`,
`check`) are `rtlsmith.cli.scoring`; nothing here imports click or rich.
May import: `tools` (the judge), `simulators`, `benchmarks`, `suites`, `formal`, `task`, `errors`.
"""

from rtlsmith.scoring.passk import estimate_pass_at_k, pass_at_k_table
from rtlsmith.scoring.samples import Sample, read_samples, write_jsonl
from rtlsmith.scoring.scorer import ScoreReport, score_samples

__all__ = [
    "Sample",
    "ScoreReport",
    "estimate_pass_at_k",
    "pass_at_k_table",
    "read_samples",
    "score_samples",
    "write_jsonl",
]
