"""`rtlsmith run`'s live view: one line per step, read from the trace as the agent writes it."""

from __future__ import annotations

import json
from pathlib import Path

from agent_helpers import bundled, needs_iverilog, reference_design
from click.testing import CliRunner

from rtlsmith.agent.live import LiveView, step_line
from rtlsmith.cli.agent import run_cmd


def test_live_view_follows_a_growing_trace_and_waits_for_whole_lines(tmp_path: Path) -> None:
    trace = tmp_path / "runs" / "r1" / "trace.jsonl"
    trace.parent.mkdir(parents=True)
    lines: list[str] = []
    view = LiveView(tmp_path / "runs", "r1", lines.append, {"max_iterations": 4, "max_tokens": 1000})
    step = {"kind": "step", "state": "DRAFT", "event": "drafted", "next": "LINT", "iteration": 1,
            "prompt_tokens": 300, "completion_tokens": 100, "model_s": 4.0}  # fmt: skip
    text = json.dumps({"kind": "run"}) + "\n" + json.dumps(step) + "\n"
    trace.write_text(text[:-10])  # the step's line is still being written
    view.poll()
    assert lines == []
    trace.write_text(text)
    view.poll()
    view.poll()  # nothing new: nothing printed twice
    assert len(lines) == 1
    assert "DRAFT" in lines[0] and "drafted -> LINT" in lines[0] and "iteration 1/4" in lines[0]
    assert "100 tokens in 4.0s, 25.0 tok/s" in lines[0] and "600 tokens" in lines[0]  # 1000 - 400 left


def test_step_line_shows_the_tools_verdict_and_note() -> None:
    step = {"state": "TEST", "event": "failed", "next": "REPAIR", "iteration": 2,
            "verdicts": [{"check": "vectors", "summary": "public vectors: fail (Mismatches: 3 in 5)"}],
            "note": "asked for a fresh design"}  # fmt: skip
    line = step_line(step, elapsed_s=12.0, tokens=0, budget={"max_time_s": 60})
    assert "Mismatches: 3 in 5" in line and "asked for a fresh design" in line and "left 48s" in line


@needs_iverilog
def test_run_prints_each_state_live_unless_quiet(tmp_path: Path) -> None:
    task = bundled("counter_updown_load")
    samples = tmp_path / "samples.jsonl"
    samples.write_text(json.dumps({"task_id": task.id, "completion": reference_design(task)}) + "\n")
    args = [task.id, "--model", f"replay:{samples}", "--runs-dir", str(tmp_path / "runs")]
    shown = CliRunner().invoke(run_cmd, args)
    assert shown.exit_code == 0, shown.output
    for state in ("START", "DRAFT", "LINT", "TEST"):
        assert f"{state} " in shown.output
    assert "drafted -> LINT" in shown.output
    quiet = CliRunner().invoke(run_cmd, [*args, "--quiet"])
    assert quiet.exit_code == 0 and "drafted -> LINT" not in quiet.output and "final module" in quiet.output
