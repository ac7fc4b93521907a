"""Per-property unsupported: a one-line statement outside the subset is dropped with its line and reason."""

from __future__ import annotations

from rtlsmith.assertions.partial import drop_unsupported
from rtlsmith.assertions.properties import parse_properties

MIXED = """\
  always @* p_ok: assert (y == a);
  p_seq: assert property (@(posedge clk) a ##1 y);
  p_ok2: assert property (@(posedge clk) a |=> y);
  c_ev: cover property (@(posedge clk) s_eventually y);
"""


def test_unsupported_statements_are_dropped_with_their_lines() -> None:
    kept, dropped = drop_unsupported(MIXED)
    assert [(d.line, d.kind) for d in dropped] == [(2, "assert"), (4, "cover")]
    assert "##" in dropped[0].reason and dropped[0].record()["status"] == "unsupported"
    names = [p.name for p in parse_properties(kept).properties]
    assert names == ["p_ok", "p_ok2"]
    assert [p.line for p in parse_properties(kept).properties] == [1, 3]  # line numbers kept


def test_a_file_in_the_subset_or_beyond_mending_is_left_alone() -> None:
    ok = "always @* p: assert (y == a);\n"
    assert drop_unsupported(ok) == (ok, ())
    only_bad = "p: assert property (@(posedge clk) a ##1 y);\n"  # nothing left: no assert at all
    assert drop_unsupported(only_bad) == (only_bad, ())
    spread = "sequence s;\n  a ##1 y;\nendsequence\np: assert property (@(posedge clk) a |=> y);\n"
    assert drop_unsupported(spread) == (spread, ())
