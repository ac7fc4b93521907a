"""Icarus Verilog's part of an equivalence check: replaying a counterexample, compiling a proven candidate.

A counterexample from `sat` is replayed with a generated testbench (`cex.replay_testbench`) over both
designs, their tops named RefModule and TopModule (`replay_sources`); the mismatch count decides whether it
is confirmed. A PROVEN candidate must also compile in Icarus (`icarus_compiles`), since Yosys reads some
Verilog that a simulator rejects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rtlsmith.formal.cex import Trace, parse_mismatches, parse_values, replay_testbench
from rtlsmith.formal.plan import CANDIDATE_FILE
from rtlsmith.formal.satlog import excerpt
from rtlsmith.simulators import icarus
from rtlsmith.task import Interface
from rtlsmith.tools.sandbox import Limits, command_line, run_steps
from rtlsmith.tools.toolchain import have

_MODULE_DECL = re.compile(r"\bmodule\s+([A-Za-z_][A-Za-z0-9_$]*)")


def _rename_module(source: str, old: str, new: str) -> str:
    return re.sub(rf"\bmodule\s+{re.escape(old)}\b", f"module {new}", source, count=1)


def replay_sources(reference: str, candidate: str, ref_top: str, cand_top: str) -> tuple[str, str]:
    """Reference and candidate texts with tops named RefModule/TopModule and no helper-module name clash."""
    ref = _rename_module(reference, ref_top, "RefModule") if ref_top != "RefModule" else reference
    cand = _rename_module(candidate, cand_top, "TopModule") if cand_top != "TopModule" else candidate
    shared = (set(_MODULE_DECL.findall(ref)) & set(_MODULE_DECL.findall(cand))) - {"RefModule", "TopModule"}
    for name in sorted(shared):
        ref = re.sub(rf"\b{re.escape(name)}\b", f"{name}__rtlsmith_ref", ref)
    return ref, cand


@dataclass(frozen=True)
class Replay:
    """A counterexample replayed in Icarus."""

    mismatches: int
    samples: int
    output: str
    values: dict[int, dict[str, tuple[str, str]]]


def replay_in_simulator(
    trace: Trace,
    interface: Interface | None,
    reference: str,
    candidate: str,
    *,
    timeout_s: float = 10.0,
    isolate: bool = True,
) -> Replay | None:
    """Compile and run the replay testbench with Icarus (sources as `replay_sources` makes them); None when
    it did not compile or did not reach its `Mismatches:` line."""
    tb = replay_testbench(trace, interface, dump_values=True)
    files = {"ref.sv": reference, "TopModule.sv": candidate, "replay_tb.sv": tb}
    steps = [
        icarus.compile_step(("replay_tb.sv", "TopModule.sv", "ref.sv"), timeout_s=timeout_s),
        icarus.simulate_step(timeout_s=timeout_s),
    ]
    run = run_steps(steps, files, Limits(timeout_s=timeout_s), isolate=isolate)
    out = "".join(s.stdout + s.stderr for s in run.steps)
    counts = parse_mismatches(out)
    if counts is None:
        return None
    return Replay(counts[0], counts[1], out, parse_values(out))


def icarus_compiles(
    source: str, top: str, *, timeout_s: float, isolate: bool, file: str = CANDIDATE_FILE
) -> tuple[bool | None, str, list[list[str]]]:
    """(True, "", commands) if Icarus compiles `source` with top `top` (VerilogEval's flags); (False, its
    errors, commands) if not; (None, why, commands) when it could not be run or did not finish."""
    if not have("iverilog"):
        return None, "Icarus Verilog is not installed", []
    step = icarus.compile_step((file,), top=top, timeout_s=timeout_s)
    run = run_steps([step], {file: source}, Limits(timeout_s=timeout_s), isolate=isolate)
    cmds = command_line([step], isolate=isolate)
    done = run.steps[0] if run.steps else None
    if done is None or done.timed_out or run.killed:
        return None, "the compile did not finish within the time limit", cmds
    if done.returncode != 0:
        out = done.stdout + done.stderr
        errors = [ln for ln in out.splitlines() if "error" in ln.lower() or "sorry" in ln.lower()]
        return False, "\n".join(errors[:5]) if errors else excerpt(out, 6), cmds
    return True, "", cmds
