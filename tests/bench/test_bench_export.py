"""`rtlsmith export`: stored runs as training data a researcher loads with Hugging Face datasets."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from bench_helpers import SYNTAX_ERROR, reference, wrong
from click.testing import CliRunner

from rtlsmith.bench import BenchConfig, BenchRequest, BenchStore, run_bench
from rtlsmith.cli import main
from rtlsmith.suites import load_suite
from rtlsmith.task import Purpose, Task

datasets = pytest.importorskip(
    "datasets", reason="Hugging Face datasets is not installed: pip install datasets"
)

# add8_carry's reference has lines of 40+ characters (a copy of it must be withheld); the other two have none.
LEAKY, CLEAN = "add8_carry", ("barrel_rot8", "clk_en_div")


def _reindented(code: str) -> str:
    return "\n".join("    " + line.strip() for line in code.splitlines()) + "\n"


def _bench(db: Path, tmp: Path, name: str, agent: str, answers: dict[str, list[str]], samples: int) -> str:
    path = tmp / f"{name}.jsonl"
    with path.open("w") as fh:
        for task_id, texts in answers.items():
            for text in texts:
                fh.write(json.dumps({"task_id": task_id, "completion": text}) + "\n")
    config = BenchConfig(
        suite_spec="bundled", model_spec=f"replay:{path}", agent=agent, traces_dir=str(tmp / "traces")
    )
    request = BenchRequest(config, samples=samples, jobs=1, task_ids=list(answers), command_line=name)
    with BenchStore(db) as store:
        outcome = run_bench(request, store)
    assert outcome.status == "done"
    return outcome.run.run_id


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A: oneshot, 4 samples per task (ref, wrong, syntax, the ref reindented); B: smith, wrong then ref."""
    if shutil.which("iverilog") is None:
        pytest.skip("Icarus Verilog (iverilog) is not installed: apt-get install -y iverilog")
    tmp = tmp_path_factory.mktemp("export")
    suite = load_suite("bundled")
    db = tmp / "bench.sqlite"
    a = {
        t: [reference(suite.get(t)), wrong(suite.get(t)), SYNTAX_ERROR, _reindented(reference(suite.get(t)))]
        for t in (LEAKY, *CLEAN)
    }
    b = {t: [wrong(suite.get(t)), reference(suite.get(t))] for t in CLEAN}
    return db, _bench(db, tmp, "a", "oneshot", a, 4), _bench(db, tmp, "b", "smith", b, 1)


def _export(db: Path, *args: str) -> tuple[Any, dict[str, Any]]:
    out = CliRunner().invoke(main, ["export", *args, "--db", str(db)])
    assert out.exit_code == 0, out.output
    path = Path(args[args.index("-o") + 1])
    manifest = json.loads(Path(str(path) + ".manifest.json").read_text())
    kind = "parquet" if path.suffix == ".parquet" else "json"
    return datasets.load_dataset(kind, data_files=str(path), split="train"), manifest


def _assert_no_hidden(rows: Any) -> None:
    suite = load_suite("bundled")
    for row in rows:
        text = re.sub(r"\s+", " ", json.dumps(row, ensure_ascii=False).encode().decode("unicode_escape"))
        assert "RefModule" not in text
        task: Task = suite.get(row["task_id"])
        hidden = task.hidden.unseal(Purpose.SCORING)
        for line in (hidden.testbench + "\n" + (hidden.reference or "")).splitlines():
            line = re.sub(r"\s+", " ", line).strip()
            if len(line) >= 40:
                assert line not in text, (row["task_id"], line)


@pytest.mark.timeout(300)
def test_sft_rows_are_verified_designs_with_provenance(runs: tuple[Path, str, str], tmp_path: Path) -> None:
    db, run_a, run_b = runs
    ds, manifest = _export(db, "sft", run_a, run_b[:12], "-o", str(tmp_path / "sft.jsonl"))
    # One row per task with a clean reference: the reindented copy and run B's identical design collapse.
    assert sorted(ds["task_id"]) == sorted(CLEAN)
    assert manifest["duplicates_collapsed"] == 4
    # Both copies of the leaky task's reference are withheld, and say why.
    assert [w["task_id"] for w in manifest["rows_withheld"]] == [LEAKY, LEAKY]
    suite = load_suite("bundled")
    for row in ds:
        task = suite.get(row["task_id"])
        assert row["passed"] and row["failure_class"] == "."
        assert row["spec"] == task.public.spec.text() and row["task_hash"] == task.content_hash()
        assert row["suite"] == "bundled" and row["suite_hash"] == suite.content_hash()
        assert row["suite_hash_matches"] and row["mode"] == "honest" and row["oracle"] is False
        assert row["simulator"] == "icarus" and row["simulator_version"].startswith("Icarus Verilog")
        assert row["model_id"].startswith("replay:") and row["agent"] == "oneshot" and row["run_id"] == run_a
        assert row["design"].startswith("module TopModule") and len(row["code_hash"]) == 16
    _assert_no_hidden(ds)
    assert [r["run_id"] for r in manifest["runs"]] == [run_a, run_b]
    assert manifest["command_line"].startswith("rtlsmith export sft")
    assert {t["task_id"] for t in manifest["tasks_included"]} == set(CLEAN)


def test_preference_pairs_and_repair_pairs(runs: tuple[Path, str, str], tmp_path: Path) -> None:
    db, run_a, run_b = runs
    ds, manifest = _export(db, "preference", run_a, run_b, "-o", str(tmp_path / "pref.jsonl"))
    prefs = [r for r in ds if r["pair"] == "preference"]
    repairs = [r for r in ds if r["pair"] == "repair"]
    # Per clean task: one passing design (after collapsing) against wrong and syntax.
    assert len(prefs) == 4 and manifest["rows_by_kind"] == {"preference": 4, "repair": 2}
    assert {r["rejected_failure_class"] for r in prefs} == {"R", "S"}
    assert all(r["chosen_passed"] and not r["rejected_passed"] for r in prefs)
    assert all(r["rejected_judged_by"] == "hidden" and r["feedback"] == "" for r in prefs)
    suite = load_suite("bundled")
    for r in repairs:
        assert r["agent"] == "smith" and r["run_id"] == run_b
        assert r["rejected"] == wrong(suite.get(r["task_id"]))
        assert r["chosen"] == reference(suite.get(r["task_id"]))
        assert "Mismatches" in r["feedback"] and "Return the complete module" not in r["feedback"]
        assert r["rejected_failure_class"] == "test" and r["rejected_judged_by"] == "public"
    _assert_no_hidden(ds)


def test_traces_are_whole_episodes(runs: tuple[Path, str, str], tmp_path: Path) -> None:
    db, run_a, run_b = runs
    ds, manifest = _export(db, "traces", run_b, "-o", str(tmp_path / "traces.jsonl"))
    assert ds.num_rows == 2 and manifest["rows_by_kind"] == {"trace": 2}
    for row in ds:
        states = [s["state"] for s in row["steps"]]
        assert states[:3] == ["START", "DRAFT", "LINT"] and "REPAIR" in states
        assert json.loads(row["run_record_json"])["agent"] == "smith"
        assert json.loads(row["result_record_json"])["final_code"] == row["final_code"]
    _assert_no_hidden(ds)
    ds_a, manifest_a = _export(db, "traces", run_a, "-o", str(tmp_path / "traces_a.jsonl"))
    assert ds_a.num_rows + len(manifest_a["rows_withheld"]) == 12
    assert {w["task_id"] for w in manifest_a["rows_withheld"]} <= {LEAKY}
    _assert_no_hidden(ds_a)


def test_held_out_tasks_are_absent(runs: tuple[Path, str, str], tmp_path: Path) -> None:
    db, run_a, _ = runs
    task_hash = load_suite("bundled").get(LEAKY).content_hash()
    hashes = tmp_path / "held.txt"
    hashes.write_text(f"# benched later\n{task_hash}\n")
    ds, manifest = _export(
        db, "preference", run_a, "--hold-out", CLEAN[0], "--hold-out-file", str(hashes),
        "-o", str(tmp_path / "p.jsonl"),
    )  # fmt: skip
    assert ds.num_rows == 2 and set(ds["task_id"]) == {CLEAN[1]}
    excluded = {t["task_id"]: t["reason"] for t in manifest["tasks_excluded"]}
    assert "--hold-out" in excluded[CLEAN[0]] and "--hold-out-file" in excluded[LEAKY]
    assert manifest["rows_withheld"] == []  # held out before any row was built
    assert manifest["hold_out"] == {"task_ids": [CLEAN[0]], "task_hashes": [task_hash]}


def test_empty_export_and_unknown_run_write_nothing(runs: tuple[Path, str, str], tmp_path: Path) -> None:
    db, run_a, _ = runs
    out = tmp_path / "none.jsonl"
    res = CliRunner().invoke(
        main, ["export", "sft", run_a, "--db", str(db), "--hold-out", ",".join(CLEAN), "-o", str(out)]
    )
    assert res.exit_code == 2 and "nothing to export" in res.output
    res = CliRunner().invoke(main, ["export", "sft", "no-such-run", "--db", str(db), "-o", str(out)])
    assert res.exit_code == 2 and "no run 'no-such-run'" in res.output
    assert list(tmp_path.iterdir()) == []  # no file, no manifest, no temporary left behind


def test_a_changed_suite_is_reported_and_changed_tasks_excluded(
    runs: tuple[Path, str, str], tmp_path: Path
) -> None:
    db, run_a, _ = runs
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE runs SET suite_hash = '0000000000000000'")
        conn.execute("UPDATE results SET task_hash = 'ffffffffffffffff' WHERE task_id = ?", (CLEAN[0],))
    ds, manifest = _export(copy, "sft", run_a, "-o", str(tmp_path / "s.jsonl"))
    assert ds["task_id"] == [CLEAN[1]] and ds["suite_hash_matches"] == [False]
    assert "changed since the run" in manifest["tasks_excluded"][0]["reason"]
    assert any("has changed since the run" in w for w in manifest["warnings"])


def test_parquet_loads_like_jsonl(runs: tuple[Path, str, str], tmp_path: Path) -> None:
    pytest.importorskip("pyarrow", reason="pyarrow is not installed: pip install pyarrow")
    db, run_a, _ = runs
    ds, _ = _export(db, "sft", run_a, "-o", str(tmp_path / "sft.parquet"))
    assert sorted(ds["task_id"]) == sorted(CLEAN)


def test_a_failed_write_leaves_nothing_behind(
    runs: tuple[Path, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rtlsmith.bench import export as export_mod
    from rtlsmith.bench import export_files

    db, run_a, _ = runs

    def broken(path: Path, rows: list[dict[str, Any]], fmt: str) -> None:
        path.write_text('{"half": ')
        raise OSError("disk full")

    monkeypatch.setattr(export_files, "write_rows", broken)
    request = export_mod.ExportRequest("sft", (run_a,), tmp_path / "sft.jsonl", db)
    with pytest.raises(OSError, match="disk full"):
        export_mod.export(request)
    assert list(tmp_path.iterdir()) == []
