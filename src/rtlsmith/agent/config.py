"""What configures an agent run: frozen, JSON-ready, shared by every agent (what a run returns is
`rtlsmith.agent.record`)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from rtlsmith.agent.record import Mode

DecomposePolicy = Literal["auto", "always", "never"]
ConstrainPolicy = Literal["auto", "on", "off"]
NoChecksPolicy = Literal["agreement", "testbench", "cycles"]


@dataclass(frozen=True)
class AgentConfig:
    """Budgets and policies of one agent run; recorded whole in the trace so a run can be reproduced."""

    max_iterations: int = 8  # design generations (the draft and each repair)
    max_tokens: int = 200_000  # prompt + completion tokens over the whole run
    max_time_s: float = 600.0  # wall time for the whole run
    max_new_tokens: int = 2048  # per model call
    temperature: float = 0.0
    seed: int | None = None
    oracle_feedback: bool = False
    decompose: DecomposePolicy = "auto"
    # Constrain design answers with a GBNF grammar of the interface: "auto" does so for the models it helps
    # by measurement (SmolLM2, which otherwise rarely writes a module; `llm.grammar.CONSTRAINED_BY_DEFAULT`).
    constrain: ConstrainPolicy = "auto"
    # With nothing public to test against: "agreement" samples `candidates` designs and keeps one of the
    # largest group that behaves alike on shared random stimulus; "testbench" has the model write
    # testbenches (`testbench_attempts`, each screened by mutants) and repairs against them; "cycles" has it
    # fill a table of example cycles instead (a JSON form under its grammar: `rtlsmith.forms.cycles`), turned
    # into a testbench and screened the same way.
    no_checks: NoChecksPolicy = "agreement"
    candidates: int = 3
    testbench_attempts: int = 3  # self-written testbenches tried before giving up on checks
    escalate_after: int = 2  # failed repairs before a cascade moves to its next model
    # Properties as a public check (honest mode): the model writes them once from the spec, each candidate
    # that passes its public tests is checked against them with Yosys and a counterexample is repair feedback.
    # Off by default: with the embedded model it changed no verdict (README, Measured).
    assertions: bool = False
    lint: bool = True  # Icarus compile and Verilator --lint-only -Wall after the pyslang syntax check
    # Mechanical fixes without a model call (a net assigned in a process becomes `reg`; a reset edge goes when
    # the spec asks for a synchronous reset); each is recorded in the trace.
    fixes: bool = True
    # A repair answer identical to a design already tried is asked again, once, as a fresh design at this
    # temperature (greedy decoding otherwise repeats itself forever); 0 turns the retry off.
    retry_temperature: float = 0.7
    tool_timeout_s: float = 30.0
    isolate: bool = True
    runs_dir: str = ".rtlsmith/runs"
    run_id: str | None = None
    write_trace: bool = True
    # A user-supplied reference design for equivalence checking (never shown to the model).
    reference: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.max_iterations < 1:
            raise ValueError("max_iterations must be at least 1")
        if self.max_tokens < 1 or self.max_time_s <= 0:
            raise ValueError("max_tokens and max_time_s must be positive")
        if self.no_checks not in ("agreement", "testbench", "cycles"):
            raise ValueError(
                f"no_checks must be 'agreement', 'testbench' or 'cycles', not {self.no_checks!r}"
            )
        if self.candidates < 1:
            raise ValueError("candidates must be at least 1")

    @property
    def mode(self) -> Mode:
        return "oracle" if self.oracle_feedback else "honest"

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict; the reference appears as a hash only."""
        d = asdict(self)
        ref = d.pop("reference")
        d["reference_sha256"] = hashlib.sha256(ref.encode()).hexdigest()[:16] if ref else None
        d["mode"] = self.mode
        return d
