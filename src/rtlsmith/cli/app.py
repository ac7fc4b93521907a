"""The rtlsmith command line: one click group, one small module per command family."""

from __future__ import annotations

import sys

import click

from rtlsmith import __version__
from rtlsmith.errors import RtlsmithError


class _Group(click.Group):
    """Turns rtlsmith's own errors into a clear message and exit status 2, without a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except RtlsmithError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rtlsmith")
def main() -> None:
    """rtlsmith: natural-language specs to Verilog proven by real tools, and an honest gym for RTL agents.

    \b
    Examples:
      rtlsmith tasks --suite bundled
      rtlsmith score samples.jsonl --suite verilog-eval-v2:data/dataset_spec-to-rtl -j 2
      rtlsmith check design.sv --task counter4 --suite bundled
    """


def _register() -> None:
    from rtlsmith.cli.scoring import check_cmd, score_cmd, tasks_cmd

    main.add_command(tasks_cmd)
    main.add_command(score_cmd)
    main.add_command(check_cmd)

    from rtlsmith.cli.models import generate_cmd, models_cmd

    main.add_command(models_cmd)
    main.add_command(generate_cmd)

    from rtlsmith.cli.bench import bench_cmd
    from rtlsmith.cli.stored import compare_cmd, report_cmd, runs_cmd

    main.add_command(bench_cmd)
    main.add_command(runs_cmd)
    main.add_command(report_cmd)
    main.add_command(compare_cmd)

    from rtlsmith.cli.export import export_cmd

    main.add_command(export_cmd)

    from rtlsmith.cli.agent import agent_cmd, run_cmd, trace_cmd

    main.add_command(run_cmd)
    main.add_command(trace_cmd)
    main.add_command(agent_cmd)

    from rtlsmith.cli.pictures import fsm_cmd, schematic_cmd

    main.add_command(fsm_cmd)
    main.add_command(schematic_cmd)

    from rtlsmith.cli.assertions import assert_cmd

    main.add_command(assert_cmd)

    from rtlsmith.cli.doctor import doctor_cmd

    main.add_command(doctor_cmd)

    from rtlsmith.cli.routing import route_cmd

    main.add_command(route_cmd)


_register()
