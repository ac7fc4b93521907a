"""The smith agent's states, the tools each may use, and its transition table (`rtlsmith agent --diagram`).

The guards read the running agent (`rtlsmith.agent.smith.Smith`): whether it planned to decompose, how many
decomposition questions are left, how many self-written testbenches it has tried.
"""

from __future__ import annotations

import enum
from typing import Any

from rtlsmith.agent.decompose import QUESTIONS
from rtlsmith.agent.machine import Machine, Transition
from rtlsmith.errors import RtlsmithError


class State(enum.Enum):
    START = "start"
    DECOMPOSE = "decompose"
    DRAFT = "draft"
    LINT = "lint"
    TEST = "test"
    WRITE_TESTS = "write_tests"
    AGREE = "agree"
    REPAIR = "repair"
    DONE = "done"
    GIVE_UP = "give_up"


class ToolNotAllowed(RtlsmithError):
    """A state tried to use a tool its policy does not list."""


# What each state may use. "judge" is further limited to oracle mode.
TOOLS: dict[State, frozenset[str]] = {
    State.START: frozenset(),
    State.DECOMPOSE: frozenset({"model"}),
    State.DRAFT: frozenset({"model"}),
    State.LINT: frozenset({"screen", "pyslang", "iverilog", "verilator"}),
    State.TEST: frozenset({"iverilog", "formal", "judge"}),
    State.WRITE_TESTS: frozenset({"model", "pyslang", "iverilog"}),
    State.AGREE: frozenset({"model", "screen", "pyslang", "iverilog", "verilator"}),
    State.REPAIR: frozenset({"model"}),
    State.DONE: frozenset(),
    State.GIVE_UP: frozenset(),
}


def _plan_needed(a: Any) -> bool:
    return bool(a.decompose)


def _questions_left(a: Any) -> bool:
    return bool(a.question < len(QUESTIONS))


def _agreement_pending(a: Any) -> bool:
    return bool(a.config.no_checks == "agreement" and not a.agreed)


def testbench_attempts_left(a: Any) -> bool:
    """Whether the agent may still write (or rewrite) a testbench of its own."""
    return bool(a.testbench_attempts < a.config.testbench_attempts)


T = Transition
TRANSITIONS: tuple[Transition[State, Any], ...] = (
    T(State.START, "plan", State.DECOMPOSE, _plan_needed),
    T(State.START, "plan", State.DRAFT),
    T(State.DECOMPOSE, "answered", State.DECOMPOSE, _questions_left),
    T(State.DECOMPOSE, "answered", State.DRAFT),
    T(State.DECOMPOSE, "malformed", State.DECOMPOSE),
    T(State.DECOMPOSE, "stop", State.GIVE_UP),
    T(State.DRAFT, "drafted", State.LINT),
    T(State.DRAFT, "no_code", State.DRAFT),
    T(State.DRAFT, "stop", State.GIVE_UP),
    T(State.LINT, "clean", State.TEST),
    T(State.LINT, "errors", State.REPAIR),
    T(State.TEST, "passed", State.DONE),
    T(State.TEST, "failed", State.REPAIR),
    T(State.TEST, "no_checks", State.AGREE, _agreement_pending),
    T(State.TEST, "no_checks", State.WRITE_TESTS, testbench_attempts_left),
    T(State.TEST, "no_checks", State.GIVE_UP),
    T(State.WRITE_TESTS, "accepted", State.TEST),
    T(State.WRITE_TESTS, "rejected", State.WRITE_TESTS, testbench_attempts_left),
    T(State.WRITE_TESTS, "rejected", State.GIVE_UP),
    T(State.WRITE_TESTS, "stop", State.GIVE_UP),
    T(State.AGREE, "selected", State.GIVE_UP),
    T(State.AGREE, "stop", State.GIVE_UP),
    T(State.REPAIR, "repaired", State.LINT),
    T(State.REPAIR, "no_code", State.REPAIR),
    T(State.REPAIR, "stop", State.GIVE_UP),
)  # fmt: skip


def machine() -> Machine[State, Any]:
    """A fresh machine over the smith agent's transition table (also what `--diagram` draws)."""
    return Machine(TRANSITIONS, State.START, final=(State.DONE, State.GIVE_UP))
