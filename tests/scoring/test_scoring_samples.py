"""Samples files: JSONL with task_id and completion, .gz read transparently, clear errors by line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from rtlsmith.errors import UsageError
from rtlsmith.scoring.samples import read_samples, results_path, stream_jsonl, write_jsonl

RECORDS = [
    {"task_id": "a", "completion": "module TopModule; endmodule", "model": "m1"},
    {"task_id": "b", "completion": ""},
]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def test_reads_samples_in_order_with_extra_fields(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "s.jsonl", [json.dumps(r) for r in RECORDS] + ["", "   "])
    samples = read_samples(path)
    assert [(s.index, s.task_id, s.completion) for s in samples] == [
        (0, "a", RECORDS[0]["completion"]),
        (1, "b", ""),
    ]
    assert samples[0].extra == {"model": "m1"} and samples[1].extra == {}


def test_gzip_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl.gz"
    write_jsonl(path, RECORDS)
    with gzip.open(path, "rt") as fh:
        assert json.loads(fh.readline()) == RECORDS[0]
    assert [s.task_id for s in read_samples(path)] == ["a", "b"]


def test_bad_json_line_is_named(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "s.jsonl", [json.dumps(RECORDS[0]), '{"task_id": "b", "completion": ', ""])
    with pytest.raises(UsageError, match=r"s\.jsonl:2: not valid JSON"):
        read_samples(path)


def test_non_object_line_is_named(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "s.jsonl", [json.dumps(RECORDS[0]), "[1, 2]"])
    with pytest.raises(UsageError, match=r"s\.jsonl:2: expected a JSON object"):
        read_samples(path)


@pytest.mark.parametrize(
    ("record", "missing"),
    [
        ({"completion": "x"}, "no task_id"),
        ({"task_id": "a"}, "no completion"),
        ({"task_id": 3, "completion": None}, "task_id 3 is not a non-empty string, completion is a NoneType"),
    ],
)
def test_missing_keys_are_named_with_the_line(
    tmp_path: Path, record: dict[str, object], missing: str
) -> None:
    path = write_lines(tmp_path / "s.jsonl", [json.dumps(RECORDS[0]), json.dumps(record)])
    with pytest.raises(UsageError, match=rf"s\.jsonl: 1 line\(s\) lack .*\n  line 2: {missing}"):
        read_samples(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not found"):
        list(stream_jsonl(tmp_path / "absent.jsonl"))


def test_write_is_atomic_and_results_go_next_to_the_samples(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    write_jsonl(out, RECORDS)
    assert [json.loads(x) for x in out.read_text().splitlines()] == RECORDS
    assert not list(tmp_path.glob("*.tmp"))
    assert results_path(tmp_path / "gpt.jsonl") == tmp_path / "gpt_results.jsonl"
    assert results_path(tmp_path / "gpt.jsonl.gz") == tmp_path / "gpt_results.jsonl"


def test_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    fake_gz = tmp_path / "s.jsonl.gz"
    fake_gz.write_text(json.dumps(RECORDS[0]) + "\n")
    with pytest.raises(UsageError, match=r"cannot be read as UTF-8 JSONL \(gzip\)"):
        read_samples(fake_gz)
    binary = tmp_path / "b.jsonl"
    binary.write_bytes(b"\xff\xfe\x00garbage\n")
    with pytest.raises(UsageError, match="not UTF-8 text near line 1"):
        read_samples(binary)
