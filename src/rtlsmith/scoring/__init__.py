"""Scoring samples files against suites: JSONL I/O, pass@k, and a parallel scorer."""

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
