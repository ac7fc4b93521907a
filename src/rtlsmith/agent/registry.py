"""Agents by name, as `llm` finds its model plugins: built-ins and third-party agents load the same way.

An agent is an `AgentPlugin` object named by "module:attribute". The built-ins are listed in `BUILTINS`;
another package adds one with an entry point in the group `rtlsmith.agents`:

    [project.entry-points."rtlsmith.agents"]
    mine = "my_package.agent:PLUGIN"

and code (a test, a notebook) may `register(plugin)` for the life of the process. `--agent`, `rtlsmith agent
--diagram` and the bench read the names from here. Plugins load on first use, so naming the agents imports
none of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Protocol

from rtlsmith.errors import UsageError

if TYPE_CHECKING:
    from rtlsmith.agent.budget import Clock
    from rtlsmith.agent.config import AgentConfig
    from rtlsmith.agent.machine import Machine
    from rtlsmith.agent.record import AgentResult
    from rtlsmith.task import HiddenChecks, PublicTask

GROUP = "rtlsmith.agents"
BUILTINS: Mapping[str, str] = {
    "oneshot": "rtlsmith.agent.builtins:ONESHOT",
    "smith": "rtlsmith.agent.builtins:SMITH",
    "symbolic": "rtlsmith.symbolic.agent:PLUGIN",
    "hybrid": "rtlsmith.agent.builtins:HYBRID",
}


class RunAgent(Protocol):
    """Design a module for a public task: what `run_agent` calls once it has checked its arguments."""

    def __call__(
        self,
        public_task: PublicTask,
        model: Any,
        config: AgentConfig,
        hidden_for_oracle: HiddenChecks | None,
        clock: Clock | None,
    ) -> AgentResult: ...


@dataclass(frozen=True)
class AgentPlugin:
    """One agent: its name, how to run it, and what the CLI and the bench need to know of it."""

    name: str
    run: RunAgent
    summary: str = ""
    uses_model: bool = True  # False: no model is built for it (a --model given with it is ignored)
    repairs: bool = False  # it repairs from feedback: it has an iteration budget and can escalate models
    # The state machine `rtlsmith agent` draws, and the tools each state may use, where the agent has one.
    machine: Callable[[], Machine[Any, Any]] | None = None
    tools: Mapping[Any, frozenset[str]] = field(default_factory=dict)


_registered: dict[str, AgentPlugin] = {}
_loaded: dict[str, AgentPlugin] = {}


def register(plugin: AgentPlugin) -> AgentPlugin:
    """Make `plugin` available by its name for the rest of the process."""
    _registered[plugin.name] = plugin
    return plugin


def unregister(name: str) -> None:
    """Forget an agent added with `register` (tests)."""
    _registered.pop(name, None)


def _references() -> dict[str, str]:
    refs = dict(BUILTINS)
    for ep in entry_points(group=GROUP):
        refs.setdefault(ep.name, ep.value)
    return refs


def agent_names() -> tuple[str, ...]:
    """Every agent name: the built-ins first, then entry points, then agents registered in this process."""
    return tuple(dict.fromkeys((*_references(), *_registered)))


def get_agent(name: str) -> AgentPlugin:
    """The agent registered as `name`; a `UsageError` listing the valid names when there is none."""
    if name in _registered:
        return _registered[name]
    if name in _loaded:
        return _loaded[name]
    ref = _references().get(name)
    if ref is None:
        raise UsageError(f"unknown agent {name!r}; choose one of {', '.join(agent_names())}")
    module, _, attr = ref.partition(":")
    plugin = getattr(importlib.import_module(module), attr)
    if not isinstance(plugin, AgentPlugin):
        raise UsageError(f"agent {name!r} names {ref}, which is not an AgentPlugin")
    _loaded[name] = plugin
    return plugin


def repairs(name: str) -> bool:
    """Whether agent `name` repairs (has an iteration budget); False for a name no longer registered, as a
    stored run may carry."""
    try:
        return get_agent(name).repairs
    except UsageError:
        return False
