"""The task model: hidden checks never print, need a declared purpose, and never reach a PublicTask;
interfaces are parsed from headers and print back as valid headers."""

from __future__ import annotations

import copy
import json
import pickle
import pprint
from dataclasses import asdict, fields

import pytest

from rtlsmith.errors import HiddenAccessError, SuiteError
from rtlsmith.hdl import module_names, parse_interface, syntax_errors
from rtlsmith.task import (
    HiddenChecks,
    Interface,
    Layout,
    Port,
    PublicChecks,
    PublicTask,
    Purpose,
    Sealed,
    Spec,
    Task,
)

SECRET_TB = "module tb; // SECRET-TESTBENCH-7f3a\nendmodule\n"
SECRET_REF = "module RefModule(output y); assign y = 1'b1; // SECRET-REFERENCE-91c2\nendmodule\n"
SECRETS = ("SECRET-TESTBENCH-7f3a", "SECRET-REFERENCE-91c2")


def make_task() -> Task:
    public = PublicTask(
        id="t1",
        suite="unit",
        spec=Spec(detailed="Drive y high.", summary="constant one"),
        interface=Interface("TopModule", (Port("y", "output"),)),
        tags=("combinational",),
        public=PublicChecks(testbench="module public_tb; endmodule"),
    )
    hidden = HiddenChecks(testbench=SECRET_TB, reference=SECRET_REF, layout=Layout.VERILOG_EVAL_V2)
    return Task(public, Sealed(hidden))


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_hidden_checks_never_appear_in_printed_forms() -> None:
    task = make_task()
    for text in (
        str(task), repr(task), f"{task}", f"{task!r}", f"{task.hidden}", f"{task.hidden:>40}",
        "%s %r" % (task.hidden, task.hidden), pprint.pformat(task), str(vars(task)),  # noqa: UP031
        json.dumps(asdict(task.public)), str(asdict(task)), json.dumps(task, default=str),
        str(copy.deepcopy(task)), str(task.content_hash()),
    ):  # fmt: skip
        assert_no_secret(text)
    assert str(task.hidden) == repr(task.hidden) == "<sealed>"


def test_public_task_has_no_path_to_hidden_material() -> None:
    task = make_task()
    assert_no_secret(json.dumps(asdict(task.public)))
    assert_no_secret(pickle.dumps(task.public).decode("latin-1"))
    assert {f.name for f in fields(PublicTask)} == {"id", "suite", "spec", "interface", "tags", "public"}


def test_unsealing_needs_a_declared_purpose() -> None:
    task = make_task()
    assert task.hidden.unseal(Purpose.SCORING).testbench == SECRET_TB
    with pytest.raises(HiddenAccessError):
        task.hidden.unseal("scoring")  # type: ignore[arg-type]
    with pytest.raises(HiddenAccessError):
        list(task.hidden)


def test_sealed_boxes_compare_and_hash_by_content_and_pickle_for_workers() -> None:
    a, b = Sealed("x"), Sealed("x")
    assert a == b and hash(a) == hash(b) and a != Sealed("y")
    task = pickle.loads(pickle.dumps(make_task()))
    assert task.hidden.unseal(Purpose.SCORING).reference == SECRET_REF


def test_content_hash_changes_with_hidden_material() -> None:
    task = make_task()
    other_hidden = HiddenChecks(
        testbench=SECRET_TB + " ", reference=SECRET_REF, layout=Layout.VERILOG_EVAL_V2
    )
    assert task.content_hash() == make_task().content_hash()
    assert task.content_hash() != Task(task.public, Sealed(other_hidden)).content_hash()


def test_spec_levels_fall_back_to_the_detailed_text() -> None:
    spec = Spec(detailed="long", summary="short")
    assert (spec.text("summary"), spec.text("detailed"), spec.text("block")) == ("short", "long", "long")


# Interfaces


def test_ansi_header_widths_directions_signedness_and_kinds() -> None:
    ifc = parse_interface(
        "module TopModule (\n  input clk,\n  input [7:0] d,\n  input signed [3:0] s,\n"
        "  output reg [7:0] q,\n  output logic done,\n  inout bus\n);"
    )
    assert ifc.module == "TopModule"
    assert [(p.name, p.direction, p.width, p.signed) for p in ifc.ports] == [
        ("clk", "input", 1, False), ("d", "input", 8, False), ("s", "input", 4, True),
        ("q", "output", 8, False), ("done", "output", 1, False), ("bus", "inout", 1, False),
    ]  # fmt: skip
    assert ifc.port("q") is not None and ifc.port("q").kind == "reg"  # type: ignore[union-attr]
    assert ifc.port("nope") is None
    assert ifc.clock() == "clk"
    assert [p.name for p in ifc.inputs] == ["clk", "d", "s"] and [p.name for p in ifc.outputs] == [
        "q",
        "done",
    ]


def test_non_ansi_header_and_descending_ranges() -> None:
    ifc = parse_interface(
        "module top_module(a, b, y);\n input [0:3] a;\n input [15:8] b;\n output y;\nendmodule"
    )
    assert [(p.name, p.width) for p in ifc.ports] == [("a", 4), ("b", 8), ("y", 1)]
    assert ifc.clock() is None


def test_header_prints_back_and_parses_to_the_same_interface() -> None:
    ifc = parse_interface("module TopModule (input clk, input signed [3:0] s, output reg [7:0] q);")
    again = parse_interface(ifc.header())
    assert again == ifc
    assert ifc.header().startswith("module TopModule (") and ifc.header().endswith(");")


def test_picks_the_named_module_among_several() -> None:
    text = "module RefModule(input a, output y); assign y = a; endmodule\nmodule tb; RefModule r(); endmodule"
    assert parse_interface(text, "RefModule").ports[0].name == "a"
    assert module_names(text) == ["RefModule", "tb"]
    with pytest.raises(SuiteError, match="not found"):
        parse_interface(text, "TopModule")
    with pytest.raises(SuiteError, match="no `module`"):
        parse_interface("assign y = 1;")


def test_syntax_errors_point_at_the_line() -> None:
    assert syntax_errors("module m; assign y = 1; endmodule") == ""
    report = syntax_errors("module m;\n assign y = ;\nendmodule")
    assert ":2:" in report and "error" in report
