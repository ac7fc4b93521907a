"""Testbench faults are not the design's: data files named through macros, and references that fail.

Each design here is written for these tests in RTLLM's layout under a temporary directory: `inc8` reads its
vectors from `test_data.dat`, which the testbench names through a `` `define `` (as several RTLLM v2
testbenches do), and `inc8_broken` reads a file its directory lacks, so even its reference fails.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rtlsmith.cli import main
from rtlsmith.errors import SuiteError
from rtlsmith.scoring import reference_check
from rtlsmith.scoring.reference_check import REFERENCE_FAILS, check_references
from rtlsmith.scoring.samples import Sample
from rtlsmith.scoring.scorer import score_samples
from rtlsmith.suites import rtllm as rtllm_loader
from rtlsmith.suites.rtllm import load_rtllm
from rtlsmith.task import Purpose
from rtlsmith.tools.judge import judge

DESCRIPTION = """Module name: inc8
Input ports: a: 8-bit input
Output ports: y: 8-bit output, a + 1
"""
REFERENCE = "module verified_inc8 (input [7:0] a, output [7:0] y);\n  assign y = a + 8'd1;\nendmodule\n"
GOOD = REFERENCE.replace("verified_inc8", "inc8")
WRONG = GOOD.replace("8'd1", "8'd2")
TESTBENCH = """`timescale 1ns/1ns
`define TESTFILE "test_data.dat"
module inc8_tb;
  reg [7:0] a;
  wire [7:0] y;
  reg [7:0] want;
  integer fd, n, errors = 0;
  inc8 uut (.a(a), .y(y));
  initial begin
    fd = $fopen(`TESTFILE, "r");
    if (fd == 0) begin
      $display("cannot open the test data");
      $display("=========== Failed ===========");
      $finish;
    end
    while (!$feof(fd)) begin
      n = $fscanf(fd, "%h %h\\n", a, want);
      #1;
      if (y !== want) errors = errors + 1;
    end
    $fclose(fd);
    if (errors == 0) $display("=========== Your Design Passed ===========");
    else $display("=========== Failed ===========", errors);
    $finish;
  end
endmodule
"""
DATA = b"00 01\n10 11\nfe ff\nff 00\n"


def make_design(root: Path, name: str, testbench: str, data: dict[str, bytes]) -> Path:
    d = root / name
    d.mkdir(parents=True)
    (d / "design_description.txt").write_text(DESCRIPTION)
    (d / "testbench.v").write_text(testbench)
    (d / "verified_inc8.v").write_text(REFERENCE)
    for fname, content in data.items():
        (d / fname).write_bytes(content)
    return d


@pytest.fixture
def suite_dir(tmp_path: Path) -> Path:
    root = tmp_path / "rtllm"
    make_design(root, "inc8", TESTBENCH, {"test_data.dat": DATA, "notes.md": b"# not data\n"})
    broken = TESTBENCH.replace("inc8_tb", "inc8_broken_tb").replace('"test_data.dat"', '"missing.dat"')
    make_design(root, "inc8_broken", broken, {"test_data.dat": DATA})
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_data_file_named_through_a_macro_is_offered(suite_dir: Path) -> None:
    hidden = load_rtllm(suite_dir).get("inc8").hidden.unseal(Purpose.SCORING)
    assert dict(hidden.data_files) == {"test_data.dat": DATA}  # notes.md is not data


def test_other_verilog_leftovers_and_huge_files_are_not_offered(
    suite_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = suite_dir / "inc8"
    (d / "chatgpt_generate_inc8.v").write_text(GOOD)
    (d / "output.txt").write_text("=========== Your Design Passed ===========\n")
    (d / "dump.vcd").write_text("$date\n")
    (d / "big.bin").write_bytes(b"x" * 2048)
    monkeypatch.setattr(rtllm_loader, "DATA_FILE_LIMIT", 1024)
    hidden = load_rtllm(d).get("inc8").hidden.unseal(Purpose.SCORING)
    assert [name for name, _data in hidden.data_files] == ["test_data.dat"]


def test_a_huge_file_the_testbench_names_is_a_clear_error(
    suite_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rtllm_loader, "DATA_FILE_LIMIT", 16)
    with pytest.raises(
        SuiteError,
        match=r"test_data\.dat: the testbench reads this file, but at 24 bytes it is over the limit",
    ):
        load_rtllm(suite_dir / "inc8")


def test_a_link_out_of_the_design_directory_is_never_offered(suite_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.dat"
    secret.write_bytes(b"private\n")
    (suite_dir / "inc8" / "leak.dat").symlink_to(secret)
    hidden = load_rtllm(suite_dir / "inc8").get("inc8").hidden.unseal(Purpose.SCORING)
    assert [name for name, _data in hidden.data_files] == ["test_data.dat"]


@pytest.mark.needs_iverilog
def test_a_right_design_passes_when_its_data_file_is_named_through_a_macro(suite_dir: Path) -> None:
    task = load_rtllm(suite_dir).get("inc8")
    good = judge(task, GOOD)
    assert good.passed, good.log
    wrong = judge(task, WRONG)
    assert (wrong.passed, wrong.failure_class.value) == (False, "R")


@pytest.mark.needs_iverilog
def test_a_failure_on_a_task_whose_reference_fails_is_a_task_error(
    suite_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RTLSMITH_CACHE_DIR", str(tmp_path / "cache"))
    suite = load_rtllm(suite_dir)
    samples = [
        Sample(0, "inc8", WRONG, {}),
        Sample(1, "inc8_broken", GOOD, {}),
        Sample(2, "inc8", GOOD, {}),
    ]
    report = score_samples(samples, suite, jobs=1, ks=(1,))
    wrong, broken, good = report.results
    assert wrong["failure_class"] == "R" and "task_error" not in wrong  # the reference passes: R stands
    assert good["passed"]
    assert broken["failure_class"] == "I" and not broken["passed"]
    assert broken["task_error"].startswith(REFERENCE_FAILS)
    assert "would have been R" in broken["reason"]
    assert list(report.task_errors) == ["inc8_broken"]

    unchecked = score_samples(samples, suite, jobs=1, ks=(1,), check_references=False)
    assert unchecked.results[1]["failure_class"] == "R" and unchecked.task_errors == {}


@pytest.mark.needs_iverilog
def test_reference_checks_are_cached_on_disk(
    suite_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RTLSMITH_CACHE_DIR", str(tmp_path / "cache"))
    suite = load_rtllm(suite_dir)
    first = check_references(suite.tasks, jobs=1)
    assert first["inc8"].passed and not first["inc8_broken"].passed
    assert (tmp_path / "cache" / "reference_checks.json").is_file()
    calls: list[str] = []
    real = reference_check.judge
    monkeypatch.setattr(reference_check, "judge", lambda t, *a: calls.append(t.id) or real(t, *a))
    assert check_references(suite.tasks, jobs=1) == first
    assert calls == []  # the second run is free
    shutil.rmtree(tmp_path / "cache")
    check_references(suite.tasks, jobs=1)
    assert sorted(calls) == ["inc8", "inc8_broken"]


@pytest.mark.needs_iverilog
def test_score_cli_reports_the_task_error_and_writes_only_its_results(
    suite_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RTLSMITH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    run = tmp_path / "run"
    run.mkdir()
    samples = run / "samples.jsonl"
    rows = [("inc8", GOOD), ("inc8_broken", GOOD)]
    samples.write_text("".join(json.dumps({"task_id": t, "completion": c}) + "\n" for t, c in rows))
    before = snapshot(suite_dir)
    result = CliRunner().invoke(main, ["score", str(samples), "--suite", f"rtllm:{suite_dir}", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["failure_classes"] == {".": 1, "I": 1}
    assert list(summary["task_errors"]) == ["inc8_broken"]
    assert sorted(p.name for p in run.iterdir()) == ["samples.jsonl", "samples_results.jsonl"]
    assert snapshot(suite_dir) == before


@pytest.mark.needs_iverilog
def test_check_says_when_the_tasks_reference_fails_too(suite_dir: Path, tmp_path: Path) -> None:
    design = tmp_path / "inc8.v"
    design.write_text(GOOD)
    args = ["check", str(design), "--task", "inc8_broken", "--suite", f"rtllm:{suite_dir}"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "I (a tool is missing or failed, or the task" in result.output
    assert REFERENCE_FAILS in result.output.replace("\n", " ")
