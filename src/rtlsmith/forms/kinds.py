"""Small forms instead of free Verilog: which form a spec calls for, and the prompts that ask for it.

A 1.5B model misreads tables it copies into Verilog, but fills a short JSON form well under a grammar that
allows only the form's shape and the task's port names; rtlsmith then writes the module from the form
(`rtlsmith.forms.machine`, `rtlsmith.forms.truth`, `rtlsmith.forms.counter`, `rtlsmith.forms.shift`). The run
itself is `rtlsmith.forms.agent`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rtlsmith.agent import checks
from rtlsmith.forms.counter import counter_schema, parse_counter, write_counter
from rtlsmith.forms.machine import (
    FormError,
    machine_inputs,
    machine_schema,
    parse_machine,
    write_machine,
)
from rtlsmith.forms.schema import Schema
from rtlsmith.forms.shift import parse_shift, shift_schema, write_shift
from rtlsmith.forms.truth import parse_truth, truth_schema, write_truth
from rtlsmith.llm import Message
from rtlsmith.symbolic.design import Design
from rtlsmith.task import Interface, PublicTask

FormKind = Literal["fsm", "truth", "counter", "shift"]

_FSM = re.compile(
    r"\bstate[- ](?:machine|transition|diagram|table)|\bFSM\b|\bMoore\b|\bMealy\b|\bnext[- ]state\b", re.I
)
_TRUTH = re.compile(r"\btruth[- ]table\b|\bKarnaugh\b|\bK-?map\b|\bminterms?\b", re.I)
_COUNTER = re.compile(r"\bcounter\b", re.I)
# A machine that also counts cycles or shifts data has a datapath the state-machine form does not hold.
_DATAPATH = re.compile(r"\bcount(?:s|er|ers|ing|ed)?\b|\b\d{2,}\s+(?:clock\s+)?cycles\b|\bshift", re.I)
MAX_FSM_INPUT_BITS = 6
MAX_FSM_OUTPUT_WIDTH = 4
_NOT_COUNTER = re.compile(r"\bshift\b|\bstate\b|\bsubmodules?\b|\binstantiat", re.I)
_SHIFT = re.compile(r"\bshift(?:s|ed|ing)?\b|\brotat(?:e|es|ed|ing|ion|or)\b", re.I)
# Shifting with feedback taps, counting or state is more than the shift-register form holds.
_NOT_SHIFT = re.compile(
    r"\bLFSR\b|\bfeedback\b|\btaps?\b|\bcount(?:s|er|ing)?\b|\bstate\b|\bsubmodules?\b|\binstantiat", re.I
)


def form_kind(task: PublicTask) -> FormKind | None:
    """The form the spec calls for, or None (free design).

    - "fsm": a clocked interface with a reset, a spec that speaks of a state machine (state diagram, table,
      next state, Moore, Mealy), inputs of at most `MAX_FSM_INPUT_BITS` bits besides clock and reset, and no
      output wider than `MAX_FSM_OUTPUT_WIDTH`, and no counting or shifting (a datapath, which the form
      does not hold);
    - "truth": an interface without a clock and a spec with a truth table, a K-map or minterms;
    - "counter": a clocked interface with a reset, a spec about a counter, one output, and at most one more
      1-bit input (an enable);
    - "shift": a clocked interface, a spec about shifting or rotating (no feedback taps, counting or state),
      one output, and inputs the form can hold (a load, an enable, a serial input, parallel data).
    """
    text = task.spec.text("detailed")
    ifc = task.interface
    clocked = ifc.clock() is not None and checks.reset_port(ifc) is not None
    if not ifc.outputs:
        return None
    extra = machine_inputs(ifc) if clocked else []
    if (
        clocked
        and _FSM.search(text)
        and not _DATAPATH.search(text)
        and sum(p.width for p in extra) <= MAX_FSM_INPUT_BITS
        and max(p.width for p in ifc.outputs) <= MAX_FSM_OUTPUT_WIDTH
    ):
        return "fsm"
    if ifc.clock() is None and _TRUTH.search(text):
        return "truth"
    if (
        clocked
        and _COUNTER.search(text)
        and not _NOT_COUNTER.search(text)
        and len(ifc.outputs) == 1
        and len(extra) <= 1
        and all(p.width == 1 for p in extra)
    ):
        return "counter"
    if ifc.clock() is not None and _SHIFT.search(text) and not _NOT_SHIFT.search(text):
        return "shift" if _fits_shift(task.interface) else None
    return None


def _fits_shift(ifc: Interface) -> bool:
    """One output, and besides clock and reset one to three 1-bit inputs (load, enable, serial input) and at
    most one bus as wide as the output (the parallel data)."""
    if len(ifc.outputs) != 1:
        return False
    reset = checks.reset_port(ifc)
    others = [p for p in ifc.inputs if p.name not in (ifc.clock(), reset.name if reset else None)]
    buses = [p for p in others if p.width > 1]
    return (
        bool(others)  # something to shift in or load: a register of constants is not this form
        and len(others) - len(buses) <= 3
        and len(buses) <= 1
        and all(b.width == ifc.outputs[0].width for b in buses)
    )


@dataclass(frozen=True)
class FormSpec:
    """One kind of form: its schema for an interface, how to read it and how to write its module."""

    kind: FormKind
    schema: Schema
    guide: str
    example: str

    def design(self, form: Any, interface: Interface) -> Design:
        """The module from a filled form; FormError lists what is wrong with it."""
        if self.kind == "fsm":
            return write_machine(parse_machine(form, interface), interface)
        if self.kind == "truth":
            return write_truth(parse_truth(form, interface), interface)
        if self.kind == "shift":
            return write_shift(parse_shift(form, interface), interface)
        return write_counter(parse_counter(form, interface), interface)


_FSM_GUIDE = """\
- outputs_on: "state" when the outputs depend only on the current state (Moore), "transition" when they \
depend on the inputs too (Mealy).
- reset: "async" when the reset acts at once, without waiting for the clock (asynchronous), else "sync".
- states: every state, with the output values in that state (Moore; for Mealy give {}).
- reset_state: the state the reset goes to.
- transitions: for each state, where each input value leads: `when` gives input values ({} means always), \
`to` the next state, `outputs` the output values on that transition (Mealy; for Moore give {}). A state's \
transitions are tried in order; when none applies the machine stays in its state.
Numbers are decimal (binary 10 is 2)."""

_FSM_EXAMPLE = (
    '{"outputs_on": "state", "reset": "sync", "states": [{"name": "IDLE", "outputs": {"busy": 0}}, '
    '{"name": "RUN", "outputs": {"busy": 1}}], "reset_state": "IDLE", "transitions": [{"from": "IDLE", '
    '"when": {"go": 1}, "to": "RUN", "outputs": {}}, {"from": "RUN", "when": {"go": 0}, "to": "IDLE", '
    '"outputs": {}}]}'
)

_TRUTH_GUIDE = """\
- inputs: the input ports, most significant first; the inputs side by side make a row number (a bus input \
gives all its bits, most significant first).
- outputs: for every output bit (a bus bit as out[1]), the row numbers where it is 1 (minterms) and where it \
does not matter (dont_cares); everywhere else it is 0."""

_TRUTH_EXAMPLE = (
    '{"inputs": ["a", "b"], "outputs": [{"output": "y", "minterms": [1, 2], "dont_cares": []}]}  '
    "(y is a XOR b)"
)

_COUNTER_GUIDE = """\
- output: the counter's output port. reset: "async" or "sync"; reset_value: the value after reset.
- enable: the input that lets it count (or "none"); direction: "up" or "down".
- wrap_at: the value after which it starts again, wrap_to: the value it starts again from."""

_COUNTER_EXAMPLE = (
    '{"output": "q", "reset": "sync", "reset_value": 0, "enable": "none", "direction": "up", "wrap_at": 9, '
    '"wrap_to": 0}  (a decade counter 0..9)'
)


_SHIFT_GUIDE = """\
- output: the output port; length: the number of stages (the output's width, or more stages when the output \
is the one bit shifted out of the last stage).
- reset: "sync", "async" or "none"; reset_value: the register after reset.
- load and data: the input that loads the register in parallel and the bus it loads (or "none" for both).
- enable: the input that lets it shift (or "none": it shifts on every clock edge).
- direction: "left" (towards the most significant bit) or "right".
- shift_in: what enters the vacated end: an input port, "zero", "one", "rotate" (the bit shifted out) or \
"keep_msb" (an arithmetic right shift).
Reset comes first, then load, then the shift."""

_SHIFT_EXAMPLE = (
    '{"output": "q", "length": 8, "reset": "async", "reset_value": 0, "load": "ld", "data": "d", '
    '"enable": "none", "direction": "right", "shift_in": "zero"}  (an 8-bit register loaded from d, '
    "shifting right every cycle, zeros entering at the top)"
)


def form_spec(kind: FormKind, interface: Interface) -> FormSpec:
    if kind == "fsm":
        return FormSpec(kind, machine_schema(interface), _FSM_GUIDE, _FSM_EXAMPLE)
    if kind == "truth":
        return FormSpec(kind, truth_schema(interface), _TRUTH_GUIDE, _TRUTH_EXAMPLE)
    if kind == "shift":
        return FormSpec(kind, shift_schema(interface), _SHIFT_GUIDE, _SHIFT_EXAMPLE)
    return FormSpec(kind, counter_schema(interface), _COUNTER_GUIDE, _COUNTER_EXAMPLE)


_NAMES = {"fsm": "state-machine", "truth": "truth-table", "counter": "counter", "shift": "shift-register"}
SYSTEM = (
    "You are a careful digital hardware designer. You read a specification and fill in a small JSON form "
    "that describes the circuit. You answer with the JSON form only."
)


def form_prompt(task: PublicTask, spec: FormSpec) -> list[Message]:
    """The first request: the spec, the interface, the form's fields and an example of a different circuit."""
    text = (
        f"Specification:\n{task.spec.text('detailed').strip()}\n\n"
        f"Interface:\n{task.interface.header()}\n\n"
        f"Fill in the {_NAMES[spec.kind]} form for this circuit. Fields:\n{spec.guide}\n\n"
        f"Example for a different circuit:\n{spec.example}\n\n"
        "Answer with the JSON form for the circuit of the specification, nothing else."
    )
    return [Message("system", SYSTEM), Message("user", text)]


def repair_prompt(messages: Sequence[Message], answer: str, problems: Sequence[str]) -> list[Message]:
    """The conversation so far, the answer, and what is wrong with it: fix the form."""
    listed = "\n".join(f"- {p}" for p in problems[:12])
    ask = f"The form has these problems:\n{listed}\n\nAnswer with the corrected JSON form only."
    return [*messages, Message("assistant", answer), Message("user", ask)]


def read_form(answer: str) -> Any:
    """The JSON object of an answer (the first `{` to its last `}`); FormError when there is none."""
    start, end = answer.find("{"), answer.rfind("}")
    if start < 0 or end < start:
        raise FormError(["the answer holds no JSON object"])
    twice: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in items]
        twice.extend(k for k in dict.fromkeys(keys) if keys.count(k) > 1)
        return dict(items)

    try:
        form = json.loads(answer[start : end + 1], object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise FormError([f"the answer is not valid JSON: {exc.msg} at character {exc.pos}"]) from None
    if twice:
        raise FormError(
            [
                f"{k!r} is given twice in one object: give each name once (the conditions of one `when` "
                "all hold together; use another transition for another condition)"
                for k in twice
            ]
        )
    return form
