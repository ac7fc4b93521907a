"""A state machine as Yosys' `fsm_info` prints it: `Fsm`, its `Transition` rows, and the state names.

`parse_fsm_info` reads the tables from a Yosys log (control inputs, outputs, state encodings, the reset
state, the transition table); `state_names` names the encodings after the source's `localparam`s or enum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_FSM_HEADER = re.compile(r"^FSM `(.+?)' from module `(.+?)':", re.M)
_INFO = re.compile(r"Information on FSM (\S+) \((.+?)\):")
_STATE_LINE = re.compile(r"^\s*(\d+):\s+(\d+)'([01xz-]*)(\s+<RESET STATE>)?\s*$")
_SIGNAL_LINE = re.compile(r"^\s*(\d+):\s+(.+?)\s*$")
_TRANS_LINE = re.compile(r"^\s*\d+:\s+(\d+)\s+(\d+)'([01-]*)\s+->\s+(\d+)\s+(\d+)'([01-]*)\s*$")


def _signal(text: str) -> str:
    """`\\in [0]` -> `in[0]`; internal names keep their `$`."""
    name = text.strip().lstrip("\\")
    return re.sub(r"\s+\[", "[", name)


@dataclass(frozen=True)
class Transition:
    """One row of a transition table: from `source` under input cube `condition` to `target`, with `outputs`.

    `condition[i]` is the value of `Fsm.inputs[i]` ('0', '1' or '-'); `outputs[i]` that of `Fsm.outputs[i]`.
    """

    source: str
    condition: str
    target: str
    outputs: str

    def matches(self, assignment: dict[str, str], inputs: tuple[str, ...]) -> bool:
        return all(c == "-" or assignment.get(n, c) == c for n, c in zip(inputs, self.condition, strict=True))


@dataclass(frozen=True)
class Fsm:
    """A state machine as Yosys extracted it; states are named by their encoding (MSB first)."""

    name: str
    module: str
    state_register: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    states: tuple[str, ...]
    reset_state: str | None
    transitions: tuple[Transition, ...]
    names: dict[str, str] = field(default_factory=dict)  # encoding -> parameter name, when the source says

    def label(self, state: str) -> str:
        """A state's parameter name when known, else its encoding."""
        return self.names.get(state, state)

    @property
    def encoding_width(self) -> int:
        return len(self.states[0]) if self.states else 0

    def start_state(self) -> str | None:
        """The reset state, else the all-zero encoding (the power-up state the equivalence check assumes)."""
        if self.reset_state is not None:
            return self.reset_state
        zero = "0" * self.encoding_width
        return zero if zero in self.states else (self.states[0] if self.states else None)

    def step(self, state: str, assignment: dict[str, str]) -> tuple[str, str] | None:
        """(next state, outputs) under a full input assignment, or None if no row matches."""
        for t in self.transitions:
            if t.source == state and t.matches(assignment, self.inputs):
                return t.target, t.outputs
        return None

    def condition_text(self, condition: str) -> str:
        terms = [f"{n}={c}" for n, c in zip(self.inputs, condition, strict=True) if c != "-"]
        return " & ".join(terms) or "always"

    def kiss2(self) -> str:
        """The machine as KISS2 (`fsm_export -origenc` style: states named by encoding; inputs MSB first)."""
        lines = [
            f".i {len(self.inputs)}",
            f".o {len(self.outputs)}",
            f".p {len(self.transitions)}",
            f".s {len(self.states)}",
        ]
        if self.reset_state is not None:
            lines.append(f".r {self.reset_state}")
        for t in self.transitions:
            lines.append(f"{t.condition[::-1] or '-'} {t.source} {t.target} {t.outputs[::-1] or '-'}")
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        lines = [
            f"FSM on `{self.state_register}` in {self.module}: {len(self.states)} states, "
            f"{len(self.transitions)} transitions, {self.encoding_width}-bit encoding",
            f"  inputs: {', '.join(self.inputs) or 'none'}; outputs: {', '.join(self.outputs) or 'none'}",
            f"  reset state: {self.label(self.reset_state) if self.reset_state else 'none'}",
        ]
        if self.names:
            lines.append("  encoding: " + ", ".join(f"{self.label(s)}={s}" for s in self.states))
        for t in self.transitions:
            lines.append(
                f"  {self.label(t.source)} -> {self.label(t.target)} when {self.condition_text(t.condition)}"
            )
        return "\n".join(lines)

    def record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "module": self.module,
            "state_register": self.state_register,
            "inputs": list(self.inputs),
            "outputs": list(self.outputs),
            "states": list(self.states),
            "reset_state": self.reset_state,
            "names": dict(self.names),
            "transitions": [
                {"source": t.source, "condition": t.condition, "target": t.target, "outputs": t.outputs}
                for t in self.transitions
            ],
        }


def parse_fsm_info(log: str) -> list[Fsm]:
    """Every FSM `fsm_info` printed in a Yosys log (the last printout of each, as `fsm` prints them too)."""
    found: dict[str, Fsm] = {}
    for m in _FSM_HEADER.finditer(log):
        table = log.find("Transition Table", m.end())
        end = log.find("\n----", table) if table >= 0 else -1
        block = log[m.end() : end if end >= 0 else len(log)]
        fsm = _parse_block(block, module=m.group(2))
        if fsm is not None:
            found[fsm.name] = fsm
    return list(found.values())


def _parse_block(block: str, module: str) -> Fsm | None:
    info = _INFO.search(block)
    if info is None:
        return None
    section = ""
    inputs: list[tuple[int, str]] = []
    outputs: list[tuple[int, str]] = []
    states: dict[int, str] = {}
    reset: int | None = None
    rows: list[tuple[int, str, int, str]] = []
    for line in block.splitlines():
        s = line.strip()
        if s.startswith("Input signals:"):
            section = "in"
            continue
        if s.startswith("Output signals:"):
            section = "out"
            continue
        if s.startswith("State encoding:"):
            section = "states"
            continue
        if s.startswith("Transition Table"):
            section = "trans"
            continue
        if not s:
            continue
        if section == "states":
            sm = _STATE_LINE.match(line)
            if sm:
                states[int(sm.group(1))] = sm.group(3)
                if sm.group(4):
                    reset = int(sm.group(1))
        elif section == "trans":
            tm = _TRANS_LINE.match(line)
            if tm:
                rows.append((int(tm.group(1)), tm.group(3), int(tm.group(4)), tm.group(6)))
        elif section in ("in", "out"):
            sig = _SIGNAL_LINE.match(line)
            if sig:
                (inputs if section == "in" else outputs).append((int(sig.group(1)), _signal(sig.group(2))))
    in_names = tuple(n for _, n in sorted(inputs))
    out_names = tuple(n for _, n in sorted(outputs))
    transitions = tuple(
        # Yosys prints cubes most significant bit first: bit i belongs to signal i.
        Transition(states.get(a, str(a)), cond[::-1], states.get(b, str(b)), outs[::-1])
        for a, cond, b, outs in rows
    )
    return Fsm(
        name=info.group(1),
        module=module,
        state_register=_signal(info.group(2)),
        inputs=in_names,
        outputs=out_names,
        states=tuple(states[i] for i in sorted(states)),
        reset_state=states.get(reset) if reset is not None else None,
        transitions=transitions,
    )


_PARAM_STMT = re.compile(r"\b(?:localparam|parameter)\b([^;]*);", re.S)
_PARAM_ITEM = re.compile(
    r"([A-Za-z_][A-Za-z0-9_$]*)\s*=\s*(?:(\d+)?\s*'[sS]?([bBoOdDhH])\s*([0-9a-fA-F_]+)|(\d[\d_]*))\s*(?=,|$)"
)
_ENUM = re.compile(r"\benum\b[^{]*\{([^}]*)\}", re.S)


def state_names(source: str, fsm: Fsm) -> dict[str, str]:
    """Encoding -> name from the source's `localparam`/`parameter` constants (or an enum's implicit values),
    kept only when they name every state of `fsm` exactly once; else {}."""
    width = fsm.encoding_width
    text = re.sub(r"//[^\n]*|/\*.*?\*/", " ", source, flags=re.S)
    candidates: list[dict[str, str]] = []
    params: dict[str, str] = {}
    for stmt in _PARAM_STMT.findall(text):
        stmt = re.sub(r"^\s*(\[[^\]]*\]|integer|int|logic|reg|bit)\s*", "", stmt.strip())
        for item in _PARAM_ITEM.finditer(stmt.replace("\n", " ")):
            name, _size, base, digits, decimal = item.groups()
            try:
                value = (
                    int(decimal.replace("_", ""), 10)
                    if decimal
                    else int(digits.replace("_", ""), {"b": 2, "o": 8, "d": 10, "h": 16}[base.lower()])
                )
            except ValueError:
                continue
            if value < 2**width:
                params.setdefault(format(value, f"0{width}b"), name)
    candidates.append(params)
    for body in _ENUM.findall(text):
        names = [n.split("=")[0].strip() for n in body.split(",") if n.strip()]
        if all("=" not in n for n in body.split(",")):
            candidates.append({format(i, f"0{width}b"): n for i, n in enumerate(names) if i < 2**width})
    for mapping in candidates:
        if all(s in mapping for s in fsm.states) and len({mapping[s] for s in fsm.states}) == len(fsm.states):
            return {s: mapping[s] for s in fsm.states}
    return {}
