"""The form path of the hybrid agent: the (scripted) model fills a JSON form, rtlsmith writes the module.

Checked against the bundled tasks' hidden references (the judge), with repairs of malformed forms and the
route recorded in the result and the trace.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from agent_helpers import bundled, fenced, reference_design, steps_of, user_text

from rtlsmith.agent import AgentConfig, run_agent
from rtlsmith.agent.trace import read_trace
from rtlsmith.forms.agent import run_forms
from rtlsmith.forms.kinds import form_kind
from rtlsmith.llm import Message, ScriptedModel
from rtlsmith.task import Interface, Port, PublicChecks, PublicTask, Spec, Vector
from rtlsmith.tools.judge import judge

pytestmark = pytest.mark.needs_iverilog

# The 1011 detector of the bundled task seqdet_1011_moore (Moore, overlapping, synchronous reset).
DETECT_1011 = {
    "outputs_on": "state",
    "reset": "sync",
    "states": [
        {"name": "S0", "outputs": {"z": 0}},
        {"name": "S1", "outputs": {"z": 0}},
        {"name": "S10", "outputs": {"z": 0}},
        {"name": "S101", "outputs": {"z": 0}},
        {"name": "S1011", "outputs": {"z": 1}},
    ],
    "reset_state": "S0",
    "transitions": [
        {"from": "S0", "when": {"x": 1}, "to": "S1", "outputs": {}},
        {"from": "S1", "when": {"x": 0}, "to": "S10", "outputs": {}},
        {"from": "S10", "when": {"x": 1}, "to": "S101", "outputs": {}},
        {"from": "S10", "when": {"x": 0}, "to": "S0", "outputs": {}},
        {"from": "S101", "when": {"x": 1}, "to": "S1011", "outputs": {}},
        {"from": "S101", "when": {"x": 0}, "to": "S10", "outputs": {}},
        {"from": "S1011", "when": {"x": 1}, "to": "S1", "outputs": {}},
        {"from": "S1011", "when": {"x": 0}, "to": "S10", "outputs": {}},
    ],
}

# The 0110 detector of seqdet_0110_mealy (Mealy: z = 1 on the transition that takes the final 0).
DETECT_0110 = {
    "outputs_on": "transition",
    "reset": "sync",
    "states": [{"name": n, "outputs": {}} for n in ("S", "S0", "S01", "S011")],
    "reset_state": "S",
    "transitions": [
        {"from": "S", "when": {"x": 0}, "to": "S0", "outputs": {}},
        {"from": "S0", "when": {"x": 1}, "to": "S01", "outputs": {}},
        {"from": "S01", "when": {"x": 1}, "to": "S011", "outputs": {}},
        {"from": "S01", "when": {"x": 0}, "to": "S0", "outputs": {}},
        {"from": "S011", "when": {"x": 0}, "to": "S0", "outputs": {"z": 1}},
        {"from": "S011", "when": {"x": 1}, "to": "S", "outputs": {}},
    ],
}


def _config(tmp_path: Path, run_id: str) -> AgentConfig:
    return AgentConfig(runs_dir=str(tmp_path / "runs"), run_id=run_id, max_iterations=3, decompose="never",
                       retry_temperature=0.0, no_checks="testbench")  # fmt: skip


def test_a_filled_moore_form_gives_a_module_that_passes_the_reference_simulation(tmp_path: Path) -> None:
    task = bundled("seqdet_1011_moore")
    assert form_kind(task.public) == "fsm"
    model = ScriptedModel([json.dumps(DETECT_1011)])
    result = run_agent("hybrid", task.public, model, _config(tmp_path, "m1"))
    assert result.passed_public and result.route == "form-fsm" and result.agent == "hybrid"
    assert result.checks == "public-vectors" and len(model.calls) == 1
    assert model.calls[0].grammar is not None and "outputs_on" in model.calls[0].grammar
    assert judge(task, result.final_code).passed


def test_a_filled_mealy_form_gives_a_module_that_passes_the_reference_simulation(tmp_path: Path) -> None:
    task = bundled("seqdet_0110_mealy")
    model = ScriptedModel([json.dumps(DETECT_0110)])
    result = run_agent("hybrid", task.public, model, _config(tmp_path, "m2"))
    assert result.passed_public and result.route == "form-fsm"
    assert "negedge" not in result.final_code and "!resetn" in result.final_code  # active low, synchronous
    assert judge(task, result.final_code).passed


def test_a_malformed_form_gets_a_repair_turn_listing_its_problems(tmp_path: Path) -> None:
    task = bundled("seqdet_1011_moore")
    broken = json.loads(json.dumps(DETECT_1011))
    broken["transitions"][0]["to"] = "S7"  # no such state
    broken["states"][4]["outputs"] = {"z": 2}  # does not fit one bit

    def sees_the_problems(messages: Sequence[Message]) -> str:
        text = user_text(messages[-1:])
        assert "'S7' is not one of the states" in text and "z=2 does not fit" in text
        assert messages[-2].role == "assistant"
        return json.dumps(DETECT_1011)

    model = ScriptedModel(["not a form at all", json.dumps(broken), sees_the_problems])
    result = run_agent("hybrid", task.public, model, _config(tmp_path, "m3"))
    assert result.passed_public and result.route == "form-fsm" and result.iterations == 3
    assert "holds no JSON object" in user_text(model.calls[1].messages[-1:])
    steps = steps_of(tmp_path / "runs" / "m3-form" / "trace.jsonl")
    assert [s["state"] for s in steps] == ["FILL", "REPAIR", "REPAIR", "LINT", "TEST"]
    assert [s["event"] for s in steps[:3]] == ["invalid", "invalid", "filled"]
    assert judge(task, result.final_code).passed


def test_forms_that_stay_invalid_fall_back_to_free_design(tmp_path: Path) -> None:
    task = bundled("seqdet_1011_moore")
    model = ScriptedModel(["{}", "{}", "{}", fenced(reference_design(task))])
    result = run_agent("hybrid", task.public, model, _config(tmp_path, "m4"))
    assert result.passed_public and result.route == "free" and len(model.calls) == 4
    assert result.iterations == 4  # three form answers and the smith draft
    form_result = [
        r for r in read_trace(tmp_path / "runs" / "m4-form" / "trace.jsonl") if r["kind"] == "result"
    ]
    assert form_result[0]["final_state"] == "GIVE_UP" and form_result[0]["route"] == "form-fsm"


def test_the_route_is_recorded_for_symbolic_and_free_designs(tmp_path: Path) -> None:
    table = "Implement this truth table.\n\n  a | b | y\n  0 | 0 | 1\n  0 | 1 | 0\n  1 | 0 | 0\n  1 | 1 | 1\n"
    ifc = Interface("TopModule", (Port("a", "input"), Port("b", "input"), Port("y", "output")))
    sym = run_agent("hybrid", PublicTask("xnor", "test", Spec(table), ifc), ScriptedModel([]),
                    _config(tmp_path, "r1"))  # fmt: skip
    assert sym.passed_public and sym.route == "symbolic"
    task = bundled("counter_updown_load")
    assert form_kind(task.public) is None
    free = run_agent("hybrid", task.public, ScriptedModel([fenced(reference_design(task))]),
                     _config(tmp_path, "r2"))  # fmt: skip
    assert free.passed_public and free.route == "free"
    results = [r for r in read_trace(tmp_path / "runs" / "r2" / "trace.jsonl") if r["kind"] == "result"]
    assert results and results[0]["route"] == ""  # smith's own record; the hybrid's result carries the route


MINTERM_SPEC = """Implement the function f(a, b, c) given by its minterms: f = sum of m(1, 4, 6), with
minterm 7 a don't-care. The variables are ordered a, b, c, with a the most significant.
"""


def test_a_truth_table_form_with_dont_cares(tmp_path: Path) -> None:
    ifc = Interface("TopModule", (*(Port(n, "input") for n in "abc"), Port("f", "output")))
    rows = [(1, 0, 0, 1), (1, 1, 0, 1), (0, 0, 1, 1), (0, 1, 0, 0), (0, 0, 0, 0)]
    vectors = tuple(
        Vector((("a", str(a)), ("b", str(b)), ("c", str(c))), (("f", str(f)),)) for a, b, c, f in rows
    )
    task = PublicTask("minterms", "test", Spec(MINTERM_SPEC), ifc, public=PublicChecks(vectors=vectors))
    assert form_kind(task) == "truth"
    form = {"inputs": ["a", "b", "c"], "outputs": [{"output": "f", "minterms": [1, 4, 6], "dont_cares": [7]}]}
    model = ScriptedModel([json.dumps(form)])
    result = run_forms(task, "truth", model, _config(tmp_path, "t1"))
    assert result.passed_public and result.route == "form-truth" and result.checks == "public-vectors"


COUNTER_SPEC = """Build a counter that counts from 1 through 12, inclusive, with a period of 12. The
active-high synchronous reset sets the counter to 1. The counter advances only when ena is high.
"""


def test_a_counter_form(tmp_path: Path) -> None:
    ifc = Interface("TopModule", (Port("clk", "input"), Port("reset", "input"), Port("ena", "input"),
                                  Port("q", "output", 4)))  # fmt: skip
    seq = [("1", "0", "1"), ("0", "1", "2"), ("0", "0", "2"), ("0", "1", "3")]
    vectors = tuple(Vector((("reset", r), ("ena", e)), (("q", f"4'd{q}"),)) for r, e, q in seq)
    task = PublicTask("count12", "test", Spec(COUNTER_SPEC), ifc, public=PublicChecks(vectors=vectors))
    assert form_kind(task) == "counter"
    form = {"output": "q", "reset": "sync", "reset_value": 1, "enable": "ena", "direction": "up",
            "wrap_at": 12, "wrap_to": 1}  # fmt: skip
    result = run_forms(task, "counter", ScriptedModel([json.dumps(form)]), _config(tmp_path, "c1"))
    assert result.passed_public and result.route == "form-counter" and result.checks == "public-vectors"
    assert "count_q == 4'd12" in result.final_code


def test_a_text_state_diagram_is_designed_without_the_model(tmp_path: Path) -> None:
    task = bundled("seqdet_1011_moore")
    drawn = (
        "\n\n  S0 (z=0) --x=1--> S1\n  S0 (z=0) --x=0--> S0\n"
        "  S1 (z=0) --x=0--> S10\n  S1 (z=0) --x=1--> S1\n"
        "  S10 (z=0) --x=1--> S101\n  S10 (z=0) --x=0--> S0\n  S101 (z=0) --x=1--> S1011\n"
        "  S101 (z=0) --x=0--> S10\n  S1011 (z=1) --x=1--> S1\n  S1011 (z=1) --x=0--> S10\n"
    )
    public = replace(task.public, spec=Spec(task.public.spec.text("detailed") + drawn))
    model = ScriptedModel([])  # any call would fail
    result = run_agent("hybrid", public, model, _config(tmp_path, "d1"))
    assert result.passed_public and result.route == "symbolic-diagram" and not model.calls
    assert result.run_id == "d1-diagram" and judge(task, result.final_code).passed


def test_a_mealy_state_table_is_designed_without_the_model(tmp_path: Path) -> None:
    task = bundled("seqdet_0110_mealy")
    table = (
        "\n\nState table (next state / z):\n\n  State | x=0  | x=1\n  S     | S0/0 | S/0\n"
        "  S0    | S0/0 | S01/0\n  S01   | S0/0 | S011/0\n  S011  | S0/1 | S/0\n"
    )
    public = replace(task.public, spec=Spec(task.public.spec.text("detailed") + table))
    model = ScriptedModel([])  # any call would fail
    result = run_agent("hybrid", public, model, _config(tmp_path, "t2"))
    assert result.passed_public and result.route == "symbolic-table" and not model.calls
    assert judge(task, result.final_code).passed
