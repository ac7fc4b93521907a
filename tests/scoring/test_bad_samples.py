"""`rtlsmith score` on bad samples files: each is refused with a message saying what is wrong and what to
do, before anything is judged, and nothing is written (no results file, no temporary file)."""

from __future__ import annotations

import gzip
import json
import re
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from rtlsmith.cli import main
from rtlsmith.errors import UsageError
from rtlsmith.scoring.samples import MAX_LINE_BYTES, read_samples, write_jsonl

TASK = "counter4"
GOOD = json.dumps({"task_id": TASK, "completion": "module TopModule(); endmodule"})


def make_suite(root: Path) -> Path:
    task = root / TASK
    task.mkdir(parents=True)
    (task / "task.toml").write_text('description = "a task only named here"\n')
    (task / "ref.sv").write_text("module RefModule (input a, output y); assign y = a; endmodule\n")
    (task / "test.sv").write_text("module tb; endmodule\n")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


CASES: dict[str, tuple[bytes, str]] = {
    "binary-junk": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x10", "not UTF-8 text near line 1"),
    "nul-bytes": (b'{"task_id": "x"}\n\x00\x00\x00\n', r"s\.jsonl:2: binary data \(NUL bytes\)"),
    "invalid-utf8": (GOOD.encode() + b"\n" + b'{"task_id": "\xc3\x28"}\n', "not UTF-8 text near line"),
    "not-json": (GOOD.encode() + b"\nmodule TopModule;\n", r"s\.jsonl:2: not valid JSON"),
    "not-an-object": (b"[1, 2]\n", r"s\.jsonl:1: expected a JSON object"),
    "missing-task-ids": (
        (GOOD + '\n{"completion": "x"}\n' + GOOD + '\n{"completion": "y"}\n').encode(),
        r"2 line\(s\) lack .*\n  line 2: no task_id\n  line 4: no task_id",
    ),
    "non-string-completion": (b'{"task_id": "counter4", "completion": 7}\n', "line 1: completion is a int"),
    "duplicate-key": (
        b'{"task_id": "counter4", "task_id": "other", "completion": "x"}\n',
        r"s\.jsonl:1: the key 'task_id' appears twice",
    ),
    "unknown-tasks": (
        (GOOD + '\n{"task_id": "Prob999", "completion": "x"}\n' * 2).encode(),
        r"not in suite .*: Prob999 \(lines 2, 4\)",
    ),
    "empty": (b"\n\n", "has no samples"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_samples_file_is_refused_and_nothing_is_written(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    suite = make_suite(tmp_path / "suite")
    content, message = CASES[case]
    run = tmp_path / "run"
    run.mkdir()
    samples = run / "s.jsonl"
    samples.write_bytes(content)
    before = snapshot(tmp_path)
    result = CliRunner().invoke(main, ["score", str(samples), "--suite", f"native:{suite}"])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert re.search(f"error: .*{message}", result.output, re.S), result.output
    assert snapshot(tmp_path) == before  # no results file, no temporary file, the samples untouched


def test_a_huge_file_without_line_breaks_is_refused_without_being_read_whole(tmp_path: Path) -> None:
    big = tmp_path / "s.jsonl"
    with big.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # 200 MB of NUL bytes, sparse on disk
    tracemalloc.start()
    try:
        with pytest.raises(UsageError, match=r"s\.jsonl:1: a line longer than 4 MB"):
            read_samples(big)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MAX_LINE_BYTES  # a few lines' worth, never the 200 MB file


def test_a_file_over_the_size_limit_is_refused_with_the_flag_to_raise_it(tmp_path: Path) -> None:
    suite = make_suite(tmp_path / "suite")
    samples = tmp_path / "s.jsonl.gz"
    line = json.dumps({"task_id": TASK, "completion": "x" * 10_000}) + "\n"
    with gzip.open(samples, "wt") as fh:
        fh.write(line * 120)  # ~1.2 MB uncompressed, a few kB on disk
    before = snapshot(tmp_path)
    args = ["score", str(samples), "--suite", f"native:{suite}", "--max-samples-mb", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "more than 1 MB of samples (reached at line 105)" in result.output.replace("\n", " ")
    assert "--max-samples-mb" in result.output
    assert snapshot(tmp_path) == before


def test_results_never_overwrite_the_samples_file(tmp_path: Path) -> None:
    suite = make_suite(tmp_path / "suite")
    samples = tmp_path / "s.jsonl"
    samples.write_text(GOOD + "\n")
    before = snapshot(tmp_path)
    args = ["score", str(samples), "--suite", f"native:{suite}", "--out", str(samples)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "is the samples file itself" in result.output
    assert snapshot(tmp_path) == before


def test_a_failed_write_leaves_no_partial_file(tmp_path: Path) -> None:
    def records() -> list[dict[str, object]]:
        return [{"ok": 1}, {"bad": object()}]  # the second cannot be written as JSON

    out = tmp_path / "r.jsonl"
    with pytest.raises(TypeError):
        write_jsonl(out, records())
    assert list(tmp_path.iterdir()) == []


def test_check_refuses_a_design_that_is_not_text(tmp_path: Path) -> None:
    suite = make_suite(tmp_path / "suite")
    design = tmp_path / "d.sv"
    design.write_bytes(b"module TopModule;\xff\xfe endmodule\n")
    before = snapshot(tmp_path)
    result = CliRunner().invoke(main, ["check", str(design), "--task", TASK, "--suite", f"native:{suite}"])
    assert result.exit_code == 2 and "is not UTF-8 text (line 1" in result.output
    assert snapshot(tmp_path) == before
