"""The form grammars are GBNF that llama.cpp parses; the embedded model under one writes that form's JSON."""

from __future__ import annotations

from llm_helpers import needs_llama_cpp

from rtlsmith.forms.kinds import form_prompt, form_spec
from rtlsmith.forms.schema import schema_gbnf
from rtlsmith.llm import get_model
from rtlsmith.suites import load_suite


@needs_llama_cpp
def test_the_embedded_model_under_a_form_grammar_writes_that_form() -> None:
    task = load_suite("bundled").get("seqdet_1011_moore").public
    spec = form_spec("fsm", task.interface)
    model = get_model("embedded:smollm2")
    text = model.generate(form_prompt(task, spec), max_tokens=24, grammar=schema_gbnf(spec.schema))[0].text
    assert text.startswith('{"outputs_on": "')


@needs_llama_cpp
def test_a_truth_form_under_its_grammar_is_json() -> None:
    task = load_suite("bundled").get("parity_gen").public
    spec = form_spec("truth", task.interface)
    model = get_model("embedded:smollm2")
    text = model.generate(form_prompt(task, spec), max_tokens=16, grammar=schema_gbnf(spec.schema))[0].text
    assert text.startswith('{"inputs": ["')
