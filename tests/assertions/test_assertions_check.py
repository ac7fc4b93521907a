"""Hand-written properties on bundled references: proven, refuted with a trace, vacuous, unsupported."""

from __future__ import annotations

from assertion_helpers import bundled, needs_yosys

from rtlsmith.assertions import Status, check_properties

COUNTER = "counter_updown_load"

PROPS = """\
  always @* begin
    p_tc: assert (tc == (en & ((up & (q == 8'hff)) | (~up & (q == 8'h00)))));
  end
  p_reset: assert property (@(posedge clk) reset |=> q == 8'd0);
  p_load: assert property (@(posedge clk) !reset && load |=> q == $past(d));
  p_wrong: assert property (@(posedge clk) reset |=> q == 8'd1);
  always @(posedge clk) if (reset && !reset) p_vacuous: assert (q == 8'd7);
  c_top: cover property (@(posedge clk) q == 8'hff);
"""


@needs_yosys
def test_true_false_and_vacuous_properties_on_a_counter() -> None:
    task, reference = bundled(COUNTER)
    report = check_properties(reference, task.public.interface, PROPS, design_top="RefModule")
    assert not report.error, report.error
    assert report.result("p_tc").status is Status.PROVEN
    assert report.result("p_reset").status is Status.PROVEN
    assert report.result("p_load").status is Status.PROVEN
    assert report.result("p_reset").reachable is True

    wrong = report.result("p_wrong")
    assert wrong.status is Status.COUNTEREXAMPLE and wrong.line == 6
    assert wrong.trace is not None
    table = wrong.trace.table()
    assert table.splitlines()[0].split()[:3] == ["step", "clk", "reset"]
    resets = [dict(values)["reset"] for _, values in wrong.trace.steps]
    assert "1" in resets  # the trace applies the reset whose aftermath breaks the property
    assert wrong.trace.vcd.startswith("$") and "$var" in wrong.trace.vcd

    vacuous = report.result("p_vacuous")
    assert vacuous.status is Status.PROVEN and vacuous.vacuous
    assert report.result("c_top").status is Status.REACHED


@needs_yosys
def test_a_property_yosys_rejects_is_unsupported_with_its_line() -> None:
    task, reference = bundled(COUNTER)
    props = "p_ok: assert property (q == q);\n\np_typo: assert property (q == qq);\n"
    report = check_properties(reference, task.public.interface, props, design_top="RefModule")
    assert report.unsupported and report.error_line == 3
    assert "qq" in report.error


@needs_yosys
def test_a_temporal_operator_is_unsupported_with_its_line() -> None:
    task, reference = bundled(COUNTER)
    props = "p_ok: assert property (q == q);\np_seq: assert property (@(posedge clk) load ##1 en);\n"
    report = check_properties(reference, task.public.interface, props, design_top="RefModule")
    assert report.unsupported and report.error_line == 2 and "##" in report.error


@needs_yosys
def test_combinational_design_properties() -> None:
    task, reference = bundled("add8_carry")
    ports = {p.name: p.width for p in task.public.interface.ports}
    assert {"a", "b", "cin", "sum", "cout"} <= set(ports)
    props = (
        "always @* begin\n  p_sum: assert ({cout, sum} == a + b + cin);\n  p_bad: assert (sum == a);\nend\n"
    )
    report = check_properties(reference, task.public.interface, props, design_top="RefModule")
    assert report.result("p_sum").status is Status.PROVEN
    assert report.result("p_bad").status is Status.COUNTEREXAMPLE
