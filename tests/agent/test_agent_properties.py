"""Properties as smith's public check (honest mode, off by default): written once, counterexamples as
repair feedback, the properties used recorded in the trace."""

from __future__ import annotations

import dataclasses

import pytest
from agent_helpers import bundled, fenced, needs_iverilog, reference_design, steps_of

from rtlsmith.agent import AgentConfig, run_agent
from rtlsmith.llm import ScriptedModel
from rtlsmith.tools.toolchain import have

COUNTER = "counter_updown_load"
HOLDS = "```systemverilog\n  p_reset: assert property (@(posedge clk) reset |=> q == 8'd0);\n```\n"
# A property the spec does not support: tc does become 1.
needs_yosys = pytest.mark.skipif(
    not have("yosys"), reason="Yosys is not installed (apt-get install -y yosys)"
)
WRONG = "```systemverilog\n  always @* p_no_tc: assert (tc == 1'b0);\n```\n"


def test_properties_are_off_by_default() -> None:
    assert AgentConfig().assertions is False


@needs_iverilog
@needs_yosys
def test_properties_that_hold_join_the_public_checks(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    model = ScriptedModel([HOLDS, fenced(reference_design(task))])
    result = run_agent("smith", task.public, model, dataclasses.replace(config, assertions=True))
    assert result.passed_public and result.checks == "public-vectors+properties"
    verdicts = [v for s in steps_of(result.trace_path or "") for v in s.get("verdicts", [])]
    used = [v for v in verdicts if v["check"] == "properties"]
    assert used and used[0]["details"]["properties"] == ["p_reset"]
    assert (
        "reset" in model.calls[0].messages[-1].content
        and "RefModule" not in model.calls[0].messages[-1].content
    )


@needs_iverilog
@needs_yosys
def test_a_counterexample_is_repair_feedback(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    good = fenced(reference_design(task))
    model = ScriptedModel([WRONG, good, good])
    cfg = dataclasses.replace(config, assertions=True, max_iterations=2)
    result = run_agent("smith", task.public, model, cfg)
    assert not result.passed_public
    repair_prompt = model.calls[2].messages[-1].content
    assert "breaks the property" in repair_prompt and "tc == 1'b0" in repair_prompt


def test_run_has_an_assertions_flag() -> None:
    from click.testing import CliRunner

    from rtlsmith.cli import main

    assert "--assertions" in CliRunner().invoke(main, ["run", "--help"]).output


def _without_public_tests(task_id: str):  # type: ignore[no-untyped-def]
    public = bundled(task_id).public
    return dataclasses.replace(public, public=dataclasses.replace(public.public, testbench="", vectors=()))


@needs_iverilog
@needs_yosys
def test_properties_refute_a_design_where_the_task_has_no_public_tests(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    public = _without_public_tests(COUNTER)
    good = fenced(reference_design(task))
    model = ScriptedModel([WRONG, good, good, good, good, good])
    cfg = dataclasses.replace(config, assertions=True, max_iterations=2, testbench_attempts=0)
    result = run_agent("smith", public, model, cfg)
    assert not result.passed_public
    assert "breaks the property" in model.calls[2].messages[-1].content
    verdicts = [v for s in steps_of(result.trace_path or "") for v in s.get("verdicts", [])]
    assert any(v["check"] == "properties" and not v["ok"] for v in verdicts)


@needs_iverilog
@needs_yosys
def test_properties_that_hold_do_not_verify_a_design_without_public_tests(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    public = _without_public_tests(COUNTER)
    good = fenced(reference_design(task))
    model = ScriptedModel([HOLDS, good, good, good, good])
    cfg = dataclasses.replace(config, assertions=True, testbench_attempts=0, candidates=1)
    result = run_agent("smith", public, model, cfg)
    assert not result.passed_public and result.stop_reason == "no_checks"
    notes = [s.get("note", "") for s in steps_of(result.trace_path or "")]
    assert any("properties hold" in n for n in notes)
