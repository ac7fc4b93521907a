"""The environment's action language: one text action is one command, parsed into a `Command`.

Two spellings of the same commands, so a language model and a program can both drive the environment:

- *Command line*: the first word is the command; everything after it (after the first newline, or on the same
  line) is its argument, taken verbatim. ``"lint"``, ``"write\\nmodule TopModule(...); ... endmodule"``.
- *JSON*: an object ``{"cmd": "write", "code": "module ..."}``; ``code`` is optional.

Commands: ``write CODE`` stores the design; ``lint``, ``test`` and ``submit`` act on the stored design, and
given CODE they store it first (``submit CODE`` is a one-step episode); ``task`` shows the task again;
``help`` lists the commands. Unknown or malformed actions are not errors: they cost a step and the
observation says what was wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

CommandName = Literal["write", "lint", "test", "submit", "task", "help"]
COMMANDS: tuple[CommandName, ...] = ("write", "lint", "test", "submit", "task", "help")

HELP = """\
Commands (one per action; the first word is the command, the rest of the text its argument):
  write CODE   store CODE (a complete Verilog module) as the design
  lint         syntax, interface and compiler checks on the design
  test         simulate the design against the task's public checks
  submit       end the episode: the hidden benchmark testbench judges the design (reward 1 pass, 0 fail)
  task         show the task again
  help         show this list
lint, test and submit also take CODE, which they store first. The same commands as JSON:
  {"cmd": "write", "code": "module TopModule(...); ... endmodule"}"""


class ActionError(ValueError):
    """An action that is not a command; its message is shown to the agent as the observation."""


@dataclass(frozen=True)
class Command:
    """One parsed action: the command and its (possibly empty) code argument."""

    name: CommandName
    code: str = ""


def parse_action(action: str) -> Command:
    """The command an action text names; raises `ActionError` saying what is wrong with it."""
    text = action.strip()
    if not text:
        raise ActionError("empty action")
    if text.startswith("{"):
        return _parse_json(text)
    head, _, tail = text.partition("\n")
    word, _, same_line = head.strip().partition(" ")
    code = (same_line.strip() + "\n" + tail) if same_line.strip() else tail
    return _command(word, code)


def _parse_json(text: str) -> Command:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ActionError(f"the action starts with '{{' but is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("cmd"), str):
        raise ActionError('a JSON action must be an object with a string "cmd", e.g. {"cmd": "lint"}')
    code = data.get("code", "")
    if not isinstance(code, str):
        raise ActionError('"code" must be a string')
    extra = sorted(set(data) - {"cmd", "code"})
    if extra:
        raise ActionError(f"unknown JSON field(s) {', '.join(extra)}; a command has only cmd and code")
    return _command(data["cmd"], code)


def _command(word: str, code: str) -> Command:
    name = word.strip().lower()
    if name not in COMMANDS:
        shown = word if len(word) <= 40 else word[:40] + "..."
        raise ActionError(f"unknown command {shown!r}; use one of: {', '.join(COMMANDS)}")
    code = code.strip("\n")
    if name in ("task", "help") and code.strip():
        raise ActionError(f"{name} takes no argument")
    if name == "write" and not code.strip():
        raise ActionError("write needs the design after the command, e.g. 'write\\nmodule TopModule ...'")
    return Command(name, code)
