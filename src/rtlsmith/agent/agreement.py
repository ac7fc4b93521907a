"""Selection by agreement, for tasks with nothing public to test against (AlphaCode's and CodeT's choice).

Several candidate designs are simulated side by side on shared random stimulus (the generated testbench
that compares a reference with a design: here one candidate plays the reference) and grouped by behaviour:
two candidates are in one cluster when every output matches on every compared sample. The largest cluster
wins; a tie goes to the cluster holding the earliest candidate (the greedy draft). Agreement is evidence, not
a check: the record says `checks=agreement` and the run still ends unverified (`no_checks`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rtlsmith.simulators import icarus
from rtlsmith.task import Interface
from rtlsmith.tools.sandbox import Limits, run_steps

_SUMMARY = re.compile(r"Mismatches: (\d+) in (\d+) samples")
_HINT = re.compile(r"Hint: Output '(?P<port>[^']+)' has (?P<n>\d+) mismatches")
_ACTIVE_LOW = re.compile(r".*(?:_n|_ni|_b|n)$", re.I)


@dataclass(frozen=True)
class Comparison:
    """Whether two candidates behaved alike, and on which outputs they differed."""

    same: bool
    differing: tuple[str, ...] = ()
    error: str = ""


def _rename(source: str, module: str, new: str) -> str:
    return re.sub(rf"\bmodule\s+{re.escape(module)}\b", f"module {new}", source)


def compare(
    a: str, b: str, interface: Interface, *, limits: Limits, isolate: bool, seed: int = 1
) -> Comparison:
    """Simulate `a` (as the reference) against `b` on the same random stimulus."""
    from rtlsmith.agent.checks import reset_port  # checks imports the agent's feedback helpers
    from rtlsmith.suites.tbgen import generate_testbench

    reset = reset_port(interface)
    tb = generate_testbench(
        interface,
        clock=interface.clock(),
        reset=reset.name if reset is not None else None,
        reset_active_high=not (reset is not None and _ACTIVE_LOW.match(reset.name)),
        seed=seed,
    )
    files = {"agree_ref.sv": _rename(a, interface.module, "RefModule"), "agree_dut.sv": b, "agree_tb.sv": tb}
    steps = (icarus.compile_step(list(files), top="tb"), icarus.simulate_step())
    run = run_steps(steps, files, limits, isolate=isolate)
    comp, sim = run.steps
    if comp.returncode != 0:
        return Comparison(False, error=(comp.stdout + comp.stderr)[-400:])
    log = sim.stdout + sim.stderr
    counts = _SUMMARY.findall(log)
    if not counts or sim.timed_out or run.killed:
        return Comparison(False, error="the comparison printed no verdict")
    differing = tuple(m.group("port") for m in _HINT.finditer(log) if int(m.group("n")) > 0)
    return Comparison(int(counts[-1][0]) == 0, differing)


def clusters(
    candidates: Sequence[str], interface: Interface, *, limits: Limits, isolate: bool
) -> list[list[int]]:
    """Candidates grouped by behaviour (indices, each group in order), each compared with a group's first."""
    groups: list[list[int]] = []
    for i, code in enumerate(candidates):
        for group in groups:
            if compare(candidates[group[0]], code, interface, limits=limits, isolate=isolate).same:
                group.append(i)
                break
        else:
            groups.append([i])
    return groups


def choose(groups: Sequence[Sequence[int]]) -> int:
    """The first candidate of the largest group; ties go to the group with the earliest candidate."""
    best = min(groups, key=lambda g: (-len(g), g[0]))
    return best[0]
