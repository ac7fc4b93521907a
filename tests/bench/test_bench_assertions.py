"""`bench --assertions`: per sample a (scripted) model writes properties from the public task, Yosys checks
them on the reference and grades them on the bundled suite's known bugs; the store keeps the counts, the
report shows them, and databases written before the column still open and report."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest
from bench_helpers import reference

from rtlsmith.bench import (
    AssertionSettings,
    BenchConfig,
    BenchRequest,
    BenchStore,
    assertions_step,
    compute,
    run_bench,
)
from rtlsmith.bench.config import identity
from rtlsmith.bench.store import SCHEMA_VERSION
from rtlsmith.llm.base import Message
from rtlsmith.llm.scripted import ScriptedModel
from rtlsmith.suites import bundled_mutants_path, load_suite
from rtlsmith.task import Purpose
from rtlsmith.tools.toolchain import have

needs_tools = pytest.mark.skipif(
    not (have("yosys") and have("iverilog") and have("vvp")),
    reason="Yosys and Icarus Verilog are needed (apt-get install -y yosys iverilog)",
)
MUTANTS = bundled_mutants_path()
TASKS = ("counter_updown_load", "add8_carry")

# True on the reference; catches one of the counter's four elaborating known bugs; one vacuous assert; one
# statement outside the subset, dropped (unsupported, with its line) while the rest is checked.
COUNTER_PROPS = """```systemverilog
  always @* p_tc: assert (tc == (en & ((up & (q == 8'hff)) | (~up & (q == 8'h00)))));
  p_seq: assert property (@(posedge clk) reset ##1 q == 8'd0);
  always @(posedge clk) if (reset && !reset) p_vacuous: assert (q == 8'd7);
```
"""
# Says nothing: true of every design.
TAUTOLOGY = "```systemverilog\n  always @* p_same: assert (sum == sum);\n```\n"


def _answer(messages: Sequence[Message]) -> str:
    return COUNTER_PROPS if "tc" in messages[-1].content.split("module TopModule_props")[-1] else TAUTOLOGY


def _samples(path: Path) -> Path:
    suite = load_suite("bundled")
    lines = [json.dumps({"task_id": t, "completion": reference(suite.get(t))}) for t in TASKS]
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, assertions: bool, samples: int = 1
) -> tuple[Path, str, ScriptedModel]:
    model = ScriptedModel([_answer, _answer])
    monkeypatch.setattr(assertions_step, "property_model", lambda spec: model)
    settings = AssertionSettings() if assertions else None  # a bundled task's known bugs by default
    config = BenchConfig(
        suite_spec="bundled", model_spec=f"replay:{_samples(tmp_path / 's.jsonl')}",
        agent_config={"write_trace": False}, assertions=settings, judge_cache=False,
    )  # fmt: skip
    db = tmp_path / "b.sqlite"
    with BenchStore(db) as store:
        request = BenchRequest(config, samples=samples, jobs=1, command_line="t", task_ids=TASKS)
        outcome = run_bench(request, store)
        assert outcome.status == "done", outcome.errors
    return db, outcome.run.run_id, model


def test_assertion_settings_are_part_of_a_runs_identity_only_when_asked_for() -> None:
    plain = BenchConfig(suite_spec="bundled", model_spec="embedded")
    assert "assertions" not in identity(plain, "bundled", "h")
    asked = BenchConfig(suite_spec="bundled", model_spec="embedded", assertions=AssertionSettings())
    assert identity(asked, "bundled", "h")["assertions"]["max_steps"] == 20


@needs_tools
def test_bench_assertions_stores_counts_and_the_report_shows_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, run_id, model = _run(tmp_path, monkeypatch, assertions=True)
    with BenchStore(db) as store:
        run = store.get_run(run_id)
        assert run is not None
        rows = {r.task_id: r for r in store.results(run.run_id, designs=False)}
        tasks = store.run_tasks(run.run_id)
    counter, adder = rows["counter_updown_load"].assertions, rows["add8_carry"].assertions
    assert counter is not None and adder is not None
    assert counter["asserts"] == 3 and counter["proven"] >= 1 and counter["counterexample"] == 0
    assert counter["vacuous"] == 1 and counter["unsupported"] == 1 and counter["dropped"] == [2]
    assert counter["mutants"] == 4 and counter["killed"] == 1 and counter["kill_rate"] == pytest.approx(0.25)
    assert counter["mutants_from"] == "known" and "p_tc" in counter["text"]
    assert adder["proven"] == 1 and adder["kill_rate"] == 0.0 and adder["says_nothing"]
    assert any("says nothing" in f for f in adder["flags"])
    assert "yosys" in counter["yosys"].lower() and "yosys" in counter["tool_versions"]
    # Honest: the prompts hold the public spec and interface, none of the hidden testbench or reference.
    assert len(model.calls) == 2
    for request in model.calls:
        prompt = "\n".join(m.content for m in request.messages)
        assert "RefModule" not in prompt
        for task_id in TASKS:
            hidden = load_suite("bundled").get(task_id).hidden.unseal(Purpose.SCORING)
            assert hidden.testbench.strip() not in prompt and str(hidden.reference).strip() not in prompt
    from rtlsmith.bench.assertions_report import assertion_summary
    from rtlsmith.cli.tables import assertions_table

    summary = assertion_summary(list(rows.values()))
    assert summary is not None and summary.tasks == 2 and summary.says_nothing == ["add8_carry"]
    assert summary.mean_kill_rate == pytest.approx(0.125)
    table = assertions_table(summary)
    assert "mean kill rate 12%" in str(table.title) and "add8_carry" in str(table.caption)
    m = compute(list(rows.values()), tasks)
    from rtlsmith.bench.report import html_report

    page = html_report(run, m, [])
    assert "<h2>Assertions</h2>" in page and "says nothing" in page and "add8_carry" in page
    assert (
        "<th>properties</th>" in page
        and "0/1 proven" not in page
        and "1/1 proven, kill 0%, says nothing" in page
    )


@needs_tools
def test_a_database_written_before_assertions_opens_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, run_id, _ = _run(tmp_path, monkeypatch, assertions=False)
    with sqlite3.connect(db) as con:  # as schema 4 wrote it: no assertions_json column
        con.execute("ALTER TABLE results DROP COLUMN assertions_json")
        con.execute("PRAGMA user_version=4")
    with BenchStore(db, create=False) as store:
        columns = {str(r[1]) for r in store._db.execute("PRAGMA table_info(results)").fetchall()}
        assert "assertions_json" in columns
        assert int(store._db.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION
        run = store.get_run(run_id)
        assert run is not None
        rows = list(store.results(run.run_id))
        tasks = store.run_tasks(run.run_id)
    assert len(rows) == 2 and all(r.assertions is None for r in rows)
    from rtlsmith.bench.assertions_report import assertion_summary
    from rtlsmith.bench.report import html_report

    assert assertion_summary(rows) is None
    assert "<html" in html_report(run, compute(rows, tasks), []).lower()
    _, resumed, _ = _run(tmp_path, monkeypatch, assertions=False, samples=2)  # resumes the old run
    assert resumed == run_id
    with BenchStore(db, create=False) as store:
        assert len(store.results(run_id)) == 4


@needs_tools
def test_bench_assertions_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from rtlsmith.cli import main

    model, specs = ScriptedModel([_answer, _answer]), list[str]()
    monkeypatch.setattr(assertions_step, "property_model", lambda spec: specs.append(spec) or model)
    samples = _samples(tmp_path / "s.jsonl")
    args = [
        "bench", "--suite", "bundled", "--model", f"replay:{samples}", "--agent", "oneshot", "--samples", "1",
        "-j", "1", "--tasks", ",".join(TASKS), "--db", str(tmp_path / "b.sqlite"), "--no-traces", "--json",
        "--assertion-model", "scripted:props", "--assertions", "--assertion-mutants", str(MUTANTS),
    ]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{") :])["assertions"]
    with BenchStore(tmp_path / "b.sqlite", create=False) as store:
        run_id = store._db.execute("SELECT run_id FROM runs").fetchone()[0]
        assert {r.assertions["mutants_from"] for r in store.results(run_id) if r.assertions} == {"given"}
    assert summary["says_nothing"] == ["add8_carry"] and summary["mean_kill_rate"] == pytest.approx(0.125)
    assert specs == ["scripted:props", "scripted:props"]  # --assertion-model, not the replay file
    without = CliRunner().invoke(main, [*args[:-3], "--assertion-mutants", str(MUTANTS)])
    assert without.exit_code == 2 and "add --assertions" in without.output
