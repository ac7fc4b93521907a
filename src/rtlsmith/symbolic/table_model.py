"""The tables `rtlsmith.symbolic.tables` finds in a spec, in terms of the interface's ports.

A `Table` holds rows in a common form (input values per input column, output `Bits` per output column);
a `StateTable` is a whole Moore machine; a `Scan` is what one spec gave, with the reasons table-like text
was not usable (`Unusable`, which the readers raise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from rtlsmith.task import Interface, Port

Kind = Literal["truth", "waveform", "kmap", "state"]


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


class Unusable(Exception):
    """A table-like block that cannot be mapped onto the interface (the message says why)."""


def ports_of(table: Table, interface: Interface) -> list[Port]:
    """The interface outputs a table defines, whole or bit by bit."""
    names = {r.port for r in table.outputs}
    return [p for p in interface.outputs if p.name in names]
