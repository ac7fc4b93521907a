"""A task card's property set (`bench --assertions`, `results.assertions_json`): each property's text, its
class on the reference (proven, counterexample, unknown, unsupported; vacuous marked), the mutants it
killed, and each counterexample's trace drawn as a waveform (a table where WaveDrom is missing)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any

from rtlsmith.errors import RtlsmithError

MAX_TRACES = 4  # counterexamples drawn per card; the rest are in the table

CSS = """
.propset{margin:.5rem 0 1rem}
.propset p{margin:.25rem 0}
.props{border-collapse:collapse;display:table;width:100%;font-size:.85rem;margin:.5rem 0}
.props th,.props td{border-bottom:1px solid #e5e7eb;padding:.3rem .5rem;text-align:left;vertical-align:top}
.props td.txt{width:60%}
.props code{white-space:pre-wrap;word-break:break-word;font-size:.8rem}
.props .msg{display:block;color:#6b7280;font-size:.8rem}
.cls{font-weight:600;white-space:nowrap}
.cls-proven{color:#15803d}.cls-counterexample{color:#b91c1c}.cls-unknown{color:#a16207}
.cls-unsupported,.cls-error{color:#6b7280}.cls-reached{color:#15803d}.cls-unreached{color:#a16207}
.vac{color:#a16207;font-weight:600}
table.trace{border-collapse:collapse;font-family:monospace;font-size:.8rem;margin:.25rem 0}
table.trace td,table.trace th{border:1px solid #e5e7eb;padding:.1rem .4rem;text-align:right}
"""


def kills_by_property(record: dict[str, Any]) -> dict[str, list[str]]:
    """Property name -> the mutants it has a counterexample on (from the stored mutant -> properties)."""
    out: dict[str, list[str]] = {}
    for mutant, names in sorted((record.get("killed_by") or {}).items()):
        for name in names:
            out.setdefault(name, []).append(mutant)
    return out


def _pct(value: Any) -> str:
    return "-" if value is None else f"{float(value):.0%}"


def _steps(trace: dict[str, Any]) -> list[tuple[int, dict[str, str]]]:
    return [(int(s["step"]), {k: str(v) for k, v in s["values"].items()}) for s in trace.get("steps", [])]


def _hex(bits: str) -> str:
    from rtlsmith.pictures.waves import hex_value

    return bits if len(bits) <= 1 else f"{len(bits)}'h{hex_value(bits)}"


def trace_table(trace: dict[str, Any]) -> str:
    """The trace as an HTML table: one row per step, every port (buses in hex)."""
    steps = _steps(trace)
    names = [*trace.get("inputs", []), *trace.get("outputs", [])]
    names = names or sorted({k for _, v in steps for k in v})
    head = "".join(f"<th>{escape(n)}</th>" for n in ["step", *names])
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in [str(s), *(_hex(v.get(n, "")) for n in names)])
        + "</tr>"
        for s, v in steps
    )  # fmt: skip
    return f"<table class='trace'><tr>{head}</tr>{rows}</table>"


def trace_picture(name: str, trace: dict[str, Any], img: Callable[[str, str], str]) -> str:
    """The counterexample drawn as a waveform; its table where it cannot be drawn."""
    from rtlsmith.pictures.waves import window_from_property_trace, window_svg

    title = f"{name} fails on the reference"
    try:
        window = window_from_property_trace(
            _steps(trace), list(trace.get("inputs", [])), list(trace.get("outputs", [])),
            trace.get("clock"), title=title,
        )  # fmt: skip
        body = img(window_svg(window), title)
    except RtlsmithError as exc:
        body = f"<p class='why'>no waveform ({escape(str(exc))}); the trace:</p>{trace_table(trace)}"
    return f"<figure class='full'>{body}<figcaption>counterexample to {escape(name)}</figcaption></figure>"


def _name(result: dict[str, Any]) -> str:
    """A property's label; a statement dropped as unsupported is stored as `line N`: its own label if any."""
    name = str(result.get("name", ""))
    m = re.match(r"\s*([A-Za-z_]\w*)\s*:", str(result.get("text", "")))
    return m.group(1) if name.startswith("line ") and m else name


def property_set_html(record: dict[str, Any], img: Callable[[str, str], str]) -> str:
    """A card's property set: a headline, one row per property, the counterexamples drawn."""
    kills = kills_by_property(record)
    graded = record.get("mutants") or 0
    source = {
        "known": "the task's known bugs",
        "given": "the given mutants",
        "generated": "generated mutants",
    }
    where = source.get(str(record.get("mutants_from", "")), "mutants")
    asserts = int(record.get("asserts") or 0)
    head = (
        f"<p><b>Properties from the spec</b> ({escape(str(record.get('model_id', '')))}): "
        f"{asserts} assert{'' if asserts == 1 else 's'}, {record.get('proven', 0)} proven on the reference; "
        "kill rate "
        f"{_pct(record.get('kill_rate'))} of {graded} mutants ({where}).</p>"
    )
    flags = "".join(f"<p class='why'>{escape(str(f))}</p>" for f in record.get("flags") or ())
    rows = []
    for r in record.get("results") or ():
        status = str(r.get("status", ""))
        vac = " <span class='vac'>vacuous</span>" if r.get("vacuous") else ""
        killed = kills.get(str(r.get("name")), [])
        if status == "counterexample":
            caught = "none: wrong on the reference, never counts"
        else:
            caught = ", ".join(killed) or ("-" if r.get("kind") != "assert" else "none")
        message = f"<span class='msg'>{escape(str(r['message']))}</span>" if r.get("message") else ""
        rows.append(
            f"<tr><td>{escape(_name(r))}</td>"
            f"<td class='cls cls-{escape(status)}'>{escape(status)}{vac}</td>"
            f"<td>{escape(caught)}</td>"
            f"<td class='txt'><code>{escape(str(r.get('text', '')).strip())}</code>{message}</td></tr>"
        )
    error = f"<p class='why'>{escape(str(record['error']))}</p>" if record.get("error") else ""
    table = (
        "<table class='props'><tr><th>property</th><th>on the reference</th><th>mutants killed</th>"
        f"<th>text</th></tr>{''.join(rows)}</table>"
        if rows
        else ""
    )
    cexes = [r for r in record.get("results") or () if r.get("status") == "counterexample" and r.get("trace")]
    pictures = "".join(trace_picture(str(r["name"]), r["trace"], img) for r in cexes[:MAX_TRACES])
    pictures = f"<div class='pics'>{pictures}</div>" if pictures else ""
    return f"<div class='propset'>{head}{flags}{error}{table}{pictures}</div>"
