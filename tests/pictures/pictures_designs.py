"""Designs with planted bugs for the picture tests (bundled tasks, so no dataset is needed)."""

from __future__ import annotations

from rtlsmith.scoring.samples import reference_completion
from rtlsmith.suites import load_suite


def reference(task_id: str) -> str:
    return reference_completion(load_suite("bundled").get(task_id))


def seqdet_wrong_transition() -> str:
    """seqdet_1011_moore with S3 --x=0--> S0 instead of S2: a wrong transition, a few mismatched samples."""
    return reference("seqdet_1011_moore").replace("S3: next = x ? S4 : S2;", "S3: next = x ? S4 : S0;")


def mux_wrong_select() -> str:
    """mux4_w8 that picks `c` where it should pick `d`: 8-bit output mismatches."""
    return reference("mux4_w8").replace("default: y = d;", "default: y = c;")
