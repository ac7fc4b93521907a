"""State machines: extract them with Yosys and compare a candidate's with a reference's.

Extraction runs `proc; flatten; opt -nodffe -nosdff; fsm -nomap -norecode` (plain `opt` would turn a
synchronously reset state register into `$sdff`, which `fsm` does not recognise; `-norecode` keeps the
designer's encoding) and reads the `fsm_info` tables from the log: control inputs, outputs, state encodings,
the reset state and the transition table. `Fsm.kiss2()` writes the same machine as KISS2.

Matching states when names differ. Yosys keeps encodings, not state names, and two designs may encode the
same machine differently, so states are matched by behaviour: both machines are run in lockstep from their
reset states over every assignment of the control inputs (breadth first, assignments in ascending order).
The first time a candidate state is reached together with a reference state it takes that state's name.
A step where the reference goes to R but the candidate goes to a state already named after another state
(or one that, reached again, would need a second name) is a difference: the reference transition is
*missing* from the candidate and the candidate's is *extra*. Exploration does not continue past a
difference, so each one is reported at its root, not with its downstream echoes. Several candidate states
may take the same reference name (a candidate may split a state); reference states never reached in step
are listed as unmatched. Control inputs are matched by name; an input only one machine reads is a
don't-care for the other.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from rtlsmith.errors import ToolNotFoundError
from rtlsmith.tools import yosys as ys
from rtlsmith.tools.sandbox import Limits, run_steps
from rtlsmith.tools.toolchain import require

SOURCE_FILE = "design.sv"
SCRIPT_FILE = "fsm.ys"
MAX_INPUTS = 14  # lockstep exploration enumerates every assignment of the control inputs

_FSM_HEADER = re.compile(r"^FSM `(.+?)' from module `(.+?)':", re.M)
_INFO = re.compile(r"Information on FSM (\S+) \((.+?)\):")
_STATE_LINE = re.compile(r"^\s*(\d+):\s+(\d+)'([01xz-]*)(\s+<RESET STATE>)?\s*$")
_SIGNAL_LINE = re.compile(r"^\s*(\d+):\s+(.+?)\s*$")
_TRANS_LINE = re.compile(r"^\s*\d+:\s+(\d+)\s+(\d+)'([01-]*)\s+->\s+(\d+)\s+(\d+)'([01-]*)\s*$")
_NOT_MARKING = re.compile(r"Not marking (\S+) as FSM state register:\s*\n\s*(.+)")


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


@dataclass(frozen=True)
class FsmExtraction:
    """The FSMs found in one design, or why none were."""

    fsms: tuple[Fsm, ...]
    error: str = ""
    notes: tuple[str, ...] = ()  # Yosys' reasons for registers it did not take as state registers
    log: str = field(default="", repr=False)

    def main(self) -> Fsm | None:
        """The FSM with the most states (then transitions), or None."""
        if not self.fsms:
            return None
        return max(self.fsms, key=lambda f: (len(f.states), len(f.transitions)))


_STATE_NAMES = re.compile(
    r"(?<![.\w$])(state|cs|current_state|cur_state|present_state|ps|fsm_state|state_reg|state_q|st)\s*[,;]"
)


def extract_fsms(
    source: str,
    top: str = "TopModule",
    *,
    state_register: str | None = None,
    timeout_s: float = 10.0,
    isolate: bool = True,
) -> FsmExtraction:
    """The state machines Yosys finds in `top`.

    `state_register` forces a register to be taken as a state register (`fsm_encoding` attribute) when
    Yosys' heuristics skip it (a machine without reset looks "self-resetting"). When nothing is found and no
    register was named, a register with a usual state name (`state`, `cs`, `current_state`, ...) is forced
    and the extraction says so in its notes. Yosys never extracts a 1-bit state register.
    """
    try:
        require("yosys")
    except ToolNotFoundError as exc:
        return FsmExtraction((), error=str(exc))
    text, _rewrites = ys.frontend_text(source)
    found = _extract(text, top, state_register, timeout_s, isolate)
    if found.fsms or found.error or state_register is not None:
        return found
    guess = _STATE_NAMES.search(re.sub(r"//[^\n]*|/\*.*?\*/", " ", text, flags=re.S))
    if guess is None:
        return _explain(found)
    forced = _extract(text, top, guess.group(1), timeout_s, isolate)
    if forced.fsms:
        note = f"Yosys did not take `{guess.group(1)}` as a state register by itself; it was forced"
        return replace(forced, notes=(*found.notes, note))
    return _explain(found)


def _explain(found: FsmExtraction) -> FsmExtraction:
    if found.notes:
        return found
    why = "no register was recognised as a state register (Yosys skips 1-bit registers and most registers "
    why += "that drive outputs directly; name one with state_register=)"
    return replace(found, notes=(why,))


def _extract(
    text: str, top: str, state_register: str | None, timeout_s: float, isolate: bool
) -> FsmExtraction:
    script = ys.fsm_script(SOURCE_FILE, top)
    if state_register:
        at = script.index("fsm -nomap -norecode")
        script.insert(at, f'setattr -set fsm_encoding "auto" w:{ys.safe_token(state_register)}')
    step = ys.yosys_step(SCRIPT_FILE, timeout_s=timeout_s)
    run = run_steps(
        [step],
        {SOURCE_FILE: text, SCRIPT_FILE: ys.script_text(script)},
        Limits(timeout_s=timeout_s),
        isolate=isolate,
        keep=[ys.LOG_FILE],
    )
    log = run.files.get(ys.LOG_FILE, b"").decode("utf-8", errors="replace")
    errors = re.findall(r"^(?:\S+:\d+: )?ERROR: (.*)$", log, re.M)
    notes = tuple(f"{reg.lstrip(chr(92))}: {why.strip()}" for reg, why in _NOT_MARKING.findall(log))
    if errors or run.steps[0].returncode != 0:
        why = errors[0] if errors else (run.steps[0].stderr.strip() or "Yosys failed")
        if run.steps[0].timed_out:
            why = "Yosys ran out of time"
        return FsmExtraction((), error=why, notes=notes, log=log)
    fsms = tuple(replace(f, names=state_names(text, f)) for f in parse_fsm_info(log))
    return FsmExtraction(fsms, notes=notes, log=log)


# ---------------------------------------------------------------------------------------------- diff


@dataclass(frozen=True)
class TransitionDiff:
    """A transition one machine has and the other lacks, in reference state names."""

    source: str
    condition: str  # a readable cube over the shared control inputs, e.g. "reset=0 & w=1"
    target: str
    other_target: str  # where the other machine goes instead

    def text(self, who: str, other: str) -> str:
        return f"{self.source} -> {self.target} when {self.condition} ({other} goes to {self.other_target})"


@dataclass(frozen=True)
class OutputDiff:
    state: str
    condition: str
    output: str
    reference: str
    candidate: str


@dataclass(frozen=True)
class FsmDiff:
    """How a candidate's state machine differs from a reference's (see the module docstring for matching)."""

    state_map: dict[str, tuple[str, ...]]  # reference state -> candidate encodings that took its name
    missing: tuple[TransitionDiff, ...]  # reference transitions the candidate does not take
    extra: tuple[TransitionDiff, ...]  # candidate transitions the reference does not take
    output_diffs: tuple[OutputDiff, ...]
    unmatched_reference: tuple[str, ...]
    unmatched_candidate: tuple[str, ...]
    inputs: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def equivalent(self) -> bool:
        return not (self.missing or self.extra or self.output_diffs)

    def summary(self) -> str:
        lines: list[str] = []
        if self.equivalent:
            lines.append("FSMs match: same transitions from reset under every input assignment")
        for t in self.missing:
            lines.append("missing transition: " + t.text("reference", "the candidate"))
        for t in self.extra:
            lines.append("extra transition:   " + t.text("candidate", "the reference"))
        for o in self.output_diffs:
            lines.append(
                f"output `{o.output}` in state {o.state} when {o.condition}: "
                f"reference {o.reference}, candidate {o.candidate}"
            )
        mapping = ", ".join(f"{r}={'/'.join(c)}" for r, c in self.state_map.items())
        lines.append(f"state matching (reference=candidate): {mapping or 'none'}")
        if self.unmatched_reference:
            lines.append(f"reference states not reached in step: {', '.join(self.unmatched_reference)}")
        if self.unmatched_candidate:
            lines.append(f"candidate states not reached in step: {', '.join(self.unmatched_candidate)}")
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)

    def record(self) -> dict[str, Any]:
        def tr(t: TransitionDiff) -> dict[str, str]:
            return {"source": t.source, "condition": t.condition, "target": t.target, "other": t.other_target}

        return {
            "equivalent": self.equivalent,
            "state_map": {k: list(v) for k, v in self.state_map.items()},
            "missing": [tr(t) for t in self.missing],
            "extra": [tr(t) for t in self.extra],
            "output_diffs": [vars(o) for o in self.output_diffs],
            "unmatched_reference": list(self.unmatched_reference),
            "unmatched_candidate": list(self.unmatched_candidate),
            "inputs": list(self.inputs),
            "notes": list(self.notes),
        }


def _assignments(names: tuple[str, ...]) -> Iterator[dict[str, str]]:
    for values in itertools.product("01", repeat=len(names)):
        yield dict(zip(names, values, strict=True))


def _cubes(minterms: list[str]) -> list[str]:
    """Merge minterms (strings over '0'/'1') into cubes: prime implicants of the set (Quine-McCluskey)."""
    current = set(minterms)
    primes: set[str] = set()
    while current:
        merged: set[str] = set()
        used: set[str] = set()
        items = sorted(current)
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                diff = [k for k in range(len(a)) if a[k] != b[k]]
                if len(diff) == 1 and a[diff[0]] != "-" and b[diff[0]] != "-":
                    merged.add(a[: diff[0]] + "-" + a[diff[0] + 1 :])
                    used.update((a, b))
        primes |= current - used
        current = merged
    # Keep a small cover: greedily pick primes covering the most minterms.
    todo = set(minterms)
    cover: list[str] = []

    def covers(cube: str, m: str) -> bool:
        return all(c == "-" or c == x for c, x in zip(cube, m, strict=True))

    while todo:
        best = max(sorted(primes), key=lambda p: sum(covers(p, m) for m in todo))
        cover.append(best)
        todo = {m for m in todo if not covers(best, m)}
    return sorted(cover)


def _condition(names: tuple[str, ...], minterms: list[str]) -> str:
    if not names:
        return "always"
    parts = []
    for cube in _cubes(minterms):
        terms = [f"{n}={c}" for n, c in zip(names, cube, strict=True) if c != "-"]
        parts.append(" & ".join(terms) or "always")
    return " | ".join(f"({p})" if " & " in p and len(parts) > 1 else p for p in parts)


def diff_fsm(reference: Fsm, candidate: Fsm) -> FsmDiff:
    """Missing and extra transitions of `candidate` against `reference`; states matched in lockstep."""
    notes: list[str] = []
    names = tuple(dict.fromkeys([*reference.inputs, *candidate.inputs]))
    internal = [n for n in names if n.startswith("$")]
    if internal:
        notes.append(
            "control inputs that are internal signals are compared by name only: " + ", ".join(internal)
        )
    if len(names) > MAX_INPUTS:
        return FsmDiff(
            {}, (), (), (), reference.states, candidate.states, names,
            (f"{len(names)} control inputs: too many to compare every assignment (limit {MAX_INPUTS})",),
        )  # fmt: skip
    r0, c0 = reference.start_state(), candidate.start_state()
    if r0 is None or c0 is None:
        return FsmDiff(
            {}, (), (), (), reference.states, candidate.states, names, ("a machine has no states",)
        )
    if reference.reset_state is None or candidate.reset_state is None:
        notes.append("no reset state in one machine: matching starts from the all-zero (power-up) encoding")
    shared_outputs = [o for o in reference.outputs if o in candidate.outputs and not o.startswith("$")]
    name_of: dict[str, str] = {c0: r0}
    visited: set[tuple[str, str]] = set()
    queue: deque[tuple[str, str]] = deque([(r0, c0)])
    diffs: dict[tuple[str, str, str], list[str]] = {}
    extra_diffs: dict[tuple[str, str, str], list[str]] = {}
    out_diffs: dict[tuple[str, str, str, str], list[str]] = {}
    while queue:
        r, c = queue.popleft()
        if (r, c) in visited:
            continue
        visited.add((r, c))
        for assignment in _assignments(names):
            key = "".join(assignment[n] for n in names)
            rs, cs = reference.step(r, assignment), candidate.step(c, assignment)
            rt = rs[0] if rs else "(none)"
            ct = cs[0] if cs else None
            if rs and cs:
                for o in shared_outputs:
                    rv = rs[1][reference.outputs.index(o)]
                    cv = cs[1][candidate.outputs.index(o)]
                    if rv != cv:
                        out_diffs.setdefault((r, o, rv, cv), []).append(key)
            if ct is None:
                diffs.setdefault((r, rt, "(no transition)"), []).append(key)
                continue
            if ct not in name_of and rs:
                name_of[ct] = rt
            cname = name_of.get(ct, f"candidate {ct}")
            if cname == rt:
                queue.append((rt, ct))
            else:
                diffs.setdefault((r, rt, cname), []).append(key)
                extra_diffs.setdefault((r, cname, rt), []).append(key)
    lab = reference.label

    def other(name: str) -> str:
        return name if name.startswith(("(", "candidate ")) else lab(name)

    missing = tuple(
        TransitionDiff(lab(src), _condition(names, ms), lab(dst), other(o))
        for (src, dst, o), ms in sorted(diffs.items())
    )
    extra = tuple(
        TransitionDiff(lab(src), _condition(names, ms), other(dst), lab(o))
        for (src, dst, o), ms in sorted(extra_diffs.items())
    )
    outputs = tuple(
        OutputDiff(lab(state), _condition(names, ms), o, rv, cv)
        for (state, o, rv, cv), ms in sorted(out_diffs.items())
    )
    state_map: dict[str, list[str]] = {}
    for cstate, rname in name_of.items():
        state_map.setdefault(lab(rname), []).append(candidate.label(cstate))
    reached_ref = {r for r, _ in visited}
    reached_cand = {c for _, c in visited}
    return FsmDiff(
        state_map={k: tuple(sorted(v)) for k, v in sorted(state_map.items())},
        missing=missing,
        extra=extra,
        output_diffs=outputs,
        unmatched_reference=tuple(lab(s) for s in reference.states if s not in reached_ref),
        unmatched_candidate=tuple(candidate.label(s) for s in candidate.states if s not in reached_cand),
        inputs=names,
        notes=tuple(notes),
    )


def diff_sources(
    reference: str,
    candidate: str,
    *,
    ref_top: str = "RefModule",
    cand_top: str = "TopModule",
    state_register: str | None = None,
    timeout_s: float = 10.0,
    isolate: bool = True,
) -> tuple[FsmDiff | None, str]:
    """Extract the main FSM of each design and diff them: (diff, "") or (None, why not)."""
    ref = extract_fsms(
        reference, ref_top, state_register=state_register, timeout_s=timeout_s, isolate=isolate
    )
    cand = extract_fsms(
        candidate, cand_top, state_register=state_register, timeout_s=timeout_s, isolate=isolate
    )
    for label, ex in (("reference", ref), ("candidate", cand)):
        if ex.error:
            return None, f"{label}: {ex.error}"
        if ex.main() is None:
            why = "; ".join(ex.notes) or "Yosys found no state register"
            return None, f"no FSM found in the {label} ({why})"
    r, c = ref.main(), cand.main()
    assert r is not None and c is not None
    return diff_fsm(r, c), ""
