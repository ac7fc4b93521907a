"""`rtlsmith assert`: properties from a spec (or a file), checked with Yosys, optionally graded on mutants."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from rtlsmith.assertions.check import PropertyReport, Status, check_properties
from rtlsmith.assertions.grade import Grade, grade_properties
from rtlsmith.assertions.mutate import generated_mutants
from rtlsmith.errors import UsageError
from rtlsmith.task import Interface, PublicTask, Purpose

console = Console()


def _resolve(
    spec: str | None, task_id: str | None, suite: str, interface: str | None
) -> tuple[PublicTask, str | None, str]:
    """The public task, and for a suite task its reference and the reference's top module."""
    from rtlsmith.agent.specfile import load_spec
    from rtlsmith.suites import load_suite

    if task_id is None:
        if spec is None:
            raise UsageError("give a spec file or --task ID (with --suite)")
        return load_spec(spec, interface), None, ""
    task = load_suite(suite).get(task_id)
    hidden = task.hidden.unseal(Purpose.SCORING)
    return task.public, hidden.reference, hidden.reference_top or "RefModule"


def _read(path: str, what: str) -> str:
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"{what} {path!r} does not exist")
    return p.read_text(errors="replace")


def _design_top(source: str, interface: Interface, fallback: str) -> str:
    import re

    names = re.findall(r"\bmodule\s+([A-Za-z_][A-Za-z0-9_$]*)", source)
    if interface.module in names:
        return interface.module
    if fallback in names:
        return fallback
    raise UsageError(f"the design defines no module {interface.module} (found: {', '.join(names) or 'none'})")


def _default_mutants(public: PublicTask, source: str, top: str) -> tuple[dict[str, str], str]:
    """A bundled task's known bugs (shipped in the package), else mutants generated from the design."""
    if public.suite == "bundled":
        from rtlsmith.suites import known_bugs

        known = known_bugs(public.id)
        if known:
            return known, "known"
    return generated_mutants(source, public.interface, top), "generated"


def show_report(report: PropertyReport) -> None:
    if report.error:
        kind = "unsupported" if report.unsupported else "error"
        console.print(f"[red]{kind}[/red]: {report.error}")
    if not report.results:
        return
    table = Table(title=f"properties (bound {report.max_steps} steps)")
    for col in ("property", "line", "status", "depth", "precondition", "text"):
        table.add_column(col)
    for r in report.results:
        reach = {True: "reached", False: "VACUOUS", None: "-"}[r.reachable]
        if r.kind == "cover":
            reach = "-"
        table.add_row(r.name, str(r.line), r.status.value, str(r.depth), reach, r.text[:70])
    console.print(table)
    for r in report.results:
        if r.status is Status.COUNTEREXAMPLE and r.trace is not None:
            console.print(f"\n[bold]{r.name}[/bold] fails (line {r.line}): {r.text}")
            console.print(r.trace.table(), markup=False, highlight=False)


def show_grade(grade: Grade) -> None:
    table = Table(title="mutants")
    table.add_column("mutant")
    table.add_column("caught by")
    for m in grade.mutants:
        table.add_row(
            m.name, ", ".join(m.killed_by) or (f"(not checked: {m.error[:60]})" if m.error else "-")
        )
    console.print(table)
    rate = grade.kill_rate
    console.print(f"kill rate: {'n/a' if rate is None else f'{rate:.0%}'} of {len(grade.graded)} mutants")
    for flag in grade.flags():
        console.print(f"[yellow]flag[/yellow]: {flag}")


def _import_bench(root: str, names: str | None, props: str | None, model: str | None, max_tokens: int,
                  max_steps: int, json_out: str | None, isolate: bool) -> None:  # fmt: skip
    """`--import-bench DIR`: each design's set checked and graded (`rtlsmith.assertions.assertionbench`)."""
    from rtlsmith.assertions.assertionbench import COLUMNS, grade_bench

    out = grade_bench(root, names, props, model, max_tokens=max_tokens, max_steps=max_steps, isolate=isolate)
    table = Table(title=f"AssertionBench-style inputs: {root} (bound {max_steps} steps)")
    for col in ("design", *COLUMNS, "kill rate"):
        table.add_column(col)
    for r in out["designs"]:
        rate = "n/a" if r.get("kill_rate") is None else f"{r['kill_rate']:.0%} of {r['mutants']}"
        error = f" ({r['error'][:50]})" if r.get("error") else ""
        table.add_row(r["design"], *(str(r.get(k, 0)) for k in COLUMNS), rate + error)
    console.print(table)
    if out["unmatched"]:
        console.print(f"assertions for no design here: {', '.join(out['unmatched'])}")
    if json_out:
        Path(json_out).write_text(json.dumps(out, indent=2) + "\n")


def _save_vcds(report: PropertyReport, out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    for r in report.results:
        if r.trace is not None and r.trace.vcd:
            path = out / f"{r.name}.vcd"
            path.write_text(r.trace.vcd)
            saved.append(str(path))
    return saved


@click.command("assert")
@click.argument("spec", required=False)
@click.option("--task", "task_id", help="Task id in --suite (instead of SPEC); its reference is the design.")
@click.option("--suite", default="bundled", show_default=True, help="Suite holding the task.")
@click.option("--interface", type=click.Path(dir_okay=False), help="File with the `module ...;` header.")
@click.option("--design", type=click.Path(dir_okay=False), help="Design to check (default: the reference).")
@click.option("--properties", "props_file", type=click.Path(),
              help="Check these properties instead of asking the model for them.")  # fmt: skip
@click.option("--model", "model_spec", default=None, help="Model spec (default: the embedded model).")
@click.option("--max-tokens", default=768, show_default=True, type=click.IntRange(min=16))
@click.option("--max-steps", default=20, show_default=True, type=click.IntRange(min=1),
              help="Bound of induction and of the counterexample search, in clock cycles.")  # fmt: skip
@click.option("--grade/--no-grade", default=True, show_default=True, help="Grade the set on mutants.")
@click.option("--mutants", "mutants_dir", type=click.Path(file_okay=False),
              help="Directory of mutant designs (*.sv); default: a bundled task's known bugs, else "
              "generated ones.")  # fmt: skip
@click.option("--vcd-dir", default="assert-cex", show_default=True, help="Where counterexample VCDs go.")
@click.option("--save-properties", type=click.Path(dir_okay=False), help="Write the properties used here.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Write the whole result as JSON.")
@click.option("--no-isolate", is_flag=True, help="Do not use bubblewrap (the record says so).")
@click.option("--import-bench", "bench_dir", type=click.Path(file_okay=False),
              help="An AssertionBench-style directory: grade each design's expected assertions (or, with "
              "--model, the model's; with --properties DIR, your DIR/<design>.sv) on mutants of it. "
              "--task NAME picks designs (comma-separated).")  # fmt: skip
def assert_cmd(
    spec: str | None,
    task_id: str | None,
    suite: str,
    interface: str | None,
    design: str | None,
    props_file: str | None,
    model_spec: str | None,
    max_tokens: int,
    max_steps: int,
    grade: bool,
    mutants_dir: str | None,
    vcd_dir: str,
    save_properties: str | None,
    json_out: str | None,
    no_isolate: bool,
    bench_dir: str | None,
) -> None:
    """Write properties for a spec, prove them on a design with Yosys, and grade them on mutants.

    \b
    Examples:
      rtlsmith assert --task counter_updown_load --suite bundled
      rtlsmith assert --task alu8 --properties my_props.sv --max-steps 30
      rtlsmith assert spec.md --interface top.sv --design top.sv --model openai:qwen2.5-coder
      rtlsmith assert --import-bench assertion_data_for_LLM --task arb2 --json arb2.json
    """
    if bench_dir is not None:
        _import_bench(
            bench_dir, task_id, props_file, model_spec, max_tokens, max_steps, json_out, not no_isolate
        )
        return
    public, reference, ref_top = _resolve(spec, task_id, suite, interface)
    if design is not None:
        source = _read(design, "design file")
        top = _design_top(source, public.interface, ref_top)
    elif reference is not None:
        source, top = reference, ref_top
    else:
        raise UsageError("a spec file needs --design FILE (there is no reference to check against)")
    record: dict[str, Any] = {"task": public.id, "design": design or "reference"}
    if props_file is not None:
        props = _read(props_file, "properties file")
        record["properties_from"] = props_file
    else:
        from rtlsmith.assertions.write import write_properties
        from rtlsmith.llm.registry import get_model

        model = get_model(model_spec)
        written = write_properties(model, public, max_tokens=max_tokens)
        props = written.text
        record.update(properties_from=model.model_id, completion_tokens=written.completion_tokens)
    if save_properties:
        Path(save_properties).write_text(props)
    record["properties"] = props
    isolate = not no_isolate
    if grade:
        if mutants_dir is not None:
            mutants = {p.stem: p.read_text() for p in sorted(Path(mutants_dir).glob("*.sv"))}
            if not mutants:
                raise UsageError(f"no *.sv files in {mutants_dir!r}")
            record["mutants_from"] = mutants_dir
        else:
            mutants, record["mutants_from"] = _default_mutants(public, source, top)
        result = grade_properties(
            source, public.interface, props, mutants, reference_top=top, max_steps=max_steps, isolate=isolate
        )
        report = result.reference
        record["grade"] = result.record()
    else:
        report = check_properties(source, public.interface, props, design_top=top, max_steps=max_steps,
                                  isolate=isolate)  # fmt: skip
        record["report"] = report.record()
    show_report(report)
    saved = _save_vcds(report, Path(vcd_dir)) if any(r.trace for r in report.results) else []
    if saved:
        console.print(f"counterexample VCDs: {', '.join(saved)}")
    if grade and report.results:
        show_grade(result)
    if json_out:
        Path(json_out).write_text(json.dumps(record, indent=2) + "\n")
