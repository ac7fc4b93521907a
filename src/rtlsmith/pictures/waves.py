"""The window around a first mismatch, as a compact text waveform and as a WaveDrom picture (SVG).

A `WaveWindow` is a run of sample slots: the clock, the inputs, each output's expected (reference) and
actual (design) values, and which slots the comparison marks as differing. It comes from a testbench's VCD
(`window_from_samples`) or from a formal counterexample (`window_from_trace`). Both pictures are drawn from
the same window, so the text and the SVG agree: one marker per differing sample, buses in hex, clocks as
square waves, and a gap mark where earlier or later samples were cut.

The SVG is WaveDrom's (the `wavedrom` package on PyPI renders WaveDrom JSON), imported when one is drawn.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from rtlsmith.errors import UsageError
from rtlsmith.formal.cex import Trace, bits_match
from rtlsmith.pictures.vcd_samples import INSTALL_HINT, Samples

BEFORE = 4  # samples shown before the first mismatch
AFTER = 15  # and after it
MARK = "≠"  # the label of each marker in the SVG
SLOT_PX = 40  # WaveDrom's width of one slot at hscale 1


@dataclass(frozen=True)
class WaveRow:
    """One signal over the window: binary values (MSB first), one per slot."""

    name: str
    width: int
    values: tuple[str, ...]


@dataclass(frozen=True)
class WaveWindow:
    """Slots around a first mismatch; `differing[i]` names the outputs that differ in slot i."""

    title: str
    labels: tuple[str, ...]  # what each slot is: a time or a cycle number
    clock: tuple[str, ...] | None  # the clock's level during each slot ('p': a whole cycle); None: no clock
    inputs: tuple[WaveRow, ...]
    expected: tuple[WaveRow, ...]
    actual: tuple[WaveRow, ...]
    differing: tuple[tuple[str, ...], ...]
    cut_before: int = 0  # samples before the window not shown
    cut_after: int = 0  # samples after it not shown
    note: str = ""
    label_name: str = "t"  # what the labels are: "t (ps)", "cycle", "step"
    outputs: tuple[WaveRow, ...] = ()  # outputs with no expected value (a property's trace): drawn once
    marker: str = "mismatch"  # the name of the row that marks the slots in `differing`

    @property
    def slots(self) -> int:
        return len(self.labels)

    def marked(self) -> tuple[int, ...]:
        """The slots with a marker: those where any output differs."""
        return tuple(i for i, names in enumerate(self.differing) if names)


def hex_value(bits: str) -> str:
    """A bus value in hex digits, MSB first; a nibble that is all x (z) is `x` (`z`), a mixed one `?`."""
    if len(bits) <= 1:
        return bits
    padded = bits.rjust((len(bits) + 3) // 4 * 4, "0" if bits[0] in "01" else bits[0])
    out = []
    for i in range(0, len(padded), 4):
        nib = padded[i : i + 4]
        if set(nib) <= {"0", "1"}:
            out.append(f"{int(nib, 2):x}")
        elif set(nib) == {"x"}:
            out.append("x")
        elif set(nib) == {"z"}:
            out.append("z")
        else:
            out.append("?")
    return "".join(out)


def window_from_samples(
    samples: Samples, before: int = BEFORE, after: int = AFTER, title: str = ""
) -> WaveWindow | None:
    """The window from `before` samples ahead of the first mismatch to `after` samples past it; None when
    no sample differs."""
    bad = samples.differing()
    if not bad:
        return None
    start = max(0, bad[0] - before)
    end = min(len(samples.times), bad[0] + after + 1)
    span = range(start, end)
    unit = samples.timescale
    first_t = samples.times[bad[0]]
    return WaveWindow(
        title=title or f"first mismatch at t={first_t}{unit}",
        labels=tuple(str(samples.times[i]) for i in span),
        # A slot ends at the edge where it was sampled: the clock is low during a slot a rising edge ends.
        clock=tuple({"1": "0", "0": "1"}.get(samples.clock[i], samples.clock[i]) for i in span)
        if any(samples.clock)
        else None,
        inputs=tuple(WaveRow(n, w, tuple(v[i] for i in span)) for n, w, v in samples.inputs),
        expected=tuple(WaveRow(n, w, tuple(e[i] for i in span)) for n, w, e, _ in samples.outputs),
        actual=tuple(WaveRow(n, w, tuple(a[i] for i in span)) for n, w, _, a in samples.outputs),
        differing=tuple(samples.differs(i) for i in span),
        cut_before=start,
        cut_after=len(samples.times) - end,
        note=f"{len(bad)} of {len(samples.times)} samples differ; "
        + (
            "each slot ends at the clock edge where it was sampled"
            if set(samples.clock) & {"0", "1"}
            else "one slot per checked vector"
        ),
        label_name=f"t ({unit})" if unit else "t",
    )


def window_from_trace(trace: Trace, title: str = "counterexample") -> WaveWindow:
    """A formal counterexample as a window: every step, the compared ones marked where outputs differ."""
    inputs = [n for n in trace.input_names() if n != trace.clock]
    outputs = trace.output_names()

    def width(values: list[str]) -> int:
        return max((len(v) for v in values), default=1)

    def row(name: str, get: Any) -> WaveRow:
        values = [get(s).get(name, "") or "x" for s in trace.samples]
        w = width(values)
        return WaveRow(name, w, tuple(v.rjust(w, "0") for v in values))

    clock: tuple[str, ...] | None = None
    if trace.mode == "step" and trace.clock:
        clock = tuple((s.inputs.get(trace.clock, "x") or "x")[-1:] for s in trace.samples)
    elif trace.mode == "cycle" and trace.clock:
        clock = tuple("p" for _ in trace.samples)  # one full cycle per step
    differing = tuple(
        tuple(
            o
            for o in outputs
            if s.cycle >= trace.check_from
            and o in s.candidate
            and not bits_match(s.reference.get(o, ""), s.candidate[o])
        )
        for s in trace.samples
    )
    unit = "cycle" if trace.mode == "cycle" else "step"
    return WaveWindow(
        title=title,
        labels=tuple(str(s.cycle) for s in trace.samples),
        clock=clock,
        inputs=tuple(row(n, lambda s: s.inputs) for n in inputs),
        expected=tuple(row(o, lambda s: s.reference) for o in outputs),
        actual=tuple(row(o, lambda s: s.candidate) for o in outputs),
        differing=differing,
        note=f"one slot per {unit}"
        + (
            f"; {unit}s before {trace.check_from} apply reset and are not compared"
            if trace.check_from > 1
            else ""
        ),
        label_name=unit,
    )


def window_from_property_trace(
    steps: list[tuple[int, dict[str, str]]],
    inputs: list[str],
    outputs: list[str],
    clock: str | None,
    title: str = "counterexample",
) -> WaveWindow:
    """A property's counterexample (every port at each step, one step a clock cycle) as a window: inputs,
    then outputs, and the last step (the one whose check fails) marked."""

    def row(name: str) -> WaveRow:
        values = [v.get(name, "") or "x" for _, v in steps]
        w = max((len(v) for v in values), default=1)
        return WaveRow(name, w, tuple(v.rjust(w, "0") for v in values))

    last = len(steps) - 1
    return WaveWindow(
        title=title,
        labels=tuple(str(s) for s, _ in steps),
        clock=tuple("p" for _ in steps) if clock else None,
        inputs=tuple(row(n) for n in inputs if n != clock),
        expected=(),
        actual=(),
        outputs=tuple(row(n) for n in outputs),
        differing=tuple(("fails",) if i == last else () for i in range(len(steps))),
        note="one slot per clock cycle from power-up; marked: the step Yosys reports the failure in "
        "(for a clocked property, one cycle after the cycle that breaks it)"
        if clock
        else "one slot per step; marked: the step Yosys reports the failure in",
        label_name="step",
        marker="fails",
    )


# ------------------------------------------------------------------------------------------------ text


def text_waves(window: WaveWindow) -> str:
    """A compact text waveform: one column per slot, `^` under each differing sample."""
    names = [window.label_name, *(["clk"] if window.clock else [])]
    names += [r.name for r in window.inputs]
    names += [r.name for r in window.outputs]
    names += [f"{r.name} expected" for r in window.expected] + [f"{r.name} actual" for r in window.actual]
    names.append(window.marker)
    rows: list[list[str]] = [list(window.labels)]
    if window.clock:
        rows.append([{"1": "‾", "0": "_", "p": "↑"}.get(c, "?") for c in window.clock])
    for r in (*window.inputs, *window.outputs, *window.expected, *window.actual):
        rows.append([hex_value(v) for v in r.values])
    marks = zip(window.labels, window.differing, strict=True)
    rows.append(["^" * max(1, len(lab)) if d else "" for lab, d in marks])
    widths = [max(len(r[i]) for r in rows) for i in range(window.slots)]
    label_w = max(len(n) for n in names)
    lead = "… " if window.cut_before else ""
    tail = " …" if window.cut_after else ""
    lines = [window.title + (f" ({window.note})" if window.note else "")]
    for name, cells in zip(names, rows, strict=True):
        body = " ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))
        lines.append(f"{name.ljust(label_w)}  {lead:2}{body}{tail}".rstrip())
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- WaveDrom


def _wave(values: tuple[str, ...], width: int, hot: tuple[bool, ...]) -> tuple[str, list[str]]:
    """WaveDrom wave characters and data labels for one row; `hot` slots get the marker colour."""
    chars: list[str] = []
    data: list[str] = []
    previous: tuple[str, bool] | None = None
    for value, red in zip(values, hot, strict=True):
        key = (value, red and width > 1)  # a 1-bit row is not coloured: the marker row marks it
        if key == previous:
            chars.append(".")
            continue
        previous = key
        if width == 1:
            chars.append(value if value in ("0", "1", "x", "z") else "x")
        elif set(value) == {"x"}:
            chars.append("x")
        elif set(value) == {"z"}:
            chars.append("z")
        else:
            chars.append("9" if red else "=")
            data.append(hex_value(value))
    return "".join(chars), data


def _clock_wave(levels: tuple[str, ...]) -> str:
    if all(c == "p" for c in levels):
        return "p" + "." * (len(levels) - 1)
    out, previous = [], ""
    for c in levels:
        ch = {"1": "h", "0": "l"}.get(c, "x")
        out.append("." if ch == previous else ch)
        previous = ch
    return "".join(out)


def wavedrom_json(window: WaveWindow) -> dict[str, Any]:
    """The window in WaveDrom's JSON format (https://wavedrom.com/tutorial.html)."""
    lead = "|" if window.cut_before else ""
    tail = "|" if window.cut_after else ""
    cold = tuple(False for _ in range(window.slots))
    signals: list[Any] = [
        {"name": window.label_name, "wave": lead + "=" * window.slots + tail, "data": list(window.labels)}
    ]
    if window.clock:
        signals.append({"name": "clk", "wave": lead + _clock_wave(window.clock) + tail})

    def entry(name: str, r: WaveRow, hot: tuple[bool, ...]) -> dict[str, Any]:
        wave, data = _wave(r.values, r.width, hot)
        out: dict[str, Any] = {"name": name, "wave": lead + wave + tail}
        if data:
            out["data"] = data
        return out

    signals += [entry(r.name, r, cold) for r in (*window.inputs, *window.outputs)]
    for exp, act in zip(window.expected, window.actual, strict=True):
        hot = tuple(exp.name in d for d in window.differing)
        signals.append(entry(f"{exp.name} expected", exp, cold))
        signals.append(entry(f"{act.name} actual", act, hot))
    marks = [("9" if d else "0") for d in window.differing]
    marker = "".join(m if m == "9" or i == 0 or marks[i - 1] != m else "." for i, m in enumerate(marks))
    mark = MARK if window.marker == "mismatch" else "✗"
    signals.append({"name": window.marker, "wave": lead + marker + tail, "data": [mark] * marks.count("9")})
    foot = window.note
    if window.cut_before or window.cut_after:
        foot += f"; not shown: {window.cut_before} samples before, {window.cut_after} after"
    # WaveDrom sizes the picture by its slots (40 px each) and clips a longer head or foot: a short window
    # (a one-cycle counterexample) gets wider slots so its texts fit (about 6.5 px a character).
    needed = 6.5 * max(len(foot), len(window.title)) + 20  # head and foot are centred over the slots
    hscale = max(1, min(16, math.ceil(needed / (SLOT_PX * max(1, window.slots + bool(lead) + bool(tail))))))
    return {
        "signal": signals,
        "head": {"text": window.title},
        "foot": {"text": foot},
        "config": {"hscale": hscale},
    }


def render_svg(source: dict[str, Any]) -> str:
    """WaveDrom JSON rendered to SVG text by the `wavedrom` package."""
    try:
        import wavedrom
    except ImportError as exc:
        raise UsageError(f"drawing waveforms needs wavedrom: {INSTALL_HINT}") from exc
    drawing = wavedrom.render(json.dumps(source))
    svg: str = drawing.tostring()
    return svg


def window_svg(window: WaveWindow) -> str:
    return render_svg(wavedrom_json(window))


def trace_from_record(record: dict[str, Any]) -> Trace:
    """A counterexample back from its stored record (`Trace.record()`), to draw it in a report."""
    from rtlsmith.formal.cex import Sample

    samples = tuple(
        Sample(int(s["cycle"]), dict(s["inputs"]), dict(s["reference"]), dict(s["candidate"]))
        for s in record.get("samples", [])
    )
    return Trace(
        samples,
        mode=record.get("mode", "cycle"),
        clock=record.get("clock"),
        edge=record.get("edge", "posedge"),
        check_from=int(record.get("check_from", 1)),
        values_from=record.get("values_from", "sat"),
    )
