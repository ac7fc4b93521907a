"""`rtlsmith doctor`: real tools found and run through the sandbox; a missing tool named with its fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from rtlsmith.cli import main
from rtlsmith.tools import toolchain


def _doctor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rtlsmith.cli", "doctor", *args],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip


@pytest.mark.skipif(
    not toolchain.have("iverilog"), reason="needs Icarus Verilog (apt-get install -y iverilog)"
)
def test_doctor_judges_a_reference_through_the_sandbox() -> None:
    result = CliRunner().invoke(main, ["doctor", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] is True
    by_name = {f["name"]: f for f in report["findings"]}
    assert by_name["iverilog"]["ok"] and "Icarus Verilog" in by_name["iverilog"]["detail"]
    assert by_name["icarus in the sandbox"]["ok"], by_name["icarus in the sandbox"]
    if toolchain.have("yosys"):
        assert by_name["yosys in the sandbox"]["ok"], by_name["yosys in the sandbox"]
    assert any(f["area"] == "model" for f in report["findings"])


def test_doctor_names_a_missing_simulator_and_its_fix(tmp_path: os.PathLike[str]) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # nothing on PATH: no iverilog, vvp, yosys, bwrap
    proc = _doctor("--json", env=env)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["ok"] is False
    by_name = {f["name"]: f for f in report["findings"]}
    assert by_name["iverilog"] == {**by_name["iverilog"], "ok": False, "required": True}
    assert by_name["iverilog"]["fix"] == "apt-get install -y iverilog"
    assert not by_name["icarus in the sandbox"]["ok"]
    assert not by_name["isolation"]["ok"] and "bubblewrap" in by_name["isolation"]["fix"]


def test_doctor_text_report_and_help() -> None:
    result = CliRunner().invoke(main, ["doctor", "--no-sandbox"])
    assert "embedded:smollm2" in result.output
    last = result.output.rstrip().splitlines()[-1]
    assert last == "ready" or last.startswith("not ready: ")
    assert "Example" in CliRunner().invoke(main, ["doctor", "--help"]).output
