"""The prompt of each agent state, and code extraction from answers.

Prompts are built from the public task only (spec, interface, public checks' feedback): no function here takes
hidden material, except `oracle` feedback text that the caller passes in oracle mode alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rtlsmith.llm import Message, extract_verilog
from rtlsmith.task import Interface, PublicTask

SYSTEM = (
    "You are a careful digital hardware designer. You write synthesizable Verilog-2005 (SystemVerilog "
    "constructs only where Icarus Verilog 11 accepts them). You answer exactly what is asked, briefly."
)


def _header(interface: Interface) -> str:
    return interface.header()


def _task_text(task: PublicTask) -> str:
    return (
        f"Specification:\n{task.spec.text('detailed').strip()}\n\n"
        "Interface (keep the module name, port names, directions and widths exactly):\n"
        f"{_header(task.interface)}"
    )


def _answer_format(module: str) -> str:
    return (
        f"Return the complete module, from `module {module}` to `endmodule`, in one ```verilog code block. "
        "Do not include a testbench."
    )


# A design answer is complete once its code block closes after `endmodule`: generation stops there instead of
# going on to explain the design (what a chat model does next, at the same cost per token as the design).
# Stop strings are cut from the answer, so `close_design` puts this one back.
DESIGN_STOP = "endmodule\n```"


def close_design(text: str, finish_reason: str) -> str:
    """The answer with `DESIGN_STOP` restored when generation stopped on it (its code block left open)."""
    if finish_reason == "stop" and text.count("```") % 2 == 1:
        return text + DESIGN_STOP
    return text


def draft(task: PublicTask, notes: Sequence[tuple[str, str]] = ()) -> list[Message]:
    """DRAFT: write the module from the spec (and the design notes DECOMPOSE collected)."""
    parts = [f"Write the Verilog module described below.\n\n{_task_text(task)}"]
    if notes:
        body = "\n\n".join(f"{title}:\n{answer.strip()}" for title, answer in notes)
        parts.append(f"Design notes worked out so far (follow them):\n{body}")
    parts.append(_answer_format(task.interface.module))
    return [Message("system", SYSTEM), Message("user", "\n\n".join(parts))]


def repair(task: PublicTask, code: str, feedback: str, attempt: int) -> list[Message]:
    """REPAIR: the current design, what the tools say about it, and a request for the corrected module."""
    text = (
        f"Your design (attempt {attempt}) does not pass its checks yet. Fix it.\n\n{_task_text(task)}\n\n"
        f"Current design:\n```verilog\n{code.strip()}\n```\n\nWhat the tools report:\n{feedback.strip()}\n\n"
        f"{_answer_format(task.interface.module)}"
    )
    return [Message("system", SYSTEM), Message("user", text)]


_EXCERPT_LINE = re.compile(r"^[> ] +\d+ \| |^ +\| +\^")


def fresh_draft(task: PublicTask, feedback: str, notes: Sequence[tuple[str, str]] = ()) -> list[Message]:
    """REPAIR when the model repeats a design it already wrote: ask for a new design from the spec, with what
    went wrong stated as constraints, and no old code quoted (a small model copies what it is shown)."""
    problems = "\n".join(ln for ln in feedback.strip().splitlines() if not _EXCERPT_LINE.match(ln))
    messages = draft(task, notes)
    text = messages[-1].content.replace(
        _answer_format(task.interface.module),
        "Earlier designs for this module were rejected. Write a new design that avoids these problems:\n"
        f"{problems.strip()}\n\n{_answer_format(task.interface.module)}",
    )
    return [*messages[:-1], Message("user", text)]


def decompose(
    task: PublicTask, question: str, notes: Sequence[tuple[str, str]], retry_note: str = ""
) -> list[Message]:
    """DECOMPOSE: one sub-question about the design, with the answers given so far."""
    parts = [f"We are planning a Verilog module before writing it.\n\n{_task_text(task)}"]
    if notes:
        parts.append("Answers so far:\n" + "\n\n".join(f"{t}:\n{a.strip()}" for t, a in notes))
    parts.append(f"Question: {question}\nAnswer in plain text, briefly. No Verilog code yet.")
    if retry_note:
        parts.append(f"Your previous answer was not usable: {retry_note}")
    return [Message("system", SYSTEM), Message("user", "\n\n".join(parts))]


def write_tests(task: PublicTask, retry_note: str = "") -> list[Message]:
    """WRITE_TESTS: a self-checking testbench derived from the spec, in the format the agent parses."""
    module = task.interface.module
    clock = task.interface.clock()
    timing = (
        f"Drive `{clock}` with a period of 10 time units; change inputs at the falling edge and check "
        "outputs just before the next falling edge."
        if clock
        else "Change inputs, wait 5 time units, then check outputs."
    )
    text = (
        f"Write a self-checking Verilog testbench for the module specified below.\n\n{_task_text(task)}\n\n"
        "Rules:\n"
        f"- The top module is `tb`; it instantiates `{module}` as `dut`, connecting ports by name.\n"
        f"- {timing}\n"
        "- Apply the reset described by the specification first, if there is one.\n"
        "- Compute every expected value inside the testbench from the specification (a small behavioural "
        "model), never by copying the design. Compare each output with `!==`.\n"
        "- For each wrong output print one line exactly like:\n"
        "  MISMATCH time=<%0t> inputs: <in1>=<%b> <in2>=<%b> expected: <out>=<%b> got: <out>=<%b>\n"
        "- Count checks and failures; at the end print `Mismatches: <failures> in <checks> samples` and call "
        "$finish. Check at least 20 cycles or input combinations.\n"
        "- Use no file or system tasks other than $display, $time and $finish.\n\n"
        "Return the testbench in one ```verilog code block, without the design."
    )
    if retry_note:
        text += f"\n\nYour previous testbench was rejected: {retry_note}"
    return [Message("system", SYSTEM), Message("user", text)]


def extract_code(text: str, module: str) -> str:
    """The Verilog in a model answer, or "" when it defines no module called `module`."""
    code = extract_verilog(text, module_name=module)
    return code if re.search(rf"\bmodule\s+{re.escape(module)}\b", code) else ""
