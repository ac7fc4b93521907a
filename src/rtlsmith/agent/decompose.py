"""DECOMPOSE: when a spec describes a state machine or several blocks, plan it one sub-question at a time.

The questions are asked in order (states and encoding; transitions; outputs; reset); each answer is checked
for form before the next question: a cheap, model-free check that the answer is about the right things.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rtlsmith.task import PublicTask

_FSM_WORDS = re.compile(
    r"\b(state machine|fsm|moore|mealy|next[- ]state|state transition|states?\s*:|state diagram"
    r"|state encoding)\b",
    re.I,
)
_BLOCK_WORDS = re.compile(
    r"\b(sub-?modules?|instantiat\w+|pipeline stages?|(?:first|second|third) block)\b", re.I
)
_IDENT = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
_STATE_NAME = re.compile(r"\b(?:[A-Z][A-Z0-9_]*|S\d+)\b")
_ARROW = re.compile(r"->|=>|→|\bgoes to\b|\bto\b|\bnext\b", re.I)
_COMMON_CAPS = {"I", "A", "AN", "THE", "IF", "ELSE", "AND", "OR", "NOT", "NO", "YES", "FSM", "RTL", "ON"}


def needs_decomposition(task: PublicTask) -> bool:
    """Whether the spec describes a state machine or several blocks (tags, then the text)."""
    tags = {t.lower() for t in task.tags}
    if tags & {"fsm", "state-machine", "statemachine", "multi-block", "hierarchical"}:
        return True
    text = task.spec.text("detailed")
    if _FSM_WORDS.search(text):
        return True
    return bool(task.spec.block) or len(_BLOCK_WORDS.findall(text)) >= 2


def state_names(answer: str) -> list[str]:
    """Names that look like states: upper-case identifiers such as IDLE, S0, WAIT_ACK."""
    names = [n for n in _STATE_NAME.findall(answer) if n not in _COMMON_CAPS and not re.fullmatch(r"\d+", n)]
    return list(dict.fromkeys(names))


FormCheck = Callable[[str, PublicTask, Sequence[tuple[str, str]]], str]


def _check_states(answer: str, task: PublicTask, notes: Sequence[tuple[str, str]]) -> str:
    names = state_names(answer)
    if len(names) < 2:
        return "name at least two states in upper case (e.g. IDLE, BUSY), one per line"
    return ""


def _known_states(notes: Sequence[tuple[str, str]]) -> list[str]:
    return state_names(next((a for t, a in notes if t == QUESTIONS[0].title), ""))


def _check_transitions(answer: str, task: PublicTask, notes: Sequence[tuple[str, str]]) -> str:
    known = _known_states(notes)
    used = [n for n in known if re.search(rf"\b{re.escape(n)}\b", answer)]
    if known and len(used) < min(2, len(known)):
        names = ", ".join(known)
        return f"write each transition with the state names given before ({names}), e.g. A -> B when x"
    if not _ARROW.search(answer):
        return "write each transition as `FROM -> TO when CONDITION`"
    return ""


def _check_outputs(answer: str, task: PublicTask, notes: Sequence[tuple[str, str]]) -> str:
    outputs = [p.name for p in task.interface.outputs]
    words = set(_IDENT.findall(answer))
    if outputs and not any(o in words for o in outputs):
        return f"say how each output port ({', '.join(outputs)}) is driven, naming the ports"
    return ""


def _check_reset(answer: str, task: PublicTask, notes: Sequence[tuple[str, str]]) -> str:
    resets = [p.name for p in task.interface.inputs if "rst" in p.name.lower() or "reset" in p.name.lower()]
    words = set(_IDENT.findall(answer))
    if resets and not any(r in words for r in resets) and "reset" not in answer.lower():
        names = ", ".join(resets)
        return f"describe the reset input ({names}): active level, synchronous or not, state entered"
    known = _known_states(notes)
    if known and not any(re.search(rf"\b{re.escape(n)}\b", answer) for n in known):
        return f"name the state the reset enters (one of {', '.join(known)})"
    return ""


@dataclass(frozen=True)
class Question:
    title: str
    text: str
    check: FormCheck

    def judge(self, answer: str, task: PublicTask, notes: Sequence[tuple[str, str]]) -> str:
        """Why `answer` is not usable, or "" when it has the right form."""
        if not answer.strip():
            return "the answer was empty"
        if "endmodule" in answer:
            return "answer the question in plain text; the Verilog comes later"
        return self.check(answer, task, notes)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "States and encoding",
        "List the states (or, for several blocks, the registers that hold state), one per line as "
        "`NAME: meaning` with upper-case names, then the encoding you will use (binary with explicit codes, "
        "or one-hot).",
        _check_states,
    ),
    Question(
        "Transitions",
        "List every state transition, one per line, as `FROM -> TO when CONDITION`, using the state names "
        "above.",
        _check_transitions,
    ),
    Question(
        "Outputs",
        "For each output port, say which states (and, for a Mealy output, which inputs) drive it and to what "
        "value.",
        _check_outputs,
    ),
    Question(
        "Reset",
        "Describe the reset: which input, its active level, synchronous or asynchronous, the state it enters "
        "and the output values while it is active.",
        _check_reset,
    ),
)
