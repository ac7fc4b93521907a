"""The shift-register form: which specs call for it, its validation, and modules written from filled forms,
judged against VerilogEval v2's hidden testbenches where the data is present."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from agent_helpers import steps_of

from rtlsmith.agent import AgentConfig
from rtlsmith.forms.agent import run_forms
from rtlsmith.forms.kinds import form_kind, form_spec
from rtlsmith.forms.machine import FormError
from rtlsmith.forms.schema import schema_gbnf
from rtlsmith.forms.shift import parse_shift, write_shift
from rtlsmith.llm import ScriptedModel
from rtlsmith.suites import load_suite
from rtlsmith.task import Interface, Port, PublicTask, Spec
from rtlsmith.tools.judge import judge

SHIFT4 = Interface(
    "TopModule",
    (Port("clk", "input"), Port("areset", "input"), Port("load", "input"), Port("ena", "input"),
     Port("data", "input", 4), Port("q", "output", 4)),
)  # fmt: skip


def _form(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {"output": "q", "length": 4, "reset": "async", "reset_value": 0,
                               "load": "load", "data": "data", "enable": "ena", "direction": "right",
                               "shift_in": "zero"}  # fmt: skip
    form.update(changes)
    return form


def _task(spec: str, ifc: Interface = SHIFT4) -> PublicTask:
    return PublicTask("t", "test", Spec(spec), ifc)


def test_specs_that_shift_call_for_the_form_and_others_do_not() -> None:
    assert form_kind(_task("A 4-bit shift register that shifts right.")) == "shift"
    assert form_kind(_task("A 4-bit register that rotates left when ena is 1.")) == "shift"
    assert form_kind(_task("A 5-bit LFSR shifting right with taps at 5 and 3.")) is None
    assert form_kind(_task("A shift register that counts the ones it has seen.")) is None
    no_source = Interface("TopModule", (Port("clk", "input"), Port("reset", "input"), Port("z", "output")))
    assert form_kind(_task("Assert shift_ena for 4 cycles after reset.", no_source)) is None
    two_outputs = Interface("TopModule", (*SHIFT4.ports, Port("z", "output")))
    assert form_kind(_task("A shift register.", two_outputs)) is None


def test_the_grammar_offers_the_interface_ports() -> None:
    g = schema_gbnf(form_spec("shift", SHIFT4).schema)
    assert '\\"ena\\"' in g and '\\"data\\"' in g and '\\"keep_msb\\"' in g and '\\"clk\\"' not in g


def test_every_problem_is_listed() -> None:
    bad = _form(length=5, reset="later", load="data", data="none", shift_in="sideways")
    with pytest.raises(FormError) as info:
        parse_shift(bad, SHIFT4)
    text = " | ".join(info.value.problems)
    assert "`length` 5 must equal the width of `q` (4 bits)" in text
    assert '`reset` must be "sync", "async" or "none"' in text
    assert "`load` 'data' is not a 1-bit input" in text
    assert "`load` and `data` go together" in text
    assert "`shift_in` 'sideways' is not a 1-bit input" in text


def test_the_written_module_orders_reset_load_and_shift() -> None:
    code = write_shift(parse_shift(_form(), SHIFT4), SHIFT4).code
    assert "always @(posedge clk or posedge areset)" in code
    assert code.index("if (areset)") < code.index("if (load)") < code.index("if (ena)")
    assert "shift_q <= {1'b0, shift_q[3:1]};" in code
    rotl = write_shift(parse_shift(_form(direction="left", shift_in="rotate"), SHIFT4), SHIFT4).code
    assert "shift_q <= {shift_q[2:0], shift_q[3]};" in rotl


def _v2(v2_spec_dir: Path, task_id: str):  # type: ignore[no-untyped-def]
    return load_suite(f"verilog-eval-v2:{v2_spec_dir}").get(task_id)


@pytest.mark.needs_iverilog
def test_filled_forms_pass_verilog_eval_hidden_tests(v2_spec_dir: Path) -> None:
    shift4 = _v2(v2_spec_dir, "Prob085_shift4")
    assert form_kind(shift4.public) == "shift"
    code = write_shift(parse_shift(_form(), shift4.public.interface), shift4.public.interface).code
    assert judge(shift4, code).passed
    q4k = _v2(v2_spec_dir, "Prob060_m2014_q4k")  # four stages, serial out, active-low synchronous reset
    assert form_kind(q4k.public) == "shift"
    form = {"output": "out", "length": 4, "reset": "sync", "reset_value": 0, "load": "none",
            "data": "none", "enable": "none", "direction": "left", "shift_in": "in"}  # fmt: skip
    code = write_shift(parse_shift(form, q4k.public.interface), q4k.public.interface).code
    assert "if (!resetn)" in code and judge(q4k, code).passed
    wrong = write_shift(parse_shift({**form, "length": 3}, q4k.public.interface), q4k.public.interface)
    assert not judge(q4k, wrong.code).passed


@pytest.mark.needs_iverilog
def test_the_form_run_records_its_route(tmp_path: Path, config: AgentConfig) -> None:
    task = _task("A 4-bit shift register with asynchronous reset, load and enable; it shifts right.")
    model = ScriptedModel([json.dumps(_form(length=9)), json.dumps(_form())])
    result = run_forms(task, "shift", model, replace(config, run_id="s1"))
    assert result.route == "form-shift" and result.final_code and result.iterations == 2
    assert "`length` 9 must equal" in model.calls[1].messages[-1].content
    assert [s["event"] for s in steps_of(result.trace_path or "")][:2] == ["invalid", "filled"]
