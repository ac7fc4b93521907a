"""Malformed native suites: each is refused with an error naming the file, the field and what to do, and
loading never reads outside a task's directory nor writes anything."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from rtlsmith.cli import main
from rtlsmith.errors import SuiteError
from rtlsmith.suites import files
from rtlsmith.suites.native import load_native

REF = "module RefModule (input a, output y);\n  assign y = a;\nendmodule\n"
TB = "module tb; endmodule\n"
DESCRIPTION = 'description = "y follows a."\n'

CASES: dict[str, tuple[str, dict[str, bytes], str]] = {
    "reference-traversal": (
        DESCRIPTION + '[hidden]\nreference = "../../etc/passwd"\n',
        {},
        r"`hidden.reference` = '\.\./\.\./etc/passwd' leads outside the task's directory",
    ),
    "testbench-absolute": (
        DESCRIPTION + '[hidden]\ntestbench = "/etc/passwd"\n',
        {},
        r"`hidden.testbench` = '/etc/passwd' is an absolute path",
    ),
    "public-testbench-home": (
        DESCRIPTION + '[public]\ntestbench = "~/.bashrc"\n',
        {},
        r"`public.testbench` = '~/\.bashrc' is an absolute path",
    ),
    "public-testbench-sibling": (
        DESCRIPTION + '[public]\ntestbench = "../other/ref.sv"\n',
        {},
        "leads outside the task's directory",
    ),
    "path-not-a-string": (DESCRIPTION + "[hidden]\nreference = 3\n", {}, "must be a file name"),
    "reference-binary": (DESCRIPTION, {"ref.sv": b"\x00\x01\x02garbage"}, r"ref\.sv is binary"),
    "reference-not-utf8": (
        DESCRIPTION,
        {"ref.sv": b"module RefModule;\n// caf\xe9\nendmodule\n"},
        r"ref\.sv is not UTF-8 text \(line 2",
    ),
    "toml-not-utf8": ('description = "caf\xe9"\n', {}, r"task\.toml is not UTF-8 text"),
    "huge-description": (
        'description = "' + "x" * (files.TEXT_LIMIT + 1) + '"\n',
        {},
        r"`description` is \d+ characters, over the \d+ limit",
    ),
    "description-not-a-string": (
        "description = 5\n",
        {},
        r"`description` \(a non-empty string\) is required",
    ),
    "tags-not-a-list": (DESCRIPTION + 'tags = "seq"\n', {}, "`tags` must be a list of strings"),
    "id-traversal": ('id = "../x"\n' + DESCRIPTION, {}, r"`id` = '\.\./x' is not a usable task id"),
    "interface-not-a-string": (DESCRIPTION + "interface = 1\n", {}, "`interface` must be a string"),
}


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", list(CASES))
def test_a_malformed_task_is_refused_with_a_clear_error(case: str, tmp_path: Path) -> None:
    toml, extra, message = CASES[case]
    suite = tmp_path / "suite"
    task = suite / "t1"
    task.mkdir(parents=True)
    (task / "task.toml").write_bytes(toml.encode("latin-1") if case == "toml-not-utf8" else toml.encode())
    (task / "ref.sv").write_text(REF)
    (task / "test.sv").write_text(TB)
    (suite / "other").mkdir()
    (suite / "other" / "ref.sv").write_text(REF)  # a file that exists, outside the task's directory
    for name, data in extra.items():
        (task / name).write_bytes(data)
    before = snapshot(tmp_path)
    with pytest.raises(SuiteError) as info:
        load_native(suite)
    assert re.search(message, str(info.value)), str(info.value)
    assert "task.toml" in str(info.value) or "t1" in str(info.value)
    result = CliRunner().invoke(main, ["tasks", "--suite", f"native:{suite}"])
    assert result.exit_code == 2 and result.output.startswith("error: ")
    assert snapshot(tmp_path) == before


def test_a_symlink_out_of_the_task_directory_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.sv"
    outside.write_text(REF)
    task = tmp_path / "suite" / "t1"
    task.mkdir(parents=True)
    (task / "task.toml").write_text(DESCRIPTION)
    (task / "ref.sv").symlink_to(outside)
    (task / "test.sv").write_text(TB)
    with pytest.raises(SuiteError, match="leads outside the task's directory"):
        load_native(tmp_path / "suite")


def test_a_huge_testbench_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "SOURCE_LIMIT", 1024)
    task = tmp_path / "suite" / "t1"
    task.mkdir(parents=True)
    (task / "task.toml").write_text(DESCRIPTION)
    (task / "ref.sv").write_text(REF)
    (task / "test.sv").write_text("// padding\n" * 200)
    with pytest.raises(SuiteError, match=r"test\.sv is 2200 bytes, over the 1024 byte limit"):
        load_native(tmp_path / "suite")


def test_duplicate_ids_name_both_task_files(tmp_path: Path) -> None:
    for name in ("a", "b"):
        task = tmp_path / name
        task.mkdir()
        (task / "task.toml").write_text('id = "same"\n' + DESCRIPTION)
        (task / "ref.sv").write_text(REF)
        (task / "test.sv").write_text(TB)
    with pytest.raises(SuiteError, match=r"two tasks with id 'same' .*a/task\.toml and .*b/task\.toml"):
        load_native(tmp_path)
