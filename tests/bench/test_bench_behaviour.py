"""Behaviour hashes: exports collapse designs that behave alike, keep the hash, open old stores."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from bench_helpers import SYNTAX_ERROR, reference, wrong
from click.testing import CliRunner

from rtlsmith.bench import BenchConfig, BenchRequest, BenchStore, behaviour, run_bench
from rtlsmith.bench.store import SCHEMA_VERSION
from rtlsmith.cli import main
from rtlsmith.suites import load_suite
from rtlsmith.task import Task
from rtlsmith.tools.toolchain import have

TASK = "clk_en_div"


def wrapped(task: Task) -> str:
    """The reference under another name inside a wrapper: other text, the same behaviour."""
    core = reference(task).replace("module TopModule", "module TopModule_core")
    ports = task.public.interface.ports
    conns = ", ".join(f".{p.name}({p.name})" for p in ports)
    return f"{core}\n{task.public.interface.header()}\n  TopModule_core core ({conns});\nendmodule\n"


def ones(task: Task) -> str:
    """Every output driven to all ones: a failing design that behaves unlike `wrong`'s all zeros."""
    return wrong(task).replace("= 0;", "= '1;")


def _request(tmp: Path) -> BenchRequest:
    task = load_suite("bundled").get(TASK)
    answers = [reference(task), wrapped(task), wrong(task), ones(task), SYNTAX_ERROR]
    samples = tmp / "samples.jsonl"
    samples.write_text("".join(json.dumps({"task_id": TASK, "completion": a}) + "\n" for a in answers))
    config = BenchConfig(suite_spec="bundled", model_spec=f"replay:{samples}", agent="oneshot")
    return BenchRequest(config, samples=len(answers), jobs=1, task_ids=[TASK], command_line="t")


def _run(db: Path, request: BenchRequest) -> str:
    with BenchStore(db) as store:
        outcome = run_bench(request, store)
    assert outcome.status == "done"
    return outcome.run.run_id


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, BenchRequest]:
    if not (have("iverilog") and have("vvp")):
        pytest.skip("Icarus Verilog (iverilog, vvp) is not installed: apt-get install -y iverilog")
    tmp = tmp_path_factory.mktemp("behaviour")
    db, request = tmp / "bench.sqlite", _request(tmp)
    return db, _run(db, request), request


def _copy(db: Path, to: Path) -> Path:
    with sqlite3.connect(db) as src, sqlite3.connect(to) as dst:
        src.backup(dst)
    return to


def _export(db: Path, *args: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    out = CliRunner().invoke(main, ["export", *args, "--db", str(db)])
    assert out.exit_code == 0, out.output
    path = Path(args[args.index("-o") + 1])
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return rows, json.loads(Path(str(path) + ".manifest.json").read_text())


def test_alike_designs_collapse_by_behaviour_and_unlike_ones_do_not(
    stored: tuple[Path, str, BenchRequest], tmp_path: Path
) -> None:
    db, run_id = _copy(stored[0], tmp_path / "db.sqlite"), stored[1]
    sft, manifest = _export(db, "sft", run_id, "-o", str(tmp_path / "sft.jsonl"))
    # The reference and its wrapped copy read differently but behave alike: one row.
    (row,) = sft
    assert row["dedup_by"] == "behaviour_hash" and len(row["behaviour_hash"]) == 16
    assert row["duplicates"] == 1 and manifest["duplicates_collapsed"] == 1
    assert manifest["behaviour_hashes"]["scheme"] == behaviour.SCHEME
    assert manifest["behaviour_hashes"]["simulated"] == 2  # passing designs only
    pref, _ = _export(db, "preference", run_id, "-o", str(tmp_path / "pref.jsonl"))
    # All zeros and all ones are two behaviours (two pairs); the syntax error has no behaviour hash and
    # falls back to its text hash (a third pair).
    rejected = sorted((r["rejected_dedup_by"], r["rejected_failure_class"]) for r in pref)
    assert rejected == [("behaviour_hash", "R"), ("behaviour_hash", "R"), ("code_hash", "S")]
    assert len({r["rejected_behaviour_hash"] for r in pref}) == 3  # two digests and ""
    assert {r["chosen_behaviour_hash"] for r in pref} == {row["behaviour_hash"]}
    with BenchStore(db) as store:
        hashes = {r.sample_idx: r.behaviour_hash for r in store.results(run_id)}
    assert hashes[0] == hashes[1] == f"{behaviour.SCHEME}:{row['behaviour_hash']}"
    assert hashes[4] == f"{behaviour.SCHEME}:-"  # tried: none could be taken, not tried again
    _, again = _export(db, "preference", run_id, "-o", str(tmp_path / "again.jsonl"))
    assert again["behaviour_hashes"]["simulated"] == 0 and again["behaviour_hashes"]["stored_before"] == 5


def test_a_database_without_the_column_opens_reports_and_exports(
    stored: tuple[Path, str, BenchRequest], tmp_path: Path
) -> None:
    db, run_id = _copy(stored[0], tmp_path / "old.sqlite"), stored[1]
    with sqlite3.connect(db) as con:  # as schema 3 wrote it
        con.execute("ALTER TABLE results DROP COLUMN behaviour_hash")
        con.execute("PRAGMA user_version=3")
    for argv in (["runs"], ["report", run_id]):
        shown = CliRunner().invoke(main, [*argv, "--db", str(db)])
        assert shown.exit_code == 0 and run_id in shown.output, shown.output
    with BenchStore(db) as store:
        assert int(store._db.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION
        assert all(r.behaviour_hash is None for r in store.results(run_id))
        resumed = run_bench(stored[2], store)  # the same command again: everything is stored already
        assert resumed.status == "done" and resumed.run.run_id == run_id and resumed.progress.done == 0
        assert resumed.progress.already == 5
    rows, manifest = _export(db, "sft", run_id, "-o", str(tmp_path / "sft.jsonl"))
    assert len(rows) == 1 and rows[0]["dedup_by"] == "behaviour_hash"
    assert manifest["behaviour_hashes"]["simulated"] == 2


def test_a_store_that_refuses_the_hashes_still_exports_and_says_so(
    stored: tuple[Path, str, BenchRequest], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, run_id = _copy(stored[0], tmp_path / "ro.sqlite"), stored[1]

    def refuse(self: BenchStore, run_id: str, hashes: dict[tuple[str, int], str]) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(BenchStore, "set_behaviour_hashes", refuse)
    rows, manifest = _export(db, "sft", run_id, "-o", str(tmp_path / "sft.jsonl"))
    assert len(rows) == 1 and rows[0]["dedup_by"] == "behaviour_hash"
    assert any("behaviour hashes not stored" in w for w in manifest["warnings"])
