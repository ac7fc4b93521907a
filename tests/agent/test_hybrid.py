"""The hybrid agent: the symbolic agent where the spec has a table it can design from, the smith agent with
the model everywhere else (and where the symbolic design fails the spec's own table)."""

from __future__ import annotations

from pathlib import Path

import pytest
from agent_helpers import bundled, fenced, reference_design

from rtlsmith.agent import AGENTS, AgentConfig, run_agent
from rtlsmith.llm import ScriptedModel
from rtlsmith.task import Interface, Port, PublicTask, Spec

pytestmark = pytest.mark.needs_iverilog

TABLE_SPEC = """Implement the circuit of this truth table.

  a | b | y
  --+---+--
  0 | 0 | 0
  0 | 1 | 1
  1 | 0 | 1
  1 | 1 | 0
"""
XOR = Interface("TopModule", (Port("a", "input", 1), Port("b", "input", 1), Port("y", "output", 1)))


def _config(tmp_path: Path, run_id: str) -> AgentConfig:
    return AgentConfig(runs_dir=str(tmp_path / "runs"), run_id=run_id, max_iterations=3, decompose="never")


def test_hybrid_is_a_known_agent() -> None:
    assert "hybrid" in AGENTS


def test_a_table_is_designed_symbolically_and_the_model_is_never_asked(tmp_path: Path) -> None:
    model = ScriptedModel([])  # any call would fail: the queue is empty
    task = PublicTask("xor_table", "test", Spec(TABLE_SPEC), XOR)
    result = run_agent("hybrid", task, model, _config(tmp_path, "r1"))
    assert result.passed_public and result.agent == "hybrid" and result.run_id == "r1"
    assert result.model_id == "none" and result.prompt_tokens == 0 and not model.calls
    assert "y" in result.final_code and (tmp_path / "runs" / "r1-symbolic" / "trace.jsonl").is_file()


def test_a_spec_without_a_table_goes_to_the_model(tmp_path: Path) -> None:
    task = bundled("counter_updown_load")
    model = ScriptedModel([fenced(reference_design(task))])
    result = run_agent("hybrid", task.public, model, _config(tmp_path, "r2"))
    assert result.passed_public and result.agent == "hybrid" and result.model_id == "scripted"
    assert len(model.calls) == 1 and result.prompt_tokens > 0
    runs = tmp_path / "runs"
    assert (runs / "r2" / "trace.jsonl").is_file()  # the smith run's trace under the run id
    assert (runs / "r2-symbolic" / "trace.jsonl").is_file()  # and the symbolic agent's decline beside it
    assert result.wall_s >= result.tool_time_s
