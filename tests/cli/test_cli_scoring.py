"""`rtlsmith score` end to end: results file, pass@k, classes, de-duplication, errors, --dry-run."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from rtlsmith.cli import main
from rtlsmith.errors import UsageError
from rtlsmith.scoring import scorer
from rtlsmith.scoring.samples import Sample
from rtlsmith.scoring.scorer import BATCH_SECONDS, batch_short, score_samples
from rtlsmith.suites.native import load_native
from rtlsmith.task import Task
from rtlsmith.tools.judge import JudgeOptions, judge_many
from rtlsmith.tools.sandbox import bwrap_path
from rtlsmith.tools.verdict import Verdict

pytestmark = pytest.mark.needs_iverilog

REF = "module RefModule (input [3:0] a, output [3:0] y);\n  assign y = ~a;\nendmodule\n"
TB = """\
module tb;
  reg [3:0] a; wire [3:0] y_ref, y_dut; integer i, errs = 0;
  RefModule r (.a(a), .y(y_ref));
  TopModule d (.a(a), .y(y_dut));
  initial begin
    for (i = 0; i < 16; i = i + 1) begin a = i; #1 if (y_ref !== y_dut) errs = errs + 1; end
    $display("Mismatches: %0d in 16 samples", errs);
  end
endmodule
"""
GOOD = "module TopModule (input [3:0] a, output [3:0] y);\n  assign y = ~a;\nendmodule\n"
WRONG = GOOD.replace("~a", "a")
BROKEN = GOOD.replace("~a;", "~a")


@pytest.fixture
def suite_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the duration cache stays in the test
    root = tmp_path / "suite" / "invert4"
    root.mkdir(parents=True)
    (root / "task.toml").write_text('description = "y is the bitwise inverse of a."\n')
    (root / "ref.sv").write_text(REF)
    (root / "test.sv").write_text(TB)
    return root.parent


def write_samples(path: Path, completions: list[str]) -> Path:
    path.write_text(
        "".join(
            json.dumps({"task_id": "invert4", "completion": c, "n": i}) + "\n"
            for i, c in enumerate(completions)
        )
    )
    return path


def test_score_writes_one_verdict_per_sample_and_prints_pass_at_k(suite_dir: Path, tmp_path: Path) -> None:
    samples = write_samples(tmp_path / "s.jsonl", [GOOD, WRONG, BROKEN, GOOD, GOOD])
    result = CliRunner().invoke(
        main, ["score", str(samples), "--suite", f"native:{suite_dir}", "-k", "1,5,10", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["samples"], summary["passed"]) == (5, 3)
    assert summary["pass_at_k"]["1"] == pytest.approx(0.6) and summary["pass_at_k"]["5"] == 1.0
    assert summary["pass_at_k"]["10"] is None  # 5 samples cannot give pass@10: NaN, written as null
    assert summary["failure_classes"] == {".": 3, "R": 1, "S": 1}
    assert summary["tool_versions"]["iverilog"].startswith("Icarus")
    records = [json.loads(x) for x in (tmp_path / "s_results.jsonl").read_text().splitlines()]
    assert [(r["n"], r["passed"], r["failure_class"]) for r in records] == [
        (0, True, "."), (1, False, "R"), (2, False, "S"), (3, True, "."), (4, True, "."),
    ]  # fmt: skip
    assert records[1]["mismatches"] == 16 and records[1]["samples"] == 16
    assert "syntax error" in records[2]["log_excerpt"]
    text = CliRunner().invoke(main, ["score", str(samples), "--suite", f"native:{suite_dir}", "-k", "1,5,10"])
    assert "pass@5 harness" in text.output and "pass@10" not in text.output  # undefined: not shown
    assert not re.search(r"\bnan\b", text.output, re.IGNORECASE)


def test_identical_samples_are_simulated_once(suite_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counting(items: Sequence[tuple[Task, str]], options: JudgeOptions | None = None) -> list[Verdict]:
        calls.extend(completion for _task, completion in items)
        return judge_many(items, options)

    monkeypatch.setattr(scorer, "judge_many", counting)
    samples = [Sample(i, "invert4", GOOD if i % 2 else WRONG, {}) for i in range(6)]
    report = score_samples(samples, load_native(suite_dir), JudgeOptions(), jobs=2)
    assert sorted(calls) == sorted([GOOD, WRONG])
    assert report.n_passed == 3 and report.per_task == {"invert4": (6, 3)}
    assert [r["passed"] for r in report.results] == [False, True] * 3


def test_short_candidates_are_batched_and_long_ones_run_alone() -> None:
    small = BATCH_SECONDS * 0.3  # four of them make a batch
    costs = {"long": 20 * BATCH_SECONDS, "mid": 1.5 * BATCH_SECONDS, **{f"s{i}": small for i in range(10)}}
    batches = batch_short(list(costs), costs.__getitem__)
    assert batches[:2] == [["long"], ["mid"]]
    assert [len(b) for b in batches[2:]] == [4, 4, 2]
    assert [item for batch in batches for item in batch] == list(costs)


def test_unknown_task_ids_are_a_usage_error_naming_them(suite_dir: Path) -> None:
    suite = load_native(suite_dir)
    with pytest.raises(UsageError, match=r"1 task id\(s\) .* not in suite .*: nope"):
        score_samples([Sample(0, "nope", GOOD, {})], suite)


def test_cli_errors_are_short_and_exit_2(suite_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"task_id": "invert4"}\n')
    result = CliRunner().invoke(main, ["score", str(bad), "--suite", f"native:{suite_dir}"])
    assert result.exit_code == 2 and "line 1: no completion" in result.output
    result = CliRunner().invoke(main, ["score", str(bad), "--suite", f"native:{suite_dir}", "-k", "one"])
    assert result.exit_code == 2 and "-k must be comma-separated integers" in result.output


def test_dry_run_prints_the_commands_and_runs_nothing(suite_dir: Path, tmp_path: Path) -> None:
    samples = write_samples(tmp_path / "s.jsonl", [GOOD])
    result = CliRunner().invoke(
        main, ["score", str(samples), "--suite", f"native:{suite_dir}", "--dry-run", "--no-isolate"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("# invert4 (sample 0)")
    assert re.search(
        r"iverilog -Wall -Winfloop -Wno-timescale -g2012 -s tb -o sim.vvp TopModule.sv test.sv ref.sv$",
        lines[1],
    )
    assert re.search(r"vvp sim.vvp -none$", lines[2])
    assert not (tmp_path / "s_results.jsonl").exists()


def test_check_shows_the_verdict_and_exits_with_it(suite_dir: Path, tmp_path: Path) -> None:
    design = tmp_path / "d.sv"
    design.write_text(WRONG)
    result = CliRunner().invoke(
        main, ["check", str(design), "--task", "invert4", "--suite", f"native:{suite_dir}"]
    )
    assert (
        result.exit_code == 1 and "FAIL" in result.output and "Mismatches: 16 in 16 samples" in result.output
    )
    design.write_text(GOOD)
    result = CliRunner().invoke(
        main, ["check", str(design), "--task", "invert4", "--suite", f"native:{suite_dir}"]
    )
    assert result.exit_code == 0 and "PASS" in result.output


def test_report_isolation_ignores_refused_samples(suite_dir: Path) -> None:
    hostile = GOOD.replace("endmodule", 'initial $system("id");\nendmodule')
    samples = [Sample(0, "invert4", hostile, {}), Sample(1, "invert4", GOOD, {})]
    report = score_samples(samples, load_native(suite_dir), JudgeOptions(isolate=False))
    assert [r["failure_class"] for r in report.results] == ["X", "."]
    assert report.isolated is False
    if bwrap_path() is not None:
        assert score_samples(samples, load_native(suite_dir), JudgeOptions()).isolated is True


SPOOF = WRONG.replace("endmodule", '  initial $display("Mismatches: 0 in 16 samples");\nendmodule')


def test_score_shows_the_harness_figure_beside_the_strict_one(suite_dir: Path, tmp_path: Path) -> None:
    """A wrong design that prints the summary line passes the harness, not rtlsmith's strict reading."""
    samples = write_samples(tmp_path / "s.jsonl", [GOOD, SPOOF])
    args = ["score", str(samples), "--suite", f"native:{suite_dir}", "-k", "1"]
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["pass_at_k"]["1"] == 1.0 and summary["pass_at_k_strict"]["1"] == 0.5
    assert (summary["passed"], summary["passed_strict"], summary["passed_with_integrity_flags"]) == (2, 1, 1)
    records = [json.loads(x) for x in (tmp_path / "s_results.jsonl").read_text().splitlines()]
    assert [(r["passed"], r["strict_passed"]) for r in records] == [(True, True), (True, False)]
    assert "Mismatches" in records[1]["integrity"][0]
    table = CliRunner().invoke(main, args)
    assert table.exit_code == 0, table.output
    assert re.search(r"pass@1 harness\s.*100\.00%", table.output)
    assert re.search(r"pass@1 strict\s.*50\.00%", table.output)
    design = tmp_path / "d.sv"
    design.write_text(SPOOF)
    check = CliRunner().invoke(
        main, ["check", str(design), "--task", "invert4", "--suite", f"native:{suite_dir}"]
    )
    assert check.exit_code == 1 and "PASS" in check.output and "strict: FAIL" in check.output
