"""`rtlsmith doctor`: the findings of `rtlsmith.doctor.diagnose` as a report or JSON; exit 1 when judging
cannot work."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from rtlsmith.doctor import diagnose


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--no-sandbox", is_flag=True, help="Skip the end-to-end runs through the sandbox (about 5 s).")
def doctor_cmd(as_json: bool, no_sandbox: bool) -> None:
    """Check that this machine can judge and design: tools, sandbox, embedded models, datasets.

    Each tool is found and asked its version; the sandbox is tried for real by judging a bundled reference
    with Icarus and Verilator and proving it equivalent to itself with Yosys. Anything missing comes with the
    command that fixes it. Exits 1 when something required (Icarus, judging in the sandbox) is broken.

    \b
    Example:
      rtlsmith doctor
    """
    findings = diagnose(sandbox=not no_sandbox)
    broken = [f for f in findings if f.required and not f.ok]
    if as_json:
        click.echo(json.dumps({"ok": not broken, "findings": [asdict(f) for f in findings]}, indent=2))
    else:
        area_width = max(len(f.area) for f in findings)
        name_width = max(len(f.name) for f in findings)
        for f in findings:
            mark = "ok" if f.ok else ("FAIL" if f.required else "--")
            color = "green" if f.ok else ("red" if f.required else "yellow")
            label = click.style(f"{mark:<4}", fg=color)
            click.echo(f"{label} {f.area:<{area_width}} {f.name:<{name_width}}  {f.detail}")
            if f.fix:
                click.echo(f"{'':<{6 + area_width + name_width}}fix: {f.fix}")
        click.echo("ready" if not broken else f"not ready: {', '.join(f.name for f in broken)}")
    if broken:
        raise SystemExit(1)
