"""A sample's record, declared once: what an agent made of one task and what it spent (`AgentWork`), as
every agent returns it (`AgentResult`); the bench and the store extend it (`rtlsmith.bench.agents`,
`rtlsmith.bench.store`) with `extend` instead of copying its fields."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, TypeVar

# "declined": the agent chose not to attempt the task (the symbolic agent, when the spec has no table it can
# design from); "no_checks": nothing public could test a design and no testbench could be written.
StopReason = Literal[
    "passed", "max_iterations", "max_tokens", "max_time", "model_error", "no_checks", "declined"
]
Mode = Literal["honest", "oracle"]


@dataclass(frozen=True, kw_only=True)
class AgentWork:
    """What an agent made of one task and what it spent: the part of a sample's record that every layer
    shares. The agent returns it as an `AgentResult`, the bench extends that to an `AgentOutcome` (what the
    bench measured of the model calls) and the store to a `ResultRow` (the sample's key and the hidden
    verdict); `extend` carries the fields over, so each is declared once, here."""

    final_code: str
    model_id: str = ""
    stop_reason: str = ""
    iterations: int = 1
    prompt_tokens: int = 0
    completion_tokens: int = 0
    wall_s: float = 0.0
    model_time_s: float = 0.0
    tool_time_s: float = 0.0  # the agent's own tool time (public checks), not the judge's
    trace_path: str | None = None

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def overhead_s(self) -> float:
        """Wall time spent in the agent itself: neither waiting for a model nor running a tool."""
        return max(0.0, self.wall_s - self.model_time_s - self.tool_time_s)


W = TypeVar("W", bound=AgentWork)


def extend(record: AgentWork, kind: type[W], **more: Any) -> W:
    """`record` as a `kind`: every field the two share by name carried over as it is, `more` added (or
    given anew)."""
    names = {f.name for f in fields(record)}
    carried = {
        f.name: getattr(record, f.name) for f in fields(kind) if f.name in names and f.name not in more
    }
    return kind(**carried, **more)


@dataclass(frozen=True, kw_only=True)
class AgentResult(AgentWork):
    """The outcome of one agent on one task; every agent returns this, so the bench treats them alike."""

    task_id: str
    passed_public: bool  # the checks the agent was allowed to run all passed
    stop_reason: StopReason
    mode: Mode
    # Which checks decided, "+"-joined: public-testbench, public-vectors, self-written or none; formal; oracle
    checks: str
    agent: str = "smith"
    run_id: str = ""
    final_state: str = ""
    # The hybrid agent's route: "symbolic" (a table turned into logic), "symbolic-diagram" (a text state
    # diagram read into a state-machine form), "symbolic-table" (a state table the symbolic agent declines,
    # read the same way), "form-fsm", "form-truth", "form-counter", "form-shift" (the model filled a form,
    # rtlsmith wrote the module) or "free" (smith); "" otherwise.
    route: str = ""

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict, the task id first (as in traces written before `AgentWork`)."""
        return {"task_id": self.task_id, **asdict(self)}
