"""VerilogEval v2 prompts, reproduced exactly so results compare with published numbers.

The texts follow ``scripts/sv-generate`` of NVlabs/verilog-eval (MIT licence; the in-context example files
are shipped in ``verilog_eval_prompts/`` with their licence): a system message, then one user message made of
the 0-4 shot example prefix, the problem, the optional rules block and the "[BEGIN]...[DONE]" instruction.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Literal

from rtlsmith.errors import UsageError
from rtlsmith.llm.base import Message

VerilogEvalTask = Literal["spec-to-rtl", "code-complete-iccad2023"]
TASKS: tuple[str, ...] = ("spec-to-rtl", "code-complete-iccad2023")
MAX_SHOTS = 4

SYSTEM_MESSAGES: dict[str, str] = {
    "code-complete-iccad2023": (
        "\nYou only complete chats with syntax correct Verilog code. End the Verilog module code completion "
        "with 'endmodule'. Do not include module, input and output definitions.\n"
    ),
    "spec-to-rtl": "\nYou are a Verilog RTL designer that only writes code using correct Verilog syntax.\n",
}

PROMPT_PREFIXES: dict[str, str] = {
    "code-complete-iccad2023": (
        "\n// Implement the Verilog module based on the following description. Assume that signals are "
        "positive clock/clk triggered unless otherwise stated.\n"
    ),
    "spec-to-rtl": "",
}

RULES_SUFFIX = """
Here are some additional rules and coding conventions.

 - Declare all ports and signals as logic; do not to use wire or reg.

 - For combinational logic with an always block do not explicitly specify
   the sensitivity list; instead use always @(*).

 - All sized numeric constants must have a size greater than zero
   (e.g, 0'b0 is not a valid expression).

 - An always block must read at least one signal otherwise it will never
   be executed; use an assign statement instead of an always block in
   situations where there is no need to read any signals.

 - if the module uses a synchronous reset signal, this means the reset
   signal is sampled with respect to the clock. When implementing a
   synchronous reset signal, do not include posedge reset in the
   sensitivity list of any sequential always block.
"""

NO_EXPLAIN_SUFFIX = """
Enclose your code with [BEGIN] and [DONE]. Only output the code snippet
and do NOT output anything else.
"""


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise UsageError(f"unknown VerilogEval task {task!r}; valid tasks: {', '.join(TASKS)}")


def example_prefix(task: str, shots: int) -> str:
    """The in-context examples VerilogEval prepends for ``shots`` examples (0 gives the empty string)."""
    _check_task(task)
    if not 0 <= shots <= MAX_SHOTS:
        raise UsageError(f"VerilogEval has 0 to {MAX_SHOTS} in-context examples, not {shots}")
    if shots == 0:
        return ""
    resource = files("rtlsmith.llm").joinpath("verilog_eval_prompts", f"{task}_{shots}-shot.txt")
    return resource.read_text(encoding="utf-8")


def verilog_eval_user_prompt(
    prompt: str,
    *,
    task: str = "spec-to-rtl",
    shots: int = 0,
    rules: bool = False,
    explain: bool = False,
    system_in_user: bool = False,
    module_name: str = "TopModule",
) -> str:
    """The user message VerilogEval sends for a problem's ``*_prompt.txt`` text.

    ``rules`` and ``explain`` only affect ``spec-to-rtl``, as in the original. ``system_in_user`` repeats the
    system message at the top, as VerilogEval does for models that ignore system messages.
    """
    _check_task(task)
    full = SYSTEM_MESSAGES[task] + "\n" if system_in_user else ""
    full += example_prefix(task, shots)
    if task == "code-complete-iccad2023":
        lines: list[str] = []
        commenting = True
        for line in prompt.splitlines():
            if f"module {module_name}" in line:
                lines.append("")
                commenting = False
            lines.append("// " + line if commenting else line)
        full += PROMPT_PREFIXES[task] + "\n".join(lines)
    else:
        full += "\nQuestion:\n" + prompt.strip() + "\n"
        if rules:
            full += RULES_SUFFIX
        if not explain:
            full = full.rstrip() + "\n" + NO_EXPLAIN_SUFFIX
        full += "\nAnswer:\n"
    return full


def verilog_eval_messages(
    prompt: str,
    *,
    task: str = "spec-to-rtl",
    shots: int = 0,
    rules: bool = False,
    explain: bool = False,
    system_in_user: bool = False,
    module_name: str = "TopModule",
) -> list[Message]:
    """System and user messages exactly as VerilogEval v2's ``sv-generate`` builds them."""
    user_text = verilog_eval_user_prompt(
        prompt,
        task=task,
        shots=shots,
        rules=rules,
        explain=explain,
        system_in_user=system_in_user,
        module_name=module_name,
    )
    return [Message("system", SYSTEM_MESSAGES[task]), Message("user", user_text)]
