"""Agents that turn a public task into a module: `smith` (the checked, repairing state machine), `oneshot`,
`hybrid`, and `symbolic` (no model: designs from the spec's truth tables, waveforms, K-maps and state tables;
it lives in `rtlsmith.symbolic`).

from rtlsmith.agent import AgentConfig, run_agent
result = run_agent("smith", task.public, get_model("embedded"), AgentConfig(max_iterations=4))

Owns: `run_agent` and the agent registry (`registry`: names -> `AgentPlugin`, built-ins in `builtins`),
the smith agent (`smith`, `smith_machine`, `fsm`), its checks, feedback, prompts, budget, traces and the
`run`/`trace`/`agent` commands (`commands`, the one module here that imports click and rich).
May import: `task`, `errors`, `hdl`, `llm`, `simulators`, `tools`, `suites` (public parts), `formal`. It loads
`rtlsmith.symbolic` only on use, through the registry (symbolic/ imports this package).
"""

from rtlsmith.agent.config import AgentConfig, AgentResult, StopReason
from rtlsmith.agent.fsm import Machine, Transition
from rtlsmith.agent.routing import Cascade
from rtlsmith.agent.runner import AGENTS, run_agent
from rtlsmith.agent.smith import Smith
from rtlsmith.agent.smith_machine import TOOLS, TRANSITIONS, State, machine
from rtlsmith.agent.trace import find_trace, read_trace

__all__ = [
    "AGENTS",
    "TOOLS",
    "TRANSITIONS",
    "AgentConfig",
    "AgentResult",
    "Cascade",
    "Machine",
    "Smith",
    "State",
    "StopReason",
    "Transition",
    "find_trace",
    "machine",
    "read_trace",
    "run_agent",
]
