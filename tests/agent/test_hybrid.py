"""The hybrid agent: the symbolic agent where the spec has a table it can design from, the smith agent with
the model everywhere else (and where the symbolic design fails the spec's own table)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from agent_helpers import bundled, fenced, reference_design

from rtlsmith.agent import AGENTS, AgentConfig, run_agent
from rtlsmith.llm import Message, ScriptedModel
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
    assert result.passed_public and result.agent == "hybrid" and result.run_id == "r1-symbolic"
    assert result.model_id == "none" and result.prompt_tokens == 0 and not model.calls
    trace = tmp_path / "runs" / "r1-symbolic" / "trace.jsonl"
    assert "y" in result.final_code and result.trace_path == str(trace)
    assert Path(result.trace_path).is_file()


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


def test_smith_checks_its_own_design_against_a_table_in_the_spec(tmp_path: Path) -> None:
    # No public testbench or vectors: the spec's truth table is the check, and its mismatch table drives
    # the repair (no self-written testbench is asked for).
    wrong = "module TopModule (input a, input b, output y);\n  assign y = a & b;\nendmodule\n"
    right = wrong.replace("a & b", "a ^ b")

    def sees_the_table_mismatch(messages: Sequence[Message]) -> str:
        text = messages[-1].content
        assert "Mismatches: 3 in 4 samples" in text and "expected" in text
        return fenced(right)

    model = ScriptedModel([fenced(wrong), sees_the_table_mismatch])
    task = PublicTask("xor_table", "test", Spec(TABLE_SPEC), XOR)
    result = run_agent("smith", task, model, _config(tmp_path, "r3"))
    assert result.passed_public and result.checks == "spec-table" and len(model.calls) == 2
    assert "a ^ b" in result.final_code
