"""State transition tables in a spec: a Moore machine's next state per value of one input, outputs per state.

Over a state port of the interface the table is the machine's combinational logic (a `Table` of kind "state");
otherwise it is a `StateTable`, a whole machine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rtlsmith.symbolic.cells import port_direction, port_order, resolve
from rtlsmith.symbolic.table_model import Bits, Ref, Row, StateTable, Table, Unusable
from rtlsmith.task import Interface

_STATE_ROW = re.compile(r"^\s*(\w+)\s*\|\s*(\w+)\s*,\s*(\w+)\s*\|\s*([01](?:\s*,?\s*[01])*)\s*\|?\s*$")
_ENCODING = re.compile(r"\b(\w+)\s*=\s*(\d+)'([bBdDhH])([0-9a-fA-F_]+)")


def read_state_table(
    lines: Sequence[str], i: int, interface: Interface, text: str
) -> tuple[Table | StateTable, int] | None:
    """A state table whose header is line `i` (a `Table` over a state port, else a `StateTable`), and the line
    after it; None when none starts there."""
    cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
    if len(cells) != 3 or "state" not in cells[0].lower() or "output" not in cells[2].lower():
        return None
    halves = cells[1].split(",")
    conds = [re.findall(r"(\w+)\s*=\s*([01])\s*$", h.strip()) for h in halves]
    if len(halves) != 2 or not all(conds) or "next" not in cells[1].lower():
        return None
    (name0, v0), (name1, v1) = conds[0][0], conds[1][0]
    if name0 != name1 or (v0, v1) != ("0", "1"):
        raise Unusable("a state table whose next-state columns are not `x=0, x=1` of one input")
    in_ref = resolve(name0, interface)
    if in_ref is None or port_direction(in_ref, interface) != "input" or in_ref.width(interface) != 1:
        raise Unusable(f"a state table switching on {name0!r}, which is not a 1-bit input")
    states: list[str] = []
    nexts: list[tuple[str, str]] = []
    values: list[tuple[int, ...]] = []
    j = i + 1
    while j < len(lines) and (m := _STATE_ROW.match(lines[j])):
        states.append(m.group(1))
        nexts.append((m.group(2), m.group(3)))
        values.append(tuple(int(v) for v in re.findall(r"[01]", m.group(4))))
        j += 1
    if len(states) < 2:
        return None
    if len(set(states)) != len(states) or any(n not in states for pair in nexts for n in pair):
        raise Unusable("a state table whose next states are not all among its present states")
    if len({len(v) for v in values}) != 1:
        raise Unusable("a state table whose rows give different numbers of outputs")
    outputs = _state_outputs(cells[2], len(values[0]), interface)
    codes, width = _encoding(states, text)
    present = _port_in_label(cells[0], interface, "input")
    nxt_label = re.sub(r"(?i)\bnext\s+state\b|\bwhen\b|\w+\s*=\s*[01]", " ", halves[0]).strip()
    nxt_name = re.sub(r"\[.*?\]", "", nxt_label).strip()
    nexts_out = _next_targets(nxt_name, interface, width, outputs)
    if present is None or not nexts_out:
        machine = StateTable(
            tuple(states), in_ref.port, tuple(nexts), tuple(outputs), tuple(values), codes, width, i + 1
        )
        return machine, j
    if codes is None:
        raise Unusable("a state table over a state port, but no state encoding (like A=2'b00) in the text")
    rows: list[Row] = []
    inputs = sorted([Ref(present), in_ref], key=lambda r: port_order(r, interface))
    code = dict(zip(states, codes, strict=True))
    for state, pair, vals in zip(states, nexts, values, strict=True):
        for x in (0, 1):
            target = code[pair[x]]
            outs: list[Bits] = []
            for ref in nexts_out:
                outs.append(
                    Bits((target >> ref[1]) & 1, 1) if ref[1] is not None else Bits(target, _mask_of(width))
                )
            outs += [Bits(v, 1) for v in vals]
            by_port = {present: code[state], in_ref.port: x}
            rows.append(Row(tuple(by_port[r.port] for r in inputs), tuple(outs)))
    out_refs = tuple(ref[0] for ref in nexts_out) + tuple(Ref(o) for o in outputs)
    note = f"next state of {present} on {in_ref.port}"
    return Table("state", tuple(inputs), out_refs, tuple(rows), i + 1, None, 0, note), j


def _mask_of(width: int) -> int:
    return (1 << width) - 1


def _state_outputs(cell: str, count: int, interface: Interface) -> list[str]:
    names = re.sub(r"(?i)\boutputs?\b", " ", cell).replace(",", " ").split()
    refs = [resolve(n, interface) for n in names]
    if names and len(names) == count and all(r is not None and r.bit is None for r in refs):
        ports = [r.port for r in refs if r is not None]
        if all(port_direction(Ref(p), interface) == "output" for p in ports):
            return ports
    if not names:
        single = [p.name for p in interface.outputs if p.width == 1 and not p.name.lower().startswith("next")]
        if count == 1 and len(single) == 1:
            return single
    raise Unusable(f"a state table whose output column {cell!r} does not name the module's outputs")


def _encoding(states: Sequence[str], text: str) -> tuple[tuple[int, ...] | None, int]:
    """State codes: the states themselves when they are binary codes, else `A=2'b00`-style text."""
    if all(re.fullmatch(r"[01]+", s) for s in states) and len({len(s) for s in states}) == 1:
        return tuple(int(s, 2) for s in states), len(states[0])
    found: dict[str, tuple[int, int]] = {}
    for name, width, base, digits in _ENCODING.findall(text):
        value = int(digits.replace("_", ""), {"b": 2, "d": 10, "h": 16}[base.lower()])
        found.setdefault(name, (value, int(width)))
    if all(s in found for s in states) and len({found[s][1] for s in states}) == 1:
        return tuple(found[s][0] for s in states), found[states[0]][1]
    return None, 0


def _port_in_label(label: str, interface: Interface, direction: str) -> str | None:
    """The port a present-state column names (`Present state y[2:0]` -> y; `State` -> a port `state`)."""
    words = re.sub(r"\[.*?\]", "", re.sub(r"(?i)\b(present|state|input)\b", " ", label)).split()
    for w in [*words, "state"]:
        p = interface.port(w)
        if p is not None and p.direction == direction:
            return p.name
    return None


def _next_targets(
    name: str, interface: Interface, width: int, outputs: Sequence[str]
) -> list[tuple[Ref, int | None]]:
    """Where the next state goes: an output port (`next_state`, or the table's name for it), or output
    ports named after its bits (`Y0` for `Y[0]`); each with the bit of the code it carries (None: all)."""
    for cand in (name, "next_state", "next"):
        p = interface.port(cand) if cand else None
        if p is not None and p.direction == "output" and p.width == width:
            return [(Ref(p.name), None)]
    bits: list[tuple[Ref, int | None]] = []
    if name:
        for p in interface.outputs:
            m = re.fullmatch(rf"{re.escape(name)}_?(\d+)", p.name)
            if m and p.width == 1 and p.name not in outputs and int(m.group(1)) < max(width, 1):
                bits.append((Ref(p.name), int(m.group(1))))
    return bits
