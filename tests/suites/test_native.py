"""The native per-task format: a directory per task with task.toml, ref.sv and test.sv."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtlsmith.errors import SuiteError
from rtlsmith.suites import load_suite
from rtlsmith.suites.native import load_native
from rtlsmith.task import Purpose

REF = """\
module RefModule (input clk, input reset, output reg [3:0] q);
  always @(posedge clk) q <= reset ? 0 : q + 1;
endmodule
"""
TB = "module tb; endmodule\n"
TOML = """\
summary = "4-bit counter"
description = '''Count up on each clock edge; synchronous active-high reset to zero.'''
tags = ["sequential", "arithmetic"]
[public]
vectors = [ { in = { reset = "1" }, out = { q = "4'd0" } } ]
"""


def make_task(
    root: Path, name: str = "counter4", toml: str = TOML, files: dict[str, str] | None = None
) -> Path:
    d = root / name
    d.mkdir(parents=True)
    (d / "task.toml").write_text(toml)
    for fname, text in (files if files is not None else {"ref.sv": REF, "test.sv": TB}).items():
        (d / fname).write_text(text)
    return d


def test_loads_a_task_with_interface_from_the_reference(tmp_path: Path) -> None:
    make_task(tmp_path)
    suite = load_native(tmp_path)
    assert suite.name == tmp_path.name and suite.ids() == ["counter4"]
    task = suite.get("counter4")
    assert task.public.interface.module == "TopModule"
    assert [(p.name, p.width) for p in task.public.interface.ports] == [("clk", 1), ("reset", 1), ("q", 4)]
    assert task.public.spec.summary == "4-bit counter" and task.public.tags == ("sequential", "arithmetic")
    assert task.public.public.vectors[0].inputs == (("reset", "1"),)
    assert task.hidden.unseal(Purpose.SCORING).reference == REF
    assert len(load_suite(f"native:{tmp_path}")) == 1


def test_explicit_interface_and_public_testbench(tmp_path: Path) -> None:
    toml = TOML + 'testbench = "public_tb.sv"\n'
    toml = 'interface = "module TopModule (input clk, input reset, output reg [3:0] q);"\n' + toml
    make_task(
        tmp_path, toml=toml, files={"ref.sv": REF, "test.sv": TB, "public_tb.sv": "module ptb; endmodule\n"}
    )
    task = load_native(tmp_path).get("counter4")
    assert task.public.public.testbench == "module ptb; endmodule\n"


@pytest.mark.parametrize(
    ("toml", "files", "message"),
    [
        (TOML, {"test.sv": TB}, r"counter4: hidden reference ref.sv is missing"),
        (TOML, {"ref.sv": REF}, r"counter4: hidden testbench test.sv is missing"),
        (
            TOML + 'testbench = "nope.sv"\n',
            {"ref.sv": REF, "test.sv": TB},
            r"public testbench nope.sv is missing",
        ),
        ("description = 'x\n", {"ref.sv": REF, "test.sv": TB}, r"task.toml: invalid TOML"),
        ('summary = "no description"\n', {"ref.sv": REF, "test.sv": TB}, r"`description` .* is required"),
        ('description = "x"\npublic = 3\n', {"ref.sv": REF, "test.sv": TB}, r"\[public\] must be a table"),
        (
            'description = "x"\n[public]\nvectors = [1]\n',
            {"ref.sv": REF, "test.sv": TB},
            r"vectors must be a list",
        ),
        (
            'description = "x"\n',
            {"ref.sv": "module Other(); endmodule", "test.sv": TB},
            r"'RefModule' not found",
        ),
    ],
    ids=[
        "no-ref",
        "no-test",
        "no-public-tb",
        "bad-toml",
        "no-description",
        "bad-table",
        "bad-vectors",
        "no-refmodule",
    ],
)
def test_errors_name_the_task_and_what_is_wrong(
    tmp_path: Path, toml: str, files: dict[str, str], message: str
) -> None:
    make_task(tmp_path, toml=toml, files=files)
    with pytest.raises(SuiteError, match=message):
        load_native(tmp_path)


def test_suite_level_errors(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="does not exist"):
        load_native(tmp_path / "absent")
    with pytest.raises(SuiteError, match="no task directories"):
        load_native(tmp_path)
    make_task(tmp_path, "a", toml='id = "same"\n' + TOML)
    make_task(tmp_path, "b", toml='id = "same"\n' + TOML)
    with pytest.raises(SuiteError, match="two tasks with id 'same'"):
        load_native(tmp_path)


def test_unknown_task_id_suggests_close_ones(tmp_path: Path) -> None:
    make_task(tmp_path)
    with pytest.raises(SuiteError, match="did you mean counter4"):
        load_native(tmp_path).get("counter")
