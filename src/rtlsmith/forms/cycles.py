"""The cycle-table form: example cycles a small model writes from the spec, as a check of its own design.

A 1.5B model rarely writes a self-checking testbench that compiles and rejects wrong designs; a table of
cycles is within its reach. A filled form (JSON):

    {"cycles": [{"inputs": {"reset": 1, "x": 0}, "outputs": {"z": 0}},
                {"inputs": {"reset": 0, "x": 1}, "outputs": {"z": 1}}, ...]}

Each cycle applies the inputs it names (the others keep their values) and expects the outputs it names:
after the next rising clock edge for a clocked interface, after the inputs settle for a combinational one
(the semantics of `rtlsmith.suites.tbgen.vectors_testbench`, which turns the cycles into a testbench).
The smith agent screens that testbench against wrong designs (outputs tied to 0, inverted, reset ignored)
before it trusts it, exactly as it screens a testbench written in Verilog.
"""

from __future__ import annotations

from typing import Any

from rtlsmith.forms.machine import FormError
from rtlsmith.forms.schema import Schema, array, int_map, obj
from rtlsmith.llm import Message
from rtlsmith.task import Interface, PublicTask, Vector

MIN_CYCLES = 4
MAX_CYCLES = 32
MAX_FORM_TOKENS = 1024

SYSTEM = (
    "You are a careful digital verification engineer. You read a specification and write example cycles "
    "that show what the circuit must do. You answer with the JSON form only."
)


def _inputs(interface: Interface) -> list[str]:
    clock = interface.clock()
    return [p.name for p in interface.inputs if p.name != clock]


def cycles_schema(interface: Interface) -> Schema:
    """The form for `interface`: a list of cycles, each a map of input values and one of output values."""
    ins = _inputs(interface) or ["none"]
    outs = [p.name for p in interface.outputs]
    return obj(cycles=array(obj(inputs=int_map(ins), outputs=int_map(outs)), MIN_CYCLES))


def parse_cycles(form: Any, interface: Interface) -> list[Vector]:
    """Validate a filled form against `interface` and return its cycles as vectors; FormError lists every
    problem (unknown or misplaced ports, values that do not fit, too few or too many cycles, cycles that
    expect nothing)."""
    if not isinstance(form, dict) or not isinstance(form.get("cycles"), list):
        raise FormError(['the form must be one JSON object {"cycles": [...]}'])
    rows = form["cycles"]
    problems: list[str] = []
    if not MIN_CYCLES <= len(rows) <= MAX_CYCLES:
        problems.append(f"give from {MIN_CYCLES} to {MAX_CYCLES} cycles, not {len(rows)}")
    widths = {p.name: p.width for p in interface.ports}
    ins, outs = set(_inputs(interface)), {p.name for p in interface.outputs}
    vectors: list[Vector] = []
    for i, row in enumerate(rows[:MAX_CYCLES], 1):
        if not isinstance(row, dict):
            problems.append(f"cycle {i} is not an object")
            continue
        sides: dict[str, tuple[tuple[str, str], ...]] = {}
        for side, allowed in (("inputs", ins), ("outputs", outs)):
            values = row.get(side) or {}
            if not isinstance(values, dict):
                problems.append(f"cycle {i}: `{side}` must be an object of port values")
                continue
            pairs = []
            for name, value in values.items():
                if name not in allowed:
                    what = "an input (the clock is driven for you)" if side == "inputs" else "an output"
                    problems.append(f"cycle {i}: {name!r} is not {what}")
                    continue
                width = widths[name]
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << width:
                    problems.append(
                        f"cycle {i}: {name} = {value!r} does not fit {width} bit(s) (0 to {(1 << width) - 1})"
                    )
                    continue
                pairs.append((name, f"{width}'d{value}"))
            sides[side] = tuple(pairs)
        if not sides.get("outputs") and isinstance(row.get("outputs", {}), dict):
            problems.append(f"cycle {i} expects no output value: give the outputs it must show")
        vectors.append(Vector(sides.get("inputs", ()), sides.get("outputs", ())))
    if problems:
        raise FormError(problems)
    return vectors


_EXAMPLE = (
    '{"cycles": [{"inputs": {"reset": 1, "en": 0}, "outputs": {"q": 0}}, '
    '{"inputs": {"reset": 0, "en": 1}, "outputs": {"q": 1}}, {"inputs": {"en": 1}, "outputs": {"q": 2}}, '
    '{"inputs": {"en": 0}, "outputs": {"q": 2}}]}  (a 2-bit counter with a synchronous reset and an enable)'
)


def cycles_prompt(task: PublicTask, retry_note: str = "") -> list[Message]:
    """Ask for example cycles of the specified circuit, in the form's shape."""
    ifc = task.interface
    clock = ifc.clock()
    when = (
        f"the outputs right after the next rising edge of `{clock}` (the clock is driven for you; do not "
        "list it)"
        if clock
        else "the outputs once the inputs have settled"
    )
    text = (
        f"Specification:\n{task.spec.text('detailed').strip()}\n\nInterface:\n{ifc.header()}\n\n"
        f"Write {MIN_CYCLES} to 12 example cycles that check this circuit, as JSON. In each cycle give the "
        f"input values applied (inputs you leave out keep their value; all start at 0) and {when}. Values "
        "are decimal numbers. Start with the reset, if the circuit has one, and include cycles where each "
        "output changes.\n\n"
        f"Example for a different circuit:\n{_EXAMPLE}\n\n"
        "Answer with the JSON form for the circuit of the specification, nothing else."
    )
    if retry_note:
        text += f"\n\nYour previous cycles were rejected: {retry_note}"
    return [Message("system", SYSTEM), Message("user", text)]
