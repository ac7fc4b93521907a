"""Repair as line edits: the design shown with line numbers, the answer only the lines that change.

Under greedy decoding a small model answers a repair prompt that quotes the whole design with that design,
byte for byte. Asking for the changed lines only (`12: assign y = a ^ b;`) gives it no module to copy. The
answer's format:

    N: TEXT      line N becomes TEXT (an empty TEXT deletes line N)
    N+: TEXT     TEXT is inserted after line N (0+ inserts before the first line)

Other lines of the answer (a code fence, a sentence) are ignored. `bench/repair_edits.py` measures this
request against the fresh draft smith asks for today, on repairs stored in bench traces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rtlsmith.agent.prompts import SYSTEM, _task_text
from rtlsmith.errors import RtlsmithError
from rtlsmith.llm import Message
from rtlsmith.task import PublicTask

_EDIT = re.compile(r"^\s*(\d+)(\+?)\s*:\s?(.*)$")


class EditError(RtlsmithError):
    """An answer's edits do not apply to the design (a line number out of range, or no edit at all)."""


@dataclass(frozen=True)
class Edit:
    line: int
    insert: bool
    text: str


def numbered(code: str) -> str:
    lines = code.rstrip("\n").splitlines()
    width = len(str(len(lines)))
    return "\n".join(f"{i:>{width}}: {line}" for i, line in enumerate(lines, 1))


def edit_prompt(task: PublicTask, code: str, feedback: str) -> list[Message]:
    """The design with line numbers, what the tools report, and a request for the changed lines only."""
    text = (
        f"A Verilog design does not pass its checks yet.\n\n{_task_text(task)}\n\n"
        f"Current design, with line numbers:\n{numbered(code)}\n\n"
        f"What the tools report:\n{feedback.strip()}\n\n"
        "Answer with only the lines to change, one per line, as `<line number>: <new text of that line>`. "
        "Write `<line number>+: <text>` to add a line after that line, and `<line number>: ` with nothing "
        "after the colon to delete a line. Change as few lines as needed. No other text."
    )
    return [Message("system", SYSTEM), Message("user", text)]


def parse_edits(answer: str) -> list[Edit]:
    edits = []
    for line in answer.splitlines():
        m = _EDIT.match(line)
        if m:
            edits.append(Edit(int(m.group(1)), bool(m.group(2)), m.group(3).rstrip()))
    return edits


def apply_edits(code: str, edits: list[Edit]) -> str:
    """`code` with `edits` applied (line numbers refer to `code` as shown); EditError when none applies."""
    lines = code.rstrip("\n").splitlines()
    if not edits:
        raise EditError("the answer holds no `<line number>: <text>` edit")
    bad = [e.line for e in edits if not (0 if e.insert else 1) <= e.line <= len(lines)]
    if bad:
        raise EditError(f"line numbers out of range (the design has {len(lines)} lines): {bad}")
    replaced = {e.line: e.text for e in edits if not e.insert}
    inserted: dict[int, list[str]] = {}
    for e in edits:
        if e.insert:
            inserted.setdefault(e.line, []).append(e.text)
    out = list(inserted.get(0, []))
    for i, line in enumerate(lines, 1):
        if i in replaced:
            if replaced[i].strip():
                out.append(replaced[i])
        else:
            out.append(line)
        out.extend(inserted.get(i, []))
    return "\n".join(out) + "\n"
