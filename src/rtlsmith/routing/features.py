"""Features of the public task only (what a router may look at before any generation)."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from rtlsmith.routing.outcomes import OutcomeTable
from rtlsmith.task import PublicTask

if TYPE_CHECKING:
    from rtlsmith.routing.outcomes import OutcomeTable

FEATURE_NAMES = (
    "log_spec_chars",
    "spec_lines",
    "table_rows",
    "sequential",
    "inputs",
    "outputs",
    "log_input_bits",
    "log_output_bits",
    "public_checks",
    "fsm_words",
    "arith_words",
    "waveform",
)

_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$|^\s*[01x ]+\|\s*[01x ]+", re.MULTILINE)
_FSM = re.compile(r"\b(state|fsm|moore|mealy|transition)s?\b", re.IGNORECASE)
_ARITH = re.compile(r"\b(add|adder|sum|subtract|multipl\w*|carry|overflow|counter|count)s?\b", re.IGNORECASE)
_WAVE = re.compile(r"\b(waveform|time\s+\d|\d+ns)\b", re.IGNORECASE)
_SEQ = re.compile(r"\b(posedge|negedge|clock|flip-?flop|register)s?\b", re.IGNORECASE)


def task_features(task: PublicTask) -> list[float]:
    """A fixed-length numeric vector in FEATURE_NAMES order."""
    text = task.spec.text()
    iface = task.interface
    in_bits = sum(p.width for p in iface.inputs)
    out_bits = sum(p.width for p in iface.outputs)
    sequential = iface.clock() is not None or bool(_SEQ.search(text))
    if "combinational" in task.tags or "sequential" in task.tags:  # a suite's own category wins
        sequential = "sequential" in task.tags
    return [
        math.log1p(len(text)),
        float(text.count("\n") + 1),
        float(len(_TABLE_ROW.findall(text))),
        1.0 if sequential else 0.0,
        float(len(iface.inputs)),
        float(len(iface.outputs)),
        math.log1p(in_bits),
        math.log1p(out_bits),
        0.0 if task.public.empty else 1.0,
        float(len(_FSM.findall(text))),
        float(len(_ARITH.findall(text))),
        1.0 if _WAVE.search(text) else 0.0,
    ]


def load_public(table: OutcomeTable) -> tuple[dict[str, PublicTask] | None, dict[str, list[float]] | None]:
    """The public tasks and their features, when the suite can be loaded here."""
    from rtlsmith.errors import RtlsmithError
    from rtlsmith.suites import load_suite

    try:
        suite = load_suite(table.tiers[0].suite_spec)
    except RtlsmithError:
        return None, None
    by_id = {t.id: t.public for t in suite.tasks}
    if not all(t in by_id for t in table.tasks):
        return None, None
    public = {t: by_id[t] for t in table.tasks}
    return public, {t: task_features(p) for t, p in public.items()}
