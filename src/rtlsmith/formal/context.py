"""What one `check_equivalence` call shares between its stages, and how a Yosys run becomes its result.

`EquivalenceContext` holds the two designs (as given and as Yosys reads them), the options, the deadline,
the netlist facts of the first phase and every run so far. Its methods run a phase and turn a run into an
`EquivalenceResult`: a failure to run, a counterexample (replayed in Icarus), or PROVEN (after the Icarus
compile check). The proof stages that decide which result it is are in `rtlsmith.formal.proofs`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from rtlsmith.formal.cex import replay_testbench, trace_from_log, trace_from_vcd, with_simulated_outputs
from rtlsmith.formal.netlist import DesignInfo, interface_difference
from rtlsmith.formal.phase import PhaseRun, run_phase
from rtlsmith.formal.plan import CANDIDATE_FILE, REFERENCE_FILE, RunConfig, sat_assumptions
from rtlsmith.formal.replay import icarus_compiles, replay_in_simulator, replay_sources
from rtlsmith.formal.result import EquivalenceResult, Outcome
from rtlsmith.formal.satlog import SatLog, excerpt
from rtlsmith.task import Interface
from rtlsmith.tools import yosys as ys
from rtlsmith.tools.toolchain import have


@dataclass
class EquivalenceContext:
    """One equivalence check in progress (see `check_equivalence` for the options)."""

    reference: str
    candidate: str
    ref_top: str
    cand_top: str
    files: dict[str, str]  # what Yosys reads: both texts after `ys.frontend_text`
    rewrites: list[str]  # what that front end changed, listed with the assumptions
    start: float
    timeout_s: float
    base: dict[str, Any]  # fields every result carries (tool versions)
    depth: int
    bmc_depth: int
    isolate: bool
    share: bool
    confirm: bool
    structural: bool
    compile_check: bool
    memory_mb: int
    runs: list[PhaseRun] = field(default_factory=list)  # every Yosys run so far, in order
    other_commands: list[list[str]] = field(default_factory=list)  # outside Yosys: the Icarus compile check
    gold: DesignInfo | None = None  # the reference's netlist facts, from the first phase
    gate: DesignInfo | None = None  # the candidate's

    @property
    def deadline(self) -> float:
        return self.start + self.timeout_s

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def left(self) -> float:
        """Seconds to the deadline (negative once it has passed)."""
        return self.deadline - time.monotonic()

    @property
    def latches(self) -> int:
        return (self.gold.latches if self.gold else 0) + (self.gate.latches if self.gate else 0)

    @property
    def combinational(self) -> bool:
        gold, gate = self.gold, self.gate
        return bool(gold and gate and not gold.clocks and not gate.clocks and self.latches == 0)

    @property
    def interface(self) -> Interface | None:
        return Interface("TopModule", self.gold.ports) if self.gold else None

    # -------------------------------------------------------------------------------------------- running

    def run(self, c: RunConfig, budget: float, **sat_kw: Any) -> PhaseRun:
        """The miter and `sat` under `c` (`ys.equivalence_script`); the caller records it in `runs`."""
        script = ys.equivalence_script(
            REFERENCE_FILE, CANDIDATE_FILE, ref_top=self.ref_top, cand_top=self.cand_top,
            sat=c.sat(**sat_kw), mode=c.mode, share=self.share,
        )  # fmt: skip
        return self.run_script(script, budget)

    def run_script(self, script: list[str], budget: float) -> PhaseRun:
        return run_phase(self.files, script, timeout_s=budget, isolate=self.isolate, memory_mb=self.memory_mb)

    # -------------------------------------------------------------------------------------------- results

    def assumptions_for(self, c: RunConfig, *, x_words: bool = True) -> tuple[str, ...]:
        """What a result under `c` assumes, in words (`x_words=False`: without how x is read)."""
        if self.combinational:
            every = "every input combination" + (" the assumption allows" if c.assumes else "")
            out: tuple[str, ...] = (f"combinational: {every} is checked",)
            if c.outputs is not None and x_words:
                out += ("an x in the reference is a don't-care, in the candidate a mismatch",)
        else:
            out = tuple(sat_assumptions(c, self.latches, x_words=x_words))
        return out + tuple(self.rewrites)

    def finish(
        self,
        outcome: Outcome,
        ran: PhaseRun,
        c: RunConfig,
        assumptions: tuple[str, ...] | None = None,
        **extra: Any,
    ) -> EquivalenceResult:
        commands = [cmd for r in self.runs for cmd in r.commands] + self.other_commands
        return EquivalenceResult(
            outcome,
            mode=c.mode,
            assumptions=self.assumptions_for(c) if assumptions is None else assumptions,
            isolated=ran.result.isolated,
            commands=tuple(tuple(cmd) for cmd in commands),
            script=ys.script_text(ran.script),
            log=ran.log,
            vcd=ran.vcd,
            log_excerpt=excerpt(ran.log),
            wall_s=self.elapsed(),
            **self.base,
            **extra,
        )

    def failure(self, ran: PhaseRun, c: RunConfig) -> EquivalenceResult | None:
        """A result for a run that stopped for a reason other than the proof's outcome."""
        step = ran.result.steps[0]
        killed = ran.killed
        sat_log = ran.sat
        if sat_log.error and not sat_log.proof_error:
            return self._error_result(ran, sat_log, c)
        if killed and sat_log.stage != "prove":
            return self.finish(
                Outcome.INCONCLUSIVE, ran, c, method="",
                message=f"the time limit was reached while Yosys was still in stage "
                f"`{sat_log.stage or 'start'}`; nothing was proven",
            )  # fmt: skip
        if not killed and step.returncode not in (0, 1):
            why = sat_log.error or excerpt(step.stderr, 3) or "no output"
            return self.finish(
                Outcome.ERROR, ran, c, error_stage=sat_log.stage or "tool",
                message=f"Yosys exited with status {step.returncode}: {why}",
            )  # fmt: skip
        if not killed and step.returncode == 1 and not sat_log.error:
            return self.finish(
                Outcome.ERROR, ran, c, error_stage=sat_log.stage or "tool", message=excerpt(ran.log, 3)
            )
        return None

    def _error_result(self, run: PhaseRun, sat_log: SatLog, c: RunConfig) -> EquivalenceResult:
        stage = sat_log.stage or "tool"
        gold, gate = run.infos
        msg = sat_log.error
        if stage == "miter" and gold is not None and gate is not None:
            diff = interface_difference(gold, gate)
            if diff:
                return self.finish(
                    Outcome.ERROR, run, c, error_stage="interface", message=f"interfaces differ: {diff}"
                )
        if stage == "reference":
            msg = f"the reference does not synthesize in Yosys: {msg}"
        elif stage == "candidate":
            msg = f"the candidate does not synthesize in Yosys: {msg}"
        elif stage == "miter":
            stage = "interface"
            msg = f"interfaces differ: {msg}"
        elif "Failed to import cell" in msg:
            msg = f"sat cannot model a cell of this design: {msg}"
        return self.finish(Outcome.ERROR, run, c, error_stage=stage, message=msg)

    def counterexample(self, ran: PhaseRun, c: RunConfig, method: str) -> EquivalenceResult:
        """COUNTEREXAMPLE with the trace `sat` found, confirmed by replaying it in Icarus when it can be; a
        trace simulation does not reproduce is INCONCLUSIVE (`confirmed=False`)."""
        trace_kw: dict[str, Any] = {
            "mode": c.mode, "clock": c.clock, "edge": c.edge, "check_from": c.skip + 1,
        }  # fmt: skip
        trace = trace_from_log(ran.log, **trace_kw)
        if trace is None and ran.vcd:
            trace = trace_from_vcd(ran.vcd, **trace_kw)
        if trace is not None and self.combinational:
            trace = trace.trimmed(1)
        at = trace.samples[-1].cycle if trace else 0
        extra: dict[str, Any] = {"method": method, "depth": at, "trace": trace}
        if trace is None:
            return self.finish(
                Outcome.COUNTEREXAMPLE, ran, c, message="the counterexample table could not be read", **extra
            )
        ref_src, cand_src = replay_sources(self.reference, self.candidate, self.ref_top, self.cand_top)
        extra["replay_testbench"] = replay_testbench(trace, self.interface)
        left, confirm = self.left(), self.confirm
        if not confirm or not have("iverilog") or left < 0.2:
            why = "replay skipped" if not confirm else "no Icarus" if not have("iverilog") else "no time left"
            return self.finish(
                Outcome.COUNTEREXAMPLE, ran, c, message=f"not replayed in simulation ({why})", **extra
            )
        replay = replay_in_simulator(
            trace, self.interface, ref_src, cand_src, timeout_s=max(1.0, left), isolate=self.isolate
        )
        if replay is None:
            return self.finish(
                Outcome.COUNTEREXAMPLE, ran, c,
                message="the replay testbench did not compile or run in Icarus; the trace is unconfirmed",
                **extra,
            )  # fmt: skip
        # Outputs outside the proof's cone show unconstrained values in sat's table: show the simulator's.
        extra.update(replay_mismatches=replay.mismatches, replay_samples=replay.samples)
        extra["trace"] = with_simulated_outputs(trace, replay.values)
        if replay.mismatches > 0:
            return self.finish(Outcome.COUNTEREXAMPLE, ran, c, confirmed=True, **extra)
        extra["depth"] = max(0, at - 1)
        power_up = "x power-up" if c.init == "undef" else "zero power-up state"
        return self.finish(
            Outcome.INCONCLUSIVE, ran, c, confirmed=False,
            message=(
                f"sat found a difference at step {at}, but replaying it in Icarus shows none: "
                f"it rests on the {power_up} or on x, which simulation treats differently"
            ),
            **extra,
        )  # fmt: skip

    def proven(
        self, ran: PhaseRun, c: RunConfig, assumptions: tuple[str, ...] | None = None, **extra: Any
    ) -> EquivalenceResult:
        """PROVEN, unless Icarus Verilog rejects the candidate (but not the reference): then Yosys proved its
        own lenient reading of a text that is not legal Verilog, and the result is an ERROR at stage
        "candidate". When Icarus rejects the reference too (e.g. a construct it does not support), the
        compile says nothing about the candidate and is only noted."""
        kept = self.assumptions_for(c) if assumptions is None else assumptions
        if self.compile_check:
            ok, text = self._compiles(self.candidate, self.cand_top, CANDIDATE_FILE)
            if ok is False:
                ref_ok, _ = self._compiles(self.reference, self.ref_top, REFERENCE_FILE)
                if ref_ok is not False:
                    return self.finish(
                        Outcome.ERROR, ran, c, error_stage="candidate",
                        message="Icarus Verilog does not compile the candidate, so what Yosys proved "
                        f"equivalent (its own reading of the text) is not a design a simulator runs:\n{text}",
                    )  # fmt: skip
                kept += ("Icarus Verilog rejects the reference as well as the candidate",)
            elif ok is None:
                kept += (f"not compiled in Icarus Verilog: {text}",)
        return self.finish(Outcome.PROVEN, ran, c, assumptions=kept, **extra)

    def _compiles(self, text: str, top: str, file: str) -> tuple[bool | None, str]:
        left = max(1.0, self.left())
        ok, out, cmds = icarus_compiles(text, top, timeout_s=left, isolate=self.isolate, file=file)
        self.other_commands.extend(cmds)
        return ok, out
