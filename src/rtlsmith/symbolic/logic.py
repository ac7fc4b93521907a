"""Two-level logic minimisation for the symbolic agent: one-bit functions of a table's varying input bits.

A function is given by rows (input values, output `Bits`); input combinations no row lists are don't-cares.
`two_level` finds a minimal sum of products and a minimal product of sums (Quine-McCluskey prime implicants,
then an exact cover search, greedy beyond its limits); `parity` finds an XOR (or XNOR) of the fewest
variables. Each candidate comes back as (cost, how, Verilog expression), for
`rtlsmith.symbolic.combinational` to choose among.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from rtlsmith.symbolic.tables import Bits

Values = tuple[int, ...]


@dataclass(frozen=True)
class Var:
    """One varying input bit: column index, bit index, and its Verilog text."""

    col: int
    bit: int
    text: str


def _minterm(ins: Values, variables: Sequence[Var]) -> int:
    m = 0
    for v in variables:
        m = (m << 1) | ((ins[v.col] >> v.bit) & 1)
    return m


Cube = tuple[int, int]  # (value, care mask) over the variables, variable 0 being the most significant bit


def _primes(n: int, terms: set[int]) -> set[Cube]:
    full = (1 << n) - 1
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


def _term(cube: Cube, variables: Sequence[Var], *, positive: bool) -> tuple[str, int]:
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


def two_level(variables: Sequence[Var], rows: Sequence[tuple[Values, Bits]]) -> list[tuple[int, str, str]]:
    """A minimal sum of products and a minimal product of sums of the rows' bit 0, as (cost, how, expr)."""
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


def parity(variables: Sequence[Var], rows: Sequence[tuple[Values, Bits]]) -> list[tuple[int, str, str]]:
    """The XOR (or XNOR) of the fewest variables (two or more) that gives the rows' bit 0, if one does."""
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
