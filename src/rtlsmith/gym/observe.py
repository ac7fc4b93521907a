"""Text the environment shows: the task as an agent sees it, and tool output fitted to the observation
space."""

from __future__ import annotations

import string
import unicodedata

from rtlsmith.errors import RtlsmithError
from rtlsmith.suites.tbgen import vectors_testbench
from rtlsmith.task import PublicTask

# Printable ASCII with newlines and tabs: enough for Verilog, tool logs and spec text.
CHARSET = string.printable
MAX_OBSERVATION = 16384
MAX_ACTION = 65536
_TRUNCATED = "\n...[output truncated]"
_ASCII = {
    "\u2014": "--", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
    "\u2026": "...", "\u00d7": "x", "\u2264": "<=", "\u2265": ">=", "\u2192": "->", "\u00a0": " ",
}  # fmt: skip


def fit(text: str, limit: int = MAX_OBSERVATION) -> str:
    """`text` in the observation space: printable ASCII (common symbols spelled out, others `?`), capped."""
    text = unicodedata.normalize("NFKC", "".join(_ASCII.get(c, c) for c in text))
    text = "".join(c if c in CHARSET else "?" for c in text)
    return text if len(text) <= limit else text[: limit - len(_TRUNCATED)] + _TRUNCATED


def public_testbench(task: PublicTask) -> tuple[str | None, str]:
    """The testbench the task's public checks give and what it is: the task's own, one generated from its
    example vectors, or one generated from a table in its spec, as the smith agent derives them. The kind is
    `public-testbench`, `public-vectors`, `spec-table` or `none` (no testbench)."""
    from rtlsmith.symbolic.agent import spec_table_vectors  # the agent package imports much; load on use

    if task.public.testbench:
        return task.public.testbench, "public-testbench"
    if task.public.vectors:
        vectors, kind = list(task.public.vectors), "public-vectors"
    else:
        vectors, kind = spec_table_vectors(task), "spec-table"
    if not vectors:
        return None, "none"
    try:
        return vectors_testbench(task.interface, vectors, task.interface.clock()), kind
    except RtlsmithError:
        return None, "none"


def checks_line(task: PublicTask, kind: str) -> str:
    """One line saying which public checks `test` runs."""
    if kind == "none":
        return "Public checks: none (test has nothing to run; lint, then submit when confident)."
    if kind == "public-vectors":
        n = len(task.public.vectors)
        return f"Public checks: {n} example vector(s); test simulates them (a generated testbench)."
    if kind == "public-testbench":
        return "Public checks: a self-checking testbench; test simulates the design with it."
    return "Public checks: vectors read from the table in the spec; test simulates them."


def task_text(task: PublicTask, kind: str, max_steps: int) -> str:
    """The reset observation: the spec, the interface, the public checks and the commands."""
    from rtlsmith.gym.actions import HELP

    parts = [
        f"Task {task.id} (suite {task.suite}).",
        "",
        "Specification:",
        task.spec.text("detailed").strip(),
        "",
        "Interface (the design must declare exactly this module):",
        task.interface.header(),
        "",
        checks_line(task, kind),
        f"Step budget: {max_steps} actions.",
        "",
        HELP,
    ]
    return fit("\n".join(parts))
