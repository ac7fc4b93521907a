"""The symbolic agent: no model, for specs that are tables (`rtlsmith run/bench --agent symbolic`).

    PARSE -> SYNTHESIZE -> LINT -> TEST -> DONE     (PARSE or SYNTHESIZE may end in DECLINED, a failed check
                                                     in GIVE_UP)

PARSE reads the spec's truth tables, simulation waveforms, Karnaugh maps and state transition tables
(`rtlsmith.agent.tables`). SYNTHESIZE turns the first table that defines every output into a module.

- A combinational table (truth table, waveform or K-map of an interface without a clock, or a state table
  whose present state is an input port): for each output (or output bit) the cheapest expression
  consistent with the rows, rows the table does not list being don't-cares. Candidates, cheapest first: a
  constant; an input or its negation; a two-input gate or sum/difference of inputs; for one-bit outputs over
  at most 8 varying input bits a minimal sum of products or product of sums (Quine-McCluskey, then an exact
  cover search) or a parity; otherwise a `case` on the fewest inputs that determine the output, each branch
  a constant or (for buses) an input.
- A state table of a whole Moore machine (the interface has a clock and a reset): a state register, a
  next-state `case` and decoded outputs; the reset is synchronous unless the text says asynchronous, active
  high unless the port name or the text says low, and goes to the state the text names ("resets ... to
  state A"), else the first row.

LINT and TEST run the design through the sandbox: lint, then a testbench built from the same table
(`vectors_testbench`: the table's rows; for a machine, reset, a walk that takes every transition reachable
from the reset state, and reset again), plus any public checks the task has. The table is part of the
public spec, so the check is honest; the hidden testbench is never touched.

The agent declines (no design, stop reason `declined`, `final_state` DECLINED, the reason in the trace) when
the spec has no usable table, when the interface has a clock and the table is not a state table (sequential
waveforms are not inferred), when the spec builds the module from submodules (a table there may describe a
part), or when the table gives two values for the same inputs. It never falls back to a model.
"""

from __future__ import annotations

import itertools
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rtlsmith.agent import checks
from rtlsmith.agent.checks import CheckReport
from rtlsmith.agent.config import AgentConfig, AgentResult, StopReason
from rtlsmith.agent.tables import Bits, Ref, StateTable, Table, find_tables
from rtlsmith.agent.trace import NullTrace, TraceWriter, new_run_id
from rtlsmith.errors import RtlsmithError
from rtlsmith.suites.tbgen import vectors_testbench
from rtlsmith.task import Interface, Port, PublicTask, Vector
from rtlsmith.tools.sandbox import Limits

AGENT = "symbolic"
CHECKS = "spec-table"
MAX_QM_BITS = 8  # one-bit outputs over more varying input bits get a case statement
MAX_PARITY_BITS = 10
MAX_KEY_COLUMNS = 12  # key subsets searched up to this many varying columns; beyond, all of them
MAX_VECTORS = 4096

Values = tuple[int, ...]


class Decline(RtlsmithError):
    """The spec is not something this agent can turn into a module; the message says why."""


@dataclass(frozen=True)
class Choice:
    """The expression chosen for one output target."""

    target: str
    how: str  # constant, wire, gate, arithmetic, sum-of-products, product-of-sums, parity, case
    expr: str
    cost: int
    body: str = ""  # declarations and an always block, for a case

    def record(self) -> dict[str, Any]:
        return {"target": self.target, "how": self.how, "expr": self.expr, "cost": self.cost}


@dataclass(frozen=True)
class Design:
    """A module, how each output was chosen, and the vectors (from the same table) that check it."""

    code: str
    choices: tuple[Choice, ...]
    source: str  # the table it came from, described
    vectors: tuple[Vector, ...]
    clock: str | None = None  # the clock the vectors step, for a state machine


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


@dataclass(frozen=True)
class _Var:
    """One varying input bit: column index, bit index, and its Verilog text."""

    col: int
    bit: int
    text: str


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


def _varying(cols: Sequence[_Column], rows: Sequence[tuple[Values, Bits]]) -> list[_Var]:
    out: list[_Var] = []
    for k, c in enumerate(cols):
        for b in range(c.width - 1, -1, -1):
            if len({(ins[k] >> b) & 1 for ins, _ in rows}) > 1:
                out.append(_Var(k, b, c.text if c.width == 1 else f"{c.text}[{b}]"))
    return out


def _minterm(ins: Values, variables: Sequence[_Var]) -> int:
    m = 0
    for v in variables:
        m = (m << 1) | ((ins[v.col] >> v.bit) & 1)
    return m


Cube = tuple[int, int]  # (value, care mask) over the variables, variable 0 being the most significant bit


def _primes(n: int, terms: set[int]) -> set[Cube]:
    full = _mask(n)
    current: set[Cube] = {(t, full) for t in terms}
    primes: set[Cube] = set()
    while current:
        merged: set[Cube] = set()
        used: set[Cube] = set()
        by_care: dict[int, list[Cube]] = {}
        for c in current:
            by_care.setdefault(c[1], []).append(c)
        for care, group in by_care.items():
            values = {v for v, _ in group}
            for v in values:
                for bit in range(n):
                    b = 1 << bit
                    if care & b and not v & b and (v | b) in values:
                        merged.add((v, care & ~b))
                        used.add((v, care))
                        used.add((v | b, care))
        primes |= current - used
        current = merged
    return primes


def _covers(cube: Cube, m: int) -> bool:
    return (m & cube[1]) == cube[0]


def _literals(cube: Cube) -> int:
    return bin(cube[1]).count("1")


def _cover(n: int, ones: set[int], zeros: set[int]) -> list[Cube] | None:
    """A minimal-literal set of prime implicants covering `ones` and no `zeros` (others are don't-cares)."""
    if not ones:
        return []
    terms = set(range(1 << n)) - zeros
    primes = sorted(_primes(n, terms), key=lambda c: (_literals(c), c))
    primes = [p for p in primes if any(_covers(p, m) for m in ones)]
    chosen: list[Cube] = []
    left = set(ones)
    for m in sorted(ones):
        covering = [p for p in primes if _covers(p, m)]
        if len(covering) == 1 and covering[0] not in chosen:
            chosen.append(covering[0])
    left -= {m for m in ones if any(_covers(p, m) for p in chosen)}
    if not left:
        return chosen
    rest = [p for p in primes if p not in chosen and any(_covers(p, m) for m in left)]
    best: list[Cube] | None = None
    if len(rest) <= 20:
        for size in range(1, min(len(rest), 6) + 1):
            for combo in itertools.combinations(rest, size):
                if all(any(_covers(p, m) for p in combo) for m in left):
                    cost = sum(_literals(p) for p in combo)
                    if best is None or cost < sum(_literals(p) for p in best):
                        best = list(combo)
            if best is not None:
                break
    if best is None:  # greedy: the prime covering most of what is left, fewest literals first
        best = []
        while left:
            p = max(rest, key=lambda c: (sum(_covers(c, m) for m in left), -_literals(c)))
            best.append(p)
            left -= {m for m in left if _covers(p, m)}
    return chosen + best


def _term(cube: Cube, variables: Sequence[_Var], *, positive: bool) -> tuple[str, int]:
    """A product (positive) or a sum clause of the cube's literals; text and negation count."""
    n = len(variables)
    lits: list[str] = []
    negs = 0
    for i, v in enumerate(variables):
        b = 1 << (n - 1 - i)
        if not cube[1] & b:
            continue
        high = bool(cube[0] & b)
        plain = high if positive else not high
        lits.append(v.text if plain else f"~{v.text}")
        negs += 0 if plain else 1
    joiner = " & " if positive else " | "
    if not lits:
        return ("1'b1" if positive else "1'b0"), 0
    text = joiner.join(lits)
    return (f"({text})" if len(lits) > 1 else text), negs


def _two_level(variables: Sequence[_Var], rows: Sequence[tuple[Values, Bits]]) -> list[tuple[int, str, str]]:
    n = len(variables)
    ones = {_minterm(ins, variables) for ins, out in rows if out.value & 1}
    zeros = {_minterm(ins, variables) for ins, out in rows if not out.value & 1}
    found: list[tuple[int, str, str]] = []
    sop = _cover(n, ones, zeros)
    if sop is not None:
        if not sop:
            found.append((0, "constant", "1'b0"))
        else:
            parts = [_term(c, variables, positive=True) for c in sop]
            cost = sum(2 * _literals(c) for c in sop) + sum(neg for _, neg in parts)
            text = " | ".join(t[1:-1] if len(parts) == 1 and t.startswith("(") else t for t, _ in parts)
            found.append((cost, "sum-of-products", text))
    pos = _cover(n, zeros, ones)
    if pos is not None:
        if not pos:
            found.append((0, "constant", "1'b1"))
        else:
            parts = [_term(c, variables, positive=False) for c in pos]
            cost = sum(2 * _literals(c) for c in pos) + sum(neg for _, neg in parts)
            text = " & ".join(t[1:-1] if len(parts) == 1 and t.startswith("(") else t for t, _ in parts)
            found.append((cost, "product-of-sums", text))
    return found


def _parity(variables: Sequence[_Var], rows: Sequence[tuple[Values, Bits]]) -> list[tuple[int, str, str]]:
    n = len(variables)
    points = [(_minterm(ins, variables), out.value & 1) for ins, out in rows]
    for size in range(2, n + 1):
        for subset in itertools.combinations(range(n), size):
            mask = sum(1 << (n - 1 - i) for i in subset)
            parities = {bin(m & mask).count("1") & 1 ^ o for m, o in points}
            if len(parities) == 1:
                inverted = parities.pop() == 1
                text = " ^ ".join(variables[i].text for i in subset)
                return [(2 * size + (1 if inverted else 0), "parity", f"~({text})" if inverted else text)]
    return []


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
            found += _two_level(variables, rows)
        if len(variables) <= MAX_PARITY_BITS:
            found += _parity(variables, rows)
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
        found = _two_level(variables, bit_rows) + _parity(variables, bit_rows)
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


def _plain(interface: Interface) -> str:
    ports = tuple(Port(p.name, p.direction, p.width, p.signed, "") for p in interface.ports)
    return Interface(interface.module, ports).header()


def _module(interface: Interface, choices: Sequence[Choice], table: Table) -> str:
    lines = [_plain(interface), f"  // From the spec's {table.kind} table (line {table.line})."]
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


# ------------------------------------------------------------------------------------------- the agent


def choose_table(task: PublicTask) -> tuple[Table | StateTable, list[str]]:
    """The table the design comes from, and notes on tables passed over; Decline when there is none."""
    text = task.spec.text("detailed")
    interface = task.interface
    scan = find_tables(text, interface)
    notes = list(scan.problems)
    if not scan.tables and not scan.machines:
        why = (
            "the spec has no truth table, simulation waveform, Karnaugh map or state table over the "
            "interface's ports"
        )
        raise Decline(why + (f" ({'; '.join(notes)})" if notes else ""))
    if re.search(r"\bsub-?modules?\b", text, re.I):
        raise Decline("the spec builds the module from submodules: a table there may describe a part")
    wanted = {p.name for p in interface.outputs}
    clock = interface.clock()
    for table in scan.tables:
        if {r.port for r in table.outputs} != wanted:
            notes.append(f"{table.describe()}: does not define every output ({', '.join(sorted(wanted))})")
        elif table.sequential or (clock is not None and table.kind != "state"):
            # A state table over a state port is the machine's combinational logic even beside a clock.
            notes.append(f"{table.describe()}: sequential (the interface has a clock, {clock})")
        else:
            return table, notes
    for machine in scan.machines:
        if clock is None:
            notes.append(f"{machine.describe()}: a whole state machine, but the interface has no clock")
        elif set(machine.outputs) != wanted:
            notes.append(f"{machine.describe()}: does not define every output ({', '.join(sorted(wanted))})")
        else:
            return machine, notes
    if clock is not None:
        raise Decline(
            f"the interface has a clock ({clock}): a sequential circuit, which this agent infers only from a "
            "state transition table (" + "; ".join(notes) + ")"
        )
    raise Decline("no table defines every output: " + "; ".join(notes))


# ------------------------------------------------------------------------------------- state machines

_ACTIVE_LOW = re.compile(r"(?:_?n|_ni|_b)$", re.I)


def _ident(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _fresh(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def synthesize_machine(machine: StateTable, interface: Interface, text: str) -> Design:
    """A Moore machine with a state register: next-state `case`, reset as the text says, outputs decoded."""
    clock = interface.clock()
    reset = checks.reset_port(interface)
    if clock is None or reset is None:
        raise Decline("a state table needs a clock and a reset input to build the machine from")
    asynchronous = bool(re.search(r"\basynchronous(?:ly)?\b", text, re.I))
    active_low = bool(_ACTIVE_LOW.search(reset.name)) or bool(re.search(r"active[- ]low", text, re.I))
    start = machine.states[0]
    m = re.search(r"\breset(?:s|ting)?\b[^.]*?\bto\s+(?:the\s+)?(?:state\s+)?(\w+)", text, re.I)
    if m and m.group(1) in machine.states:
        start = m.group(1)
    width = machine.width
    taken = {p.name for p in interface.ports}
    state_reg, next_reg = _fresh("fsm_state", taken), _fresh("fsm_next", taken)
    names = {s: _fresh(f"S_{_ident(s)}", taken) for s in machine.states}
    rng = f"[{width - 1}:0] " if width > 1 else ""
    params = ", ".join(f"{names[s]} = {width}'d{machine.code(s)}" for s in machine.states)
    edge = f"posedge {clock}"
    if asynchronous:
        edge += f" or {'negedge' if active_low else 'posedge'} {reset.name}"
    active = f"!{reset.name}" if active_low else reset.name
    kind = f"{'asynchronous' if asynchronous else 'synchronous'}, active {'low' if active_low else 'high'}"
    lines = [
        _plain(interface),
        f"  // From the spec's state table (line {machine.line}); reset ({kind}) to {start}.",
        f"  localparam {rng}{params};",
        f"  reg {rng}{state_reg}, {next_reg};",
        "  always @(*) begin",
        f"    case ({state_reg})",
    ]
    for s, (n0, n1) in zip(machine.states, machine.next, strict=True):
        lines.append(f"      {names[s]}: {next_reg} = {machine.input} ? {names[n1]} : {names[n0]};")
    lines += [
        f"      default: {next_reg} = {names[start]};",
        "    endcase",
        "  end",
        f"  always @({edge}) begin",
        f"    if ({active}) {state_reg} <= {names[start]};",
        f"    else {state_reg} <= {next_reg};",
        "  end",
    ]
    choices: list[Choice] = []
    for k, out in enumerate(machine.outputs):
        on = [s for s, vals in zip(machine.states, machine.values, strict=True) if vals[k]]
        expr = " || ".join(f"{state_reg} == {names[s]}" for s in on) if on else "1'b0"
        lines.append(f"  assign {out} = {expr};")
        choices.append(Choice(out, "state-decode", expr, len(on)))
    lines.append("endmodule")
    vectors = _machine_vectors(machine, reset.name, active_low, start)
    return Design("\n".join(lines) + "\n", tuple(choices), machine.describe(), tuple(vectors), clock)


def _machine_vectors(machine: StateTable, reset: str, active_low: bool, start: str) -> list[Vector]:
    """Reset, then a walk from the reset state taking every reachable transition, then reset again; each
    step checks the outputs of the state it reaches."""
    on, off = ("1'b0", "1'b1") if active_low else ("1'b1", "1'b0")
    step = {(s, x): pair[x] for s, pair in zip(machine.states, machine.next, strict=True) for x in (0, 1)}
    values = dict(zip(machine.states, machine.values, strict=True))

    def expect(state: str) -> tuple[tuple[str, str], ...]:
        return tuple((o, f"1'b{v}") for o, v in zip(machine.outputs, values[state], strict=True))

    vectors = [Vector(((reset, on), (machine.input, "1'b0")), expect(start))]
    todo = set(step)
    here = start
    while todo:
        path = _path_to_untaken(here, todo, step, machine.states)
        if path is None:
            break  # the rest is unreachable from the reset state
        for x in path:
            nxt = step[(here, x)]
            todo.discard((here, x))
            vectors.append(Vector(((reset, off), (machine.input, f"1'b{x}")), expect(nxt)))
            here = nxt
    vectors.append(Vector(((reset, on), (machine.input, "1'b1")), expect(start)))
    return vectors


def _path_to_untaken(
    here: str, todo: set[tuple[str, int]], step: dict[tuple[str, int], str], states: Sequence[str]
) -> list[int] | None:
    """The shortest input sequence from `here` that ends by taking a transition still in `todo`."""
    frontier: list[tuple[str, list[int]]] = [(here, [])]
    seen = {here}
    while frontier:
        nxt_frontier: list[tuple[str, list[int]]] = []
        for state, path in frontier:
            for x in (0, 1):
                if (state, x) in todo:
                    return [*path, x]
            for x in (0, 1):
                target = step[(state, x)]
                if target not in seen:
                    seen.add(target)
                    nxt_frontier.append((target, [*path, x]))
        frontier = nxt_frontier
    return None


def run_symbolic(task: PublicTask, config: AgentConfig | None = None) -> AgentResult:
    """Design from the spec's table and check the design against that table; see the module docstring."""
    config = config or AgentConfig()
    run_id = config.run_id or new_run_id(task.id)
    trace: TraceWriter | NullTrace = (
        TraceWriter(config.runs_dir, run_id) if config.write_trace else NullTrace(run_id)
    )
    wall0 = time.perf_counter()
    trace.write("run", run_id=run_id, agent=AGENT, task_id=task.id, suite=task.suite, models=[],
                config=config.record(), mode=config.mode)  # fmt: skip
    limits = Limits(timeout_s=config.tool_timeout_s)
    tool_s = 0.0
    code, state, passed, used = "", "PARSE", False, "none"
    stop: StopReason = "declined"
    error = ""

    def step(name: str, event: str, nxt: str, t0: float, **extra: Any) -> None:
        fields: dict[str, Any] = {"tools": [], "verdicts": [], "code": None, "note": ""}
        fields.update(extra)
        trace.write("step", mode=config.mode, state=name, event=event, next=nxt, model=None, messages=[],
                    response=None, prompt_tokens=0, completion_tokens=0, model_s=0.0,
                    wall_s=round(time.perf_counter() - t0, 4), **fields)  # fmt: skip

    try:
        t0 = time.perf_counter()
        try:
            table, notes = choose_table(task)
        except Decline as exc:
            error = str(exc)
            step("PARSE", "declined", "DECLINED", t0, note=error)
            state = "DECLINED"
            raise
        step("PARSE", "found", "SYNTHESIZE", t0, note=table.describe(), passed_over=notes)
        t0 = time.perf_counter()
        try:
            if isinstance(table, StateTable):
                design = synthesize_machine(table, task.interface, task.spec.text("detailed"))
            else:
                design = synthesize(table, task.interface)
        except Decline as exc:
            error = str(exc)
            step("SYNTHESIZE", "declined", "DECLINED", t0, note=error)
            state = "DECLINED"
            raise
        code = design.code
        how = "; ".join(f"{c.target}: {c.how}" for c in design.choices)
        step("SYNTHESIZE", "synthesized", "LINT", t0, code=code, note=how,
             choices=[c.record() for c in design.choices])  # fmt: skip
        t0 = time.perf_counter()
        ifc = task.interface
        lint = checks.lint(code, ifc, use_verilator=config.lint, limits=limits, isolate=config.isolate)
        tool_s += time.perf_counter() - t0
        if not lint.ok:
            step("LINT", "errors", "GIVE_UP", t0, **_report(lint))
            state, stop, error = "GIVE_UP", "max_iterations", lint.summary
        else:
            step("LINT", "clean", "TEST", t0, **_report(lint))
            t0 = time.perf_counter()
            reports, kinds = _test(task, design, limits, config.isolate)
            tool_s += time.perf_counter() - t0
            passed = all(r.ok for r in reports)
            used = "+".join(kinds)
            state = "DONE" if passed else "GIVE_UP"
            stop = "passed" if passed else "max_iterations"
            merged: dict[str, Any] = {"tools": [], "verdicts": []}
            for r in reports:
                part = _report(r)
                merged["tools"] += part["tools"]
                merged["verdicts"] += part["verdicts"]
            failed = [r for r in reports if not r.ok]
            merged["note"] = failed[0].feedback[:2000] if failed else ""
            error = failed[0].summary if failed else ""
            step("TEST", "passed" if passed else "failed", state, t0, **merged)
    except Decline:
        pass
    result = AgentResult(
        task_id=task.id, final_code=code, passed_public=passed, stop_reason=stop, mode=config.mode,
        checks=used, iterations=1 if code else 0, prompt_tokens=0, completion_tokens=0,
        wall_s=time.perf_counter() - wall0, model_time_s=0.0, tool_time_s=tool_s,
        trace_path=str(trace.path) if trace.path else None, agent=AGENT, model_id="none", run_id=run_id,
        final_state=state,
    )  # fmt: skip
    trace.save_final(code)
    trace.write("result", **result.record(), error=error)
    trace.close()
    return result


def _report(report: CheckReport) -> dict[str, Any]:
    return {"tools": [r.record() for r in report.runs], "verdicts": [report.record()]}


def _test(
    task: PublicTask, design: Design, limits: Limits, isolate: bool
) -> tuple[list[CheckReport], list[str]]:
    """The table's own rows as a testbench, then the task's public testbench or vectors, if any."""
    interface = task.interface
    vectors = design.vectors
    tb = vectors_testbench(interface, vectors, design.clock)
    reports = [
        checks.simulate(design.code, tb, interface, limits=limits, isolate=isolate, vectors=vectors,
                        label="spec table")
    ]  # fmt: skip
    kinds = [CHECKS]
    public = task.public
    if public.testbench:
        reports.append(checks.simulate(design.code, public.testbench, interface, limits=limits,
                                       isolate=isolate, label="public testbench"))  # fmt: skip
        kinds.append("public-testbench")
    elif public.vectors:
        try:
            tb = vectors_testbench(interface, public.vectors, interface.clock())
        except RtlsmithError as exc:
            reports.append(CheckReport("test", False, f"public vectors unusable: {exc}"))
        else:
            reports.append(checks.simulate(design.code, tb, interface, limits=limits, isolate=isolate,
                                           vectors=public.vectors, label="public vectors"))  # fmt: skip
        kinds.append("public-vectors")
    return reports, kinds
