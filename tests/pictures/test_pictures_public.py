"""An agent's pictures come from its public checks only: the public vectors testbench, simulated again with a
dump, gives the window; `rtlsmith run` and `rtlsmith trace` show it when the design fails its checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pictures_designs import reference

from rtlsmith.cli.agent import run_cmd, trace_cmd
from rtlsmith.pictures.public_waves import public_window
from rtlsmith.suites import load_suite
from rtlsmith.suites.tbgen import vectors_testbench
from rtlsmith.tools.sandbox import Limits

# counter_updown_load with the terminal count never raised: wrong in exactly one public vector (the third).
NO_TC = reference("counter_updown_load").replace("assign tc = en &", "assign tc = 1'b0 &")


@pytest.mark.needs_iverilog
def test_the_public_window_marks_the_vectors_the_testbench_reported() -> None:
    task = load_suite("bundled").get("counter_updown_load")
    tb = vectors_testbench(task.public.interface, task.public.public.vectors, "clk")
    picture = public_window(NO_TC, "TopModule.sv", tb, "tb", Limits(timeout_s=10), isolate=True)
    window = picture.window
    assert window is not None, picture.reason
    assert window.slots == len(task.public.public.vectors)  # one slot per public vector, nothing hidden
    assert window.marked() == (2,) and window.differing[2] == ("tc",)
    assert [r.name for r in window.expected] == ["q", "tc"]
    assert window.expected[0].values[2] == "11111111" and window.actual[1].values[2] == "0"
    assert window.clock is not None and set(window.clock) == {"p"}


@pytest.mark.needs_iverilog
def test_run_and_trace_show_the_last_failing_public_check(tmp_path: Path) -> None:
    samples = tmp_path / "samples.jsonl"
    samples.write_text(json.dumps({"task_id": "counter_updown_load", "completion": NO_TC}) + "\n")
    runs = tmp_path / "runs"
    args = ["counter_updown_load", "--model", f"replay:{samples}", "--runs-dir", str(runs)]
    result = CliRunner().invoke(run_cmd, [*args, "--max-iterations", "1"])
    assert result.exit_code == 1, result.output
    assert "last failing public check" in result.output and "tc actual" in result.output
    assert "public check (1 of 6 samples differ" in result.output
    shown = CliRunner().invoke(trace_cmd, ["--runs-dir", str(runs)])
    assert shown.exit_code == 0 and "tc expected" in shown.output
