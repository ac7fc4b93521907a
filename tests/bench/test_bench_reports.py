"""Runs in-process, then what a user reads back: the store, `runs`, `report`, `compare`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from bench_helpers import bundled_tasks, needs_iverilog, result_row, write_samples
from click.testing import CliRunner

from rtlsmith.bench import BenchConfig, BenchRequest, BenchStore, check_leaderboard, run_bench
from rtlsmith.bench.leaderboard import sha256
from rtlsmith.cli import main
from rtlsmith.suites import load_suite

TASKS = 4
SAMPLES = 3


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A database with two runs on the same tasks: A answers ref/wrong/syntax in turn, B the reference."""
    if shutil.which("iverilog") is None:
        pytest.skip("Icarus Verilog (iverilog) is not installed: apt-get install -y iverilog")
    tmp = tmp_path_factory.mktemp("bench")
    tasks = bundled_tasks(TASKS)
    db = tmp / "bench.sqlite"
    ids = []
    for name, pattern in (("a", ("ref", "wrong", "syntax")), ("b", ("ref",))):
        samples = write_samples(tmp / f"{name}.jsonl", tasks, pattern)
        config = BenchConfig(
            suite_spec="bundled", model_spec=f"replay:{samples}", agent_config={"write_trace": False}
        )
        request = BenchRequest(
            config,
            samples=SAMPLES,
            jobs=2,
            task_ids=[t.id for t in tasks],
            command_line=f"rtlsmith bench {name}",
        )
        with BenchStore(db) as store:
            outcome = run_bench(request, store)
        assert outcome.status == "done" and outcome.progress.done == TASKS * SAMPLES
        ids.append(outcome.run.run_id)
    return db, ids[0], ids[1]


@needs_iverilog
def test_a_result_carries_its_provenance(two_runs: tuple[Path, str, str]) -> None:
    db, run_a, _ = two_runs
    with BenchStore(db, create=False) as store:
        run = store.require_run(run_a)
        results = store.results(run_a)
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    suite = load_suite("bundled")
    assert run.suite_hash == suite.content_hash() and run.mode == "honest"
    assert run.command_line == "rtlsmith bench a" and run.model_id.startswith("replay:")
    assert run.tool_versions["iverilog"].startswith("Icarus Verilog")
    assert (
        run.identity["agent"]["config"]["temperature"] == 0.0
    )  # the agent's defaults are part of the identity
    assert len(results) == TASKS * SAMPLES
    for r in results:
        assert r.task_hash == suite.get(r.task_id).content_hash()
        assert r.seed == r.sample_idx and len(r.prompt_hash) == 16
        assert r.verdict["simulator"] == "icarus" and r.verdict["task_id"] == r.task_id
        assert r.final_code.strip().startswith("module TopModule") or "assign y = ;" in r.final_code
    # Sample i of a task answers the task's i-th completion, whatever order the workers ran in.
    assert [r.failure_class for r in results if r.task_id == results[0].task_id][:1] == ["."]


@needs_iverilog
def test_a_stored_result_cannot_be_stored_twice(two_runs: tuple[Path, str, str]) -> None:
    db, run_a, _ = two_runs
    with BenchStore(db) as store:
        first = store.results(run_a)[0]
        assert store.insert_result(replace(first, passed=not first.passed)) is False
        assert store.results(run_a)[0] == first


@needs_iverilog
def test_runs_lists_both_runs(two_runs: tuple[Path, str, str]) -> None:
    db, run_a, run_b = two_runs
    out = CliRunner().invoke(main, ["runs", "--db", str(db), "--json"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert [r["run_id"] for r in rows] == [run_a, run_b]
    assert rows[1]["pass_at_1"] == 1.0 and rows[0]["pass_at_1"] < 1.0
    table = CliRunner().invoke(main, ["runs", "--db", str(db)], terminal_width=80).output
    assert run_a in table and run_b in table  # whole ids, never cut short, even in 80 columns


@needs_iverilog
def test_compare_shows_flips_and_delta(two_runs: tuple[Path, str, str]) -> None:
    db, run_a, run_b = two_runs
    out = CliRunner().invoke(main, ["compare", run_a, run_b, "--db", str(db), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["common_tasks"] == TASKS and data["pass_to_fail"] == []
    # With 3 samples per task, A passes 1 of 3 on every task (the rotation): all flip to B's 3 of 3.
    assert len(data["fail_to_pass"]) == TASKS
    assert data["pass_at_1"]["delta"] == pytest.approx(1 - 1 / 3)
    text = CliRunner().invoke(main, ["compare", run_a, run_b, "--db", str(db)])
    assert "fail→pass" in text.output and "delta +66.7 points" in text.output


@needs_iverilog
def test_leaderboard_record_verifies_and_catches_tampering(
    two_runs: tuple[Path, str, str], tmp_path: Path
) -> None:
    db, run_a, _ = two_runs
    out_json, out_samples = tmp_path / "lb.json", tmp_path / "designs.jsonl"
    res = CliRunner().invoke(
        main, ["report", run_a, "--db", str(db), "--json", str(out_json), "--samples", str(out_samples)]
    )
    assert res.exit_code == 0, res.output
    record = json.loads(out_json.read_text())
    suite = load_suite("bundled")
    assert check_leaderboard(record, suite) == []
    assert record["suite"]["hash"] == suite.content_hash() and record["command_line"] == "rtlsmith bench a"
    assert record["pass_at_k"]["1"] == pytest.approx(1 / 3) and record["pass_at_k"]["5"] is None
    designs = [json.loads(line) for line in out_samples.read_text().splitlines()]
    by_key = {(d["task_id"], d["sample_idx"]): sha256(d["completion"]) for d in designs}
    for tid, t in record["per_task"].items():
        for s in t["samples"]:
            assert by_key[(tid, s["idx"])] == s["design_sha256"]
    record["per_task"][next(iter(record["per_task"]))]["c"] += 1
    assert any("disagree" in p for p in check_leaderboard(record))


@needs_iverilog
def test_html_report_is_self_contained_with_its_plots(
    two_runs: tuple[Path, str, str], tmp_path: Path
) -> None:
    db, run_a, _ = two_runs
    html_path = tmp_path / "report.html"
    res = CliRunner().invoke(main, ["report", run_a, "--db", str(db), "--out", str(html_path)])
    assert res.exit_code == 0, res.output
    html = html_path.read_text()
    assert html.count("<svg") == 3  # replayed answers take one iteration each: no budget curve drawn
    assert "there is no curve to draw" in html
    assert "<script" not in html and not re.search(r"(src|href)=['\"]?https?:", html)
    for title in (
        "Pass rate by category",
        "Failure classes",
        "Cost vs pass rate",
        "Pass rate vs iteration budget",
    ):
        assert title in html
    assert run_a in html and "rtlsmith bench a" in html
    # 3 samples per task: pass@5 and pass@10 are undefined and shown nowhere, never as NaN.
    assert "pass@1" in html and "pass@5" not in html and "pass@10" not in html
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)
    text = CliRunner().invoke(main, ["report", run_a, "--db", str(db)]).output
    assert "pass@1" in text and "pass@5" not in text and not re.search(r"\bnan\b", text, re.IGNORECASE)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@needs_iverilog
@pytest.mark.skipif(_chromium() is None, reason="Chromium is not installed: apt-get install -y chromium")
@pytest.mark.parametrize("width", [1200, 420], ids=["desktop", "phone"])
def test_html_report_renders_in_headless_chromium_without_console_errors(
    two_runs: tuple[Path, str, str], tmp_path: Path, width: int
) -> None:
    db, run_a, _ = two_runs
    html_path, shot = tmp_path / "report.html", tmp_path / f"report-{width}.png"  # kept in the test's output
    assert (
        CliRunner().invoke(main, ["report", run_a, "--db", str(db), "--out", str(html_path)]).exit_code == 0
    )
    argv = [
        str(_chromium()), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
        f"--screenshot={shot}", f"--window-size={width},2000", html_path.as_uri(),
    ]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=90)
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    assert console == [], "\n".join(console)
    assert shot.is_file() and shot.stat().st_size > 20_000  # a rendered page, not a blank one
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_chromium_console_check_would_catch_a_script_error(tmp_path: Path) -> None:
    """The console check above is not vacuous: a page that throws is caught by the same grep."""
    chromium = _chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed: apt-get install -y chromium")
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>throw new Error('broken report')</script></body></html>")
    argv = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
        f"--screenshot={tmp_path / 'bad.png'}", page.as_uri(),
    ]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=90)
    assert any(":CONSOLE" in line and "broken report" in line for line in proc.stderr.splitlines())


def test_oracle_runs_are_marked_in_the_report() -> None:
    from rtlsmith.bench.metrics import compute
    from rtlsmith.bench.report import html_report
    from rtlsmith.bench.store import RunRecord

    run = RunRecord(
        run_id="o", created="now", command_line="rtlsmith bench --oracle-feedback", config_hash="x",
        identity={}, suite_name="s", suite_spec="s", suite_hash="h", model_id="m", model_spec="m",
        model_settings={},
        agent_name="smith", agent_config={}, mode="oracle", judge={}, tool_versions={}, rtlsmith_version="0",
        seed_base=0,
    )  # fmt: skip
    html = html_report(run, compute([result_row("t", 0, True)], {"t": ("h", ())}), [])
    assert "Oracle mode" in html
