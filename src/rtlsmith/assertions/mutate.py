"""Plausible bugs of a design, made by small edits to its text: the mutants an assertion set is graded on.

Each mutant changes one operator, constant or condition (or ties/inverts the outputs, or ignores the reset, as
`rtlsmith.agent.checks.mutants` does for testbenches). Some edits leave the behaviour unchanged (equivalent
mutants): no property can catch those, so a kill rate on generated mutants is a lower bound. The bundled
suite's hand-written bugs (`rtlsmith.suites.known_bugs`) have none of them.
"""

from __future__ import annotations

import re

from rtlsmith.agent.checks import mutants as interface_mutants
from rtlsmith.task import Interface

# (pattern, replacement, description); patterns avoid `<=` (assignment), part-selects and ranges.
_EDITS: tuple[tuple[str, str, str], ...] = (
    (r"(?<![=!<>])==(?!=)", "!=", "== made !="),
    (r"!=(?!=)", "==", "!= made =="),
    (r"&&", "||", "&& made ||"),
    (r"\|\|", "&&", "|| made &&"),
    (r"(?<=\w|\)|\])\s*\+\s*(?=[\w(])", " - ", "+ made -"),
    (r"(?<=\w|\)|\])\s+-\s+(?=[\w(])", " + ", "- made +"),
    (r"1'b0\b", "1'b1", "1'b0 made 1'b1"),
    (r"1'b1\b", "1'b0", "1'b1 made 1'b0"),
    (r"(?<=[\s(])~(?=[\w(])", "", "~ dropped"),
    (r"\bif\s*\((?!\s*!)", "if (!", "if condition negated"),
)
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


def _body_start(code: str) -> int:
    m = re.search(r"\bmodule\b", code)
    if m is None:
        return 0
    depth, i = 0, m.end()
    while i < len(code):
        if code[i] == "(":
            depth += 1
        elif code[i] == ")":
            depth -= 1
        elif code[i] == ";" and depth == 0:
            return i + 1
        i += 1
    return 0


def _negate_if(text: str, at: int, end: int) -> str:
    """`if (!` inserted at `at`: close the negation where the condition's parenthesis closes."""
    depth = 1
    for i in range(end, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[:at] + "if (!(" + text[end:i] + "))" + text[i + 1 :]
    return text


def operator_mutants(design: str, limit: int = 12) -> dict[str, str]:
    """Up to `limit` one-edit mutants of `design`, spread over its edit sites (deterministic)."""
    code = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), design)
    start = _body_start(code)
    sites: list[tuple[int, int, str, str]] = []
    for pattern, repl, what in _EDITS:
        for m in re.finditer(pattern, code[start:]):
            sites.append((start + m.start(), start + m.end(), repl, what))
    sites.sort()
    if len(sites) > limit:
        step = len(sites) / limit
        sites = [sites[int(i * step)] for i in range(limit)]
    out: dict[str, str] = {}
    for a, b, repl, what in sites:
        line = code.count("\n", 0, a) + 1
        text = _negate_if(design, a, b) if repl == "if (!" else design[:a] + repl + design[b:]
        if text != design:
            out[f"line {line}: {what}"] = text
    return out


def generated_mutants(design: str, interface: Interface, design_top: str, limit: int = 12) -> dict[str, str]:
    """Operator mutants plus outputs tied to 0, outputs inverted and reset ignored."""
    renamed = re.sub(rf"\bmodule\s+{re.escape(design_top)}\b", f"module {interface.module}", design)
    out = operator_mutants(renamed, limit)
    out.update(interface_mutants(renamed, interface))
    return out
