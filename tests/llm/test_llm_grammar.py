"""The interface grammar: well-formed GBNF, and the embedded model under it writes a module that compiles."""

from __future__ import annotations

import pytest
from llm_helpers import needs_llama_cpp

from rtlsmith.agent import prompts
from rtlsmith.llm import get_model
from rtlsmith.llm.grammar import module_grammar
from rtlsmith.suites import load_suite
from rtlsmith.tools.judge import judge
from rtlsmith.tools.toolchain import have
from rtlsmith.tools.verdict import FailureClass


def test_grammar_fixes_the_header_and_one_driver_per_output() -> None:
    iface = load_suite("bundled").get("bcd_counter2").public.interface
    g = module_grammar(iface)
    root = g.splitlines()[0]
    assert root.startswith("root ::= ")
    assert '"module TopModule (\\n  input clk,' in root
    # one driver per output, in order, after the optional internal registers
    assert root.endswith('drv0 drv1 drv2 "endmodule\\n"')
    assert 'asg0 ::= "ones"' in g and 'drv2 ::= "  assign " "wrap"' in g
    # only the task's own names (and the internal registers) may be read
    assert 'ident ::= ("clk" | "reset" | "en" | "ones" | "tens" | "wrap" | "state" | "count")' in g


@needs_llama_cpp
@pytest.mark.skipif(not have("iverilog"), reason="iverilog is not installed (apt-get install -y iverilog)")
def test_embedded_model_under_the_grammar_writes_a_module_that_compiles() -> None:
    task = load_suite("bundled").get("parity_gen")
    model = get_model("embedded:smollm2")
    grammar = module_grammar(task.public.interface)
    text = model.generate(prompts.draft(task.public), max_tokens=300, grammar=grammar)[0].text
    assert text.startswith(task.public.interface.header())
    assert text.rstrip().endswith("endmodule")
    verdict = judge(task, text)
    # It compiles and simulates; whether it is right is another matter for a 135M model.
    assert verdict.failure_class in (
        FailureClass.PASS,
        FailureClass.RUNTIME,
        FailureClass.RUNTIME_ASYNC_RESET,
    )


def test_grammar_policy_constrains_only_the_models_it_helps() -> None:
    from rtlsmith.llm.grammar import grammar_policy

    assert grammar_policy("auto", "embedded:smollm2")
    # Qwen2.5-Coder-1.5B writes modules on its own and loses designs under the interface grammar.
    assert not grammar_policy("auto", "embedded:qwen2.5-coder-1.5b")
    assert not grammar_policy("auto", "openai:gpt-4o")
    assert grammar_policy("on", "embedded:qwen2.5-coder-1.5b") and not grammar_policy(
        "off", "embedded:smollm2"
    )
