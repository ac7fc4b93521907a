"""Turn tool output into feedback a designer would act on.

Lint and compile messages come with the offending source lines (a numbered excerpt, two lines either side);
simulation mismatches come as a short table of the first failing cycles (time, inputs, expected, got), parsed
from the `MISMATCH` lines a public or self-written testbench prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rtlsmith.task import Vector

CONTEXT_LINES = 2
MAX_LOCATIONS = 6
MAX_ROWS = 6


@dataclass(frozen=True)
class Located:
    """One tool message pointing at a line of the candidate."""

    line: int
    column: int
    severity: str  # "error" or "warning"
    message: str
    tool: str


# pyslang: `source:3:5: error: expected ';'`
_SLANG = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): (?P<msg>.*)$")
# Verilator: `%Error-CODE: file:3:5: message` / `%Warning-CODE: file:3:5: message`
_VERILATOR = re.compile(
    r"^%(?P<sev>Error|Warning)(?:-(?P<code>[A-Z0-9_]+))?: "
    r"(?P<file>[^:\s]+):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<msg>.*)$"
)
# Icarus: `file:3: syntax error` / `file:3: error: message` / `file:3: warning: message`
_ICARUS = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+): (?:(?P<sev>error|warning|sorry): )?(?P<msg>.*)$")


def parse_located(text: str, file: str, tool: str) -> list[Located]:
    """Messages in `text` (pyslang, Verilator or Icarus format) that point into `file`."""
    out: list[Located] = []
    base = file.rsplit("/", 1)[-1]
    for raw in text.splitlines():
        line = raw.strip()
        for pattern in (_VERILATOR, _SLANG, _ICARUS):
            m = pattern.match(line)
            if not m:
                continue
            where = m.group("file").rsplit("/", 1)[-1]
            if where not in (base, "source"):
                break
            sev = (m.group("sev") or "").lower()
            msg = m.group("msg").strip()
            if pattern is _VERILATOR and m.group("code"):
                msg = f"{m.group('code')}: {msg}"
            if pattern is _ICARUS:
                sev = "warning" if sev == "warning" else "error"
            col = int(m.group("col") or 0) if "col" in m.groupdict() else 0
            out.append(Located(int(m.group("line")), col, sev or "error", msg, tool))
            break
    return out


def numbered_excerpt(source: str, line: int, context: int = CONTEXT_LINES, column: int = 0) -> str:
    """Lines `line - context .. line + context` of `source`, numbered, the offending one marked with `>`."""
    lines = source.splitlines()
    if not lines:
        return ""
    lo = max(1, line - context)
    hi = min(len(lines), line + context)
    width = len(str(hi))
    out = []
    for n in range(lo, hi + 1):
        mark = ">" if n == line else " "
        out.append(f"{mark} {n:>{width}} | {lines[n - 1]}")
        if n == line and column > 0:
            out.append(f"  {' ' * width} | {' ' * (column - 1)}^")
    return "\n".join(out)


def located_feedback(source: str, messages: Sequence[Located], heading: str) -> str:
    """A heading, then each message (errors first) with its numbered excerpt of the candidate."""
    if not messages:
        return ""
    ordered = sorted(messages, key=lambda m: (m.severity != "error", m.line))
    seen: set[tuple[int, str]] = set()
    parts = [heading]
    shown = 0
    for m in ordered:
        if (m.line, m.message) in seen:
            continue
        seen.add((m.line, m.message))
        if shown == MAX_LOCATIONS:
            parts.append(f"... and {len(ordered) - shown} more message(s)")
            break
        parts.append(f"{m.tool} {m.severity} at line {m.line}: {m.message}")
        parts.append(numbered_excerpt(source, m.line, column=m.column))
        shown += 1
    return "\n".join(parts)


def unlocated(text: str, keys: Iterable[str] = ("error", "Error")) -> list[str]:
    """Error lines without a source location (e.g. an elaboration failure), for when nothing else explains."""
    return [ln.strip() for ln in text.splitlines() if any(k in ln for k in keys)][:MAX_LOCATIONS]


@dataclass(frozen=True)
class Mismatch:
    """One failing cycle as a testbench reported it."""

    time: str
    inputs: str
    expected: str
    got: str
    raw: str


# tbgen.vectors_testbench: `MISMATCH vector 3 (time 35): q = 0101, expected 0110`
_VECTOR_LINE = re.compile(r"MISMATCH vector (\d+) \(time (\d+)\): (\S+) = (\S+), expected (\S+)")
# Generic: `MISMATCH time=35 inputs: a=1 b=0 expected: q=1 got: q=0` (what self-written testbenches print)
_TIME = re.compile(r"\b(?:time|t|at)\s*[=:]?\s*(\d+)", re.I)
_SECTION = re.compile(r"\b(inputs?|in|expected|exp|want|got|actual|observed)\s*[:=]\s*", re.I)
_KIND = {"input": "inputs", "inputs": "inputs", "in": "inputs", "expected": "expected", "exp": "expected",
         "want": "expected", "got": "got", "actual": "got", "observed": "got"}  # fmt: skip
_SUMMARY = re.compile(r"Mismatches: (\d+) in (\d+) samples")


def _vector_inputs(vectors: Sequence[Vector], index: int) -> str:
    """The input values in force at vector `index`: inputs keep their values until a vector changes them."""
    state: dict[str, str] = {}
    for vec in vectors[: index + 1]:
        state.update(dict(vec.inputs))
    return " ".join(f"{k}={v}" for k, v in state.items())


def parse_mismatches(log: str, vectors: Sequence[Vector] = ()) -> list[Mismatch]:
    """The `MISMATCH ...` lines of a simulation log as rows of time / inputs / expected / got.

    Lines from a vectors testbench (one per wrong output) are merged per vector, with the inputs taken from
    the public `vectors`; other lines are split on `inputs:` / `expected:` / `got:` markers.
    """
    rows: list[Mismatch] = []
    by_vector: dict[str, int] = {}
    for raw in log.splitlines():
        line = raw.strip()
        idx = line.find("MISMATCH")
        if idx < 0:
            continue
        vm = _VECTOR_LINE.search(line)
        if vm:
            index, tm, name, got, exp = vm.groups()
            if index in by_vector:
                old = rows[by_vector[index]]
                rows[by_vector[index]] = Mismatch(
                    old.time, old.inputs, f"{old.expected} {name}={exp}", f"{old.got} {name}={got}", old.raw
                )
                continue
            i = int(index)
            inputs = _vector_inputs(vectors, i) if i < len(vectors) else f"vector {i}"
            by_vector[index] = len(rows)
            rows.append(Mismatch(tm, inputs, f"{name}={exp}", f"{name}={got}", line))
            continue
        body = line[idx + len("MISMATCH") :].lstrip(" :")
        sections = list(_SECTION.finditer(body))
        head = body[: sections[0].start()] if sections else body
        time_match = _TIME.search(head)
        fields = {"inputs": "", "expected": "", "got": ""}
        for i, m in enumerate(sections):
            end = sections[i + 1].start() if i + 1 < len(sections) else len(body)
            fields[_KIND[m.group(1).lower()]] = body[m.end() : end].strip(" ,;|")
        time = time_match.group(1) if time_match else "?"
        rows.append(Mismatch(time, fields["inputs"], fields["expected"], fields["got"], line))
    return rows


def mismatch_table(log: str, vectors: Sequence[Vector] = (), limit: int = MAX_ROWS) -> str:
    """A short text table of the first failing cycles, and the testbench's own count if it printed one."""
    rows = parse_mismatches(log, vectors)
    if not rows:
        return ""
    structured = [r for r in rows if r.expected or r.got]
    lines: list[str] = []
    if structured:
        head = ("time", "inputs", "expected", "got")
        cells = [(r.time, r.inputs or "-", r.expected or "-", r.got or "-") for r in structured[:limit]]
        widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(head)]
        lines.append(_row(head, widths))
        lines.append("-+-".join("-" * w for w in widths))
        lines += [_row(cell, widths) for cell in cells]
    else:
        lines += [r.raw for r in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"... {len(rows) - limit} more failing cycle(s)")
    summary = _SUMMARY.findall(log)
    if summary:
        bad, total = summary[-1]
        lines.append(f"Mismatches: {bad} in {total} samples")
    return "\n".join(lines)


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()


def simulation_feedback(log: str, vectors: Sequence[Vector] = ()) -> str:
    """What a failed simulation tells the designer: the mismatch table, else the log lines that matter."""
    table = mismatch_table(log, vectors)
    if table:
        return "The testbench reported these failing cycles (first ones shown):\n" + table
    keep = [
        ln for ln in log.splitlines()
        if any(k in ln for k in ("rror", "FAIL", "Mismatches", "TIMEOUT", "Hint", "ASSERT", "fatal"))
    ][:12]  # fmt: skip
    if keep:
        return "The simulation failed:\n" + "\n".join(keep)
    tail = "\n".join(log.strip().splitlines()[-12:])
    return "The simulation did not report success. Last lines of its output:\n" + (tail or "(no output)")
