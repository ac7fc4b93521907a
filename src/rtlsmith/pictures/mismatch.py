"""A failing design's waveform window: simulate with a dump, read the samples back, cut the window.

`judged_window` judges a design on a task's testbench with a waveform dump (Icarus) and returns the verdict
with the window around the first mismatch. The testbench is whichever the caller is entitled to: the
hidden one for `check` and reports (scoring), a public one for an agent, whose pictures come from its public
checks only (`window_from_vcd_bytes` on the VCD the public check kept).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from rtlsmith.errors import RtlsmithError
from rtlsmith.pictures.vcd_samples import samples_from_vcd
from rtlsmith.pictures.waves import WaveWindow, text_waves, window_from_samples
from rtlsmith.task import Task
from rtlsmith.tools.judge import JudgeOptions, judge_keeping, waves_file
from rtlsmith.tools.verdict import Verdict


@dataclass(frozen=True)
class MismatchPicture:
    """A window to draw, or why there is none."""

    window: WaveWindow | None
    reason: str = ""  # why there is no window
    vcd: bytes = b""


def window_from_vcd_bytes(data: bytes, title: str = "") -> MismatchPicture:
    """The window of a VerilogEval-style testbench's VCD; a reason instead when it has none to show."""
    samples = samples_from_vcd(data.decode("utf-8", errors="replace"))
    if samples is None:
        return MismatchPicture(None, "the waveform has no clock or no <output>_ref/<output>_dut pairs", data)
    window = window_from_samples(samples, title=title)
    if window is None:
        why = f"no sample differs in the waveform ({len(samples.times)} samples)"
        return MismatchPicture(None, why, data)
    return MismatchPicture(window, "", data)


def judged_window(
    task: Task, completion: str, options: JudgeOptions | None = None
) -> tuple[Verdict, MismatchPicture]:
    """Judge `completion` on the task's testbench with a dump and cut the window around its first mismatch.

    Icarus only (Verilator builds here trace nothing); the verdict is the same as without the dump."""
    options = replace(options or JudgeOptions(), simulator="icarus", waves=True)
    dump = waves_file(task)
    if not dump:
        verdict, _ = judge_keeping(task, completion, (), options)
        return verdict, MismatchPicture(None, f"the testbench of {task.id} writes no waveform")
    verdict, kept = judge_keeping(task, completion, (dump,), options)
    if dump not in kept:
        return verdict, MismatchPicture(None, f"the simulation wrote no {dump} (it did not get that far)")
    return verdict, window_from_vcd_bytes(kept[dump])


def check_pictures(
    task: Task,
    completion: str,
    verdict: Verdict,
    options: JudgeOptions,
    vcd: bytes | None = None,
    svg_path: Path | None = None,
) -> list[str]:
    """What `check` prints about a failing simulation: the text waveform of the first mismatch (from `vcd`
    when it kept one, else from one more simulation with a dump), and where it wrote the SVG (`svg_path`,
    next to `--waves FILE.vcd`). Nothing for a pass or a failure without compared samples."""
    try:
        return _check_pictures(task, completion, verdict, options, vcd, svg_path)
    except RtlsmithError as exc:  # a missing optional library must not hide the verdict
        return [f"no waveform picture: {exc}"]


def _check_pictures(
    task: Task,
    completion: str,
    verdict: Verdict,
    options: JudgeOptions,
    vcd: bytes | None,
    svg_path: Path | None,
) -> list[str]:
    picture: MismatchPicture | None = None
    if vcd is not None:
        picture = window_from_vcd_bytes(vcd)
    elif not verdict.passed and verdict.mismatches and options.simulator == "icarus":
        _, picture = judged_window(task, completion, options)
    if picture is None:
        return []
    lines: list[str] = []
    if picture.window is None:
        if not verdict.passed and verdict.mismatches:
            lines.append(f"no waveform picture: {picture.reason}")
        return lines
    lines.append(text_waves(picture.window))
    if svg_path is not None:
        from rtlsmith.pictures.waves import window_svg

        svg_path.parent.mkdir(parents=True, exist_ok=True)
        svg_path.write_text(window_svg(picture.window))
        lines.append(f"waveform picture: {svg_path}")
    return lines
