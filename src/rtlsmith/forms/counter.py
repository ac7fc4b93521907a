"""The counter form: a counter's parameters, and the module written from them.

A filled form (JSON):

    {"output": "q", "reset": "sync" | "async", "reset_value": 0, "enable": "ena" | "none",
     "direction": "up" | "down", "wrap_at": 9, "wrap_to": 0}

On reset the output takes `reset_value`; otherwise, where `enable` is high (always with "none"), it counts
one step in `direction`, and from `wrap_at` it goes to `wrap_to` instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rtlsmith.agent import checks
from rtlsmith.forms.machine import FormError, active_low, form_output, machine_inputs
from rtlsmith.forms.schema import Schema, enum, integer, obj
from rtlsmith.symbolic.design import Choice, Design, plain_header
from rtlsmith.task import Interface


def counter_schema(interface: Interface) -> Schema:
    enables = [p.name for p in machine_inputs(interface) if p.width == 1] + ["none"]
    return obj(
        output=enum([p.name for p in interface.outputs]),
        reset=enum(["sync", "async"]),
        reset_value=integer(),
        enable=enum(enables),
        direction=enum(["up", "down"]),
        wrap_at=integer(),
        wrap_to=integer(),
    )


@dataclass(frozen=True)
class Counter:
    output: str
    width: int
    asynchronous: bool
    reset_value: int
    enable: str | None
    up: bool
    wrap_at: int
    wrap_to: int


def parse_counter(form: Any, interface: Interface) -> Counter:
    """Validate a filled counter form against `interface`; FormError lists every problem."""
    problems: list[str] = []
    port = form_output(form, interface, problems)
    width = port.width if port is not None else 1
    if form.get("reset") not in ("sync", "async"):
        problems.append('`reset` must be "sync" or "async"')
    enable = form.get("enable")
    enables = {p.name for p in machine_inputs(interface) if p.width == 1}
    if enable != "none" and enable not in enables:
        problems.append(f'`enable` {enable!r} is not a 1-bit input (or "none")')
    if form.get("direction") not in ("up", "down"):
        problems.append('`direction` must be "up" or "down"')
    values = {}
    for key in ("reset_value", "wrap_at", "wrap_to"):
        v = form.get(key)
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 1 << width:
            problems.append(
                f"`{key}` must be a number from 0 to {(1 << width) - 1} ({width} bits), not {v!r}"
            )
        values[key] = v if isinstance(v, int) else 0
    if problems:
        raise FormError(problems)
    return Counter(str(form["output"]), width, form["reset"] == "async", values["reset_value"],
                   None if enable == "none" else str(enable), form["direction"] == "up",
                   values["wrap_at"], values["wrap_to"])  # fmt: skip


def write_counter(counter: Counter, interface: Interface) -> Design:
    """A register that counts as the form says; other outputs (none in a counter spec) are tied to 0."""
    clock, reset = interface.clock(), checks.reset_port(interface)
    if clock is None or reset is None:
        raise FormError(["a counter needs a clock and a reset input in the interface"])
    low = active_low(reset)
    w = counter.width
    taken = {p.name for p in interface.ports}
    reg = "count_q"
    while reg in taken:
        reg += "_"
    edge = f"posedge {clock}"
    if counter.asynchronous:
        edge += f" or {'negedge' if low else 'posedge'} {reset.name}"
    step = f"{reg} {'+' if counter.up else '-'} {w}'d1"
    lines = [
        plain_header(interface),
        "  // Counter from a filled counter form.",
        f"  reg {f'[{w - 1}:0] ' if w > 1 else ''}{reg};",
        f"  always @({edge}) begin",
        f"    if ({'!' if low else ''}{reset.name}) {reg} <= {w}'d{counter.reset_value};",
        f"    else{f' if ({counter.enable})' if counter.enable else ''} begin",
        f"      if ({reg} == {w}'d{counter.wrap_at}) {reg} <= {w}'d{counter.wrap_to};",
        f"      else {reg} <= {step};",
        "    end",
        "  end",
        f"  assign {counter.output} = {reg};",
    ]
    lines += [f"  assign {p.name} = {p.width}'d0;" for p in interface.outputs if p.name != counter.output]
    lines.append("endmodule")
    choice = Choice(counter.output, "counter-form", reg, 1)
    return Design("\n".join(lines) + "\n", (choice,), "counter form", (), clock)
