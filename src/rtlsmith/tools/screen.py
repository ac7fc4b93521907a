"""Refuse designs that reach outside their sandbox, before any tool runs.

Bubblewrap confines what a run can touch; this screen makes the intent visible as a verdict. It looks at
the candidate only (benchmark testbenches are trusted data), with comments stripped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_FORBIDDEN_TASKS = ("$system", "$fsystem")
_FILE_TASKS = re.compile(
    r"(\$(?:fopen|readmemh|readmemb|writememh|writememb|dumpfile|fread|sreadmemh|sreadmemb))\s*\(\s*([^,)]*)"
)
_INCLUDE = re.compile(r"`include\s+([\"<][^\">]*[\">])")


@dataclass(frozen=True)
class Refusal:
    construct: str
    line: int
    reason: str

    def message(self) -> str:
        return f"refused: line {self.line}: {self.construct}: {self.reason}"


def _strip_comments(src: str) -> str:
    # Keep line numbers: replace each comment by as many newlines as it spanned.
    return _COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), src)


def _unsafe_path(literal: str) -> str | None:
    lit = literal.strip()
    if not (lit.startswith('"') and lit.endswith('"')) and not (lit.startswith("<") and lit.endswith(">")):
        return "the file name is not a string literal, so it cannot be checked"
    path = lit[1:-1]
    if path.startswith("/") or path.startswith("~"):
        return f"absolute path {path!r} is outside the sandbox"
    if ".." in path.replace("\\", "/").split("/"):
        return f"path {path!r} climbs out of the working directory"
    return None


def screen(source: str) -> list[Refusal]:
    """Every construct in `source` that would reach outside the sandbox; empty when the design is clean."""
    text = _strip_comments(source)
    found: list[Refusal] = []

    def line_of(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    for task in _FORBIDDEN_TASKS:
        for m in re.finditer(re.escape(task) + r"\b", text):
            found.append(Refusal(task, line_of(m.start()), "runs a shell command on the host"))
    for m in _FILE_TASKS.finditer(text):
        why = _unsafe_path(m.group(2))
        # $fread's first argument is a variable, not a path; only its $fopen matters.
        if why and m.group(1) != "$fread":
            found.append(Refusal(m.group(1), line_of(m.start()), why))
    for m in _INCLUDE.finditer(text):
        why = _unsafe_path(m.group(1))
        if why:
            found.append(Refusal("`include", line_of(m.start()), why))
    return sorted(found, key=lambda r: r.line)
