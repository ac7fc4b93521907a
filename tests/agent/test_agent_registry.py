"""Agents by name: the built-ins, the error for an unknown name, and an agent added in this module alone,
run by `run_agent` and the bench's default factory through the registry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rtlsmith.agent import AgentConfig, AgentResult, run_agent
from rtlsmith.agent.registry import AgentPlugin, agent_names, get_agent, register, unregister
from rtlsmith.bench.agents import SymbolicAgent, make_agent
from rtlsmith.bench.config import BenchConfig
from rtlsmith.errors import UsageError
from rtlsmith.task import Interface, Port, PublicTask, Spec

WIRE = "module TopModule (input a, output y);\n  assign y = a;\nendmodule\n"


def _echo(public_task: PublicTask, model: Any, config: AgentConfig, hidden: Any, clock: Any) -> AgentResult:
    return AgentResult(
        task_id=public_task.id, final_code=WIRE, passed_public=False, stop_reason="no_checks",
        mode=config.mode, checks="none", iterations=1, prompt_tokens=0, completion_tokens=0, wall_s=0.0,
        model_time_s=0.0, tool_time_s=0.0, trace_path=None, agent="wire",
    )  # fmt: skip


@pytest.fixture
def wire_agent() -> Iterator[AgentPlugin]:
    """An agent that always answers a wire, registered for this test only."""
    plugin = register(AgentPlugin("wire", _echo, summary="always a wire", uses_model=False))
    yield plugin
    unregister("wire")


def _task() -> PublicTask:
    ifc = Interface("TopModule", (Port("a", "input", 1), Port("y", "output", 1)))
    return PublicTask("wire1", "t", Spec("y follows a"), ifc)


def test_the_built_in_agents_are_registered_in_order() -> None:
    assert agent_names()[:4] == ("oneshot", "smith", "symbolic", "hybrid")
    assert get_agent("smith").repairs and not get_agent("symbolic").uses_model


def test_an_unknown_agent_is_refused_with_the_valid_names() -> None:
    with pytest.raises(
        UsageError, match="unknown agent 'nope'; choose one of oneshot, smith, symbolic, hybrid"
    ):
        run_agent("nope", _task(), None, AgentConfig())


def test_an_agent_added_in_one_module_runs_through_the_registry(wire_agent: AgentPlugin) -> None:
    assert "wire" in agent_names()
    result = run_agent("wire", _task(), None, AgentConfig(write_trace=False))
    assert result.final_code == WIRE and result.agent == "wire"
    # The bench builds no model for an agent that uses none.
    assert isinstance(
        make_agent(BenchConfig(suite_spec="bundled", model_spec="embedded", agent="wire")), SymbolicAgent
    )
