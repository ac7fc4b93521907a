"""Helpers for agent tests: bundled tasks, reference answers, trace readers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from rtlsmith.agent.trace import read_trace
from rtlsmith.llm import Message
from rtlsmith.suites import load_suite
from rtlsmith.task import Purpose, Task
from rtlsmith.tools.toolchain import have

needs_iverilog = pytest.mark.skipif(
    not have("iverilog"), reason="Icarus Verilog (iverilog) is not installed: apt-get install -y iverilog"
)


def bundled(task_id: str) -> Task:
    suite = load_suite("bundled")
    if task_id not in suite:
        pytest.skip(f"bundled task {task_id!r} is not in this checkout's bundled suite")
    return suite.get(task_id)


def reference_design(task: Task) -> str:
    """The task's reference, renamed to the interface's module: what a perfect model would answer."""
    ref = task.hidden.unseal(Purpose.SCORING).reference
    assert ref is not None
    return ref.replace("RefModule", task.public.interface.module)


def fenced(code: str) -> str:
    return f"Here is the design.\n```verilog\n{code}\n```\n"


def user_text(messages: Sequence[Message]) -> str:
    return "\n".join(m.content for m in messages if m.role == "user")


def prompts_of(trace_path: str | Path) -> list[str]:
    """Every prompt message stored in a trace, as text."""
    out = []
    for rec in read_trace(trace_path):
        for m in rec.get("messages") or []:
            out.append(m["content"])
    return out


def steps_of(trace_path: str | Path) -> list[dict[str, Any]]:
    return [r for r in read_trace(trace_path) if r["kind"] == "step"]


def on_prompt(check: Callable[[str], None], answer: str) -> Callable[[Sequence[Message]], str]:
    """A scripted answer that first asserts something about the prompt it answers."""

    def respond(messages: Sequence[Message]) -> str:
        check(user_text(messages))
        return answer

    return respond
