"""Mechanical repairs a designer would make without thinking, applied without a model call.

Each fix is driven by a tool's own message or by the spec's words, changes as little text as it can, and says
what it did (the agent records that in its trace). None of them decides a verdict: the fixed design goes
through lint and the checks like any other.

- `wire_driven_in_process`: Icarus says "y is not a valid l-value" and "y is declared here as wire" when a
  process assigns a net; the declaration becomes `reg` (a small model's most common compile error).
- `sync_reset_only`: the spec asks for a synchronous reset and the design lists the reset in a clocked
  process's sensitivity list (an asynchronous reset); the reset edge is removed from the list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rtlsmith.task import Interface

_LVALUE = re.compile(r"(?P<line>\d+): error: (?P<name>[A-Za-z_]\w*) is not a valid l-value")
_DECLARED = re.compile(r"(?P<line>\d+):\s*: (?P<name>[A-Za-z_]\w*) is declared here as wire\.")
_RESET_WORD = re.compile(r"\b(?:a?rst|reset|areset)\w*", re.I)


@dataclass(frozen=True)
class Fix:
    """One mechanical change: its name, what it did, and the new source."""

    name: str
    description: str
    source: str


def _declared_wires(log: str) -> dict[str, int]:
    """Signals Icarus found assigned in a process although declared as nets, with their declaration line."""
    assigned = {m.group("name") for m in _LVALUE.finditer(log)}
    return {
        m.group("name"): int(m.group("line")) for m in _DECLARED.finditer(log) if m.group("name") in assigned
    }


def _make_reg(line: str, name: str) -> str | None:
    """`line` with `name`'s declaration turned into a variable (`reg`); None when it cannot tell how."""
    code = line.split("//", 1)[0]
    m = re.search(rf"\b{re.escape(name)}\b", code)
    if m is None:
        return None
    before = code[: m.start()]
    keywords = list(re.finditer(r"\b(input|output|inout|wire|reg|logic|tri)\b", before))
    if not keywords:
        return None
    last = keywords[-1]
    if last.group(1) in ("reg", "logic"):
        return None  # already a variable: the message was about something else
    if last.group(1) in ("wire", "tri"):
        return line[: last.start()] + "reg" + line[last.end() :]
    if last.group(1) == "output":
        return line[: last.end()] + " reg" + line[last.end() :]
    return None


def wire_driven_in_process(source: str, compile_log: str) -> Fix | None:
    """Declare as `reg` each net that Icarus reports assigned in a process."""
    lines = source.split("\n")
    changed: list[str] = []
    for name, lineno in sorted(_declared_wires(compile_log).items(), key=lambda kv: kv[1]):
        if not 1 <= lineno <= len(lines):
            continue
        new = _make_reg(lines[lineno - 1], name)
        if new is not None and new != lines[lineno - 1]:
            lines[lineno - 1] = new
            changed.append(name)
    if not changed:
        return None
    names = ", ".join(f"`{n}`" for n in changed)
    return Fix("wire_driven_in_process", f"declared {names} as reg: assigned in a process", "\n".join(lines))


_WRAPPED_LINE = re.compile(r"[ \t]*\n[ \t]*(?=[^\s\-*\d])")


def reset_style(spec_text: str) -> str | None:
    """ "sync" or "async" when the spec says which kind of reset it wants, None when it does not (or both).

    Specs are often wrapped ("active high synchronous\\nreset"), so a sentence is read across line breaks;
    a blank line or a list item still ends it.
    """
    text = _WRAPPED_LINE.sub(" ", spec_text.lower())
    has_async = bool(
        re.search(r"\basynchronous(ly)?\b[^.\n]{0,40}\breset|\breset\b[^.\n]{0,40}\basynchronous", text)
    )
    has_sync = bool(
        re.search(
            r"(?<!a)\bsynchronous(ly)?\b[^.\n]{0,40}\breset|\breset\b[^.\n]{0,40}(?<!a)\bsynchronous", text
        )
    )
    if has_async == has_sync:
        return None
    return "async" if has_async else "sync"


_EDGE_LIST = re.compile(r"@\s*\((?P<list>[^)]*\b(?:posedge|negedge)\b[^)]*)\)")


def _reset_ports(interface: Interface) -> set[str]:
    return {p.name for p in interface.inputs if _RESET_WORD.fullmatch(p.name) and p.width == 1}


def async_reset_events(source: str, interface: Interface) -> list[str]:
    """The reset ports that appear as edges in a sensitivity list (an asynchronous reset)."""
    found: list[str] = []
    for m in _EDGE_LIST.finditer(source):
        for reset in _reset_ports(interface):
            if (
                re.search(rf"\b(?:posedge|negedge)\s+{re.escape(reset)}\b", m.group("list"))
                and reset not in found
            ):
                found.append(reset)
    return found


def sync_reset_only(source: str, interface: Interface, spec_text: str) -> Fix | None:
    """Remove reset edges from sensitivity lists when the spec asks for a synchronous reset."""
    if reset_style(spec_text) != "sync":
        return None
    resets = async_reset_events(source, interface)
    if not resets or interface.clock() is None:
        return None

    def strip(m: re.Match[str]) -> str:
        items = [s.strip() for s in re.split(r"\bor\b|,", m.group("list"))]
        kept = [
            s
            for s in items
            if not any(re.fullmatch(rf"(?:posedge|negedge)\s+{re.escape(r)}", s) for r in resets)
        ]
        return f"@({' or '.join(kept)})" if kept else m.group(0)

    fixed = _EDGE_LIST.sub(strip, source)
    if fixed == source:
        return None
    names = ", ".join(f"`{r}`" for r in resets)
    return Fix(
        "sync_reset_only",
        f"removed the {names} edge from the sensitivity list: the spec asks for a synchronous reset",
        fixed,
    )


def apply_compile_fixes(source: str, compile_log: str) -> Fix | None:
    """The first mechanical fix a compile log calls for, or None."""
    return wire_driven_in_process(source, compile_log)


_EDGE = re.compile(r"\b(?:posedge|negedge)\s+(?P<name>[A-Za-z_]\w*)")


def clockless_edges(source: str, interface: Interface) -> str:
    """What a designer would say about edge-triggered processes in a module whose interface has no clock."""
    if interface.clock() is not None:
        return ""
    lists = [m.group("list") for m in _EDGE_LIST.finditer(_strip_comments(source))]
    names = sorted({m.group("name") for text in lists for m in _EDGE.finditer(text)})
    if not names:
        return ""
    return (
        "The interface has no clock, so this module is combinational, but the design waits for edges of "
        f"{', '.join(f'`{n}`' for n in names)}: compute every output from the current inputs with `assign` "
        "or `always @(*)`, with no posedge/negedge and no stored state."
    )


def _strip_comments(source: str) -> str:
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", source, flags=re.S)


def spec_feedback(source: str, interface: Interface, spec_text: str) -> str:
    """Spec-aware checks a designer applies before simulating: clocking and reset style."""
    return "\n".join(
        t for t in (clockless_edges(source, interface), reset_feedback(source, interface, spec_text)) if t
    )


def reset_feedback(source: str, interface: Interface, spec_text: str) -> str:
    """What a designer would say about a missing asynchronous reset, or "" (no edit can add one blindly)."""
    if reset_style(spec_text) != "async" or interface.clock() is None:
        return ""
    resets = sorted(_reset_ports(interface))
    if not resets or async_reset_events(source, interface):
        return ""
    return (
        f"The specification asks for an asynchronous reset, but `{resets[0]}` is in no sensitivity list: "
        f"write the clocked process as `always @(posedge {interface.clock()} or posedge {resets[0]})` "
        "(negedge for an active-low reset) and test the reset first inside it."
    )


def summary(fixes: Sequence[Fix]) -> str:
    return "; ".join(f"{f.name}: {f.description}" for f in fixes)


_UNBOUND = re.compile(r"Unable to bind (?:wire/reg/memory|parameter) `(?P<name>[A-Za-z_]\w*)'")
_UNDECLARED = re.compile(
    r"(?:undeclared|not declared|Can't find definition of variable)[^']*'(?P<name>[A-Za-z_]\w*)'"
)


# Icarus's "sorry: ... not supported." errors (its "not currently supported (...)" lines are warnings).
_UNSUPPORTED = re.compile(r"sorry: (?P<what>[^\n]*?)(?: are| is)? not supported\.?[ \t]*$", re.M)


def hints(feedback: str, interface: Interface) -> str:
    """A designer's reading of common compile errors, added to the tools' own words."""
    names = {m.group("name") for m in _UNBOUND.finditer(feedback)} | {
        m.group("name") for m in _UNDECLARED.finditer(feedback)
    }
    ports = {p.name for p in interface.ports}
    out: list[str] = []
    invented = sorted(
        n for n in names if n not in ports and (n.lower() in ("clk", "clock") or _RESET_WORD.fullmatch(n))
    )
    if invented and interface.clock() is None:
        out.append(
            "The interface has no clock: this module is combinational. Do not use "
            f"{', '.join(f'`{n}`' for n in invented)}; compute the outputs with `assign` or `always @(*)` "
            "from the inputs only."
        )
    elif invented:
        out.append(
            f"{', '.join(f'`{n}`' for n in invented)} is not a port: use only the interface's ports "
            f"({', '.join(p.name for p in interface.ports)})."
        )
    others = sorted(n for n in names if n not in ports and n not in invented)
    if others:
        out.append(
            f"Declare {', '.join(f'`{n}`' for n in others)} before using it (`reg` when a process assigns "
            "it, `wire` when an `assign` drives it), or use a port of the interface."
        )
    for construct in sorted(set(_UNSUPPORTED.findall(feedback))):
        out.append(
            f"Icarus Verilog, which runs the checks, does not support {construct}: write that part without it"
            + (
                " (a loop that visits the lowest priority first and lets the last match win"
                " needs no `break`)."
                if construct.startswith("break")
                else "."
            )
        )
    if "}" in feedback and "syntax error" in feedback:
        out.append("Verilog blocks are `begin` ... `end`, not `{` ... `}`.")
    return "\n".join(out)
