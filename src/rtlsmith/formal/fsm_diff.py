"""Comparing a candidate's state machine with a reference's, states matched by behaviour.

See `rtlsmith.formal.fsm` for the matching: both machines run in lockstep from reset over every assignment
of the control inputs; a step where they part is a missing (and an extra) transition.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rtlsmith.formal.fsm_model import Fsm

MAX_INPUTS = 14  # lockstep exploration enumerates every assignment of the control inputs


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
