"""State tables the symbolic agent's reader (`tables_state`) declines, read into a state-machine form.

One column per input value, and either an output column (Moore, where the value may be a bus: `01`) or an
output in each next-state cell (Mealy, `B/1` or `B, 1`):

    State | Next state (x=0) | Next state (x=1) | Output z[1:0]        Moore, a 2-bit output
    A     | A                | B                | 00

    Present state | x=0    | x=1                                     Mealy, the output per input column
    A             | A / 0  | B / 1

The form (`rtlsmith.forms.machine`) is validated and written like one a model filled; reset kind and
state come from the text as for a drawn diagram (`forms.diagram`). `table_form` returns None when the
spec has no such table, and raises `FormError` when it has one that does not fit the interface.
"""

from __future__ import annotations

import re
from typing import Any

from rtlsmith.agent import checks
from rtlsmith.forms.machine import FormError, machine_inputs, signals
from rtlsmith.task import Interface

_COND = re.compile(r"\(?\s*(\w+)\s*=\s*([01]+)\s*\)?")
_CELL = re.compile(r"^\s*(\w+)\s*(?:[/,]\s*([01]+|\d+)\s*)?$")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _value(text: str, width: int) -> int:
    """A cell's output value: binary digits as wide as the output, else a decimal number."""
    return int(text, 2) if re.fullmatch(r"[01]+", text) and len(text) == width else int(text)


def table_form(text: str, interface: Interface) -> dict[str, Any] | None:
    """The filled state-machine form of a wide state table in the spec; None when there is none."""
    if interface.clock() is None or checks.reset_port(interface) is None:
        return None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.count("|") < 2 or "state" not in line.lower():
            continue
        form = _read(lines, i, interface, text)
        if form is not None:
            return form
    return None


def _read(lines: list[str], i: int, interface: Interface, text: str) -> dict[str, Any] | None:
    head = _cells(lines[i])
    ins, outs = signals(machine_inputs(interface)), signals(interface.outputs)
    conds: list[tuple[int, str, int]] = []  # column, input, value
    out_col: tuple[int, str] | None = None
    for k, cell in enumerate(head[1:], 1):
        m = _COND.search(cell)
        if m and m.group(1) in ins:
            conds.append((k, m.group(1), int(m.group(2), 2)))
        elif "output" in cell.lower() or (cell.split() and cell.split()[-1].split("[")[0] in outs):
            name = re.sub(r"(?i)\boutputs?\b|\[.*?\]", " ", cell).split()
            if len(name) != 1 or name[0] not in outs:
                raise FormError([f"a state table output column {cell!r} names no one output of the module"])
            out_col = (k, name[0])
    if len(conds) < 2:
        return None
    rows: list[list[str]] = []
    for line in lines[i + 1 :]:
        if re.fullmatch(r"\s*\|?[\s|:=+-]*", line) and rows == [] and line.strip():
            continue  # a rule under the header
        cells = _cells(line)
        if len(cells) != len(head) or not re.fullmatch(r"\w+", cells[0]):
            break
        rows.append(cells)
    if len(rows) < 2:
        return None
    single = [n for n in outs if "[" not in n]
    states = [r[0] for r in rows]
    forms_states: list[dict[str, Any]] = []
    transitions: list[dict[str, Any]] = []
    mealy = False
    for r in rows:
        outputs: dict[str, int] = {}
        if out_col is not None:
            outputs = {out_col[1]: _value(r[out_col[0]], outs[out_col[1]])}
        forms_states.append({"name": r[0], "outputs": outputs})
        for k, port, value in conds:
            m = _CELL.match(r[k])
            if m is None:
                raise FormError([f"a state table cell {r[k]!r} is not a next state (with an output)"])
            edge_out: dict[str, int] = {}
            if m.group(2) is not None:
                if out_col is not None or len(single) != 1:
                    raise FormError(["a state table gives outputs both per state and per input column"])
                mealy = True
                edge_out = {single[0]: _value(m.group(2), outs[single[0]])}
            transitions.append({"from": r[0], "when": {port: value}, "to": m.group(1), "outputs": edge_out})
    found = re.search(r"\breset\w*\b[^.]*?\b(?:in)?to\s+(?:the\s+)?(?:state\s+)?(\w+)", text, re.I)
    return {
        "outputs_on": "transition" if mealy else "state",
        "reset": "async" if re.search(r"\basynchronous(?:ly)?\b", text, re.I) else "sync",
        "states": forms_states,
        "reset_state": found.group(1) if found and found.group(1) in states else states[0],
        "transitions": transitions,
    }
