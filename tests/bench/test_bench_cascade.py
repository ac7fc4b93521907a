"""A bench whose smith agent escalates from a cheap model to a stronger one: the run's identity, per-model
usage stored with each result, the per-model metrics and report, and clear errors for settings that cannot
escalate."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from bench_helpers import ANSWERS, bundled_tasks, needs_iverilog, subprocess_env

from rtlsmith.bench import BenchConfig, BenchRequest, BenchStore, run_bench
from rtlsmith.bench.config import default_run_id, identity
from rtlsmith.bench.metrics import compute, model_stats
from rtlsmith.bench.report import html_report, model_rows
from rtlsmith.bench.store import _SCHEMA, SCHEMA_VERSION, ResultRow
from rtlsmith.cli.tables import models_table
from rtlsmith.errors import UsageError

SMITH = {
    "write_trace": False, "decompose": "never", "escalate_after": 1, "max_iterations": 6,
    "retry_temperature": 0.0,  # the replay answers are fixed: a fresh-design retry would only add a call
}  # fmt: skip


def _samples(path: Path, answers: dict[str, str]) -> Path:
    """A replay file: one completion per task, of the kind named in `answers` (task id -> "ref"/"wrong")."""
    tasks = {t.id: t for t in bundled_tasks(3)}
    with path.open("w") as fh:
        for tid, kind in answers.items():
            fh.write(json.dumps({"task_id": tid, "completion": ANSWERS[kind](tasks[tid])}) + "\n")
    return path


def test_one_model_keeps_its_identity_and_a_cascade_is_a_different_run() -> None:
    single = BenchConfig(suite_spec="bundled", model_spec="embedded", agent="smith")
    cascade = BenchConfig(
        suite_spec="bundled", model_spec="embedded", agent="smith", escalation=("scripted",)
    )
    one, two = identity(single, "bundled", "h"), identity(cascade, "bundled", "h")
    assert "escalation" not in one["model"]  # runs stored before cascades existed still resume
    assert two["model"]["escalation"] == [{"spec": "scripted", "fingerprint": None}]
    assert default_run_id(one) != default_run_id(two) and ".cascade2" in default_run_id(two)
    assert cascade.model_specs == ("embedded", "scripted")


@needs_iverilog
def test_a_cascade_bench_records_each_models_calls_and_where_each_sample_ended(tmp_path: Path) -> None:
    tasks = bundled_tasks(3)
    first, second = tasks[0].id, tasks[1].id
    # The cheap model solves the first task and gets the second wrong; the strong one solves both.
    cheap = _samples(tmp_path / "cheap.jsonl", {first: "ref", second: "wrong"})
    strong = _samples(tmp_path / "strong.jsonl", {first: "ref", second: "ref"})
    config = BenchConfig(
        suite_spec="bundled", model_spec=f"replay:{cheap}", escalation=(f"replay:{strong}",),
        agent="smith", agent_config=SMITH,
    )  # fmt: skip
    request = BenchRequest(config, samples=1, jobs=2, task_ids=[first, second], command_line="test")
    with BenchStore(tmp_path / "b.sqlite") as store:
        outcome = run_bench(request, store)
        assert outcome.status == "done", outcome.errors
        rows = {r.task_id: r for r in store.results(outcome.run.run_id)}
        run = outcome.run
    assert run.model_id == "replay:cheap.jsonl > replay:strong.jsonl"
    assert " > " in run.model_spec and run.model_settings["escalate_after"] == 1
    assert rows[first].passed and rows[second].passed
    direct, escalated = rows[first].usage, rows[second].usage
    assert [u["model_id"] for u in direct] == ["replay:cheap.jsonl", "replay:strong.jsonl"]
    assert direct[0]["calls"] == 1 and direct[1]["calls"] == 0
    assert escalated[0]["calls"] == 2 and escalated[1]["calls"] >= 1  # draft + one failed repair, then up
    assert all(u["cost_usd"] == 0.0 for u in direct + escalated)  # replay answers are free
    m = compute(list(rows.values()), {t: ("", ()) for t in rows})
    assert m.escalated_samples == 1
    cheap_stats, strong_stats = m.models
    assert (cheap_stats.samples, cheap_stats.calls, cheap_stats.finished, cheap_stats.passed) == (2, 3, 1, 1)
    assert (strong_stats.samples, strong_stats.finished, strong_stats.passed) == (1, 1, 1)
    table = models_table(m)
    assert "1 of 2 samples escalated" in str(table.title)
    page = html_report(run, m, [])
    assert "<h2>Models</h2>" in page and "1. replay:cheap.jsonl" in page and "2. replay:strong.jsonl" in page


@pytest.mark.parametrize("version", [1, 2])  # 2: a database written before formal_json was added
def test_results_stored_before_per_model_usage_still_have_a_model_row(tmp_path: Path, version: int) -> None:
    db = tmp_path / "old.sqlite"
    old_schema = "\n".join(
        line
        for line in _SCHEMA.splitlines()
        if not any(c in line for c in ("usage_json", "formal_json", "ppa_json"))
    )
    with sqlite3.connect(db) as con:
        con.executescript(old_schema)
        con.execute(f"PRAGMA user_version={version}")
        con.execute(
            "INSERT INTO runs VALUES ('r', 'now', 'cmd', 'h', '{}', 's', 'bundled', 'sh', 'm1', 'm1', '{}', "
            "'smith', '{}', 'honest', '{}', '{}', '0', 0, '{}')"
        )
        con.execute(
            "INSERT INTO results (run_id, task_id, sample_idx, created, task_hash, prompt_hash, seed, "
            "model_id, mode, final_code, code_hash, passed, failure_class, verdict_json, judge_cached, "
            "judge_time_s, stop_reason, checks_kind, iterations, prompt_tokens, completion_tokens, "
            "cost_usd, wall_s, model_time_s, tool_time_s) "
            "VALUES ('r', 't', 0, 'now', 'h', 'p', 0, 'm1', 'honest', '', 'c', 1, '.', '{}', 0, 0.1, "
            "'passed', 'none', 2, 100, 50, NULL, 1.0, 0.5, 0.1)"
        )
    with BenchStore(db) as store:  # opening it adds the column
        (row,) = store.results("r")
        assert row.usage == () and row.formal is None and row.ppa is None
        assert int(store._db.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION
    (stats,) = model_stats([row])
    got = (stats.model_id, stats.calls, stats.tokens, stats.cost_usd, stats.passed)
    assert got == ("m1", 2, 150, None, 1)


def test_a_sample_that_called_no_model_ends_on_none() -> None:
    row = ResultRow(
        run_id="r", task_id="t", sample_idx=0, task_hash="h", prompt_hash="", seed=0, model_id="none",
        mode="honest", final_code="", code_hash="", passed=False, failure_class="S", mismatches=None,
        verdict={}, judge_cached=False, judge_time_s=0.0, passed_public=None, stop_reason="declined",
        checks_kind="none", iterations=0, prompt_tokens=0, completion_tokens=0, cost_usd=None, wall_s=0.1,
        model_time_s=0.0, tool_time_s=0.0, trace_path=None,
    )  # fmt: skip
    assert model_stats([row]) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--agent", "oneshot", "--escalate-to", "scripted"], "--escalate-to needs --agent smith"),
        (["--agent", "smith", "--escalate-after", "2"], "--escalate-after needs at least one --escalate-to"),
    ],
)
def test_settings_that_cannot_escalate_are_refused_with_a_clear_error(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    argv = [sys.executable, "-m", "rtlsmith.cli", "bench", "--model", "scripted", "--db",
            str(tmp_path / "b.sqlite"), "--limit", "1", *extra]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, env=subprocess_env(tmp_path), timeout=120)
    assert done.returncode != 0 and message in done.stderr, done.stderr
    assert not (tmp_path / "b.sqlite").exists() or "runs" not in done.stdout


def test_the_bench_agent_refuses_a_cascade_for_an_agent_that_never_repairs() -> None:
    from rtlsmith.bench.agents import LlmAgent

    config = BenchConfig(suite_spec="bundled", model_spec="scripted", escalation=("scripted",))
    with pytest.raises(UsageError, match="needs --agent smith"):
        LlmAgent(config)


@needs_iverilog
def test_a_hybrid_bench_shows_the_samples_that_needed_no_model(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    table = "Implement this truth table.\n\n  a | b | y\n  --+---+--\n"
    table += "  0 | 0 | 0\n  0 | 1 | 1\n  1 | 0 | 1\n  1 | 1 | 0\n"
    for name, description, op in (("xor_table", table, "^"), ("and_prose", "Drive y with a AND b.", "&")):
        d = suite / name
        d.mkdir(parents=True)
        d.joinpath("task.toml").write_text(
            f"description = '''{description}'''\n"
            'interface = "module TopModule (input a, input b, output y);"\n'
            '[public]\nvectors = [ { in = { a = "1", b = "1" }, out = { y = "'
            + ("0" if op == "^" else "1")
            + '" } } ]\n'
        )
        d.joinpath("ref.sv").write_text(
            f"module RefModule (input a, input b, output y);\n  assign y = a {op} b;\nendmodule\n"
        )
        d.joinpath("test.sv").write_text(
            "module tb; reg a, b; wire yr, yd; integer e = 0, n = 0, i;\n"
            "  RefModule r (.a(a), .b(b), .y(yr)); TopModule t (.a(a), .b(b), .y(yd));\n"
            "  initial begin for (i = 0; i < 4; i = i + 1) begin {a, b} = i; #1 n = n + 1;"
            " if (yr !== yd) e = e + 1; end\n"
            '  $display("Mismatches: %0d in %0d samples", e, n); $finish; end\nendmodule\n'
        )
    answers = tmp_path / "answers.jsonl"
    design = "module TopModule (input a, input b, output y);\n  assign y = a & b;\nendmodule\n"
    answers.write_text(json.dumps({"task_id": "and_prose", "completion": design}) + "\n")
    config = BenchConfig(
        suite_spec=f"native:{suite}", model_spec=f"replay:{answers}", agent="hybrid", agent_config=SMITH
    )
    with BenchStore(tmp_path / "b.sqlite") as store:
        outcome = run_bench(BenchRequest(config, jobs=2, command_line="test"), store)
        assert outcome.status == "done", outcome.errors
        rows = {r.task_id: r for r in store.results(outcome.run.run_id)}
    assert rows["xor_table"].passed and rows["xor_table"].model_id == "none"
    assert rows["and_prose"].passed and rows["and_prose"].model_id == "replay:answers.jsonl"
    # The hybrid's route is stored with each sample, in the column a routed bench writes its route to.
    assert rows["xor_table"].route == {"router": "hybrid", "tier": "symbolic"}
    assert rows["and_prose"].route == {"router": "hybrid", "tier": "free"}
    with sqlite3.connect(tmp_path / "b.sqlite") as con:
        (text,) = con.execute("SELECT route_json FROM results WHERE task_id = 'xor_table'").fetchone()
    assert json.loads(text) == {"router": "hybrid", "tier": "symbolic"}
    m = compute(list(rows.values()), {t: ("", ()) for t in rows})
    assert m.no_model == (1, 1) and [s.finished for s in m.models] == [1]
    assert [row[0] for row in model_rows(m)] == ["0. no model call", "1. replay:answers.jsonl"]
    assert model_rows(m)[0][-1] == "50.0%" and model_rows(m)[1][-1] == "100.0%"  # cumulative pass rate
    assert "1 called no model" in str(models_table(m).title)


def test_an_agent_whose_behaviour_changed_is_a_new_run() -> None:
    from rtlsmith.bench.config import AGENT_REVISIONS

    smith = identity(BenchConfig(suite_spec="bundled", model_spec="m", agent="smith"), "s", "h")
    symbolic = identity(BenchConfig(suite_spec="bundled", model_spec="m", agent="symbolic"), "s", "h")
    assert smith["agent"]["revision"] == AGENT_REVISIONS["smith"] >= 2
    assert "revision" not in symbolic["agent"]  # unchanged agents keep the identity they had
