"""Truth tables and simulation waveforms in a spec: a header of port names over rows of values."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from rtlsmith.symbolic.cells import normalize_bits, parse_value, port_direction, resolve
from rtlsmith.symbolic.table_model import Bits, Kind, Ref, Row, Table, Unusable
from rtlsmith.task import Interface

_MAX_EXPANSION = 1 << 12  # input don't-cares expanded into at most this many rows per table
_TIME = re.compile(r"^\d+(?:\.\d+)?\s*(?:[munpf]?s)?$", re.I)
_SEPARATOR = re.compile(r"^[\s|+=:_-]*$")


def _cells(line: str) -> list[str]:
    if "|" in line:
        return [c.strip() for c in line.strip().strip("|").split("|")]
    return line.split()


# ---------------------------------------------------------------------------------------- truth tables


def read_truth(lines: Sequence[str], i: int, interface: Interface, _text: str) -> tuple[Table, int] | None:
    """A truth table whose header is line `i`, and the line after it; None when none starts there."""
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
        raise Unusable(
            f"a table whose columns ({', '.join(header)}) are not all ports of {interface.module} "
            f"(unknown: {', '.join(unknown)})"
        )
    cols = normalize_bits([r for r in refs if r is not None], interface)
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
    ins = [(k, r) for k, r in enumerate(cols) if port_direction(r, interface) == "input" and r.port != clock]
    outs = [(k, r) for k, r in enumerate(cols) if port_direction(r, interface) == "output"]
    if not outs:
        raise Unusable(f"a {kind} table with no output of {interface.module} among its columns")
    if not ins and clock is None:
        raise Unusable(f"a {kind} table with no input of {interface.module} among its columns")
    if len({r for r in cols}) != len(cols):
        raise Unusable(f"a {kind} table naming a column twice")
    rows: list[Row] = []
    dropped = 0
    for line_no, cells in raw_rows:
        values: list[Bits] = []
        for (name, ref), cell in zip(((c.text(), c) for c in cols), cells, strict=True):
            v = parse_value(cell, ref.width(interface), hex_default=hex_default)
            if v is None:
                raise Unusable(f"line {line_no + 1}: {cell!r} is not a value for {name}")
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
            raise Unusable(f"line {line_no + 1}: don't-care inputs expand to too many rows")
        rows.extend(Row(tuple(combo), out_bits) for combo in itertools.product(*choices))
    table = Table(
        kind, tuple(r for _, r in ins), tuple(r for _, r in outs), tuple(rows), start + 1, clock, dropped
    )
    return table, end


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


# ------------------------------------------------------------------------------------------- waveforms


def read_waveform(lines: Sequence[str], i: int, interface: Interface, _text: str) -> tuple[Table, int] | None:
    """A waveform whose `time` header is line `i`, and the line after it; None when none starts there."""
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
            raise Unusable(f"line {j + 1}: {len(cells)} cells under a {len(header)}-column waveform header")
        raw_rows.append((j, cells[1:]))
        j += 1
    if len(raw_rows) < 2:
        return None
    refs = [resolve(name, interface) for name in header[1:]]
    if any(r is None for r in refs):
        unknown = [n for n, r in zip(header[1:], refs, strict=True) if r is None]
        raise Unusable(
            f"a waveform whose signals ({', '.join(header[1:])}) are not all ports of {interface.module} "
            f"(unknown: {', '.join(unknown)})"
        )
    cols = normalize_bits([r for r in refs if r is not None], interface)
    clock_name = interface.clock()
    clock = clock_name if any(r.port == clock_name for r in cols) else None
    return _build("waveform", cols, raw_rows, interface, i, j, hex_default=True, clock=clock)
