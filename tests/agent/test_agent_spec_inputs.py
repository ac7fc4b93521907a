"""`rtlsmith run SPEC` on bad spec files: a clear error before any model is asked, and nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from rtlsmith.agent.specfile import load_spec
from rtlsmith.cli import main
from rtlsmith.errors import UsageError
from rtlsmith.suites import files

HEADER = "module adder8(input [7:0] a, input [7:0] b, output [8:0] s);"
TOML = f'description = "An adder."\ninterface = "{HEADER}"\n'

CASES: dict[str, tuple[str, bytes, str]] = {
    "testbench-traversal": (
        "spec.toml", (TOML + '[public]\ntestbench = "../../etc/passwd"\n').encode(),
        r"`public.testbench` = '\.\./\.\./etc/passwd' leads outside",
    ),
    "testbench-absolute": (
        "spec.toml", (TOML + '[public]\ntestbench = "/etc/passwd"\n').encode(), "is an absolute path",
    ),
    "binary": ("spec.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00", r"spec file .*spec\.txt is binary"),
    "not-utf8": ("spec.txt", f"caf\xe9 {HEADER}\n".encode("latin-1"), r"is not UTF-8 text \(line 1"),
    "huge-text": (
        "spec.txt", (HEADER + "\n" + "x" * (files.TEXT_LIMIT + 1)).encode(),
        r"characters, over the \d+ limit",
    ),
    "vectors-not-tables": (
        "spec.toml", (TOML + "[public]\nvectors = [ { in = 1 } ]\n").encode(),
        "public.vectors must be a list",
    ),
    "tags-not-a-list": ("spec.toml", (TOML + "tags = 3\n").encode(), "`tags` must be a list of strings"),
    "description-not-a-string": (
        "spec.toml", f'description = 3\ninterface = "{HEADER}"\n'.encode(), r"`description` \(a non-empty",
    ),
}  # fmt: skip


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_spec_file_is_refused_before_any_work(case: str, tmp_path: Path) -> None:
    name, content, message = CASES[case]
    spec = tmp_path / "work" / name
    spec.parent.mkdir()
    spec.write_bytes(content)
    with pytest.raises(UsageError) as info:
        load_spec(spec)
    assert re.search(message, str(info.value)), str(info.value)
    before = snapshot(tmp_path)
    runs = tmp_path / "runs"
    result = CliRunner().invoke(main, ["run", str(spec), "--model", "scripted", "--runs-dir", str(runs)])
    assert result.exit_code == 2 and "error: " in result.output and "Traceback" not in result.output
    assert snapshot(tmp_path) == before and not runs.exists()  # no trace, no output file
