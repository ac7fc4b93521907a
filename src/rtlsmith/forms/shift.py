"""The shift-register form: a shift register's parameters, and the module written from them.

A filled form (JSON):

    {"output": "q", "length": 4, "reset": "sync" | "async" | "none", "reset_value": 0,
     "load": "load" | "none", "data": "data" | "none", "enable": "ena" | "none",
     "direction": "left" | "right", "shift_in": "in" | "zero" | "one" | "rotate" | "keep_msb"}

`length` stages. The output is the whole register when its width is `length`, or the last stage (the bit
shifted out) when it is one bit wide. Priority: reset (to `reset_value`), then `load` (the register takes
`data`), then `enable` (always with "none"): one step in `direction`, the vacated end taking `shift_in` (an
input bit, 0, 1, the bit shifted out for a rotation, or the top bit kept for an arithmetic right shift).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rtlsmith.agent import checks
from rtlsmith.forms.machine import FormError, active_low, form_output
from rtlsmith.forms.schema import Schema, enum, integer, obj
from rtlsmith.symbolic.design import Choice, Design, plain_header
from rtlsmith.task import Interface, Port

MAX_LENGTH = 512
FILLS = ("zero", "one", "rotate", "keep_msb")


def _others(interface: Interface) -> list[Port]:
    """Inputs besides the clock and the reset."""
    clock, reset = interface.clock(), checks.reset_port(interface)
    skip = {clock, reset.name if reset else None}
    return [p for p in interface.inputs if p.name not in skip]


def shift_schema(interface: Interface) -> Schema:
    bits = [p.name for p in _others(interface) if p.width == 1]
    buses = [p.name for p in _others(interface) if p.width > 1]
    return obj(
        output=enum([p.name for p in interface.outputs]),
        length=integer(),
        reset=enum(["sync", "async", "none"]),
        reset_value=integer(),
        load=enum([*bits, "none"]),
        data=enum([*buses, "none"]),
        enable=enum([*bits, "none"]),
        direction=enum(["left", "right"]),
        shift_in=enum([*bits, *FILLS]),
    )


@dataclass(frozen=True)
class ShiftRegister:
    output: str
    length: int
    reset: str  # sync, async, none
    reset_value: int
    load: str | None
    data: str | None
    enable: str | None
    left: bool
    shift_in: str  # an input bit's name, or one of FILLS


def parse_shift(form: Any, interface: Interface) -> ShiftRegister:
    """Validate a filled shift-register form against `interface`; FormError lists every problem."""
    problems: list[str] = []
    port = form_output(form, interface, problems)
    width = port.width if port is not None else 1
    length = form.get("length")
    if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= MAX_LENGTH:
        problems.append(f"`length` must be the number of stages (1 to {MAX_LENGTH}), not {length!r}")
        length = width
    elif width not in (1, length):
        problems.append(
            f"`length` {length} must equal the width of `{form.get('output')}` ({width} bits), or that "
            "output must be one bit (the last stage)"
        )
    reset = form.get("reset")
    has_reset = checks.reset_port(interface) is not None
    if reset not in ("sync", "async", "none"):
        problems.append('`reset` must be "sync", "async" or "none"')
    elif reset != "none" and not has_reset:
        problems.append('the interface has no reset input: `reset` must be "none"')
    value = form.get("reset_value")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << length:
        problems.append(f"`reset_value` must be a number from 0 to {(1 << length) - 1}, not {value!r}")
        value = 0
    others = {p.name: p for p in _others(interface)}
    bits = {n for n, p in others.items() if p.width == 1}
    picked: dict[str, str | None] = {}
    for key in ("load", "enable"):
        v = form.get(key)
        if v != "none" and v not in bits:
            problems.append(f'`{key}` {v!r} is not a 1-bit input (or "none")')
        picked[key] = None if v == "none" else str(v)
    data = form.get("data")
    if data == "none":
        picked["data"] = None
    elif data not in others or others[str(data)].width != length:
        problems.append(f'`data` {data!r} is not an input of {length} bits (or "none")')
    else:
        picked["data"] = str(data)
    if (picked.get("load") is None) != (picked.get("data") is None):
        problems.append('`load` and `data` go together: give both, or "none" for both')
    if form.get("direction") not in ("left", "right"):
        problems.append('`direction` must be "left" or "right"')
    shift_in = form.get("shift_in")
    if shift_in not in FILLS and shift_in not in bits:
        problems.append(f"`shift_in` {shift_in!r} is not a 1-bit input or one of {', '.join(FILLS)}")
    if problems:
        raise FormError(problems)
    return ShiftRegister(str(form["output"]), int(length), str(reset), int(value), picked["load"],
                         picked["data"], picked["enable"], form["direction"] == "left",
                         str(shift_in))  # fmt: skip


def write_shift(reg: ShiftRegister, interface: Interface) -> Design:
    """The register, as the form says; other outputs are tied to 0."""
    clock = interface.clock()
    if clock is None:
        raise FormError(["a shift register needs a clock input in the interface"])
    rst = checks.reset_port(interface)
    n = reg.length
    taken = {p.name for p in interface.ports}
    name = "shift_q"
    while name in taken:
        name += "_"
    top, bit = n - 1, {"zero": "1'b0", "one": "1'b1"}.get(reg.shift_in, reg.shift_in)
    if reg.shift_in == "rotate":
        bit = f"{name}[{top if reg.left else 0}]"
    elif reg.shift_in == "keep_msb":
        bit = f"{name}[{top}]"
    if n == 1:
        step = bit
    elif reg.left:
        step = f"{{{name}[{top - 1}:0], {bit}}}"
    else:
        step = f"{{{bit}, {name}[{top}:1]}}"
    edge = f"posedge {clock}"
    lines = [plain_header(interface), "  // Shift register from a filled shift-register form."]
    lines.append(f"  reg {f'[{top}:0] ' if n > 1 else ''}{name};")
    branches: list[str] = []
    if reg.reset != "none" and rst is not None:
        low = active_low(rst)
        if reg.reset == "async":
            edge += f" or {'negedge' if low else 'posedge'} {rst.name}"
        branches.append(f"if ({'!' if low else ''}{rst.name}) {name} <= {n}'d{reg.reset_value};")
    if reg.load is not None and reg.data is not None:
        branches.append(f"if ({reg.load}) {name} <= {reg.data};")
    shift = f"{name} <= {step};"
    branches.append(f"if ({reg.enable}) {shift}" if reg.enable else shift)
    lines.append(f"  always @({edge}) begin")
    body = "    " + "\n    else ".join(branches)
    lines.append(body)
    lines.append("  end")
    out = interface.port(reg.output)
    wide = out is not None and out.width > 1
    last = f"{name}[{top if reg.left else 0}]" if n > 1 else name
    lines.append(f"  assign {reg.output} = {name if wide or n == 1 else last};")
    lines += [f"  assign {p.name} = {p.width}'d0;" for p in interface.outputs if p.name != reg.output]
    lines.append("endmodule")
    choice = Choice(reg.output, "shift-form", name, 1)
    return Design("\n".join(lines) + "\n", (choice,), "shift-register form", (), clock)
