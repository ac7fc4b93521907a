"""The uniform entry point the bench and the CLI call: `run_agent(name, public_task, model, config)`.

The `symbolic` agent uses no model (pass None); it designs only from tables in the spec. The `hybrid` agent
runs the symbolic agent first and, where it declines or its design fails the spec's own table, the smith
agent with the model: a table is turned into logic exactly, everything else goes to the model.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rtlsmith.agent.budget import Clock
from rtlsmith.agent.config import AgentConfig, AgentResult
from rtlsmith.agent.oneshot import run_oneshot
from rtlsmith.agent.smith import Smith
from rtlsmith.agent.trace import new_run_id
from rtlsmith.errors import UsageError
from rtlsmith.task import HiddenChecks, PublicTask, Task

AGENTS = ("oneshot", "smith", "symbolic", "hybrid")


def run_agent(
    name: str,
    public_task: PublicTask,
    model: Any,
    config: AgentConfig | None = None,
    hidden_for_oracle: HiddenChecks | None = None,
    *,
    clock: Clock | None = None,
) -> AgentResult:
    """Run agent `name` on a task's public part with `model` (a model, a list of models, or a Cascade).

    Hidden checks are accepted only together with `config.oracle_feedback=True`, and only already unsealed
    (`task.hidden.unseal(Purpose.ORACLE)`): an honest run cannot receive them by accident.
    """
    config = config or AgentConfig()
    if isinstance(public_task, Task):
        raise UsageError("agents receive only the public part of a task: pass task.public")
    if not isinstance(public_task, PublicTask):
        raise UsageError(f"run_agent needs a PublicTask, got {type(public_task).__name__}")
    if config.oracle_feedback and hidden_for_oracle is None:
        raise UsageError("oracle feedback needs the hidden checks: pass task.hidden.unseal(Purpose.ORACLE)")
    if hidden_for_oracle is not None and not config.oracle_feedback:
        raise UsageError("hidden checks were given to an honest run: set oracle_feedback=True or drop them")
    if hidden_for_oracle is not None and not isinstance(hidden_for_oracle, HiddenChecks):
        raise UsageError("hidden_for_oracle must be HiddenChecks unsealed with Purpose.ORACLE")
    if name == "smith":
        return Smith(public_task, model, config, hidden_for_oracle=hidden_for_oracle, clock=clock).run()
    if name == "oneshot":
        if config.oracle_feedback:
            raise UsageError("the oneshot agent runs no checks, so --oracle-feedback means nothing for it")
        first = model[0] if isinstance(model, (list, tuple)) else model
        return run_oneshot(public_task, getattr(first, "current", first), config)
    if name == "symbolic":
        if config.oracle_feedback:
            raise UsageError(
                "the symbolic agent takes no feedback, so --oracle-feedback means nothing for it"
            )
        from rtlsmith.symbolic.agent import run_symbolic  # symbolic/ imports the agent package

        return run_symbolic(public_task, config)
    if name == "hybrid":
        return _run_hybrid(public_task, model, config, hidden_for_oracle, clock)
    raise UsageError(f"unknown agent {name!r}; choose one of {', '.join(AGENTS)}")


def _run_hybrid(
    public_task: PublicTask,
    model: Any,
    config: AgentConfig,
    hidden_for_oracle: HiddenChecks | None,
    clock: Clock | None,
) -> AgentResult:
    """Symbolic first; smith when the symbolic agent declines or its design fails the spec's table. The
    symbolic run's trace goes to `<run id>-symbolic`, the smith run's to the run id itself."""
    from rtlsmith.symbolic.agent import run_symbolic  # symbolic/ imports the agent package

    run_id = config.run_id or new_run_id(public_task.id)
    symbolic = run_symbolic(public_task, replace(config, run_id=f"{run_id}-symbolic"))
    if symbolic.passed_public:  # its run id and trace are the symbolic run's (`rtlsmith trace` finds them)
        return replace(symbolic, agent="hybrid")
    smith = Smith(public_task, model, replace(config, run_id=run_id), hidden_for_oracle=hidden_for_oracle,
                  clock=clock).run()  # fmt: skip
    return replace(
        smith,
        agent="hybrid",
        wall_s=smith.wall_s + symbolic.wall_s,
        tool_time_s=smith.tool_time_s + symbolic.tool_time_s,
    )
