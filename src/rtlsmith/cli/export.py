"""`rtlsmith export`: stored bench runs as training data (SFT, preference and repair pairs, agent traces)."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from rtlsmith.bench.export import KINDS, ExportRequest, HoldOut, export
from rtlsmith.cli.bench import db_option
from rtlsmith.llm import get_model


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("runs", nargs=-1, required=True)
@click.option(
    "-o", "--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="File to write: JSON lines, or Parquet when it ends in .parquet (needs pyarrow). A manifest is "
    "written next to it as FILE.manifest.json.",
)  # fmt: skip
@db_option
@click.option(
    "--hold-out", "hold_out", default="", metavar="ID,...",
    help="Task ids to leave out (tasks a model trained on this export will later be benched on).",
)  # fmt: skip
@click.option(
    "--hold-out-file", "hold_out_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None, help="File of task hashes to leave out, one per line (# starts a comment).",
)  # fmt: skip
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=1, show_default=True,
    help="Simulations at once while taking the behaviour hashes the export needs (first export of a run).",
)  # fmt: skip
@click.option(
    "--multi-grained", "multi_grained", is_flag=True,
    help="sft: add MG-Verilog's three spec levels (high-level, detailed, block summaries): the suite's "
    "where it has them, else written by --model from the verified design and marked generated:MODEL.",
)  # fmt: skip
@click.option(
    "--model", "model_spec", default=None, metavar="SPEC",
    help="Model that writes the spec levels a suite lacks (with --multi-grained), e.g. openai:NAME.",
)  # fmt: skip
def export_cmd(
    kind: str,
    runs: tuple[str, ...],
    out: Path,
    db_path: Path,
    hold_out: str,
    hold_out_file: Path | None,
    jobs: int,
    multi_grained: bool,
    model_spec: str | None,
) -> None:
    """Export stored bench RUNS (ids or unique prefixes) as training data.

    \b
    KIND is one of:
      sft         (spec, verified design) for every distinct passing design
      preference  (spec, chosen, rejected): a passing and a failing design of one task and
                  run, with the failure class; plus repair pairs read from the traces
                  (failing design + tool feedback -> the design that then passed)
      traces      whole agent episodes, one row per sample (runs made without --no-traces)

    Every row carries its provenance (suite and task hashes, model, agent, mode, simulator
    and version, verdict, code hash, behaviour hash); oracle-mode rows have oracle=true.
    Designs of a task that behave alike (the same outputs on a shared, seeded random
    stimulus) collapse to one row; where no behaviour hash can be taken (no compile), the
    whitespace-normalised text decides (dedup_by says which). The first export of a run
    simulates each distinct design it uses once and stores the hash for later ones. A row
    that quotes a task's hidden testbench or reference is withheld. The file loads with
    datasets.load_dataset("json", data_files=FILE).

    \b
    Example:
      rtlsmith export sft bundled-oneshot --db .rtlsmith/bench.sqlite \\
          --hold-out clk_en_div,lock_fsm -o sft.jsonl
      rtlsmith export sft bundled-oneshot --multi-grained --model openai:qwen2.5-coder \\
          -o sft-mg.jsonl
    """
    if model_spec and not multi_grained:
        raise click.UsageError("--model is only used with --multi-grained")
    request = ExportRequest(
        kind=kind,  # type: ignore[arg-type]  # click.Choice(KINDS) admits only ExportKind values
        runs=runs,
        out=out,
        db=db_path,
        hold_out=HoldOut(
            task_ids=frozenset(t.strip() for t in hold_out.split(",") if t.strip()),
            task_hashes=HoldOut.read_hashes(hold_out_file) if hold_out_file else frozenset(),
        ),
        command_line=_command_line(
            kind, runs, out, db_path, hold_out, hold_out_file, multi_grained, model_spec
        ),
        jobs=jobs,
        multi_grained=multi_grained,
        model=get_model(model_spec) if model_spec else None,
    )
    outcome = export(request)
    m = outcome.manifest
    by_kind = ", ".join(f"{n} {k}" for k, n in sorted(m["rows_by_kind"].items()))
    click.echo(f"wrote {outcome.rows} rows ({by_kind}) to {outcome.path}")
    click.echo(
        f"  {len(m['tasks_included'])} task(s) included, {len(m['tasks_excluded'])} excluded, "
        f"{m['duplicates_collapsed']} duplicate(s) collapsed, {len(m['rows_withheld'])} row(s) withheld "
        "for quoting hidden material"
    )
    b = m["behaviour_hashes"]
    click.echo(
        f"  behaviour hashes: {b['stored_before']} stored before, {b['simulated']} design(s) simulated "
        f"({b['seconds']:.1f} s), {b['unavailable']} sample(s) without one (text hash used)"
    )
    for warning in m["warnings"]:
        click.secho(f"  warning: {warning}", fg="yellow", err=True)
    if "multi_grained" in m:
        g = m["multi_grained"]
        click.echo(
            f"  spec levels: {g['from_suite']} row(s) from the suite alone, {g['generated']} with levels "
            f"written by {g['model_id'] or 'no model'}, {g['failed']} without a usable answer"
        )
    click.echo(f"manifest: {outcome.manifest_path}")


def _command_line(
    kind: str,
    runs: tuple[str, ...],
    out: Path,
    db: Path,
    hold_out: str,
    hold_out_file: Path | None,
    multi_grained: bool = False,
    model_spec: str | None = None,
) -> str:
    """The export as a command that repeats it (built from the parsed options, not from sys.argv)."""
    argv = ["rtlsmith", "export", kind, *runs, "-o", str(out), "--db", str(db)]
    if hold_out:
        argv += ["--hold-out", hold_out]
    if hold_out_file is not None:
        argv += ["--hold-out-file", str(hold_out_file)]
    if multi_grained:
        argv += ["--multi-grained"] + (["--model", model_spec] if model_spec else [])
    return shlex.join(argv)
