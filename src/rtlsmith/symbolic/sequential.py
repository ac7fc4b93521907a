"""State-machine synthesis for the symbolic agent: a Moore machine from a spec's state transition table.

A state register, a next-state `case` and decoded outputs; the reset is synchronous unless the text says
asynchronous, active high unless the port name or the text says low, and goes to the state the text names
("resets ... to state A"), else the first row. The vectors that check it: reset, a walk that takes every
transition reachable from the reset state, and reset again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rtlsmith.agent import checks
from rtlsmith.symbolic.design import Choice, Decline, Design, plain_header
from rtlsmith.symbolic.tables import StateTable
from rtlsmith.task import Interface, Vector

_ACTIVE_LOW = re.compile(r"(?:_?n|_ni|_b)$", re.I)


def _ident(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _fresh(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def synthesize_machine(machine: StateTable, interface: Interface, text: str) -> Design:
    """A Moore machine with a state register: next-state `case`, reset as the text says, outputs decoded."""
    clock = interface.clock()
    reset = checks.reset_port(interface)
    if clock is None or reset is None:
        raise Decline("a state table needs a clock and a reset input to build the machine from")
    asynchronous = bool(re.search(r"\basynchronous(?:ly)?\b", text, re.I))
    active_low = bool(_ACTIVE_LOW.search(reset.name)) or bool(re.search(r"active[- ]low", text, re.I))
    start = machine.states[0]
    m = re.search(r"\breset(?:s|ting)?\b[^.]*?\bto\s+(?:the\s+)?(?:state\s+)?(\w+)", text, re.I)
    if m and m.group(1) in machine.states:
        start = m.group(1)
    width = machine.width
    taken = {p.name for p in interface.ports}
    state_reg, next_reg = _fresh("fsm_state", taken), _fresh("fsm_next", taken)
    names = {s: _fresh(f"S_{_ident(s)}", taken) for s in machine.states}
    rng = f"[{width - 1}:0] " if width > 1 else ""
    params = ", ".join(f"{names[s]} = {width}'d{machine.code(s)}" for s in machine.states)
    edge = f"posedge {clock}"
    if asynchronous:
        edge += f" or {'negedge' if active_low else 'posedge'} {reset.name}"
    active = f"!{reset.name}" if active_low else reset.name
    kind = f"{'asynchronous' if asynchronous else 'synchronous'}, active {'low' if active_low else 'high'}"
    lines = [
        plain_header(interface),
        f"  // From the spec's state table (line {machine.line}); reset ({kind}) to {start}.",
        f"  localparam {rng}{params};",
        f"  reg {rng}{state_reg}, {next_reg};",
        "  always @(*) begin",
        f"    case ({state_reg})",
    ]
    for s, (n0, n1) in zip(machine.states, machine.next, strict=True):
        lines.append(f"      {names[s]}: {next_reg} = {machine.input} ? {names[n1]} : {names[n0]};")
    lines += [
        f"      default: {next_reg} = {names[start]};",
        "    endcase",
        "  end",
        f"  always @({edge}) begin",
        f"    if ({active}) {state_reg} <= {names[start]};",
        f"    else {state_reg} <= {next_reg};",
        "  end",
    ]
    choices: list[Choice] = []
    for k, out in enumerate(machine.outputs):
        on = [s for s, vals in zip(machine.states, machine.values, strict=True) if vals[k]]
        expr = " || ".join(f"{state_reg} == {names[s]}" for s in on) if on else "1'b0"
        lines.append(f"  assign {out} = {expr};")
        choices.append(Choice(out, "state-decode", expr, len(on)))
    lines.append("endmodule")
    vectors = _machine_vectors(machine, reset.name, active_low, start)
    return Design("\n".join(lines) + "\n", tuple(choices), machine.describe(), tuple(vectors), clock)


def _machine_vectors(machine: StateTable, reset: str, active_low: bool, start: str) -> list[Vector]:
    """Reset, then a walk from the reset state taking every reachable transition, then reset again; each
    step checks the outputs of the state it reaches."""
    on, off = ("1'b0", "1'b1") if active_low else ("1'b1", "1'b0")
    step = {(s, x): pair[x] for s, pair in zip(machine.states, machine.next, strict=True) for x in (0, 1)}
    values = dict(zip(machine.states, machine.values, strict=True))

    def expect(state: str) -> tuple[tuple[str, str], ...]:
        return tuple((o, f"1'b{v}") for o, v in zip(machine.outputs, values[state], strict=True))

    vectors = [Vector(((reset, on), (machine.input, "1'b0")), expect(start))]
    todo = set(step)
    here = start
    while todo:
        path = _path_to_untaken(here, todo, step, machine.states)
        if path is None:
            break  # the rest is unreachable from the reset state
        for x in path:
            nxt = step[(here, x)]
            todo.discard((here, x))
            vectors.append(Vector(((reset, off), (machine.input, f"1'b{x}")), expect(nxt)))
            here = nxt
    vectors.append(Vector(((reset, on), (machine.input, "1'b1")), expect(start)))
    return vectors


def _path_to_untaken(
    here: str, todo: set[tuple[str, int]], step: dict[tuple[str, int], str], states: Sequence[str]
) -> list[int] | None:
    """The shortest input sequence from `here` that ends by taking a transition still in `todo`."""
    frontier: list[tuple[str, list[int]]] = [(here, [])]
    seen = {here}
    while frontier:
        nxt_frontier: list[tuple[str, list[int]]] = []
        for state, path in frontier:
            for x in (0, 1):
                if (state, x) in todo:
                    return [*path, x]
            for x in (0, 1):
                target = step[(state, x)]
                if target not in seen:
                    seen.add(target)
                    nxt_frontier.append((target, [*path, x]))
        frontier = nxt_frontier
    return None
