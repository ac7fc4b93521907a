"""`rtlsmith fsm` (state diagrams, and the difference from a reference) and `rtlsmith schematic`."""

from __future__ import annotations

import re
from pathlib import Path

import click

from rtlsmith.errors import UsageError
from rtlsmith.suites.files import read_text

_MODULE = re.compile(r"^\s*module\s+([A-Za-z_][A-Za-z0-9_$]*)", re.M)
SUITE_HELP = "Suite of --task (bundled, verilog-eval-v2:PATH, ...)."


def _top(source: str, given: str | None, path: Path) -> str:
    if given:
        return given
    names = _MODULE.findall(re.sub(r"//[^\n]*|/\*.*?\*/", " ", source, flags=re.S))
    if not names:
        raise UsageError(f"{path}: no module found")
    return "TopModule" if "TopModule" in names else names[-1]  # the last is usually the top


def _write(path: Path, svg: str, dot: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dot if path.suffix == ".dot" and dot else svg)
    click.echo(f"wrote {path}")


@click.command("fsm")
@click.argument("design", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--top", default=None, help="Module to read (default: TopModule, else the last module).")
@click.option("--task", "task_id", default=None, help="Compare with this task's reference.")
@click.option("--suite", "suite_spec", default="bundled", show_default=True, help=SUITE_HELP)
@click.option("--against", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              metavar="REF.sv", help="Compare with this reference design.")  # fmt: skip
@click.option("--state-register", default=None, help="Take this register as the state register.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE.svg", help="Write the diagram (SVG; DOT for a .dot name).")  # fmt: skip
@click.option("--no-isolate", is_flag=True, help="Run Yosys without bubblewrap.")
def fsm_cmd(
    design: Path,
    top: str | None,
    task_id: str | None,
    suite_spec: str,
    against: Path | None,
    state_register: str | None,
    out: Path | None,
    no_isolate: bool,
) -> None:
    """The state machines Yosys extracts from DESIGN, as text and as a state diagram; against a reference,
    the missing, extra and wrong transitions (exit 1 when there are any).

    \b
    Examples:
      rtlsmith fsm lock.sv -o lock.svg
      rtlsmith fsm lock.sv --task lock_fsm -o lock-diff.svg
      rtlsmith fsm mine.sv --against theirs.sv
    """
    from rtlsmith.formal.fsm import diff_fsm, extract_fsms
    from rtlsmith.pictures.fsm_dot import diff_dot, fsm_dot, too_big
    from rtlsmith.pictures.graphviz import dot_svg

    if task_id and against:
        raise UsageError("give --task or --against, not both")
    source = read_text(design, "design file", error=UsageError)
    found = extract_fsms(
        source, _top(source, top, design), state_register=state_register, isolate=not no_isolate
    )
    if found.error:
        raise UsageError(f"{design}: {found.error}")
    machine = found.main()
    if machine is None:
        why = "; ".join(found.notes) or "Yosys found no state register"
        raise UsageError(f"{design}: no state machine found ({why})")
    click.echo(machine.summary())
    for note in found.notes:
        click.echo(f"note: {note}")
    reference_source, reference_name = "", ""
    if task_id:
        from rtlsmith.scoring.samples import reference_completion
        from rtlsmith.suites import load_suite

        reference_source = reference_completion(load_suite(suite_spec).get(task_id))
        reference_name = f"the reference of {task_id}"
    elif against is not None:
        reference_source = read_text(against, "reference file", error=UsageError)
        reference_name = str(against)
    if not reference_source:
        if out is not None:
            if too_big(machine):
                raise UsageError(too_big(machine))
            dot = fsm_dot(machine)
            _write(out, dot_svg(dot), dot)
        return
    ref_found = extract_fsms(
        reference_source,
        _top(reference_source, None, against or design),
        state_register=state_register,
        isolate=not no_isolate,
    )
    reference = ref_found.main()
    if ref_found.error or reference is None:
        why = ref_found.error or "; ".join(ref_found.notes) or "no state register"
        raise UsageError(f"no state machine found in {reference_name} ({why})")
    diff = diff_fsm(reference, machine)
    click.echo(f"\nagainst {reference_name}:")
    click.echo(diff.summary())
    if out is not None:
        if too_big(reference):
            raise UsageError(too_big(reference))
        dot = diff_dot(reference, diff, title=f"{design.name} against {reference_name}")
        _write(out, dot_svg(dot), dot)
    raise SystemExit(0 if diff.equivalent else 1)


@click.command("schematic")
@click.argument("design", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--top", default=None, help="Module to draw (default: TopModule, else the last module).")
@click.option("--gates", is_flag=True, help="Gates after synthesis (default: RTL cells).")
@click.option("--max-cells", type=click.IntRange(min=1), default=None,
              help="Draw nothing above this many cells (default 60).")  # fmt: skip
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              metavar="FILE.svg", help="Where to write the schematic.")  # fmt: skip
@click.option("--no-isolate", is_flag=True, help="Run Yosys without bubblewrap.")
def schematic_cmd(
    design: Path, top: str | None, gates: bool, max_cells: int | None, out: Path, no_isolate: bool
) -> None:
    """A schematic of a small design: Yosys `show` laid out by Graphviz; none above the cell limit.

    \b
    Examples:
      rtlsmith schematic mux.sv -o mux.svg
      rtlsmith schematic mux.sv --gates -o mux-gates.svg
    """
    from rtlsmith.pictures.schematic import MAX_CELLS, schematic

    source = read_text(design, "design file", error=UsageError)
    drawn = schematic(
        source,
        _top(source, top, design),
        level="gates" if gates else "rtl",
        max_cells=max_cells or MAX_CELLS,
        isolate=not no_isolate,
    )
    if not drawn.svg:
        raise UsageError(f"{design}: no schematic: {drawn.reason}")
    _write(out, drawn.svg)
    click.echo(f"{drawn.cells} cells")
