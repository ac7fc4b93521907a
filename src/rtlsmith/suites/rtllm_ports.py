"""Ports from an RTLLM description's `Input ports:` / `Output ports:` lists, for designs without a reference.

The lists are prose, in a few shapes:

    Input ports:                          Inputs:
        A [3:0]: First BCD input ...          rst_n: Reset signal (active low).
        data_in[7:0]: 8-bit input data ...    red, yellow, green: Output signals ...
        a: a 32-bit input operand         Output ports：
        input [WIDTH-1:0] wdata ,             output wire [WIDTH-1:0] rdata

A width comes from a `[msb:lsb]` range (parameters the description assigns, `WIDTH = 8`, are substituted),
else from `N-bit` in the entry's text, else it is 1. A section ends at the next heading (a line ending in
a colon and nothing else) or at the end of the text.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable

from rtlsmith.task import Direction, Port

_SECTION = re.compile(r"^\s*(inputs?|outputs?|inouts?)(?:\s+ports?)?\s*[:：]\s*$", re.I)
_HEADING = re.compile(r"^\s*[^:：]{1,60}[:：]\s*$")
_IDENT = r"[A-Za-z_][A-Za-z0-9_$]*"
_RANGE = r"\[[^\]\n]+\]"
_ENTRY = re.compile(
    rf"^\s*(?:(?:input|output|inout)\s+)?(?:(?:wire|reg|logic)\s+)?(?:signed\s+)?(?P<pre>{_RANGE})?\s*"
    rf"(?P<names>{_IDENT}\s*(?:{_RANGE})?(?:\s*,\s*{_IDENT}\s*(?:{_RANGE})?)*)\s*(?:[:：,]|$)(?P<rest>.*)$"
)
_NAME = re.compile(rf"({_IDENT})\s*({_RANGE})?")
_BITS = re.compile(r"\b(\d+)\s*-?\s*bits?\b", re.I)
_PARAMETER = re.compile(rf"\b({_IDENT})\s*=\s*(\d+)\b")
_KEYWORDS = {"input", "output", "inout", "wire", "reg", "logic", "signed"}
_OPS: dict[type, Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Div: operator.floordiv,
}


def _value(expr: str, params: dict[str, int]) -> int | None:
    """An integer range bound such as `WIDTH-1`, or None when it is not plain arithmetic."""
    text = re.sub(_IDENT, lambda m: str(params.get(m.group(0), m.group(0))), expr.strip())
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None

    def ev(node: ast.expr) -> int | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            left, right = ev(node.left), ev(node.right)
            if left is None or right is None or (right == 0 and isinstance(node.op, ast.Div | ast.FloorDiv)):
                return None
            return _OPS[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = ev(node.operand)
            return None if inner is None else -inner
        return None

    return ev(tree)


def _width(bounds: str | None, rest: str, params: dict[str, int]) -> int:
    if bounds:
        msb, _, lsb = bounds.strip("[]").partition(":")
        hi, lo = _value(msb, params), _value(lsb or msb, params)
        if hi is not None and lo is not None:
            return abs(hi - lo) + 1
    bits = _BITS.search(rest)
    return int(bits.group(1)) if bits else 1


def _direction(heading: str) -> Direction:
    word = heading.strip().lower()
    if word.startswith("in") and not word.startswith("inout"):
        return "input"
    return "output" if word.startswith("out") else "inout"


def ports_from_description(text: str) -> tuple[Port, ...]:
    """The ports an RTLLM description lists, in order; empty when it has no port sections."""
    params = {name: int(value) for name, value in _PARAMETER.findall(text)}
    ports: list[Port] = []
    seen: set[str] = set()
    direction: Direction | None = None
    for line in text.splitlines():
        section = _SECTION.match(line)
        if section:
            direction = _direction(section.group(1))
            continue
        if direction is None or not line.strip():
            continue
        if _HEADING.match(line):
            direction = None
            continue
        entry = _ENTRY.match(line)
        if entry is None:
            continue
        for name, bounds in _NAME.findall(entry.group("names")):
            if name in seen or name in _KEYWORDS:
                continue
            seen.add(name)
            width = _width(bounds or entry.group("pre"), entry.group("rest"), params)
            ports.append(Port(name, direction, width))
    return tuple(ports)
