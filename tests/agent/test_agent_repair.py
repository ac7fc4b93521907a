"""Repair that changes something: a repeated answer is met with a fresh design, not the same verdict again."""

from __future__ import annotations

import dataclasses

from agent_helpers import bundled, fenced, needs_iverilog, on_prompt, reference_design, steps_of

from rtlsmith.agent import AgentConfig, run_agent
from rtlsmith.llm import ScriptedModel


def _wrong(ref: str) -> str:
    return ref.replace("q + 8'd1", "q + 8'd2", 1)


@needs_iverilog
def test_a_repeated_repair_answer_is_followed_by_a_fresh_design(config: AgentConfig) -> None:
    task = bundled("counter_updown_load")
    ref = reference_design(task)
    wrong = _wrong(ref)
    assert wrong != ref

    def fresh_prompt(text: str) -> None:
        assert "Earlier designs for this module were rejected" in text
        assert "q + 8'd2" not in text  # the old design is not quoted

    model = ScriptedModel([fenced(wrong), fenced(wrong), on_prompt(fresh_prompt, fenced(ref))])
    cfg = dataclasses.replace(config, retry_temperature=0.7, max_iterations=3)
    result = run_agent("smith", task.public, model, cfg)
    assert result.passed_public and result.iterations == 2
    assert model.calls[2].temperature == 0.7 and model.calls[1].temperature == 0.0
    repair = next(s for s in steps_of(result.trace_path) if s["state"] == "REPAIR")
    assert "repeated attempt 1" in repair["note"]


@needs_iverilog
def test_without_the_retry_greedy_repeats_spend_the_budget(config: AgentConfig) -> None:
    task = bundled("counter_updown_load")
    wrong = _wrong(reference_design(task))
    model = ScriptedModel([fenced(wrong)] * 3)
    result = run_agent("smith", task.public, model, dataclasses.replace(config, max_iterations=3))
    assert not result.passed_public and result.stop_reason == "max_iterations" and len(model.calls) == 3
