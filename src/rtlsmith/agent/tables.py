"""Tables in a spec's text, mapped onto the interface's ports: truth tables, waveforms and Karnaugh maps.

Three forms are read, as VerilogEval and textbooks write them:

- *truth tables*: a header of port names (`x3 | x2 | x1 | f`, `|` or blanks between cells) over rows of
  values (`0 | 1 | 1 | 0`). A 1-bit cell is 0, 1 or a don't-care (`x`, `d`, `-`, `?`); a bus cell is a
  binary string of the bus's width, a decimal number or a Verilog literal. A don't-care in an input cell
  stands for every value (the row is expanded); in an output cell it leaves that output free.
- *simulation waveforms*: a header `time a b q` over rows `15ns 0 1 1`. Values are hexadecimal (as
  VerilogEval prints buses); `x` is unknown: a row with an unknown input is dropped, an unknown output is a
  don't-care. A column named like the interface's clock makes the table sequential.
- *Karnaugh maps*: a column label (`ab`, `x[0]x[1]`) on its own line, then the row label and the column
  codes (`cd  00  01  11  10`), then rows `00 | 1 | 0 | d | 1 |`. Codes are read as written (Gray order or
  not). Labels are split into port names and bit selects of the interface; a bus named 1-based in the map
  (`x[1]..x[4]` for a 4-bit `x`) is shifted to 0-based. The map defines the module's single 1-bit output, or
  the output its text names. When the spec speaks of a multiplexer and some map variables are not ports,
  those variables select a bit of the one output bus (`mux_in[{a,b}]`).

- *state transition tables* of a Moore machine with one input, as VerilogEval writes them:
  `State | Next state in=0, Next state in=1 | Output` over rows `B | C, B | 0`. States are names (encoded
  as the text says, `A=2'b00` or one-hot `A=4'b0001`, when the interface carries the state) or binary codes
  (`001 | 001, 100 | 0`). When the present state is an input port and the next state an output (whole, or
  bit by bit as `Y0` for `Y[0]`), the table is the machine's combinational logic and becomes an ordinary
  `Table` (kind "state"); otherwise it is a `StateTable`, a whole machine to build with a state register.

Every table comes back with its rows in a common form (`Table`): input values per input column, output
`Bits` (value and care mask) per output column. What looked like a table but could not be mapped is listed
in `Scan.problems`, so an agent can say why it declined.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from rtlsmith.task import Interface, Port

Kind = Literal["truth", "waveform", "kmap", "state"]

_DONT_CARE = frozenset("xXdD-?zZ")  # in binary cells
_HEX_DONT_CARE = frozenset("xXzZ?")  # in hexadecimal cells and Verilog literals (`d` is a digit there)
_MAX_EXPANSION = 1 << 12  # input don't-cares expanded into at most this many rows per table
_CODES = re.compile(r"^\s*(?P<label>\S+)\s+(?P<codes>[01]+(?:\s+[01]+)+)\s*$")
_KMAP_ROW = re.compile(r"^\s*(?P<code>[01]+)\s*\|(?P<cells>(?:[^|]*\|)+)\s*$")
_TIME = re.compile(r"^\d+(?:\.\d+)?\s*(?:[munpf]?s)?$", re.I)
_LITERAL = re.compile(r"^(\d*)'([bBoOdDhH])([0-9a-fA-FxXzZ_?]+)$")
_SEPARATOR = re.compile(r"^[\s|+=:_-]*$")
_BIT_SELECT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]$")


class Bits(NamedTuple):
    """An output value: `value` on the bits set in `mask`; the other bits are don't-cares."""

    value: int
    mask: int


@dataclass(frozen=True)
class Ref:
    """A table column: a whole port, or one bit of a bus port."""

    port: str
    bit: int | None = None

    def text(self) -> str:
        return self.port if self.bit is None else f"{self.port}[{self.bit}]"

    def width(self, interface: Interface) -> int:
        if self.bit is not None:
            return 1
        port = interface.port(self.port)
        return port.width if port is not None else 1


@dataclass(frozen=True)
class Row:
    inputs: tuple[int, ...]  # one value per Table.inputs
    outputs: tuple[Bits, ...]  # one per Table.outputs


@dataclass(frozen=True)
class Table:
    """One table of the spec, in terms of the interface's ports."""

    kind: Kind
    inputs: tuple[Ref, ...]
    outputs: tuple[Ref, ...]
    rows: tuple[Row, ...]
    line: int  # 1-based line of the spec where the table starts
    clock: str | None = None  # a waveform's clock column: the table describes a sequential circuit
    dropped: int = 0  # rows left out because an input was unknown
    note: str = ""

    @property
    def sequential(self) -> bool:
        return self.clock is not None

    def describe(self) -> str:
        ins = ", ".join(r.text() for r in self.inputs)
        outs = ", ".join(r.text() for r in self.outputs)
        extra = f"; {self.dropped} row(s) with unknown inputs left out" if self.dropped else ""
        clock = f", clocked by {self.clock}" if self.clock else ""
        note = f"; {self.note}" if self.note else ""
        return (
            f"{self.kind} table at line {self.line}: inputs {ins or 'none'} -> outputs {outs}{clock}, "
            f"{len(self.rows)} row(s){extra}{note}"
        )


@dataclass(frozen=True)
class StateTable:
    """A Moore machine's state transition table: next state per value of one input, outputs per state."""

    states: tuple[str, ...]  # in row order
    input: str  # the 1-bit input port that picks the transition
    next: tuple[tuple[str, str], ...]  # per state: the next state when `input` is 0, when it is 1
    outputs: tuple[str, ...]  # output ports (Moore: a value per state)
    values: tuple[tuple[int, ...], ...]  # per state, per output
    codes: tuple[int, ...] | None  # per state, when the table or the text gives an encoding
    code_width: int
    line: int

    def describe(self) -> str:
        return (
            f"state table at line {self.line}: {len(self.states)} states ({', '.join(self.states)}), "
            f"input {self.input}, outputs {', '.join(self.outputs)}"
        )

    def code(self, state: str) -> int:
        codes = self.codes if self.codes is not None else tuple(range(len(self.states)))
        return codes[self.states.index(state)]

    @property
    def width(self) -> int:
        return self.code_width if self.codes is not None else max(1, (len(self.states) - 1).bit_length())


@dataclass
class Scan:
    """What `find_tables` found: usable tables, and why table-like text was not usable."""

    tables: list[Table] = field(default_factory=list)
    machines: list[StateTable] = field(default_factory=list)  # whole machines (state tables, sequential)
    problems: list[str] = field(default_factory=list)


class _Unusable(Exception):
    """A table-like block that cannot be mapped onto the interface (the message says why)."""


# ------------------------------------------------------------------------------------------------ names


def resolve(name: str, interface: Interface) -> Ref | None:
    """The port (or bit of a bus port) a column name means: exact name first, then a unique case-insensitive
    match. Bit indexes are not range-checked here (see `_normalize_bits`)."""
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


def _normalize_bits(refs: Sequence[Ref], interface: Interface) -> list[Ref]:
    """Bit selects made 0-based where a bus is numbered 1..width in the table; UnusableTable when a bit is out
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
            raise _Unusable(f"bit {max(bits)} of {name} is outside its {width} bit(s)")
    return [r if r.bit is None else Ref(r.port, r.bit - shift[r.port]) for r in refs]


def _direction(ref: Ref, interface: Interface) -> str:
    port = interface.port(ref.port)
    return port.direction if port is not None else ""


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


def _expand(bits: Bits, width: int) -> list[int]:
    """Every value a partly unknown input stands for."""
    free = [i for i in range(width) if not (bits.mask >> i) & 1]
    out = []
    for combo in itertools.product((0, 1), repeat=len(free)):
        v = bits.value
        for i, b in zip(free, combo, strict=True):
            v |= b << i
        out.append(v)
    return out


# ------------------------------------------------------------------------------------------------ scanning


def find_tables(text: str, interface: Interface) -> Scan:
    """Every truth table, waveform, Karnaugh map and state table in `text`, mapped onto `interface`."""
    lines = text.splitlines()
    scan = Scan()
    used: set[int] = set()
    found: list[tuple[int, Table]] = []
    for reader in (_read_state_table, _read_kmap, _read_waveform, _read_truth):
        i = 0
        while i < len(lines):
            if i in used:
                i += 1
                continue
            try:
                hit = reader(lines, i, interface, text)
            except _Unusable as exc:
                scan.problems.append(f"line {i + 1}: {exc}")
                hit = None
                span = _block_end(lines, i)
                used.update(range(i, span))
                i = span
                continue
            if hit is None:
                i += 1
                continue
            table, end = hit
            if isinstance(table, StateTable):
                scan.machines.append(table)
            else:
                found.append((i, table))
            used.update(range(i, end))
            i = end
    scan.tables = [t for _, t in sorted(found, key=lambda p: p[0])]
    return scan


def _block_end(lines: Sequence[str], start: int) -> int:
    i = start + 1
    while i < len(lines) and lines[i].strip():
        i += 1
    return i


def _cells(line: str) -> list[str]:
    if "|" in line:
        return [c.strip() for c in line.strip().strip("|").split("|")]
    return line.split()


# ---------------------------------------------------------------------------------------- truth tables


def _read_truth(lines: Sequence[str], i: int, interface: Interface, _text: str) -> tuple[Table, int] | None:
    header = [c for c in _cells(lines[i]) if c]
    if len(header) < 2 or not all(re.match(r"[A-Za-z_]", c) for c in header):
        return None
    # Gather the rows first: a table is a header followed by at least two rows of value-like cells.
    j = i + 1
    while j < len(lines) and _SEPARATOR.match(lines[j]) and lines[j].strip():
        j += 1
    raw_rows: list[tuple[int, list[str]]] = []
    while j < len(lines) and lines[j].strip():
        if _SEPARATOR.match(lines[j]):
            j += 1
            continue
        cells = _cells(lines[j])
        if len(cells) != len(header) or not all(_value_like(c) for c in cells):
            break
        raw_rows.append((j, cells))
        j += 1
    if len(raw_rows) < 2:
        return None
    if any(not _value_like(c) for _, cells in raw_rows for c in cells):
        return None
    refs = [resolve(name, interface) for name in header]
    if any(r is None for r in refs):
        unknown = [n for n, r in zip(header, refs, strict=True) if r is None]
        raise _Unusable(
            f"a table whose columns ({', '.join(header)}) are not all ports of {interface.module} "
            f"(unknown: {', '.join(unknown)})"
        )
    cols = _normalize_bits([r for r in refs if r is not None], interface)
    return _build("truth", cols, [(k, cells) for k, cells in raw_rows], interface, i, j, hex_default=False)


def _value_like(cell: str) -> bool:
    t = cell.strip().replace("_", "")
    return bool(t) and bool(re.fullmatch(r"[01xXdD?-]+|\d+|\d*'[sS]?[bBoOdDhH][0-9a-fA-FxXzZ_?]+", t))


def _build(
    kind: Kind,
    cols: list[Ref],
    raw_rows: list[tuple[int, list[str]]],
    interface: Interface,
    start: int,
    end: int,
    *,
    hex_default: bool,
    clock: str | None = None,
) -> tuple[Table, int]:
    ins = [(k, r) for k, r in enumerate(cols) if _direction(r, interface) == "input" and r.port != clock]
    outs = [(k, r) for k, r in enumerate(cols) if _direction(r, interface) == "output"]
    if not outs:
        raise _Unusable(f"a {kind} table with no output of {interface.module} among its columns")
    if not ins and clock is None:
        raise _Unusable(f"a {kind} table with no input of {interface.module} among its columns")
    if len({r for r in cols}) != len(cols):
        raise _Unusable(f"a {kind} table naming a column twice")
    rows: list[Row] = []
    dropped = 0
    for line_no, cells in raw_rows:
        values: list[Bits] = []
        for (name, ref), cell in zip(((c.text(), c) for c in cols), cells, strict=True):
            v = parse_value(cell, ref.width(interface), hex_default=hex_default)
            if v is None:
                raise _Unusable(f"line {line_no + 1}: {cell!r} is not a value for {name}")
            values.append(v)
        in_bits = [values[k] for k, _ in ins]
        out_bits = tuple(values[k] for k, _ in outs)
        if kind == "waveform":
            full = [(1 << r.width(interface)) - 1 for _, r in ins]
            if any(b.mask != f for b, f in zip(in_bits, full, strict=True)):
                dropped += 1
                continue
            rows.append(Row(tuple(b.value for b in in_bits), out_bits))
            continue
        choices = [_expand(b, r.width(interface)) for b, (_, r) in zip(in_bits, ins, strict=True)]
        count = 1
        for c in choices:
            count *= len(c)
        if count > _MAX_EXPANSION:
            raise _Unusable(f"line {line_no + 1}: don't-care inputs expand to too many rows")
        rows.extend(Row(tuple(combo), out_bits) for combo in itertools.product(*choices))
    table = Table(
        kind, tuple(r for _, r in ins), tuple(r for _, r in outs), tuple(rows), start + 1, clock, dropped
    )
    return table, end


# ------------------------------------------------------------------------------------------- waveforms


def _read_waveform(
    lines: Sequence[str], i: int, interface: Interface, _text: str
) -> tuple[Table, int] | None:
    header = lines[i].split()
    if len(header) < 2 or header[0].lower() != "time":
        return None
    raw_rows: list[tuple[int, list[str]]] = []
    j = i + 1
    while j < len(lines) and lines[j].strip():
        cells = lines[j].split()
        if not cells or not _TIME.match(cells[0]):
            if _SEPARATOR.match(lines[j]):
                j += 1
                continue
            break
        if len(cells) != len(header):
            raise _Unusable(f"line {j + 1}: {len(cells)} cells under a {len(header)}-column waveform header")
        raw_rows.append((j, cells[1:]))
        j += 1
    if len(raw_rows) < 2:
        return None
    refs = [resolve(name, interface) for name in header[1:]]
    if any(r is None for r in refs):
        unknown = [n for n, r in zip(header[1:], refs, strict=True) if r is None]
        raise _Unusable(
            f"a waveform whose signals ({', '.join(header[1:])}) are not all ports of {interface.module} "
            f"(unknown: {', '.join(unknown)})"
        )
    cols = _normalize_bits([r for r in refs if r is not None], interface)
    clock_name = interface.clock()
    clock = clock_name if any(r.port == clock_name for r in cols) else None
    return _build("waveform", cols, raw_rows, interface, i, j, hex_default=True, clock=clock)


# ------------------------------------------------------------------------------------------ Karnaugh maps


def _read_kmap(lines: Sequence[str], i: int, interface: Interface, text: str) -> tuple[Table, int] | None:
    m = _CODES.match(lines[i])
    if not m or "|" in lines[i]:
        return None
    codes = m.group("codes").split()
    if len({len(c) for c in codes}) != 1 or len(set(codes)) != len(codes):
        return None
    row_label = m.group("label")
    col_label = ""
    for sep in ("\\", "/"):
        if sep in row_label:
            row_label, col_label = row_label.split(sep, 1)
    if not col_label:
        k = i - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        if k < 0 or "|" in lines[k]:
            return None
        col_label = lines[k].strip()
    rows: list[tuple[str, list[str]]] = []
    j = i + 1
    while j < len(lines):
        rm = _KMAP_ROW.match(lines[j])
        if rm is None:
            break
        cells = [c.strip() for c in rm.group("cells").split("|")[:-1]]
        rows.append((rm.group("code"), cells))
        j += 1
    if len(rows) < 2:
        return None
    if any(len(cells) != len(codes) for _, cells in rows):
        raise _Unusable("a Karnaugh map whose rows do not have one cell per column code")
    if len({len(code) for code, _ in rows}) != 1:
        raise _Unusable("a Karnaugh map whose row codes differ in length")
    col_vars = split_label(col_label, len(codes[0]), interface)
    row_vars = split_label(row_label, len(rows[0][0]), interface)
    if col_vars is None or row_vars is None:
        raise _Unusable(f"Karnaugh map labels ({col_label!r}, {row_label!r}) do not split into signals")
    variables = col_vars + row_vars
    known = [v for v in variables if isinstance(v, Ref)]
    unknown = [v for v in variables if isinstance(v, str)]
    known = _normalize_bits(known, interface)
    if any(_direction(r, interface) != "input" for r in known):
        raise _Unusable("a Karnaugh map whose variables are not all inputs")
    if len(set(known)) != len(known):
        raise _Unusable("a Karnaugh map naming a variable twice")
    it = iter(known)
    variables = [next(it) if isinstance(v, Ref) else v for v in variables]
    outputs = _kmap_outputs(interface, unknown, lines, i, text)
    inputs = sorted(known, key=lambda r: _order(r, interface))
    table: dict[tuple[int, ...], list[Bits]] = {}
    for row_code, cells in rows:
        for col_code, cell in zip(codes, cells, strict=True):
            bits = dict(zip(variables, (int(c) for c in col_code + row_code), strict=True))
            value = parse_value(cell, 1)
            if value is None:
                raise _Unusable(f"Karnaugh map cell {cell!r} is not 0, 1 or a don't-care")
            key = tuple(bits[r] for r in inputs)
            sel = 0
            for u in unknown:
                sel = (sel << 1) | bits[u]
            table.setdefault(key, [Bits(0, 0)] * len(outputs))[sel] = value
    out_rows = tuple(Row(k, tuple(v)) for k, v in table.items())
    note = f"{''.join(unknown)} select the bit of {outputs[0].port}" if unknown else ""
    return Table("kmap", tuple(inputs), tuple(outputs), out_rows, i, None, 0, note), j


def _order(ref: Ref, interface: Interface) -> tuple[int, int]:
    index = next((k for k, p in enumerate(interface.ports) if p.name == ref.port), 0)
    return (index, -(ref.bit or 0))


def split_label(label: str, digits: int, interface: Interface) -> list[Ref | str] | None:
    """A K-map label (`ab`, `x[0]x[1]`, `a,b`) as `digits` one-bit signals: input refs, or a single letter
    (str) where no input matches."""
    text = re.sub(r"[\s,{}]+", "", label)
    names = sorted((p.name for p in interface.inputs), key=len, reverse=True)
    lowered = {n.lower() for n in names}

    def walk(pos: int, acc: list[Ref | str]) -> list[Ref | str] | None:
        if pos == len(text):
            return acc if len(acc) == digits else None
        if len(acc) >= digits:
            return None
        for name in names:
            if text[pos : pos + len(name)].lower() != name.lower():
                continue
            end = pos + len(name)
            sel = re.match(r"\[(\d+)\]", text[end:])
            if sel:
                port = interface.port(name)
                ref = resolve(f"{name}[{sel.group(1)}]", interface)
                if ref is not None and port is not None:
                    found = walk(end + sel.end(), [*acc, ref])
                    if found is not None:
                        return found
            elif (p := interface.port(name)) is not None and p.width == 1:
                found = walk(end, [*acc, Ref(p.name)])
                if found is not None:
                    return found
        letter = text[pos]
        if letter.isalpha() and letter.lower() not in lowered and text[pos + 1 : pos + 2] != "[":
            return walk(pos + 1, [*acc, letter])
        return None

    return walk(0, [])


def _kmap_outputs(
    interface: Interface, unknown: list[str], lines: Sequence[str], at: int, text: str
) -> list[Ref]:
    outs = interface.outputs
    if unknown:
        if not re.search(r"\bmux\b|multiplexer", text, re.I):
            raise _Unusable(f"Karnaugh map variables {', '.join(unknown)} are not inputs of the module")
        buses = [p for p in outs if p.width == 1 << len(unknown)]
        if len(outs) != 1 or not buses:
            raise _Unusable(
                f"Karnaugh map variables {', '.join(unknown)} are not inputs, and no single output bus of "
                f"{1 << len(unknown)} bits takes their place"
            )
        return [Ref(buses[0].name, b) for b in range(buses[0].width)]
    single = [p for p in outs if p.width == 1]
    if len(outs) == 1 and single:
        return [Ref(single[0].name)]
    context = " ".join(lines[max(0, at - 6) : at])
    named = [p for p in single if re.search(rf"\b{re.escape(p.name)}\b", context)]
    if len(named) == 1:
        return [Ref(named[0].name)]
    raise _Unusable("a Karnaugh map whose output is not clear (several outputs, none named just before it)")


def ports_of(table: Table, interface: Interface) -> list[Port]:
    """The interface outputs a table defines, whole or bit by bit."""
    names = {r.port for r in table.outputs}
    return [p for p in interface.outputs if p.name in names]


# ------------------------------------------------------------------------------------- state tables

_STATE_ROW = re.compile(r"^\s*(\w+)\s*\|\s*(\w+)\s*,\s*(\w+)\s*\|\s*([01](?:\s*,?\s*[01])*)\s*\|?\s*$")
_ENCODING = re.compile(r"\b(\w+)\s*=\s*(\d+)'([bBdDhH])([0-9a-fA-F_]+)")


def _read_state_table(
    lines: Sequence[str], i: int, interface: Interface, text: str
) -> tuple[Table | StateTable, int] | None:
    cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
    if len(cells) != 3 or "state" not in cells[0].lower() or "output" not in cells[2].lower():
        return None
    halves = cells[1].split(",")
    conds = [re.findall(r"(\w+)\s*=\s*([01])\s*$", h.strip()) for h in halves]
    if len(halves) != 2 or not all(conds) or "next" not in cells[1].lower():
        return None
    (name0, v0), (name1, v1) = conds[0][0], conds[1][0]
    if name0 != name1 or (v0, v1) != ("0", "1"):
        raise _Unusable("a state table whose next-state columns are not `x=0, x=1` of one input")
    in_ref = resolve(name0, interface)
    if in_ref is None or _direction(in_ref, interface) != "input" or in_ref.width(interface) != 1:
        raise _Unusable(f"a state table switching on {name0!r}, which is not a 1-bit input")
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
        raise _Unusable("a state table whose next states are not all among its present states")
    if len({len(v) for v in values}) != 1:
        raise _Unusable("a state table whose rows give different numbers of outputs")
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
        raise _Unusable("a state table over a state port, but no state encoding (like A=2'b00) in the text")
    rows: list[Row] = []
    inputs = sorted([Ref(present), in_ref], key=lambda r: _order(r, interface))
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
        if all(_direction(Ref(p), interface) == "output" for p in ports):
            return ports
    if not names:
        single = [p.name for p in interface.outputs if p.width == 1 and not p.name.lower().startswith("next")]
        if count == 1 and len(single) == 1:
            return single
    raise _Unusable(f"a state table whose output column {cell!r} does not name the module's outputs")


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
