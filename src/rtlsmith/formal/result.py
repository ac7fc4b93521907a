"""The result of a formal equivalence check: an outcome, what it rests on, and how it was obtained."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from rtlsmith.formal.cex import Trace


class Outcome(enum.Enum):
    PROVEN = "proven"  # equivalent for every input sequence (under the listed assumptions)
    COUNTEREXAMPLE = "counterexample"  # an input sequence on which the outputs differ
    INCONCLUSIVE = "inconclusive"  # no difference within `depth` steps, but no proof either
    ERROR = "error"  # the check could not run: a design does not synthesize, interfaces differ, ...


@dataclass(frozen=True)
class EquivalenceResult:
    """What a formal check found, with everything needed to trust or reproduce it.

    `depth` depends on the outcome: PROVEN, the induction length that closed the proof (method
    "equiv_induct": the `-seq` of the structural proof); COUNTEREXAMPLE, the
    step at which the outputs differ; INCONCLUSIVE, the number of time steps from power-up over which
    bounded model checking found no difference. `confirmed` says whether replaying the counterexample in
    Icarus showed the mismatch (None when it was not replayed). `simulation_passed`, when a caller knows
    it, makes a confirmed counterexample on a passing candidate a testbench gap.
    """

    outcome: Outcome
    message: str = ""
    method: str = ""  # "induction", "equiv_induct" (structural proof), "bmc" or "" (no proof attempted)
    depth: int = 0
    mode: str = "cycle"  # "cycle": a time step is a clock cycle; "step": half a clock period
    trace: Trace | None = None
    confirmed: bool | None = None
    replay_mismatches: int | None = None
    replay_samples: int | None = None
    replay_testbench: str = ""
    assumptions: tuple[str, ...] = ()
    error_stage: str = ""  # for ERROR: "screen", "tool", "reference", "candidate", "interface", "prove", ...
    task_id: str = ""
    simulation_passed: bool | None = None
    isolated: bool = False
    wall_s: float = 0.0
    tool_versions: dict[str, str] = field(default_factory=dict)
    commands: tuple[tuple[str, ...], ...] = ()
    script: str = ""
    log_excerpt: str = ""
    log: str = field(default="", repr=False)
    vcd: str = field(default="", repr=False)

    @property
    def proven(self) -> bool:
        return self.outcome is Outcome.PROVEN

    @property
    def testbench_gap(self) -> bool:
        """The candidate passed simulation, yet a (confirmed or unreplayed) counterexample exists."""
        return (
            self.outcome is Outcome.COUNTEREXAMPLE
            and self.simulation_passed is True
            and self.confirmed is not False
        )

    def with_simulation(self, passed: bool | None) -> EquivalenceResult:
        """This result, knowing whether the candidate passed the benchmark's own testbench."""
        from dataclasses import replace

        return replace(self, simulation_passed=passed)

    def label(self) -> str:
        """A short label: PROVEN, COUNTEREXAMPLE, INCONCLUSIVE, ERROR, or TESTBENCH GAP."""
        if self.testbench_gap:
            return "TESTBENCH GAP"
        return self.outcome.name

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict for result stores; the full log and VCD are left out (see `log_excerpt`)."""
        return {
            "task_id": self.task_id,
            "outcome": self.outcome.value,
            "label": self.label(),
            "message": self.message,
            "method": self.method,
            "depth": self.depth,
            "mode": self.mode,
            "confirmed": self.confirmed,
            "replay_mismatches": self.replay_mismatches,
            "replay_samples": self.replay_samples,
            "assumptions": list(self.assumptions),
            "error_stage": self.error_stage,
            "simulation_passed": self.simulation_passed,
            "testbench_gap": self.testbench_gap,
            "trace": self.trace.record() if self.trace else None,
            "isolated": self.isolated,
            "wall_s": round(self.wall_s, 4),
            "tool_versions": dict(self.tool_versions),
            "commands": [list(c) for c in self.commands],
            "log_excerpt": self.log_excerpt,
        }

    def summary(self) -> str:
        """Text for a terminal: the outcome in one line, then assumptions and any counterexample table."""
        unit = "cycle" if self.mode == "cycle" else "time step (half clock period)"
        head = f"formal: {self.label()}"
        if self.outcome is Outcome.PROVEN:
            if self.method == "induction":
                head += f" (temporal induction closed at length {self.depth})"
            elif self.method == "equiv_induct":
                head += f" (induction over matched internal signals, Yosys equiv_induct -seq {self.depth})"
        elif self.outcome is Outcome.COUNTEREXAMPLE:
            head += f": outputs differ at {unit} {self.depth}"
            if self.confirmed is True:
                head += f"; replayed in Icarus: {self.replay_mismatches} mismatch"
                head += "es" if self.replay_mismatches != 1 else ""
                head += f" in {self.replay_samples} samples"
            elif self.confirmed is None:
                head += "; not replayed in simulation"
        elif self.outcome is Outcome.INCONCLUSIVE:
            head += f": no difference within {self.depth} {unit}s of reset, but no proof"
        lines = [head]
        if self.testbench_gap:
            lines.append(
                "  the candidate passes the benchmark testbench, which never drives this input sequence"
            )
        if self.message:
            lines.extend(f"  {line}" for line in self.message.splitlines())
        if self.assumptions and self.outcome is not Outcome.ERROR:
            lines.append("  assumptions: " + "; ".join(self.assumptions))
        if self.trace is not None and self.outcome is Outcome.COUNTEREXAMPLE:
            lines.append("")
            lines.extend(f"  {line}" for line in self.trace.table().splitlines())
        return "\n".join(lines)


FormalVerdict = EquivalenceResult
