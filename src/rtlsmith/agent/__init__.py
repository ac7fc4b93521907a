"""Agents that turn a public task into a module: `smith` (the checked, repairing state machine), `oneshot`,
`hybrid`, and `symbolic` (no model: designs from the spec's truth tables, waveforms, K-maps and state tables;
it lives in `rtlsmith.symbolic`).

from rtlsmith.agent import AgentConfig, run_agent
result = run_agent("smith", task.public, get_model("embedded"), AgentConfig(max_iterations=4))

Owns: `run_agent` (`run`) and the agent registry (`registry`: names -> `AgentPlugin`, built-ins in
`builtins`), the generic state machine agents are written as (`machine`: Enum states, a transition table,
guards, diagrams; not the FSMs Yosys extracts from designs, which are `rtlsmith.formal.fsm`), the smith
agent (`smith`, `smith_machine`), its checks, feedback, prompts, budget and traces. Its commands (`run`,
`trace`, `agent`) are `rtlsmith.cli.agent`; nothing here imports click or rich.
May import: `task`, `errors`, `hdl`, `llm`, `simulators`, `tools`, `suites` (public parts), `formal`. It loads
`rtlsmith.symbolic` only on use, through the registry (symbolic/ imports this package).
"""

from rtlsmith.agent.config import AgentConfig
from rtlsmith.agent.machine import Machine, Transition
from rtlsmith.agent.record import AgentResult, StopReason
from rtlsmith.agent.routing import Cascade
from rtlsmith.agent.run import AGENTS, run_agent
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
