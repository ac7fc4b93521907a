"""Bundled tasks, their references and their known bugs, for the property tests."""

from __future__ import annotations

import pytest

from rtlsmith.suites import bundled_mutants_path, load_suite
from rtlsmith.task import Purpose, Task
from rtlsmith.tools.toolchain import have

MUTANTS = bundled_mutants_path()

needs_yosys = pytest.mark.skipif(
    not have("yosys"), reason="Yosys is not installed (apt-get install -y yosys)"
)


def bundled(task_id: str) -> tuple[Task, str]:
    """A bundled task and its reference (module RefModule)."""
    task = load_suite("bundled").get(task_id)
    reference = task.hidden.unseal(Purpose.SCORING).reference
    assert reference is not None
    return task, reference


def known_bugs(task_id: str) -> dict[str, str]:
    """The hand-written plausible bugs of a bundled task (module TopModule)."""
    return {p.stem: p.read_text() for p in sorted((MUTANTS / task_id).glob("*.sv"))}
