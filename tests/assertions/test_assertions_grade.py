"""Grading property sets by the bundled suite's known bugs: kill rate, wrong, vacuous and empty sets."""

from __future__ import annotations

import pytest
from assertion_helpers import MUTANTS, bundled, known_bugs, needs_yosys

from rtlsmith.assertions.grade import grade_properties
from rtlsmith.assertions.mutate import generated_mutants, operator_mutants
from rtlsmith.suites import load_suite

COUNTER_PROPS = """\
  always @* p_tc: assert (tc == (en & ((up & (q == 8'hff)) | (~up & (q == 8'h00)))));
  p_reset: assert property (@(posedge clk) reset |=> q == 8'd0);
  p_load: assert property (@(posedge clk) !reset && load |=> q == $past(d));
  p_wrong: assert property (@(posedge clk) reset |=> q == 8'd1);
  always @(posedge clk) if (reset && !reset) p_vacuous: assert (q == 8'd7);
"""


@needs_yosys
def test_kill_rate_on_the_known_bugs_of_a_counter() -> None:
    task, reference = bundled("counter_updown_load")
    bugs = known_bugs("counter_updown_load")
    grade = grade_properties(reference, task.public.interface, COUNTER_PROPS, bugs, reference_top="RefModule")
    # The syntax bug does not elaborate: it is listed, not graded.
    assert [m.name for m in grade.mutants if m.error] == ["syntax_missing_semicolon"]
    assert len(grade.graded) == len(bugs) - 1 == 4
    assert grade.kill_rate == 1.0
    assert grade.wrong == ("p_wrong",)
    killers = {name for m in grade.mutants for name in m.killed_by}
    assert "p_wrong" not in killers  # wrong on the reference: never counted as a kill
    assert grade.vacuous == ("p_vacuous",)
    assert "p_vacuous" in grade.never_fire
    assert any("wrong on the reference" in f for f in grade.flags())


@needs_yosys
def test_a_partial_set_kills_only_what_it_constrains() -> None:
    task, reference = bundled("counter_updown_load")
    props = "always @* p_tc: assert (tc == (en & ((up & (q == 8'hff)) | (~up & (q == 8'h00)))));\n"
    grade = grade_properties(
        reference, task.public.interface, props, known_bugs("counter_updown_load"), reference_top="RefModule"
    )
    assert grade.kill_rate == pytest.approx(1 / 4)
    assert [m.name for m in grade.mutants if m.killed] == ["tc_ignores_en"]


@needs_yosys
def test_a_combinational_set_kills_both_known_bugs() -> None:
    task, reference = bundled("add8_carry")
    props = (
        "always @* begin\n"
        "  p_sum: assert ({cout, sum} == a + b + cin);\n"
        "  p_ovf: assert (ovf == ((a[7] == b[7]) && (sum[7] != a[7])));\n"
        "end\n"
    )
    grade = grade_properties(
        reference, task.public.interface, props, known_bugs("add8_carry"), reference_top="RefModule"
    )
    assert grade.kill_rate == 1.0 and not grade.flags()


@needs_yosys
@pytest.mark.parametrize("task_id", ["counter_updown_load", "add8_carry"])
def test_a_tautological_set_kills_nothing_and_is_flagged(task_id: str) -> None:
    task, reference = bundled(task_id)
    out = task.public.interface.outputs[0].name
    props = f"p_same: assert property ({out} == {out});\n"
    grade = grade_properties(
        reference, task.public.interface, props, known_bugs(task_id), reference_top="RefModule"
    )
    assert grade.proven == ("p_same",)
    assert grade.kill_rate == 0.0 and grade.says_nothing
    assert any("says nothing" in f for f in grade.flags())


@needs_yosys
@pytest.mark.slow
def test_a_tautological_set_kills_none_of_the_120_bundled_bugs() -> None:
    total = 0
    for task in load_suite("bundled"):
        bugs = known_bugs(task.id)
        if not bugs:
            continue
        _, reference = bundled(task.id)
        out = task.public.interface.outputs[0].name
        grade = grade_properties(
            reference, task.public.interface, f"p: assert property ({out} == {out});\n", bugs,
            reference_top="RefModule", max_steps=4,
        )  # fmt: skip
        assert grade.kill_rate in (0.0, None), task.id
        total += len(bugs)
    assert total == len(list(MUTANTS.glob("*/*.sv")))


def test_operator_mutants_edit_the_body_not_the_header() -> None:
    design = "module m (input [1:0] a, output y);\n  assign y = (a == 2'd1) && a[0];\nendmodule\n"
    mutants = operator_mutants(design)
    assert set(mutants) == {"line 2: == made !=", "line 2: && made ||"}
    assert all(text.startswith("module m (input [1:0] a, output y);") for text in mutants.values())


def test_generated_mutants_include_the_interface_mutants() -> None:
    task, reference = bundled("counter_updown_load")
    mutants = generated_mutants(reference, task.public.interface, "RefModule")
    assert {"outputs tied to 0", "outputs inverted", "reset ignored"} <= set(mutants)
    assert all("module TopModule" in text for text in mutants.values())
