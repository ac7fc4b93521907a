"""Tables in a spec's text mapped onto the interface's ports: truth tables, waveforms, K-maps, state tables.

Four forms are read, as VerilogEval and textbooks write them:

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

The data model is in `rtlsmith.symbolic.table_model`, names and cell values in `rtlsmith.symbolic.cells`,
and one reader per form in `truth` (truth tables and waveforms), `kmap` and `state_table`.
"""

from __future__ import annotations

from collections.abc import Sequence

from rtlsmith.symbolic.cells import parse_value, resolve
from rtlsmith.symbolic.kmap import read_kmap, split_label
from rtlsmith.symbolic.state_table import read_state_table
from rtlsmith.symbolic.table_model import Bits, Kind, Ref, Row, Scan, StateTable, Table, Unusable, ports_of
from rtlsmith.symbolic.truth import read_truth, read_waveform
from rtlsmith.task import Interface

__all__ = [
    "Bits",
    "Kind",
    "Ref",
    "Row",
    "Scan",
    "StateTable",
    "Table",
    "find_tables",
    "parse_value",
    "ports_of",
    "resolve",
    "split_label",
]


def find_tables(text: str, interface: Interface) -> Scan:
    """Every truth table, waveform, Karnaugh map and state table in `text`, mapped onto `interface`."""
    lines = text.splitlines()
    scan = Scan()
    used: set[int] = set()
    found: list[tuple[int, Table]] = []
    for reader in (read_state_table, read_kmap, read_waveform, read_truth):
        i = 0
        while i < len(lines):
            if i in used:
                i += 1
                continue
            try:
                hit = reader(lines, i, interface, text)
            except Unusable as exc:
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
