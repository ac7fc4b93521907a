"""The truth-table form: minterms and don't-cares per output bit, turned into logic by the symbolic writer.

A filled form (JSON):

    {"inputs": ["a", "b", "c"],
     "outputs": [{"output": "f", "minterms": [1, 3], "dont_cares": [6]}, ...]}

`inputs` lists the input ports, most significant first; a minterm is the number the inputs make side by side
(a bus input contributes all its bits, most significant first). Each output bit (`out[1]` for a bus bit) is
1 on its minterms, a don't-care on its don't-cares and 0 elsewhere. The module comes from
`rtlsmith.symbolic.combinational.synthesize`, the symbolic agent's own writer.
"""

from __future__ import annotations

import itertools
from typing import Any

from rtlsmith.forms.machine import FormError
from rtlsmith.forms.schema import Schema, array, enum, integer, obj
from rtlsmith.symbolic.combinational import synthesize
from rtlsmith.symbolic.design import Design
from rtlsmith.symbolic.table_model import Bits, Ref, Row, Table
from rtlsmith.task import Interface

MAX_INPUT_BITS = 12


def output_bits(interface: Interface) -> list[Ref]:
    """Every output bit the form must define: a scalar output whole, a bus bit by bit (high bit first)."""
    refs: list[Ref] = []
    for p in interface.outputs:
        refs += [Ref(p.name)] if p.width == 1 else [Ref(p.name, b) for b in reversed(range(p.width))]
    return refs


def truth_schema(interface: Interface) -> Schema:
    ins = [p.name for p in interface.inputs]
    outs = [r.text() for r in output_bits(interface)]
    return obj(
        inputs=array(enum(ins), 1),
        outputs=array(obj(output=enum(outs), minterms=array(integer()), dont_cares=array(integer())), 1),
    )


def _numbers(raw: Any, limit: int, where: str, problems: list[str]) -> set[int]:
    if not isinstance(raw, list):
        problems.append(f"{where} must be a list of numbers")
        return set()
    bad = [v for v in raw if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < limit]
    if bad:
        problems.append(f"{where}: {bad[:4]} are not minterm numbers (0 to {limit - 1})")
    return {v for v in raw if v not in bad}


def parse_truth(form: Any, interface: Interface) -> Table:
    """Validate a filled truth-table form; the `Table` it describes (every input combination a row)."""
    problems: list[str] = []
    if not isinstance(form, dict):
        raise FormError(["the form must be one JSON object"])
    names = form.get("inputs")
    ports = []
    if not isinstance(names, list) or not names:
        problems.append("`inputs` must list the input ports, most significant first")
    else:
        for name in names:
            port = interface.port(name) if isinstance(name, str) else None
            if port is None or port.direction != "input":
                problems.append(f"`inputs`: {name!r} is not an input port")
            elif port in ports:
                problems.append(f"`inputs`: {name} is listed twice")
            else:
                ports.append(port)
    bits = sum(p.width for p in ports)
    if bits > MAX_INPUT_BITS:
        problems.append(f"{bits} input bits: a truth-table form takes at most {MAX_INPUT_BITS}")
    limit = 1 << min(bits, MAX_INPUT_BITS)
    wanted = {r.text(): r for r in output_bits(interface)}
    given: dict[str, tuple[set[int], set[int]]] = {}
    for k, entry in enumerate(form.get("outputs") or []):
        name = entry.get("output") if isinstance(entry, dict) else None
        if name not in wanted:
            problems.append(f"output {k + 1}: {name!r} is not one of {', '.join(wanted)}")
            continue
        if name in given:
            problems.append(f"output {name} is given twice")
            continue
        ones = _numbers(entry.get("minterms", []), limit, f"{name} minterms", problems)
        dcs = _numbers(entry.get("dont_cares", []), limit, f"{name} dont_cares", problems)
        if ones & dcs:
            problems.append(f"{name}: {sorted(ones & dcs)[:4]} are both minterms and don't-cares")
        given[name] = (ones, dcs)
    missing = [n for n in wanted if n not in given]
    if missing:
        problems.append(f"`outputs` must define every output bit; missing {', '.join(missing)}")
    if problems:
        raise FormError(problems)
    refs = [wanted[n] for n in wanted]
    rows = []
    for values in itertools.product(*(range(1 << p.width) for p in ports)):
        index = 0
        for p, v in zip(ports, values, strict=True):
            index = (index << p.width) | v
        outs = tuple(
            Bits(int(index in given[r.text()][0]), 0 if index in given[r.text()][1] else 1) for r in refs
        )
        rows.append(Row(tuple(values), outs))
    return Table("truth", tuple(Ref(p.name) for p in ports), tuple(refs), tuple(rows), 0,
                 note="from a filled truth-table form")  # fmt: skip


def write_truth(table: Table, interface: Interface) -> Design:
    return synthesize(table, interface)
