"""Pictures of failing tasks for the HTML report: the waveform window of the first mismatch and, where the
task's reference has a state machine, the design's state diagram beside the reference's with the
differences drawn on it.

The report is a scoring document: its pictures come from the hidden testbench and reference, like the
verdicts it shows (an agent's own pictures come from its public checks only). Each failing task's first
failing sample is simulated once more with a dump (Icarus) and its state machines are extracted with Yosys;
`limit` bounds how many tasks are drawn, so a report on a large suite stays quick to make.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from rtlsmith.bench.report_properties import CSS as PROPERTIES_CSS
from rtlsmith.bench.report_properties import property_set_html
from rtlsmith.bench.store import ResultRow
from rtlsmith.errors import RtlsmithError
from rtlsmith.suites.base import Suite
from rtlsmith.task import Task

DEFAULT_LIMIT = 12

CSS = (
    """
.wide{width:min(96vw,1800px);position:relative;left:50%;transform:translateX(-50%)}
.pics{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.pics figure{flex:1 1 520px;margin:.5rem 0;min-width:min(100%,640px)}
.pics figure.full{flex-basis:100%}
.pics img{display:block;max-width:100%;height:auto;border:1px solid #e5e7eb;background:#fff}
.taskpics{border:1px solid #e5e7eb;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.taskpics .why{color:#6b7280;font-size:.85rem}
"""
    + PROPERTIES_CSS
)


@dataclass(frozen=True)
class Picture:
    title: str
    svg: str = ""
    reason: str = ""  # why there is no picture
    full_width: bool = False  # a waveform takes a row of its own; state diagrams sit side by side


@dataclass(frozen=True)
class TaskPictures:
    task_id: str
    sample_idx: int
    failure_class: str
    pictures: tuple[Picture, ...] = field(default_factory=tuple)
    properties: str = ""  # the task's property set (`bench --assertions`), as HTML


def _wave(task: Task, code: str) -> Picture:
    from rtlsmith.pictures.mismatch import judged_window
    from rtlsmith.pictures.waves import window_svg

    try:
        _, picture = judged_window(task, code)
        if picture.window is None:
            return Picture("waveform", reason=picture.reason, full_width=True)
        title = "waveform of the first mismatch (hidden testbench)"
        return Picture(title, window_svg(picture.window), full_width=True)
    except RtlsmithError as exc:
        return Picture("waveform", reason=str(exc), full_width=True)


def _counterexample(row: ResultRow) -> list[Picture]:
    """`bench --formal`: the stored counterexample, drawn like a waveform."""
    trace = (row.formal or {}).get("trace")
    if not trace or not trace.get("samples"):
        return []
    from rtlsmith.pictures.waves import trace_from_record, window_from_trace, window_svg

    title = "formal counterexample (Yosys), against the reference"
    try:
        window = window_from_trace(trace_from_record(trace), title="formal counterexample")
        return [Picture(title, window_svg(window), full_width=True)]
    except RtlsmithError as exc:
        return [Picture(title, reason=str(exc), full_width=True)]


def _fsm(task: Task, code: str) -> list[Picture]:
    """The design's diagram beside the reference's (differences drawn on it); [] when the reference has no
    state machine."""
    from rtlsmith.formal.fsm import diff_fsm, extract_fsms
    from rtlsmith.pictures.fsm_dot import diff_dot, fsm_dot, too_big
    from rtlsmith.pictures.graphviz import dot_svg
    from rtlsmith.scoring.samples import reference_completion

    reference = extract_fsms(reference_completion(task), "TopModule").main()
    if reference is None:
        return []
    try:
        design = extract_fsms(code, "TopModule")
        machine = design.main()
        if machine is None:
            why = design.error or "; ".join(design.notes) or "Yosys found no state register"
            mine = Picture("the design's state machine", reason=why)
        elif too_big(machine):
            mine = Picture("the design's state machine", reason=too_big(machine))
        else:
            mine = Picture("the design's state machine", dot_svg(fsm_dot(machine)))
        if too_big(reference):
            return [mine, Picture("the reference's state machine", reason=too_big(reference))]
        if machine is None:
            ref = Picture("the reference's state machine", dot_svg(fsm_dot(reference)))
        else:
            diff = diff_fsm(reference, machine)
            ref = Picture(
                "the reference's state machine, with the design's differences",
                dot_svg(diff_dot(reference, diff)),
            )
        return [mine, ref]
    except RtlsmithError as exc:
        return [Picture("state machines", reason=str(exc))]


def failing_pictures(
    suite: Suite, results: Sequence[ResultRow], limit: int = DEFAULT_LIMIT
) -> tuple[list[TaskPictures], int]:
    """Pictures for up to `limit` failing tasks (no sample passed), and how many failing tasks there were."""
    by_task: dict[str, list[ResultRow]] = {}
    for r in results:
        by_task.setdefault(r.task_id, []).append(r)
    failing = [rows for rows in by_task.values() if not any(r.passed for r in rows)]
    failing = [rows for rows in failing if any(r.final_code for r in rows)]
    out: list[TaskPictures] = []
    for rows in failing[:limit]:
        first = min((r for r in rows if r.final_code), key=lambda r: r.sample_idx)
        try:
            task = suite.get(first.task_id)
        except RtlsmithError as exc:
            why = (Picture("", reason=str(exc)),)
            out.append(TaskPictures(first.task_id, first.sample_idx, first.failure_class, why))
            continue
        pictures = [_wave(task, first.final_code), *_counterexample(first), *_fsm(task, first.final_code)]
        props = _properties(first, rows)
        out.append(TaskPictures(first.task_id, first.sample_idx, first.failure_class, tuple(pictures), props))
    return out, len(failing)


def _properties(first: ResultRow, rows: Sequence[ResultRow]) -> str:
    """The drawn sample's property set, else the first sample's that has one; "" without any."""
    with_set = sorted((r for r in rows if r.assertions), key=lambda r: (r is not first, r.sample_idx))
    return property_set_html(with_set[0].assertions or {}, _img) if with_set else ""


def property_cards(
    results: Sequence[ResultRow], limit: int = DEFAULT_LIMIT, skip: Sequence[str] = ()
) -> list[TaskPictures]:
    """Cards for up to `limit` tasks with a property set that are not in `skip` (the failing tasks drawn)."""
    by_task: dict[str, list[ResultRow]] = {}
    for r in results:
        if r.task_id not in skip:
            by_task.setdefault(r.task_id, []).append(r)
    out: list[TaskPictures] = []
    for task_id, rows in by_task.items():
        with_set = sorted((r for r in rows if r.assertions), key=lambda r: r.sample_idx)
        if with_set and len(out) < limit:
            first = with_set[0]
            verdict = "passed" if first.passed else first.failure_class
            out.append(TaskPictures(task_id, first.sample_idx, verdict, (), _properties(first, rows)))
    return out


def _share(svg: str) -> str:
    """Side-by-side diagrams share a row in proportion to their natural widths: drawn at one scale."""
    found = re.search(r'<svg[^>]*\swidth="([\d.]+)(?:pt|px)?"', svg)
    return f" style='flex:{float(found.group(1)):.0f} 1 0'" if found else ""


def _img(svg: str, alt: str) -> str:
    # An <img> keeps each SVG's styles and ids to itself (WaveDrom's are not scoped); it scales with the page.
    data = base64.b64encode(svg.encode()).decode()
    return f"<img alt='{escape(alt, quote=True)}' src='data:image/svg+xml;base64,{data}'>"


def _card(t: TaskPictures) -> str:
    figures = []
    for p in t.pictures:
        body = _img(p.svg, p.title) if p.svg else f"<p class='why'>no picture: {escape(p.reason)}</p>"
        css = " class='full'" if p.full_width else _share(p.svg)
        figures.append(f"<figure{css}>{body}<figcaption>{escape(p.title)}</figcaption></figure>")
    pics = f"<div class='pics'>{''.join(figures)}</div>" if figures else ""
    verdict = "passed" if t.failure_class == "passed" else f"class {escape(t.failure_class)}"
    return (
        f"<div class='taskpics'><h3>{escape(t.task_id)} <small>sample {t.sample_idx}, {verdict}"
        f"</small></h3>{pics}{t.properties}</div>"
    )


_PROPERTIES_NOTE = (
    "Properties the model wrote from the public spec: each one's class on the reference (a "
    "counterexample means the property is wrong, and its trace is drawn: one slot per clock cycle from "
    "power-up, the failing check marked), and the mutants it has a counterexample on."
)


def pictures_html(items: Sequence[TaskPictures], failing: int, others: Sequence[TaskPictures] = ()) -> str:
    """The report's sections: one card per failing task, its pictures side by side where the page is wide
    (and its property set); then `others`, the property sets of tasks not drawn as failing."""
    out = ""
    if items:
        shown = f"the first {len(items)} of {failing}" if failing > len(items) else f"all {failing}"
        with_sets = f" {_PROPERTIES_NOTE}" if any(t.properties for t in items) else ""
        out += (
            f"<h2>Failing tasks, drawn ({shown})</h2><div class='wide'><p>Each failing task's first failing "
            "sample: the waveform around its first mismatch on the hidden testbench (expected = the "
            "reference, actual = the design; red marks the differing samples) and, where the reference has "
            "a state machine, the design's state diagram beside the reference's, the design's missing (red) "
            f"and own (blue, dashed) transitions drawn on it.{with_sets}</p>"
            f"{''.join(_card(t) for t in items)}</div>"
        )
    if others:
        out += (
            f"<h2>Property sets ({len(others)} more tasks)</h2><div class='wide'><p>{_PROPERTIES_NOTE}</p>"
            f"{''.join(_card(t) for t in others)}</div>"
        )
    return out
