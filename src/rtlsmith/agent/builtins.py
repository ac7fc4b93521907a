"""The built-in model agents as plugins: `oneshot`, `smith` and `hybrid` (`symbolic` is in
`rtlsmith.symbolic.agent`). The registry loads them by name, as it loads any other agent."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rtlsmith.agent.budget import Clock
from rtlsmith.agent.config import AgentConfig, AgentResult
from rtlsmith.agent.oneshot import run_oneshot
from rtlsmith.agent.registry import AgentPlugin
from rtlsmith.agent.smith import Smith
from rtlsmith.agent.smith_machine import TOOLS, machine
from rtlsmith.agent.trace import new_run_id
from rtlsmith.errors import UsageError
from rtlsmith.task import HiddenChecks, PublicTask


def _run_smith(
    public_task: PublicTask,
    model: Any,
    config: AgentConfig,
    hidden_for_oracle: HiddenChecks | None,
    clock: Clock | None,
) -> AgentResult:
    return Smith(public_task, model, config, hidden_for_oracle=hidden_for_oracle, clock=clock).run()


def _run_oneshot(
    public_task: PublicTask,
    model: Any,
    config: AgentConfig,
    hidden_for_oracle: HiddenChecks | None,
    clock: Clock | None,
) -> AgentResult:
    if config.oracle_feedback:
        raise UsageError("the oneshot agent runs no checks, so --oracle-feedback means nothing for it")
    first = model[0] if isinstance(model, (list, tuple)) else model
    return run_oneshot(public_task, getattr(first, "current", first), config)


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


ONESHOT = AgentPlugin(
    "oneshot", _run_oneshot, summary="one model call with the draft prompt; no checks, no repair"
)
SMITH = AgentPlugin(
    "smith",
    _run_smith,
    summary="drafts, lints, simulates against the public checks and repairs from the feedback",
    repairs=True,
    machine=machine,
    tools=TOOLS,
)
HYBRID = AgentPlugin(
    "hybrid",
    _run_hybrid,
    summary="the symbolic agent where the spec's tables decide the design, else smith",
    repairs=True,
    machine=machine,
    tools=TOOLS,
)
