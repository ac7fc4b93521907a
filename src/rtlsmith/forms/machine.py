"""The state-machine form: its schema for one interface, its validation, and the Verilog written from it.

A filled form (JSON):

    {"outputs_on": "state" | "transition",          (Moore | Mealy)
     "reset": "sync" | "async",
     "states": [{"name": "A", "outputs": {"z": 0}}, ...],
     "reset_state": "A",
     "transitions": [{"from": "A", "when": {"x": 1}, "to": "B", "outputs": {"z": 1}}, ...]}

`when` gives the value of some inputs (the inputs it leaves out do not matter; `{}` always holds); a state's
transitions are tried in order and the first whose `when` holds is taken; when none holds the machine stays.
Moore outputs are given per state, Mealy outputs per transition (then the outputs of the transition taken,
0 where none is taken); outputs a state or transition leaves out are 0. The reset port and its polarity come
from the interface (a name ending in `n` is active low), the reset state and kind from the form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rtlsmith.agent import checks
from rtlsmith.forms.schema import Schema, array, enum, ident, int_map, obj
from rtlsmith.symbolic.design import Choice, Design, plain_header
from rtlsmith.task import Interface, Port

_ACTIVE_LOW = re.compile(r"(?:_?n|_ni|_b)$", re.I)
MAX_STATES = 64


class FormError(ValueError):
    """A filled form that cannot be turned into a module; `problems` lists every reason, for a repair."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def active_low(port: Port) -> bool:
    """Whether a reset port is active low, by its name (`resetn`, `rst_n`, `rst_ni`, `reset_b`)."""
    return bool(_ACTIVE_LOW.search(port.name))


def form_output(form: Any, interface: Interface, problems: list[str]) -> Port | None:
    """The output port a form names under `output`; FormError when the form is not a JSON object, a problem
    appended when the name is not an output port."""
    if not isinstance(form, dict):
        raise FormError(["the form must be one JSON object"])
    port = interface.port(str(form.get("output")))
    if port is None or port.direction != "output":
        problems.append(f"`output` {form.get('output')!r} is not an output port")
        return None
    return port


def machine_inputs(interface: Interface) -> list[Port]:
    """The inputs a transition may test: every input but the clock and the reset."""
    clock, reset = interface.clock(), checks.reset_port(interface)
    skip = {clock, reset.name if reset else None}
    return [p for p in interface.inputs if p.name not in skip]


def signals(ports: list[Port] | tuple[Port, ...]) -> dict[str, int]:
    """Names a form may use for `ports`, with widths: each port whole, and each bit of a bus (`r[0]`)."""
    out = {p.name: p.width for p in ports}
    for p in ports:
        if p.width > 1:
            out.update({f"{p.name}[{b}]": 1 for b in range(p.width)})
    return out


def machine_schema(interface: Interface) -> Schema:
    """The state-machine form for `interface`: its inputs and outputs by name (bus bits as `r[0]`)."""
    ins = list(signals(machine_inputs(interface))) or ["none"]
    outs = list(signals(interface.outputs))
    return obj(
        outputs_on=enum(["state", "transition"]),
        reset=enum(["sync", "async"]),
        states=array(obj(name=ident(), outputs=int_map(outs)), 1),
        reset_state=ident(),
        transitions=array(
            obj(**{"from": ident(), "when": int_map(ins), "to": ident(), "outputs": int_map(outs)})
        ),
    )


@dataclass(frozen=True)
class Transition:
    source: str
    when: tuple[tuple[str, int], ...]
    target: str
    outputs: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Machine:
    """A validated state-machine form."""

    mealy: bool
    asynchronous: bool
    states: tuple[str, ...]
    state_outputs: dict[str, dict[str, int]]
    reset_state: str
    transitions: tuple[Transition, ...]


def _values(
    raw: Any, ports: dict[str, int], where: str, what: str, problems: list[str]
) -> tuple[tuple[str, int], ...]:
    if not isinstance(raw, dict):
        problems.append(f"{where}: `{what}` must be an object of port names to numbers")
        return ()
    out = []
    for name, value in raw.items():
        width = ports.get(name)
        if width is None:
            problems.append(f"{where}: {name!r} is not one of {', '.join(sorted(ports)) or 'no ports'}")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(f"{where}: {name} must be a non-negative integer, not {value!r}")
        elif value >= 1 << width:
            problems.append(
                f"{where}: {name}={value} does not fit {name}'s {width} bit(s) (at most "
                f"{(1 << width) - 1}; write the value as a decimal number)"
            )
        else:
            out.append((name, value))
    return tuple(out)


def parse_machine(form: Any, interface: Interface) -> Machine:
    """Validate a filled state-machine form against `interface`; FormError lists every problem."""
    problems: list[str] = []
    if not isinstance(form, dict):
        raise FormError(["the form must be one JSON object"])
    ins = signals(machine_inputs(interface))
    outs = signals(interface.outputs)
    mealy = form.get("outputs_on") == "transition"
    if form.get("outputs_on") not in ("state", "transition"):
        problems.append('`outputs_on` must be "state" (Moore) or "transition" (Mealy)')
    if form.get("reset") not in ("sync", "async"):
        problems.append('`reset` must be "sync" or "async"')
    states: list[str] = []
    state_outputs: dict[str, dict[str, int]] = {}
    for k, entry in enumerate(form.get("states") or []):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_]\w*", name):
            problems.append(f"state {k + 1}: `name` must be an identifier, not {name!r}")
            continue
        if name in state_outputs:
            problems.append(f"state {name} is listed twice")
            continue
        states.append(name)
        state_outputs[name] = dict(_values(entry.get("outputs", {}), outs, f"state {name}", "outputs",
                                           problems))  # fmt: skip
    if not states:
        problems.append("`states` must list at least one state")
    if len(states) > MAX_STATES:
        problems.append(f"at most {MAX_STATES} states, not {len(states)}")
    reset_state = form.get("reset_state")
    if reset_state not in state_outputs:
        problems.append(f"`reset_state` {reset_state!r} is not one of the states ({', '.join(states)})")
    transitions: list[Transition] = []
    for k, t in enumerate(form.get("transitions") or []):
        where = f"transition {k + 1}"
        if not isinstance(t, dict):
            problems.append(f"{where} must be an object")
            continue
        src, dst = t.get("from"), t.get("to")
        for key, name in (("from", src), ("to", dst)):
            if name not in state_outputs:
                problems.append(f"{where}: `{key}` {name!r} is not one of the states ({', '.join(states)})")
        when = _values(t.get("when", {}), ins, where, "when", problems)
        values = _values(t.get("outputs", {}), outs, where, "outputs", problems)
        transitions.append(Transition(str(src), when, str(dst), values))
    if mealy and any(state_outputs.values()) and not any(t.outputs for t in transitions):
        problems.append(
            'outputs are given on states but `outputs_on` is "transition": give each transition its outputs '
            '(Mealy), or use "state" for a Moore machine'
        )
    if not mealy:
        given = [f"transition {k + 1}" for k, t in enumerate(transitions) if t.outputs]
        if given and not any(state_outputs.values()):
            problems.append(
                f'outputs are given on transitions ({", ".join(given[:3])}) but `outputs_on` is "state": '
                'use "transition" for a Mealy machine, or give each state its outputs'
            )
    if problems:
        raise FormError(problems)
    return Machine(mealy, form["reset"] == "async", tuple(states), state_outputs, str(reset_state),
                   tuple(transitions))  # fmt: skip


def _const(value: int, width: int) -> str:
    return f"{width}'d{value}"


def _cond(when: tuple[tuple[str, int], ...], widths: dict[str, int]) -> str:
    return " && ".join(f"{n} == {_const(v, widths[n])}" for n, v in when) or "1'b1"


def write_machine(machine: Machine, interface: Interface) -> Design:
    """The module: a state register, a next-state `case`, outputs from the state (Moore) or transition."""
    clock, reset = interface.clock(), checks.reset_port(interface)
    if clock is None or reset is None:
        raise FormError(["a state machine needs a clock and a reset input in the interface"])
    low = active_low(reset)
    ins = signals(machine_inputs(interface))
    outs = list(interface.outputs)
    taken = {p.name for p in interface.ports}

    def fresh(name: str) -> str:
        while name in taken:
            name += "_"
        taken.add(name)
        return name

    state, nxt = fresh("fsm_state"), fresh("fsm_next")
    names = {s: fresh(f"S_{s}") for s in machine.states}
    regs = {p.name: fresh(f"{p.name}_q") for p in outs}
    width = max(1, (len(machine.states) - 1).bit_length())
    rng = f"[{width - 1}:0] " if width > 1 else ""
    edge = f"posedge {clock}"
    if machine.asynchronous:
        edge += f" or {'negedge' if low else 'posedge'} {reset.name}"
    kind = "Mealy" if machine.mealy else "Moore"
    lines = [
        plain_header(interface),
        f"  // {kind} machine from a filled state-machine form; reset "
        f"({'asynchronous' if machine.asynchronous else 'synchronous'}) to {machine.reset_state}.",
        "  localparam " + ", ".join(f"{names[s]} = {width}'d{k}" for k, s in enumerate(machine.states)) + ";",
        f"  reg {rng}{state}, {nxt};",
    ]
    for p in outs:
        lines.append(f"  reg {f'[{p.width - 1}:0] ' if p.width > 1 else ''}{regs[p.name]};")
    lines += ["  always @(*) begin", f"    {nxt} = {state};"]
    lines += [f"    {regs[p.name]} = {_const(0, p.width)};" for p in outs if machine.mealy]
    lines.append(f"    case ({state})")
    widths = signals(outs)

    def target(name: str) -> str:  # an output, or a bit of one, as the register that drives it
        port, _, bit = name.partition("[")
        return regs[port] + (f"[{bit}" if bit else "")

    for s in machine.states:
        mine = [t for t in machine.transitions if t.source == s]
        if not mine:
            continue
        lines.append(f"      {names[s]}: begin")
        for k, t in enumerate(mine):
            head = "if" if k == 0 else "else if"
            acts = [f"{nxt} = {names[t.target]};"]
            if machine.mealy:
                acts += [f"{target(o)} = {_const(v, widths[o])};" for o, v in t.outputs]
            lines.append(f"        {head} ({_cond(t.when, ins)}) begin {' '.join(acts)} end")
        lines.append("      end")
    lines += ["      default: ;", "    endcase", "  end"]
    active = f"!{reset.name}" if low else reset.name
    lines += [
        f"  always @({edge}) begin",
        f"    if ({active}) {state} <= {names[machine.reset_state]};",
        f"    else {state} <= {nxt};",
        "  end",
    ]
    if not machine.mealy:
        lines += ["  always @(*) begin"]
        lines += [f"    {regs[p.name]} = {_const(0, p.width)};" for p in outs]
        lines.append(f"    case ({state})")
        for s in machine.states:
            acts = [f"{target(o)} = {_const(v, widths[o])};" for o, v in machine.state_outputs[s].items()]
            if acts:
                lines.append(f"      {names[s]}: begin {' '.join(acts)} end")
        lines += ["      default: ;", "    endcase", "  end"]
    lines += [f"  assign {p.name} = {regs[p.name]};" for p in outs]
    lines.append("endmodule")
    choices = tuple(Choice(p.name, f"{kind.lower()}-form", regs[p.name], len(machine.states)) for p in outs)
    source = f"state-machine form: {len(machine.states)} states, {len(machine.transitions)} transitions"
    return Design("\n".join(lines) + "\n", choices, source, (), clock)
