"""The leak check of `rtlsmith export`: no row may quote a task's hidden testbench or reference."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from rtlsmith.task import Purpose, Task

LEAK_MIN_LINE = 40  # a hidden line this long (whitespace collapsed) found in a row withholds the row
LEAK_MARKER = "RefModule"  # VerilogEval's name for the reference module: never part of a candidate's world
_WS = re.compile(r"\s+")


class LeakGuard:
    """Withholds rows that quote a task's hidden testbench or reference, or name `RefModule`.

    The hidden checks are unsealed here for one purpose only: to know what must not appear in a row."""

    def __init__(self) -> None:
        self._lines: dict[int, list[str]] = {}

    def _hidden_lines(self, task: Task) -> list[str]:
        key = id(task)
        if key not in self._lines:
            hidden = task.hidden.unseal(Purpose.SCORING)
            texts = [hidden.testbench, hidden.reference or ""]
            lines = {_WS.sub(" ", ln).strip() for text in texts for ln in text.splitlines()}
            self._lines[key] = sorted(ln for ln in lines if len(ln) >= LEAK_MIN_LINE)
        return self._lines[key]

    def leak(self, row: dict[str, Any], task: Task) -> str | None:
        """Why the row must not be exported, or None when it quotes nothing hidden."""
        text = "\n".join(_strings(row))
        if LEAK_MARKER in text:
            return f"contains {LEAK_MARKER}"
        flat = _WS.sub(" ", text)
        for line in self._hidden_lines(task):
            if line in flat:
                return "quotes a line of the task's hidden testbench or reference"
        return None


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
