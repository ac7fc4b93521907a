"""Karnaugh maps in a spec: column and row labels over cells, read as a table of the map's variables."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rtlsmith.symbolic.cells import normalize_bits, parse_value, port_direction, port_order, resolve
from rtlsmith.symbolic.table_model import Bits, Ref, Row, Table, Unusable
from rtlsmith.task import Interface

_CODES = re.compile(r"^\s*(?P<label>\S+)\s+(?P<codes>[01]+(?:\s+[01]+)+)\s*$")
_KMAP_ROW = re.compile(r"^\s*(?P<code>[01]+)\s*\|(?P<cells>(?:[^|]*\|)+)\s*$")


def read_kmap(lines: Sequence[str], i: int, interface: Interface, text: str) -> tuple[Table, int] | None:
    """A Karnaugh map whose column codes are line `i`, and the line after it; None when none is there."""
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
        raise Unusable("a Karnaugh map whose rows do not have one cell per column code")
    if len({len(code) for code, _ in rows}) != 1:
        raise Unusable("a Karnaugh map whose row codes differ in length")
    col_vars = split_label(col_label, len(codes[0]), interface)
    row_vars = split_label(row_label, len(rows[0][0]), interface)
    if col_vars is None or row_vars is None:
        raise Unusable(f"Karnaugh map labels ({col_label!r}, {row_label!r}) do not split into signals")
    variables = col_vars + row_vars
    known = [v for v in variables if isinstance(v, Ref)]
    unknown = [v for v in variables if isinstance(v, str)]
    known = normalize_bits(known, interface)
    if any(port_direction(r, interface) != "input" for r in known):
        raise Unusable("a Karnaugh map whose variables are not all inputs")
    if len(set(known)) != len(known):
        raise Unusable("a Karnaugh map naming a variable twice")
    it = iter(known)
    variables = [next(it) if isinstance(v, Ref) else v for v in variables]
    outputs = _kmap_outputs(interface, unknown, lines, i, text)
    inputs = sorted(known, key=lambda r: port_order(r, interface))
    table: dict[tuple[int, ...], list[Bits]] = {}
    for row_code, cells in rows:
        for col_code, cell in zip(codes, cells, strict=True):
            bits = dict(zip(variables, (int(c) for c in col_code + row_code), strict=True))
            value = parse_value(cell, 1)
            if value is None:
                raise Unusable(f"Karnaugh map cell {cell!r} is not 0, 1 or a don't-care")
            key = tuple(bits[r] for r in inputs)
            sel = 0
            for u in unknown:
                sel = (sel << 1) | bits[u]
            table.setdefault(key, [Bits(0, 0)] * len(outputs))[sel] = value
    out_rows = tuple(Row(k, tuple(v)) for k, v in table.items())
    note = f"{''.join(unknown)} select the bit of {outputs[0].port}" if unknown else ""
    return Table("kmap", tuple(inputs), tuple(outputs), out_rows, i, None, 0, note), j


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
            raise Unusable(f"Karnaugh map variables {', '.join(unknown)} are not inputs of the module")
        buses = [p for p in outs if p.width == 1 << len(unknown)]
        if len(outs) != 1 or not buses:
            raise Unusable(
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
    raise Unusable("a Karnaugh map whose output is not clear (several outputs, none named just before it)")
