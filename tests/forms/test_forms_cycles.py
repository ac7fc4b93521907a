"""The cycle-table form: a small model's own checks as example cycles, validated, screened, and used by
smith (`no_checks=cycles`) to repair a design of a task with no public tests."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from agent_helpers import fenced, steps_of

from rtlsmith.agent import AgentConfig, run_agent
from rtlsmith.forms.cycles import cycles_prompt, cycles_schema, parse_cycles
from rtlsmith.forms.machine import FormError
from rtlsmith.forms.schema import schema_gbnf
from rtlsmith.llm import ScriptedModel
from rtlsmith.task import Interface, Port, PublicTask, Spec

COUNTER = Interface(
    "TopModule",
    (Port("clk", "input"), Port("reset", "input"), Port("en", "input"), Port("q", "output", 2)),
)
XOR = Interface("TopModule", (Port("a", "input"), Port("b", "input"), Port("y", "output")))
XOR_SPEC = "The output y is 1 when exactly one of the inputs a and b is 1, and 0 otherwise."


def _cycles(*rows: tuple[dict[str, int], dict[str, int]]) -> dict[str, object]:
    return {"cycles": [{"inputs": i, "outputs": o} for i, o in rows]}


def test_a_valid_form_becomes_vectors_with_sized_literals() -> None:
    form = _cycles(({"reset": 1}, {"q": 0}), ({"reset": 0, "en": 1}, {"q": 1}), ({}, {"q": 2}),
                   ({"en": 0}, {"q": 2}))  # fmt: skip
    vectors = parse_cycles(form, COUNTER)
    assert len(vectors) == 4
    assert vectors[1].inputs == (("reset", "1'd0"), ("en", "1'd1")) and vectors[1].outputs == (("q", "2'd1"),)


def test_every_problem_is_listed() -> None:
    form = _cycles(({"clk": 1}, {"q": 0}), ({"en": 2}, {"q": 4}), ({"reset": 0}, {}))
    with pytest.raises(FormError) as err:
        parse_cycles(form, COUNTER)
    text = " | ".join(err.value.problems)
    assert "from 4 to 32 cycles, not 3" in text
    assert "'clk' is not an input (the clock is driven for you)" in text
    assert "en = 2 does not fit 1 bit(s)" in text and "q = 4 does not fit 2 bit(s)" in text
    assert "cycle 3 expects no output value" in text
    with pytest.raises(FormError):
        parse_cycles(["not", "an", "object"], COUNTER)


def test_the_grammar_names_only_the_ports_a_cycle_may_use() -> None:
    grammar = schema_gbnf(cycles_schema(COUNTER))
    assert '"\\"reset\\""' in grammar and '"\\"q\\""' in grammar
    assert '"\\"clk\\""' not in grammar
    prompt = cycles_prompt(PublicTask("c", "test", Spec("A counter."), COUNTER))[-1].content
    assert "rising edge of `clk`" in prompt and "A counter." in prompt


@pytest.mark.needs_iverilog
def test_smith_repairs_against_its_own_cycles(tmp_path: Path, config: AgentConfig) -> None:
    task = PublicTask("xor", "test", Spec(XOR_SPEC), XOR)
    wrong = fenced("module TopModule(input a, input b, output y);\n  assign y = a & b;\nendmodule")
    right = fenced("module TopModule(input a, input b, output y);\n  assign y = a ^ b;\nendmodule")
    cycles = _cycles(({"a": 0, "b": 0}, {"y": 0}), ({"a": 1}, {"y": 1}), ({"b": 1}, {"y": 0}),
                     ({"a": 0}, {"y": 1}))  # fmt: skip
    model = ScriptedModel([wrong, json.dumps(cycles), right])
    result = run_agent("smith", task, model, replace(config, no_checks="cycles"))
    assert result.passed_public and result.checks == "self-written"
    assert "Your previous" not in model.calls[1].messages[-1].content
    notes = [s.get("note", "") for s in steps_of(result.trace_path or "")]
    assert any("self-written cycles accepted (4 cycles)" in n for n in notes)


@pytest.mark.needs_iverilog
def test_cycles_that_accept_a_wrong_design_are_rejected_with_the_reason(config: AgentConfig) -> None:
    task = PublicTask("xor", "test", Spec(XOR_SPEC), XOR)
    draft = fenced("module TopModule(input a, input b, output y);\n  assign y = a ^ b;\nendmodule")
    all_zero = _cycles(*[({"a": 0, "b": 0}, {"y": 0})] * 4)
    model = ScriptedModel([draft, json.dumps(all_zero), "no json here"])
    cfg = replace(config, no_checks="cycles", testbench_attempts=2)
    result = run_agent("smith", task, model, cfg)
    assert not result.passed_public and result.stop_reason == "no_checks"
    retry = model.calls[2].messages[-1].content
    assert "Your previous cycles were rejected" in retry and "wrong designs" in retry


def test_config_names_the_policies() -> None:
    with pytest.raises(ValueError, match="'agreement', 'testbench' or 'cycles'"):
        AgentConfig(no_checks="tests")  # type: ignore[arg-type]
