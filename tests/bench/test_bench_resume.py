"""Resumability through the real command line: kill -9 and Ctrl-C mid-run, then the same command again;
two benches on one database at once."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from bench_helpers import (
    bench_argv,
    bundled_tasks,
    count_results,
    needs_iverilog,
    repo_status,
    stored,
    subprocess_env,
    write_samples,
)
from click.testing import CliRunner, Result

from rtlsmith.bench.runner import claimant_alive
from rtlsmith.bench.store import BenchStore, RunRecord, utc_now
from rtlsmith.cli import main

TASKS = 8
SAMPLES = 6  # 48 items, every one simulated (--no-judge-cache): a few seconds on 2 workers
PATTERN = ("ref", "wrong", "ref", "syntax")


def _start(argv: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        argv, cwd=cwd, env=subprocess_env(cwd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait_for_results(proc: subprocess.Popen[str], db: Path, at_least: int, timeout_s: float = 60.0) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        n = count_results(db)
        if n >= at_least or proc.poll() is not None:
            return n
        time.sleep(0.02)
    proc.kill()
    pytest.fail(f"no {at_least} results stored within {timeout_s} s")


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=subprocess_env(cwd), capture_output=True, text=True, timeout=120)


def _sessions(db: Path) -> list[tuple[str, int, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT status, planned, completed FROM sessions ORDER BY session_id").fetchall()


@needs_iverilog
def test_kill_9_mid_run_then_same_command_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    tasks = bundled_tasks(TASKS)
    samples = write_samples(tmp_path / "samples.jsonl", tasks, PATTERN)
    total = TASKS * SAMPLES
    killed_db, fresh_db = tmp_path / "killed.sqlite", tmp_path / "fresh.sqlite"
    repo_before = repo_status()

    proc = _start(bench_argv(killed_db, samples, tasks, SAMPLES), tmp_path)
    _wait_for_results(proc, killed_db, at_least=6)
    assert proc.poll() is None, (
        f"the bench finished before it could be killed:\n{proc.stderr.read() if proc.stderr else ''}"
    )
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    before = stored(killed_db)
    assert 6 <= len(before) < total

    resumed = _run(bench_argv(killed_db, samples, tasks, SAMPLES), tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["session"]["already_stored"] == len(before)
    assert summary["session"]["done"] == total - len(before)

    fresh = _run(bench_argv(fresh_db, samples, tasks, SAMPLES), tmp_path)
    assert fresh.returncode == 0, fresh.stderr

    after, uninterrupted = stored(killed_db), stored(fresh_db)
    assert len(after) == total
    assert after == uninterrupted  # same tasks, samples, verdicts, designs, seeds, run id
    assert {k: after[k] for k in before} == before  # what was stored before the kill was kept as it was
    classes = {v[1] for v in after.values()}
    assert {".", "S"} <= classes and classes & {"R", "r"}, classes  # the verdicts really vary
    # The killed session never finished; the resumed one planned exactly what was missing.
    assert _sessions(killed_db) == [("running", total, 0), ("done", total - len(before), total - len(before))]
    assert repo_status() == repo_before  # everything the benches wrote is under tmp_path


@needs_iverilog
def test_ctrl_c_stops_cleanly_and_says_how_to_resume(tmp_path: Path) -> None:
    tasks = bundled_tasks(TASKS)
    samples = write_samples(tmp_path / "samples.jsonl", tasks, PATTERN)
    db = tmp_path / "b.sqlite"
    argv = bench_argv(db, samples, tasks, SAMPLES)
    proc = _start(argv, tmp_path)
    _wait_for_results(proc, db, at_least=4)
    assert proc.poll() is None, "the bench finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Resume with the same command" in err and "rtlsmith bench" in err
    assert "Traceback" not in err
    [(status, _planned, completed)] = _sessions(db)
    assert status == "interrupted"
    assert completed == count_results(db)  # the items in flight were finished and stored, none lost

    rerun = _run(argv, tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert count_results(db) == TASKS * SAMPLES


@needs_iverilog
def test_resuming_with_different_settings_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    tasks = bundled_tasks(1)
    samples = write_samples(tmp_path / "samples.jsonl", tasks)
    db = tmp_path / "b.sqlite"

    def bench(*extra: str) -> Result:
        return CliRunner().invoke(main, bench_argv(db, samples, tasks, 1, *extra)[3:])

    first = bench("--run-id", "mine")
    assert first.exit_code == 0, first.output
    other = bench("--run-id", "mine", "--seed", "7")
    assert other.exit_code == 2
    assert "different settings" in other.stderr and "seed_base: stored 0, now 7" in other.stderr
    # Without --run-id the new settings get their own run, and the first one is untouched.
    third = bench("--seed", "7")
    assert third.exit_code == 0, third.output
    assert json.loads(third.stdout)["run_id"] != "mine"
    assert count_results(db) == 2


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


@needs_iverilog
def test_two_benches_on_one_database_at_once_store_each_result_once(tmp_path: Path) -> None:
    tasks = bundled_tasks(TASKS)
    samples = write_samples(tmp_path / "samples.jsonl", tasks, PATTERN)
    total = TASKS * SAMPLES
    shared_db, fresh_db = tmp_path / "shared.sqlite", tmp_path / "fresh.sqlite"
    argv = bench_argv(shared_db, samples, tasks, SAMPLES)
    repo_before = repo_status()

    # Both start on a database that does not exist yet, for the same run: they race to create the schema,
    # the run and every (task, sample).
    first, second = _start(argv, tmp_path), _start(argv, tmp_path)
    outs = [p.communicate(timeout=300) for p in (first, second)]
    for proc, (_out, err) in zip((first, second), outs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in err and "locked" not in err
    summaries = [json.loads(out) for out, _err in outs]
    assert summaries[0]["run_id"] == summaries[1]["run_id"]
    # They shared the work: neither ran an item the other had claimed, so nothing was done twice.
    assert [s["session"]["duplicates"] for s in summaries] == [0, 0]
    assert sum(s["session"]["done"] for s in summaries) == total
    done_or_seen = [s["session"]["done"] + s["session"]["stored_by_another_bench"] for s in summaries]
    assert [d + s["session"]["already_stored"] for d, s in zip(done_or_seen, summaries, strict=True)] == [
        total,
        total,
    ]

    fresh = _run(bench_argv(fresh_db, samples, tasks, SAMPLES), tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert _integrity(shared_db) == "ok"
    assert stored(shared_db) == stored(fresh_db)  # stored() also fails on a (task, sample) stored twice
    assert count_results(shared_db) == total
    with sqlite3.connect(shared_db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
        sessions = conn.execute("SELECT status, completed FROM sessions").fetchall()
    assert [s for s, _ in sessions] == ["done", "done"]
    assert sum(c for _, c in sessions) == total  # each result is credited to exactly one of the two
    assert repo_status() == repo_before


def test_a_live_benchs_claim_is_left_to_it_and_a_dead_ones_is_taken_over(tmp_path: Path) -> None:
    run = RunRecord(
        run_id="r", created=utc_now(), command_line="", config_hash="h", identity={}, suite_name="s",
        suite_spec="s", suite_hash="h", model_id="m", model_spec="m", model_settings={}, agent_name="a",
        agent_config={}, mode="honest", judge={}, tool_versions={}, rtlsmith_version="0", seed_base=0,
    )  # fmt: skip
    host = socket.gethostname()
    dead = subprocess.Popen(["true"])
    dead.wait()
    with BenchStore(tmp_path / "b.sqlite") as store:
        store.create_run(run, [("t", "h", ())])
        first, second = (store.start_session("r", "", "local", 1, 1) for _ in range(2))
        assert store.claim("r", "t", 0, first, claimant_alive) == "claimed"
        assert store.claim("r", "t", 0, second, lambda *_: True) == "elsewhere"
        assert store.claim("r", "t", 0, second, lambda *_: False) == "claimed"  # its bench died
        assert store.claim("r", "t", 0, second, lambda *_: True) == "claimed"  # a session's own claim
    now = utc_now()
    assert claimant_alive(host, os.getppid(), now)  # a process that started before the claim
    assert not claimant_alive(host, dead.pid, now)  # a process that is gone
    assert not claimant_alive(host, os.getppid(), "2000-01-01T00:00:00+00:00")  # its pid was reused
    assert claimant_alive("another-host", 1, now) and not claimant_alive("another-host", 1, "2000-01-01")
