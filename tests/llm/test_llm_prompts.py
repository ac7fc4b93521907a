"""VerilogEval v2 prompts: the exact text sv-generate sends."""

from __future__ import annotations

import pytest

from rtlsmith.errors import UsageError
from rtlsmith.llm.prompts import (
    NO_EXPLAIN_SUFFIX,
    RULES_SUFFIX,
    SYSTEM_MESSAGES,
    example_prefix,
    verilog_eval_messages,
)

SPEC = (
    "I would like you to implement a module named TopModule with the following\ninterface.\n\n - output out\n"
)


def test_spec_to_rtl_zero_shot_is_question_spec_instruction_answer() -> None:
    system, user = verilog_eval_messages(SPEC + "\n\n")
    assert system.role == "system" and system.content == SYSTEM_MESSAGES["spec-to-rtl"]
    assert system.content.startswith("\nYou are a Verilog RTL designer")
    assert user.content == "\nQuestion:\n" + SPEC.strip() + "\n" + NO_EXPLAIN_SUFFIX + "\nAnswer:\n"


def test_spec_to_rtl_with_rules_and_shots() -> None:
    _, user = verilog_eval_messages(SPEC, shots=2, rules=True)
    prefix = example_prefix("spec-to-rtl", 2)
    assert user.content.startswith(prefix + "\nQuestion:\n")
    body = "\nQuestion:\n" + SPEC.strip() + "\n" + RULES_SUFFIX
    assert user.content == prefix + body.rstrip() + "\n" + NO_EXPLAIN_SUFFIX + "\nAnswer:\n"


def test_explain_drops_the_begin_done_instruction() -> None:
    _, user = verilog_eval_messages(SPEC, explain=True)
    assert "[BEGIN]" not in user.content and user.content.endswith("\nAnswer:\n")


def test_code_complete_comments_the_description_up_to_the_header() -> None:
    prompt = "Build a circuit that always outputs LOW.\n\nmodule TopModule (\n  output zero\n);\n"
    system, user = verilog_eval_messages(prompt, task="code-complete-iccad2023", shots=1)
    assert system.content.startswith("\nYou only complete chats with syntax correct Verilog code.")
    expected_tail = (
        "\n// Implement the Verilog module based on the following description. Assume that signals are "
        "positive clock/clk triggered unless otherwise stated.\n"
        "// Build a circuit that always outputs LOW.\n// \n\nmodule TopModule (\n  output zero\n);"
    )
    assert user.content == example_prefix("code-complete-iccad2023", 1) + expected_tail


@pytest.mark.parametrize("task", ["spec-to-rtl", "code-complete-iccad2023"])
@pytest.mark.parametrize("shots", [1, 2, 3, 4])
def test_example_files_are_shipped_and_grow_with_shots(task: str, shots: int) -> None:
    text = example_prefix(task, shots)
    assert text.count("module TopModule") == shots
    if task == "spec-to-rtl":
        assert text.count("\n[BEGIN]\n") == shots == text.count("\n[DONE]\n")


def test_system_message_can_be_repeated_in_the_user_message() -> None:
    _, user = verilog_eval_messages(SPEC, system_in_user=True)
    assert user.content.startswith(SYSTEM_MESSAGES["spec-to-rtl"] + "\n\nQuestion:")


def test_bad_task_or_shots_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="spec-to-rtl"):
        verilog_eval_messages(SPEC, task="rtl")
    with pytest.raises(UsageError, match="0 to 4"):
        verilog_eval_messages(SPEC, shots=5)
