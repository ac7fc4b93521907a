"""Selection by agreement, for tasks with nothing public to test against (AlphaCode's and CodeT's choice).

Several candidate designs are simulated side by side on shared random stimulus (the generated testbench
that compares a reference with a design: here one candidate plays the reference) and grouped by behaviour:
two candidates are in one cluster when every output matches on every compared sample. The largest cluster
wins; a tie goes to the cluster holding the earliest candidate (the greedy draft). Agreement is evidence, not
a check: the record says `checks=agreement` and the run still ends unverified (`no_checks`).

The same stimulus gives a design's behaviour signature (`signature`): its outputs at every clock edge of
the random testbench, hashed. Two designs with one signature behaved alike on every compared sample, as two
candidates in one cluster do; the bench's exports collapse duplicates by it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rtlsmith.errors import RtlsmithError
from rtlsmith.simulators import icarus
from rtlsmith.task import Interface
from rtlsmith.tools.sandbox import Limits, run_steps

_SUMMARY = re.compile(r"Mismatches: (\d+) in (\d+) samples")
_HINT = re.compile(r"Hint: Output '(?P<port>[^']+)' has (?P<n>\d+) mismatches")
_ACTIVE_LOW = re.compile(r".*(?:_n|_ni|_b|n)$", re.I)
_PROBE_TOP = "behaviour_probe"
_PROBE_MARK = "BEHAVIOUR "


@dataclass(frozen=True)
class Comparison:
    """Whether two candidates behaved alike, and on which outputs they differed."""

    same: bool
    differing: tuple[str, ...] = ()
    error: str = ""


def _rename(source: str, module: str, new: str) -> str:
    return re.sub(rf"\bmodule\s+{re.escape(module)}\b", f"module {new}", source)


def stimulus_testbench(interface: Interface, *, seed: int = 1, ref_module: str = "RefModule") -> str:
    """The shared random testbench for an interface: `ref_module` and the design run side by side.

    Raises UsageError for an interface the generator cannot serve (inout ports, no outputs)."""
    from rtlsmith.agent.checks import reset_port  # checks imports the agent's feedback helpers
    from rtlsmith.suites.tbgen import generate_testbench

    reset = reset_port(interface)
    return generate_testbench(
        interface,
        clock=interface.clock(),
        reset=reset.name if reset is not None else None,
        reset_active_high=not (reset is not None and _ACTIVE_LOW.match(reset.name)),
        seed=seed,
        ref_module=ref_module,
    )


def compare(
    a: str, b: str, interface: Interface, *, limits: Limits, isolate: bool, seed: int = 1
) -> Comparison:
    """Simulate `a` (as the reference) against `b` on the same random stimulus."""
    tb = stimulus_testbench(interface, seed=seed)
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


@dataclass(frozen=True)
class Signature:
    """A design's behaviour on the shared stimulus: `digest` (16 hex digits) of its outputs at every clock
    edge, or None with `error` saying why it could not be taken (no compile, no verdict, bad interface)."""

    digest: str | None
    samples: int = 0
    error: str = ""


def _probe(interface: Interface) -> str:
    """A second root module that prints the design's outputs at the end of every clock edge's time step
    (`$strobe`: after flops and combinational logic settle, so no race with the design's own updates)."""
    outs = ", ".join(f"tb.{p.name}_dut" for p in interface.outputs)
    width = sum(p.width for p in interface.outputs)
    return (
        f"module {_PROBE_TOP};\n"
        f"  wire [{width - 1}:0] outs = {{{outs}}};\n"
        f'  always @(posedge tb.clk, negedge tb.clk) $strobe("{_PROBE_MARK}%b", outs);\n'
        "endmodule\n"
    )


def signature(code: str, interface: Interface, *, limits: Limits, isolate: bool, seed: int = 1) -> Signature:
    """The design's outputs on the shared random stimulus (seeded), hashed; two designs that agree on every
    compared sample (`compare(...).same`, X aside) get one digest. One compile and one simulation."""
    try:
        tb = stimulus_testbench(interface, seed=seed, ref_module=interface.module)
    except RtlsmithError as exc:
        return Signature(None, error=str(exc))
    files = {"sig_dut.sv": code, "sig_tb.sv": tb, "sig_probe.sv": _probe(interface)}
    steps = (icarus.compile_step(list(files), top="tb", extra_tops=(_PROBE_TOP,)), icarus.simulate_step())
    run = run_steps(steps, files, limits, isolate=isolate)
    comp, sim = run.steps
    if comp.returncode != 0:
        return Signature(None, error="does not compile: " + (comp.stdout + comp.stderr)[-300:].strip())
    log = sim.stdout + sim.stderr
    lines = [ln[len(_PROBE_MARK) :].strip() for ln in log.splitlines() if ln.startswith(_PROBE_MARK)]
    if not _SUMMARY.search(log) or sim.timed_out or run.killed or not lines:
        return Signature(None, error="the simulation did not finish")
    ports = ",".join(f"{p.name}:{p.width}" for p in interface.outputs)
    digest = hashlib.sha256("\n".join([ports, *lines]).encode()).hexdigest()[:16]
    return Signature(digest, samples=len(lines))


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
