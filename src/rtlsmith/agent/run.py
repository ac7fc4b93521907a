"""The uniform entry point the bench and the CLI call: `run_agent(name, public_task, model, config)`.

`name` is looked up in the agent registry (`rtlsmith.agent.registry`). The `symbolic` agent uses no model
(pass None); it designs only from tables in the spec. The `hybrid` agent runs the symbolic agent first;
where it declines or its design fails the spec's own table, and the spec has a structure a small form
captures (a state machine, a truth table, a counter), the model fills that form and rtlsmith writes the
module; everything else goes to the smith agent (free design). The result's `route` records which.
"""

from __future__ import annotations

from typing import Any

from rtlsmith.agent.budget import Clock
from rtlsmith.agent.config import AgentConfig
from rtlsmith.agent.record import AgentResult
from rtlsmith.agent.registry import agent_names, get_agent
from rtlsmith.errors import UsageError
from rtlsmith.task import HiddenChecks, PublicTask, Task

AGENTS = agent_names()  # as installed at import; `agent_names()` also sees agents registered later


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
    return get_agent(name).run(public_task, model, config, hidden_for_oracle, clock)
