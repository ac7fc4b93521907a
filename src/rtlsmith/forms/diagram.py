"""State diagrams drawn as text in a spec, read into a filled state-machine form without a model.

Each edge is one line, `STATE (outputs) --condition (outputs)--> STATE`:

    A (0) --1--> B                  Moore output and input value, when the module has one of each
    B (out=1) --in=0--> A           named output and input
    A --x=1 (z=1)--> B              Mealy: the outputs on the edge
    B (g0=1) ---r0=1,r1=0---> C     several conditions; `r0` is bit 0 of a bus `r` where no port is `r0`

The form (`rtlsmith.forms.machine`) is then validated and written like one a model filled: the reset
is asynchronous where the text says so, goes to the state the text names ("resets into state A"), else to
the first state drawn. `diagram_form` returns None when the spec has no such diagram, and raises
`FormError` when it has one that does not fit the interface.
"""

from __future__ import annotations

import re
from typing import Any

from rtlsmith.agent import checks
from rtlsmith.forms.machine import FormError, machine_inputs, signals
from rtlsmith.task import Interface

_EDGE = re.compile(r"^\s*(\w+)\s*(?:\(([^)]*)\))?\s*-{2,}\s*(.*?)\s*-{2,}>\s*(\w+)\s*$")
_MEALY = re.compile(r"\(([^)]*)\)")


def _name(raw: str, widths: dict[str, int]) -> str | None:
    """A signal the diagram names: a port or bus bit as is, or `r0` for bit 0 of a bus `r`."""
    if raw in widths:
        return raw
    m = re.fullmatch(r"(\w*?[A-Za-z_])\[?(\d+)\]?", raw)
    if m and f"{m.group(1)}[{m.group(2)}]" in widths:
        return f"{m.group(1)}[{m.group(2)}]"
    return None


def _pairs(text: str, widths: dict[str, int], what: str) -> dict[str, int]:
    """`a=1, b=0` (or a lone value when there is one signal of this kind) as a name -> value map."""
    text = text.strip()
    if not text:
        return {}
    if re.fullmatch(r"[01]+", text):
        whole = [n for n in widths if "[" not in n]
        if len(whole) != 1:
            raise FormError([f"the diagram gives a bare {what} value {text!r}, but there is not one {what}"])
        return {whole[0]: int(text, 2)}
    out: dict[str, int] = {}
    for part in re.split(r"\s*[,&]\s*|\s+and\s+", text):
        m = re.fullmatch(r"(\w+(?:\[\d+\])?)\s*==?\s*([01]+|\d+'[bdh][0-9a-fA-F]+)", part.strip())
        name = _name(m.group(1), widths) if m else None
        if m is None or name is None:
            raise FormError([f"the diagram's {part!r} does not name a {what} of the module"])
        value = m.group(2)
        if "'" in value:
            base = {"b": 2, "d": 10, "h": 16}[value.split("'")[1][0].lower()]
            out[name] = int(value.split("'")[1][1:], base)
        else:
            out[name] = int(value, 2)
    return out


def diagram_form(text: str, interface: Interface) -> dict[str, Any] | None:
    """The filled state-machine form of the spec's text diagram; None when the spec draws none."""
    edges = [m for line in text.splitlines() if (m := _EDGE.match(line))]
    if len(edges) < 2 or interface.clock() is None or checks.reset_port(interface) is None:
        return None
    ins, outs = signals(machine_inputs(interface)), signals(interface.outputs)
    states: dict[str, dict[str, int]] = {}
    transitions = []
    for m in edges:
        src, state_out, label, dst = m.groups()
        given = _pairs(state_out or "", outs, "output")
        if states.get(src) and given and states[src] != given:
            raise FormError([f"the diagram gives state {src} two different outputs"])
        states[src] = given or states.get(src, {})
        states.setdefault(dst, {})
        edge_out = _MEALY.search(label)
        cond = _MEALY.sub("", label)
        transitions.append(
            {
                "from": src,
                "when": _pairs(cond, ins, "input"),
                "to": dst,
                "outputs": _pairs(edge_out.group(1), outs, "output") if edge_out else {},
            }
        )
    mealy = any(t["outputs"] for t in transitions)
    if mealy and any(states.values()):
        raise FormError(["the diagram gives outputs both on states and on edges"])
    names = list(states)
    found = re.search(r"\breset\w*\b[^.]*?\b(?:in)?to\s+(?:the\s+)?(?:state\s+)?(\w+)", text, re.I)
    start = found.group(1) if found and found.group(1) in states else names[0]
    return {
        "outputs_on": "transition" if mealy else "state",
        "reset": "async" if re.search(r"\basynchronous(?:ly)?\b", text, re.I) else "sync",
        "states": [{"name": s, "outputs": states[s]} for s in names],
        "reset_state": start,
        "transitions": transitions,
    }
