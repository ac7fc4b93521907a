"""Integrity flags: passes the benchmark harness accepts but a reader should see."""

from __future__ import annotations

import pytest
from judge_helpers import GOOD, HEADER, REFERENCE

from rtlsmith.tools.screen import integrity_flags


def test_a_clean_design_has_no_flags() -> None:
    assert integrity_flags(GOOD, samples=20) == ()


def test_instantiating_the_reference_is_flagged() -> None:
    cheat = HEADER + "  RefModule r (.clk(clk), .a(a), .y(y));\nendmodule\n"
    assert any("reference module" in f for f in integrity_flags(cheat, samples=20))
    # a mention in a comment or a string is not an instantiation
    assert integrity_flags(GOOD.replace("endmodule", "// like RefModule\nendmodule"), samples=20) == ()


def test_printing_the_summary_line_and_ending_the_run_are_flagged() -> None:
    fake = (
        HEADER
        + '  initial begin $display("Mismatches: 0 in 1 samples"); $finish; end\n'
        + GOOD.split("\n", 1)[1]
    )
    flags = integrity_flags(fake, samples=1)
    assert any("Mismatches" in f for f in flags)
    assert any("$finish" in f for f in flags)


def test_zero_samples_compared_is_flagged() -> None:
    assert integrity_flags(GOOD, samples=0) == ("passed with 0 samples compared",)


@pytest.mark.needs_iverilog
def test_the_judge_records_flags_on_a_pass_without_changing_it() -> None:
    from judge_helpers import inline_task

    from rtlsmith.tools.judge import judge

    cheat = HEADER + "  RefModule r (.clk(clk), .a(a), .y(y));\nendmodule\n"
    verdict = judge(inline_task(), cheat)
    assert verdict.passed  # the harness's rule: it matches the reference, so it passes
    assert verdict.integrity and "reference module" in verdict.integrity[0]
    assert verdict.record()["integrity"] == list(verdict.integrity)
    assert judge(inline_task(), GOOD).integrity == ()
    assert REFERENCE  # the reference is what the cheat instantiates
