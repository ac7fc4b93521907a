"""Combinational synthesis for the symbolic agent: a module computing a table's outputs from its inputs.

For each output (or output bit) the cheapest expression consistent with the table's rows, rows the table does
not list being don't-cares: a constant; an input or its negation; a two-input gate or sum/difference of
inputs; for one-bit outputs over at most `MAX_QM_BITS` varying input bits a minimal sum of products or product
of sums, or a parity (`rtlsmith.symbolic.logic`); otherwise a `case` on the fewest inputs that determine
the output, each branch a constant or (for buses) an input. `table_vectors` turns the same rows into the
vectors that check the design.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rtlsmith.symbolic.design import Choice, Decline, Design, plain_header
from rtlsmith.symbolic.logic import Values, Var, parity, two_level
from rtlsmith.symbolic.tables import Bits, Ref, Table
from rtlsmith.task import Interface, Vector

MAX_QM_BITS = 8  # one-bit outputs over more varying input bits get a case statement
MAX_PARITY_BITS = 10
MAX_KEY_COLUMNS = 12  # key subsets searched up to this many varying columns; beyond, all of them
MAX_VECTORS = 4096


# ------------------------------------------------------------------------------------------- synthesis


def _mask(width: int) -> int:
    return (1 << width) - 1


def _const(value: int, width: int) -> str:
    if width == 1:
        return f"1'b{value & 1}"
    return f"{width}'h{value:x}"


def _fits(rows: Sequence[tuple[Values, Bits]], fn: Callable[[Values], int], width: int) -> bool:
    m = _mask(width)
    return all(((fn(ins) ^ out.value) & out.mask & m) == 0 for ins, out in rows)


def _merge(rows: Sequence[tuple[Values, Bits]], target: str) -> list[tuple[Values, Bits]]:
    """One entry per distinct input combination; Decline when two rows disagree on a cared-for bit."""
    merged: dict[Values, Bits] = {}
    for ins, out in rows:
        if out.mask == 0:
            continue
        seen = merged.get(ins)
        if seen is None:
            merged[ins] = out
            continue
        both = seen.mask & out.mask
        if (seen.value ^ out.value) & both:
            raise Decline(
                f"the table gives {target} two values for the same inputs: it is not a combinational "
                "function of the columns it lists"
            )
        merged[ins] = Bits(seen.value | (out.value & out.mask), seen.mask | out.mask)
    return list(merged.items())


def _constant(rows: Sequence[tuple[Values, Bits]], width: int) -> int | None:
    value = mask = 0
    for _, out in rows:
        both = mask & out.mask
        if (value ^ out.value) & both:
            return None
        value |= out.value & out.mask
        mask |= out.mask
    return value & _mask(width)


@dataclass(frozen=True)
class _Column:
    text: str
    width: int


def _column(k: int, *, invert: bool = False) -> Callable[[Values], int]:
    return (lambda v: ~v[k]) if invert else (lambda v: v[k])


def _gate(op: Callable[[int, int], int], i: int, j: int) -> Callable[[Values], int]:
    return lambda v: op(v[i], v[j])


def _simple(
    cols: Sequence[_Column], rows: Sequence[tuple[Values, Bits]], width: int
) -> list[tuple[int, str, str]]:
    """Consistent (cost, how, expr) among wires, negations, gates and sums of same-width inputs."""
    found: list[tuple[int, str, str]] = []
    same = [k for k, c in enumerate(cols) if c.width == width]
    for k in same:
        t = cols[k].text
        if _fits(rows, _column(k), width):
            found.append((2, "wire", t))
        if _fits(rows, _column(k, invert=True), width):
            found.append((3, "wire", f"~{t}"))
    gates: list[tuple[str, Callable[[int, int], int], int]] = [
        ("{a} & {b}", lambda a, b: a & b, 4),
        ("{a} | {b}", lambda a, b: a | b, 4),
        ("{a} ^ {b}", lambda a, b: a ^ b, 4),
        ("~({a} & {b})", lambda a, b: ~(a & b), 5),
        ("~({a} | {b})", lambda a, b: ~(a | b), 5),
        ("~({a} ^ {b})", lambda a, b: ~(a ^ b), 5),
        ("{a} & ~{b}", lambda a, b: a & ~b, 5),
        ("~{a} & {b}", lambda a, b: ~a & b, 5),
        ("{a} | ~{b}", lambda a, b: a | ~b, 5),
        ("~{a} | {b}", lambda a, b: ~a | b, 5),
    ]
    if width > 1:
        gates += [("{a} + {b}", lambda a, b: a + b, 6), ("{a} - {b}", lambda a, b: a - b, 6)]
    for i, j in itertools.combinations(same, 2):
        for fmt, op, cost in gates:
            how = "arithmetic" if ("+" in fmt or "-" in fmt) else "gate"
            if _fits(rows, _gate(op, i, j), width):
                found.append((cost, how, fmt.format(a=cols[i].text, b=cols[j].text)))
            if how == "arithmetic" and "-" in fmt and _fits(rows, _gate(op, j, i), width):
                found.append((cost, how, fmt.format(a=cols[j].text, b=cols[i].text)))
    return found


def _varying(cols: Sequence[_Column], rows: Sequence[tuple[Values, Bits]]) -> list[Var]:
    out: list[Var] = []
    for k, c in enumerate(cols):
        for b in range(c.width - 1, -1, -1):
            if len({(ins[k] >> b) & 1 for ins, _ in rows}) > 1:
                out.append(Var(k, b, c.text if c.width == 1 else f"{c.text}[{b}]"))
    return out


def _case(
    cols: Sequence[_Column], rows: Sequence[tuple[Values, Bits]], width: int, name: str, target: str
) -> Choice:
    """`case` on the fewest varying columns that determine the output; branches constants or inputs."""
    varying = [k for k, c in enumerate(cols) if len({ins[k] for ins, _ in rows}) > 1]
    subsets: list[tuple[int, ...]]
    if len(varying) <= MAX_KEY_COLUMNS:
        subsets = [s for size in range(len(varying) + 1) for s in itertools.combinations(varying, size)]
    else:
        subsets = [tuple(varying)]
    for key in subsets:
        branches = _branches(cols, rows, width, key)
        if branches is None:
            continue
        key_bits = sum(cols[k].width for k in key)
        counts = Counter(branches.values())
        default, repeats = counts.most_common(1)[0]
        # A value several branches share becomes the default; with none shared every branch is listed.
        listed = {v: b for v, b in branches.items() if repeats == 1 or b != default}
        complete = len(branches) == 1 << key_bits
        key_text = "{" + ", ".join(cols[k].text for k in key) + "}"
        lines = [f"  reg {f'[{width - 1}:0] ' if width > 1 else ''}{name};", "  always @(*) begin"]
        if not key:
            lines.append(f"    {name} = {default};")
        else:
            lines.append(f"    case ({key_text})")
            for value in sorted(listed):
                label = f"{key_bits}'b{value:0{key_bits}b}" if key_bits <= 8 else f"{key_bits}'h{value:x}"
                lines.append(f"      {label}: {name} = {listed[value]};")
            lines.append(f"      default: {name} = {default};")
            lines.append("    endcase")
        lines.append("  end")
        entries = len(listed) + 1
        cost = 1000 + 10 * entries + (0 if complete else 500)
        return Choice(target, "case", name, cost, "\n".join(lines))
    raise Decline(f"no case statement fits the rows for {target}")  # unreachable for a merged table


def _branches(
    cols: Sequence[_Column], rows: Sequence[tuple[Values, Bits]], width: int, key: tuple[int, ...]
) -> dict[int, str] | None:
    groups: dict[int, list[tuple[Values, Bits]]] = {}
    for ins, out in rows:
        k = 0
        for c in key:
            k = (k << cols[c].width) | ins[c]
        groups.setdefault(k, []).append((ins, out))
    branches: dict[int, str] = {}
    others = [c for c in range(len(cols)) if c not in key and cols[c].width == width and width > 1]
    for k, group in groups.items():
        wire = next((c for c in others if _fits(group, _column(c), width)), None)
        if wire is not None:
            branches[k] = cols[wire].text
            continue
        value = _constant(group, width)
        if value is None:
            return None
        branches[k] = _const(value, width)
    return branches


def best_expression(
    cols: Sequence[_Column], rows: Sequence[tuple[Values, Bits]], width: int, target: str, name: str
) -> Choice:
    """The cheapest expression for one output target consistent with `rows` (merged, cared-for only)."""
    if not rows:
        return Choice(target, "constant", _const(0, width), 0)
    value = _constant(rows, width)
    if value is not None:
        return Choice(target, "constant", _const(value, width), 0)
    found = _simple(cols, rows, width)
    if width == 1:
        variables = _varying(cols, rows)
        if len(variables) <= MAX_QM_BITS:
            found += two_level(variables, rows)
        if len(variables) <= MAX_PARITY_BITS:
            found += parity(variables, rows)
    if found:
        cost, how, expr = min(found, key=lambda f: f[0])
        return Choice(target, how, expr, cost)
    if width > 1:
        case = _case(cols, rows, width, name, target)
        if case.cost < 1500:  # a complete case: exact over the inputs that matter
            return case
        per_bit = _per_bit(cols, rows, width, target)
        return per_bit if per_bit is not None and per_bit.cost < case.cost else case
    return _case(cols, rows, width, name, target)


def _per_bit(
    cols: Sequence[_Column], rows: Sequence[tuple[Values, Bits]], width: int, target: str
) -> Choice | None:
    variables = _varying(cols, rows)
    if len(variables) > MAX_QM_BITS:
        return None
    parts: list[str] = []
    cost = 0
    for b in range(width - 1, -1, -1):
        bit_rows = [(ins, Bits((o.value >> b) & 1, (o.mask >> b) & 1)) for ins, o in rows]
        bit_rows = [r for r in bit_rows if r[1].mask]
        value = _constant(bit_rows, 1)
        if value is not None:
            parts.append(_const(value, 1))
            continue
        found = two_level(variables, bit_rows) + parity(variables, bit_rows)
        c, _, expr = min(found, key=lambda f: f[0])
        parts.append(f"({expr})")
        cost += c
    return Choice(target, "per-bit", "{" + ", ".join(parts) + "}", cost)


def synthesize(table: Table, interface: Interface) -> Design:
    """A module with `interface` computing `table`'s outputs from its inputs (combinational only)."""
    if table.sequential:
        raise Decline(
            f"the {table.kind} table is clocked by {table.clock}: sequential tables are not inferred"
        )
    cols = [_Column(r.text(), r.width(interface)) for r in table.inputs]
    names = {p.name for p in interface.ports}
    choices: list[Choice] = []
    for k, ref in enumerate(table.outputs):
        width = ref.width(interface)
        rows = _merge([(row.inputs, row.outputs[k]) for row in table.rows], ref.text())
        name = f"{ref.port}{'' if ref.bit is None else f'_{ref.bit}'}_table"
        while name in names:
            name += "_"
        choices.append(best_expression(cols, rows, width, ref.text(), name))
    vectors = tuple(table_vectors(table, interface))
    return Design(_module(interface, choices, table), tuple(choices), table.describe(), vectors)


def _module(interface: Interface, choices: Sequence[Choice], table: Table) -> str:
    lines = [plain_header(interface), f"  // From the spec's {table.kind} table (line {table.line})."]
    for c in choices:
        if c.body:
            lines.append(c.body)
        lines.append(f"  assign {c.target} = {c.expr};")
    lines.append("endmodule")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------- checks


def _literal(value: int, mask: int, width: int) -> str:
    if mask == _mask(width):
        return _const(value, width)
    bits = "".join(
        ("1" if (value >> b) & 1 else "0") if (mask >> b) & 1 else "x" for b in range(width - 1, -1, -1)
    )
    return f"{width}'b{bits}"


def _assemble(refs: Sequence[Ref], values: Sequence[Bits], interface: Interface) -> dict[str, Bits]:
    """Port values from column values (whole ports, or bits of a bus)."""
    ports: dict[str, Bits] = {}
    for ref, v in zip(refs, values, strict=True):
        if ref.bit is None:
            ports[ref.port] = v
        else:
            seen = ports.get(ref.port, Bits(0, 0))
            bit = 1 << ref.bit
            ports[ref.port] = Bits(
                seen.value | (bit if v.value & 1 and v.mask & 1 else 0),
                seen.mask | (bit if v.mask & 1 else 0),
            )
    return ports


def table_vectors(table: Table, interface: Interface) -> list[Vector]:
    """The table's rows as example vectors: every table input set, every cared-for output bit checked."""
    vectors: list[Vector] = []
    widths = {p.name: p.width for p in interface.ports}
    for row in table.rows[:MAX_VECTORS]:
        ins = _assemble(table.inputs, [Bits(v, -1) for v in row.inputs], interface)
        outs = _assemble(table.outputs, row.outputs, interface)
        checked = {p: b for p, b in outs.items() if b.mask & _mask(widths[p])}
        if not checked:
            continue
        vectors.append(
            Vector(
                tuple((p, _const(b.value, widths[p])) for p, b in ins.items()),
                tuple((p, _literal(b.value, b.mask, widths[p])) for p, b in checked.items()),
            )
        )
    return vectors
