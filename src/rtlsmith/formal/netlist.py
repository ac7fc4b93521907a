"""Facts about the elaborated netlists of an equivalence check, read from Yosys `write_json`.

`design_info` gives one design's ports, clocks, flip-flops, latches, registers and whether it has constant
`x`; the rest decide how the two designs are compared: whether their interfaces match
(`interface_difference`), cycle or step mode (`choose_mode`), the reset input (`find_reset`) and which
registers pair up by name for the fallback proofs (`state_pairs`, `matched_registers`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rtlsmith.task import Port

# Reset inputs recognised by name, with their active level.
RESET_NAMES: dict[str, int] = {
    "reset": 1, "rst": 1, "areset": 1, "arst": 1, "sreset": 1, "srst": 1, "clear": 1, "clr": 1,
    "resetn": 0, "reset_n": 0, "rst_n": 0, "rstn": 0, "aresetn": 0, "areset_n": 0, "arstn": 0, "arst_n": 0,
    "nreset": 0, "nrst": 0, "reset_b": 0, "rst_b": 0,
}  # fmt: skip

_FF_TYPES = {
    "$dff", "$dffe", "$adff", "$adffe", "$sdff", "$sdffe", "$sdffce",
    "$dffsr", "$dffsre", "$aldff", "$aldffe",
}  # fmt: skip
_ASYNC_FF_TYPES = {"$adff", "$adffe", "$dffsr", "$dffsre", "$aldff", "$aldffe"}
_LATCH_TYPES = {"$dlatch", "$adlatch", "$dlatchsr", "$sr"}


@dataclass(frozen=True)
class DesignInfo:
    """What the elaborated netlist of one design says about its ports and state (from `write_json`)."""

    ports: tuple[Port, ...]
    clocks: frozenset[tuple[str, str]]  # (clock signal, "posedge" | "negedge")
    flops: int = 0
    async_flops: int = 0
    latches: int = 0
    latch_enables: frozenset[str] = frozenset()
    has_x: bool = False  # constant x bits anywhere in the netlist (don't-cares, in a reference)
    registers: tuple[tuple[str, int], ...] = ()  # (name, width): public nets driven by registers
    undriven: bool = False  # some bit read by a cell or an output is driven by nothing
    registered_outputs: tuple[tuple[str, int], ...] = ()  # (name, width): output ports driven by registers
    unnamed_state: int = 0  # register bits outside every public net made only of register bits

    @property
    def state(self) -> dict[str, int]:
        """Every named register, registered outputs included: name -> width."""
        return dict(self.registers + self.registered_outputs)

    @property
    def interface(self) -> dict[str, tuple[str, int]]:
        return {p.name: (p.direction, p.width) for p in self.ports}


def _param(value: Any) -> int:
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text, 2) if text and set(text) <= {"0", "1"} else 0


def design_info(netlist: Mapping[str, Any], module: str) -> DesignInfo | None:
    """Ports, clocks, flip-flops and latches of `module` in a Yosys JSON netlist, or None if it is absent."""
    mod = netlist.get("modules", {}).get(module)
    if mod is None:
        return None
    bit_name: dict[int, str] = {}
    for name, net in mod.get("netnames", {}).items():
        if not name.startswith("$"):
            for b in net.get("bits", []):
                if isinstance(b, int):
                    bit_name.setdefault(b, name)
    ports: list[Port] = []
    for name, p in mod.get("ports", {}).items():
        direction = p.get("direction", "inout")
        bits = p.get("bits", [])
        for b in bits:
            if isinstance(b, int):
                bit_name[b] = name  # a port's own name wins over any alias
        ports.append(Port(name, direction, len(bits), bool(p.get("signed", 0))))
    clocks: set[tuple[str, str]] = set()
    state_bits: set[int] = set()
    driven: set[int] = set()
    used: set[int] = set()
    for p in mod.get("ports", {}).values():
        (driven if p.get("direction") == "input" else used).update(
            b for b in p.get("bits", []) if isinstance(b, int)
        )
    flops = async_flops = latches = 0
    enables: set[str] = set()
    has_x = any(b == "x" for p in mod.get("ports", {}).values() for b in p.get("bits", []))
    for cell in mod.get("cells", {}).values():
        kind = cell.get("type", "")
        conns = cell.get("connections", {})
        params = cell.get("parameters", {})
        has_x = has_x or any(b == "x" for bits in conns.values() for b in bits)
        for port, bits in conns.items():
            out = cell.get("port_directions", {}).get(port) == "output"
            (driven if out else used).update(b for b in bits if isinstance(b, int))
        if kind in _FF_TYPES or kind in _LATCH_TYPES:
            state_bits.update(b for b in conns.get("Q", []) if isinstance(b, int))
        if kind in _FF_TYPES:
            flops += 1
            async_flops += kind in _ASYNC_FF_TYPES
            clk = conns.get("CLK", [])
            name = bit_name.get(clk[0], "<internal>") if clk and isinstance(clk[0], int) else "<constant>"
            edge = "posedge" if _param(params.get("CLK_POLARITY", 1)) else "negedge"
            clocks.add((name, edge))
        elif kind in _LATCH_TYPES:
            latches += 1
            en = conns.get("EN", [])
            if en and isinstance(en[0], int):
                enables.add(bit_name.get(en[0], "<internal>"))
    port_names = {p.name for p in ports}
    state_nets = [
        (name, net["bits"])
        for name, net in mod.get("netnames", {}).items()
        if not name.startswith("$")
        and net.get("bits")
        and all(isinstance(b, int) and b in state_bits for b in net["bits"])
    ]
    registers = tuple((name, len(bits)) for name, bits in state_nets if name not in port_names)
    outputs = {p.name for p in ports if p.direction == "output"}
    registered_outputs = tuple((name, len(bits)) for name, bits in state_nets if name in outputs)
    named_state = {b for _, bits in state_nets for b in bits}
    return DesignInfo(
        tuple(ports),
        frozenset(clocks),
        flops,
        async_flops,
        latches,
        frozenset(enables),
        has_x,
        registers,
        bool(used - driven),
        registered_outputs,
        len(state_bits - named_state),
    )


def interface_difference(reference: DesignInfo, candidate: DesignInfo) -> str:
    """Why two port lists cannot be compared, in words; empty when they match by name, direction and width."""
    ref, cand = reference.interface, candidate.interface
    problems: list[str] = []
    for name, (direction, width) in ref.items():
        if name not in cand:
            problems.append(f"the candidate has no {direction} `{name}`")
        elif cand[name][0] != direction:
            problems.append(
                f"`{name}` is an {direction} in the reference but an {cand[name][0]} in the candidate"
            )
        elif cand[name][1] != width:
            problems.append(
                f"`{name}` is {width} bits wide in the reference but {cand[name][1]} in the candidate"
            )
    for name, (direction, _) in cand.items():
        if name not in ref:
            problems.append(f"the candidate has an extra {direction} `{name}`")
    return "; ".join(problems)


def choose_mode(infos: list[DesignInfo], input_names: set[str]) -> tuple[str, str | None, str]:
    """("cycle" | "step", clock port, edge): cycle mode needs one clock input with one active edge overall."""
    clocks = set().union(*(i.clocks for i in infos)) if infos else set()
    enables = set().union(*(i.latch_enables for i in infos)) if infos else set()
    if not clocks:
        return "cycle", None, "posedge"
    if len(clocks) == 1:
        name, edge = next(iter(clocks))
        if name in input_names and name not in enables:
            return "cycle", name, edge
    names = sorted({c for c, _ in clocks if c in input_names})
    return "step", names[0] if len(names) == 1 else None, "posedge"


def find_reset(ports: tuple[Port, ...] | list[Port], requested: str | None) -> tuple[str, int] | None:
    """The reset input and its active level: `requested` if given ("auto" looks the usual names up)."""
    if requested is None:
        return None
    inputs = {p.name: p for p in ports if p.direction == "input" and p.width == 1}
    if requested != "auto":
        if requested not in inputs:
            return None
        return requested, RESET_NAMES.get(requested.lower(), 1)
    for name in inputs:
        level = RESET_NAMES.get(name.lower())
        if level is not None:
            return name, level
    return None


_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[0-9]+\])?$")  # `mem[3]`: a memory word


def state_pairs(gold: DesignInfo | None, gate: DesignInfo | None) -> tuple[tuple[str, str], ...] | None:
    """("gold.r", "gate.r") for every register, when all state of both designs is in registers (registered
    outputs included) that pair up by name and width; None otherwise."""
    if gold is None or gate is None or gold.unnamed_state or gate.unnamed_state:
        return None
    mine = gold.state
    if not mine or mine != gate.state or not all(_PLAIN_NAME.match(name) for name in mine):
        return None
    return tuple((f"gold.{name}", f"gate.{name}") for name in sorted(mine))


def matched_registers(gold: DesignInfo | None, gate: DesignInfo | None) -> tuple[tuple[str, str], ...]:
    """("gold.r", "gate.r") for every register (registered outputs aside) both designs name alike with the
    same width; the others may be unmatched."""
    theirs = dict(gate.registers) if gate else {}
    return tuple(
        (f"gold.{name}", f"gate.{name}")
        for name, width in (gold.registers if gold else ())
        if theirs.get(name) == width and _PLAIN_NAME.match(name)
    )
