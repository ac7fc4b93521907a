"""Repair as line edits: numbering, parsing the answer, applying replacements, insertions and deletions."""

from __future__ import annotations

import pytest

from rtlsmith.agent.edits import EditError, apply_edits, edit_prompt, numbered, parse_edits
from rtlsmith.task import Interface, Port, PublicTask, Spec

CODE = "module TopModule(input a, input b, output y);\n  assign y = a & b;\nendmodule\n"


def test_numbered_lines_line_up() -> None:
    assert numbered(CODE).splitlines() == [
        "1: module TopModule(input a, input b, output y);",
        "2:   assign y = a & b;",
        "3: endmodule",
    ]


def test_replace_insert_and_delete() -> None:
    answer = "```\n2:   assign y = a ^ b;\n2+:   // xor\n0+: `default_nettype none\n```\nDone."
    edits = parse_edits(answer)
    assert [(e.line, e.insert) for e in edits] == [(2, False), (2, True), (0, True)]
    fixed = apply_edits(CODE, edits)
    assert fixed.splitlines() == [
        "`default_nettype none",
        "module TopModule(input a, input b, output y);",
        "  assign y = a ^ b;",
        "  // xor",
        "endmodule",
    ]
    assert "assign" not in apply_edits(CODE, parse_edits("2: "))


def test_edits_that_do_not_apply_are_errors() -> None:
    with pytest.raises(EditError, match="no `<line number>: <text>` edit"):
        apply_edits(CODE, parse_edits("module TopModule ... endmodule"))
    with pytest.raises(EditError, match=r"out of range \(the design has 3 lines\): \[7\]"):
        apply_edits(CODE, parse_edits("7: end"))


def test_the_prompt_numbers_the_design_and_asks_for_lines_only() -> None:
    ifc = Interface("TopModule", (Port("a", "input"), Port("b", "input"), Port("y", "output")))
    task = PublicTask("x", "test", Spec("y is a XOR b."), ifc)
    text = edit_prompt(task, CODE, "y=0 expected 1 at a=1 b=0")[-1].content
    assert "2:   assign y = a & b;" in text and "y is a XOR b." in text
    assert "Answer with only the lines to change" in text and "```verilog" not in text
