"""Reading a property file into the subset Yosys accepts: labels, rewrites, refusals with the line."""

from __future__ import annotations

import pytest

from rtlsmith.assertions.properties import PropertyFileError, module_body, parse_properties


def test_concurrent_implications_become_clocked_immediate_assertions() -> None:
    pf = parse_properties(
        "p_next: assert property (@(posedge clk) disable iff (reset) a |=> b);\n"
        "p_now: assert property (@(posedge clk) a |-> b);\n"
    )
    assert [p.name for p in pf.asserts] == ["p_next", "p_now"]
    assert "if (!(reset) && rtlsmith_past_valid && $past(a)) p_next: assert (b);" in pf.body
    assert "always @(posedge clk) if ((a)) p_now: assert (b);" in pf.body
    assert pf.asserts[0].guard == "a"
    # The rewrite keeps line numbers: the helper register sits on the first line.
    assert pf.body.count("\n") == 2


def test_unlabelled_statements_get_labels_and_whole_modules_map_lines() -> None:
    source = "module m_props(input a, input b);\n  // c\n  always @* assert (a == b);\nendmodule\n"
    pf = parse_properties(source)
    (p,) = pf.properties
    assert p.name == "rtlsmith_p1" and p.line == 3
    assert module_body(source)[1] == 0


def test_probe_turns_asserts_into_reachability_checks() -> None:
    pf = parse_properties("always @(posedge clk) if (go) p: assert (x);\nc: cover (y);\n")
    probe = pf.probe_body()
    assert "if (go) p: assert (1'b0);" in probe
    assert "c: assert property (!(y));" in probe


@pytest.mark.parametrize(
    ("text", "line", "why"),
    [
        ("p: assert (a);\nq: assert property (@(posedge clk) a ##1 b);\n", 2, "##"),
        ("\n\np: assert property (@(posedge clk) a |-> b[*2]);\n", 3, "repetition"),
        ("p: assert (dut.state == 0);\n", 1, "hierarchical"),
        ("sequence s; a; endsequence\np: assert (a);\n", 1, "sequence"),
        ("p: assert property (a |=> b);\n", 1, "clocking event"),
        ("p: assert (a);\np: assert (b);\n", 2, "twice"),
        ("c: cover (a);\n", 1, "no `assert`"),
    ],
)
def test_outside_the_subset_is_refused_with_its_line(text: str, line: int, why: str) -> None:
    with pytest.raises(PropertyFileError) as info:
        parse_properties(text)
    assert info.value.line == line
    assert why in str(info.value)


def test_an_immediate_assert_outside_any_process_is_read_as_assert_property() -> None:
    pf = parse_properties(
        "p1: assert (a == b);\nalways @* begin\n  p2: assert (a);\nend\np3: assert (b);\n"
        "always @(posedge clk) if (a) p4: assert (b);\n"
    )
    assert "p1: assert property (a == b);" in pf.body
    assert "p2: assert (a);" in pf.body
    assert "p3: assert property (b);" in pf.body
    assert "if (a) p4: assert (b);" in pf.body
