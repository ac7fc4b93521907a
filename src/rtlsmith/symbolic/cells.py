"""Column names and cell values of spec tables: a name as a port (or a bit of one), a cell as `Bits`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rtlsmith.symbolic.table_model import Bits, Ref, Unusable
from rtlsmith.task import Interface

_DONT_CARE = frozenset("xXdD-?zZ")  # in binary cells
_HEX_DONT_CARE = frozenset("xXzZ?")  # in hexadecimal cells and Verilog literals (`d` is a digit there)
_LITERAL = re.compile(r"^(\d*)'([bBoOdDhH])([0-9a-fA-FxXzZ_?]+)$")
_BIT_SELECT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]$")


# ------------------------------------------------------------------------------------------------ names


def resolve(name: str, interface: Interface) -> Ref | None:
    """The port (or bit of a bus port) a column name means: exact name first, then a unique case-insensitive
    match. Bit indexes are not range-checked here (see `normalize_bits`)."""
    name = name.strip()
    m = _BIT_SELECT.match(name)
    base, bit = (m.group(1), int(m.group(2))) if m else (name, None)
    port = interface.port(base)
    if port is None:
        folded = [p for p in interface.ports if p.name.lower() == base.lower()]
        port = folded[0] if len(folded) == 1 else None
    if port is None or port.direction == "inout":
        return None
    if bit is not None and port.width == 1:
        return Ref(port.name) if bit == 0 else None
    return Ref(port.name, bit)


def normalize_bits(refs: Sequence[Ref], interface: Interface) -> list[Ref]:
    """Bit selects made 0-based where a bus is numbered 1..width in the table; Unusable when a bit is out
    of range either way."""
    by_port: dict[str, list[int]] = {}
    for r in refs:
        if r.bit is not None:
            by_port.setdefault(r.port, []).append(r.bit)
    shift: dict[str, int] = {}
    for name, bits in by_port.items():
        port = interface.port(name)
        width = port.width if port is not None else 1
        if max(bits) < width:
            shift[name] = 0
        elif min(bits) >= 1 and max(bits) <= width:
            shift[name] = 1
        else:
            raise Unusable(f"bit {max(bits)} of {name} is outside its {width} bit(s)")
    return [r if r.bit is None else Ref(r.port, r.bit - shift[r.port]) for r in refs]


def port_direction(ref: Ref, interface: Interface) -> str:
    """The direction of the port a column names ("" when it is not a port)."""
    port = interface.port(ref.port)
    return port.direction if port is not None else ""


def port_order(ref: Ref, interface: Interface) -> tuple[int, int]:
    """A sort key: the order of the interface's ports, a bus's bits from the most significant."""
    index = next((k for k, p in enumerate(interface.ports) if p.name == ref.port), 0)
    return (index, -(ref.bit or 0))


# ------------------------------------------------------------------------------------------------ values


def parse_value(text: str, width: int, *, hex_default: bool = False) -> Bits | None:
    """A cell's value as Bits (mask 0 = don't-care); None when the text is not a value at all."""
    t = text.strip().replace("_", "")
    full = (1 << width) - 1
    if not t:
        return None
    dont_care = _HEX_DONT_CARE if hex_default else _DONT_CARE
    if all(c in dont_care for c in t) and (len(t) == 1 or len(t) == width or hex_default):
        return Bits(0, 0)
    m = _LITERAL.match(t)
    if m:
        base = {"b": 2, "o": 8, "d": 10, "h": 16}[m.group(2).lower()]
        return _digits(m.group(3), base, width, _HEX_DONT_CARE)
    if hex_default:
        return _digits(t, 16, width, _HEX_DONT_CARE) if re.fullmatch(r"[0-9a-fA-FxXzZ]+", t) else None
    if re.fullmatch(r"[01xXdD?-]+", t) and len(t) == width:
        return _digits(t, 2, width, _DONT_CARE)
    if t.isdigit():
        value = int(t)
        return Bits(value, full) if value <= full else None
    return None


def _digits(digits: str, base: int, width: int, dont_care: frozenset[str]) -> Bits | None:
    per = {2: 1, 8: 3, 16: 4}.get(base)
    full = (1 << width) - 1
    if per is None:  # decimal
        if not digits.isdigit():
            return Bits(0, 0) if all(c in dont_care for c in digits) else None
        value = int(digits)
        return Bits(value, full) if value <= full else None
    value = mask = 0
    for c in digits:
        value <<= per
        mask <<= per
        if c in dont_care:
            continue
        try:
            d = int(c, base)
        except ValueError:
            return None
        value |= d
        mask |= (1 << per) - 1
    if value & ~full:
        return None
    return Bits(value & full, mask & full)
