"""Counterexample traces: the sat table, the VCD, and the replay testbench (parsing needs no tools)."""

from __future__ import annotations

import pytest
from formal_designs import SEQ_BUG, SEQ_REF

from rtlsmith.formal.cex import (
    Sample,
    Trace,
    bits_match,
    parse_mismatches,
    parse_sat_table,
    parse_vcd,
    replay_testbench,
    trace_from_log,
    trace_from_vcd,
)
from rtlsmith.task import Interface, Port
from rtlsmith.tools.toolchain import have

LOG = r"""
Induction step failed. Incrementing induction length.

  Time Signal Name             Dec       Hex           Bin
  ---- --------------- ----------- --------- -------------
  init \gate.q                  11         b          1011
     1 \gate_q                  11         b          1011

SAT temporal induction proof finished - model found for base case: FAIL!

  Time Signal Name             Dec       Hex           Bin
  ---- --------------- ----------- --------- -------------
  init \gate.q                   0         0          0000
     1 \gate_q                   0         0          0000
     1 \gold_q                   0         0          0000
     1 \in_clk                   0         0             0
     1 \in_en                    0         0             0
     1 \in_reset                 1         1             1
     1 \trigger                  0         0             0
  ---- --------------- ----------- --------- -------------
     2 \gate_q                   3         3          0011
     2 \gold_q                   4         4          0100
     2 \in_clk                   0         0             0
     2 \in_en                    1         1             1
     2 \in_reset                 0         0             0
     2 \trigger                  1         1             1

Dumping SAT model to VCD file cex.vcd
"""

VCD = r"""$date
    today
$end
$scope module \miter $end
$var wire 4 v0 \gate.q $end
$var wire 4 v2 \gate_q $end
$var wire 4 v3 \gold_q $end
$var wire 1 v4 \in_clk $end
$var wire 1 v5 \in_en $end
$var wire 1 v6 \in_reset $end
$var wire 1 v7 \trigger $end
$upscope $end
$enddefinitions $end
$dumpvars
#0
b0000 v0
$end
b0000 v2
b0000 v3
0v4
0v5
1v6
0v7
#2
b0011 v2
b0100 v3
0v4
1v5
0v6
1v7
#3
"""


def test_the_table_after_the_failed_proof_is_read_and_earlier_tables_ignored() -> None:
    steps = parse_sat_table(LOG)
    assert sorted(steps) == [1, 2]
    assert steps[2] == {
        "gate_q": "0011",
        "gold_q": "0100",
        "in_clk": "0",
        "in_en": "1",
        "in_reset": "0",
        "trigger": "1",
    }
    trace = trace_from_log(LOG, clock="clk", check_from=2)
    assert trace is not None and trace.length == 2
    assert trace.samples[1].inputs == {"clk": "0", "en": "1", "reset": "0"}
    assert trace.samples[1].mismatched() == ("q",)
    assert trace.first_mismatch() is trace.samples[1]


def test_the_vcd_gives_the_same_trace_as_the_table() -> None:
    vcd, table = parse_vcd(VCD), parse_sat_table(LOG)
    assert sorted(vcd) == sorted(table) == [1, 2]
    for step in table:  # the VCD also has the internal `gate.q`, which a trace leaves out
        assert {k: v for k, v in vcd[step].items() if k != "gate.q"} == table[step]
    assert trace_from_vcd(VCD) == trace_from_log(LOG)


def test_no_failed_proof_means_no_trace() -> None:
    assert trace_from_log("Induction step proven: SUCCESS!\n") is None


def test_an_x_in_the_reference_matches_anything() -> None:
    assert bits_match("1x0", "110") and bits_match("1x0", "100")
    assert not bits_match("100", "1x0")  # an x in the candidate is a mismatch
    assert not bits_match("10", "11")


def test_replay_testbench_drives_inputs_compares_and_pulses_the_clock() -> None:
    trace = trace_from_log(LOG, clock="clk", check_from=2)
    assert trace is not None
    ifc = Interface(
        "TopModule",
        (Port("clk", "input"), Port("reset", "input"), Port("en", "input"), Port("q", "output", 4)),
    )
    tb = replay_testbench(trace, ifc)
    assert tb.startswith("`timescale") and "module tb;" in tb
    assert "RefModule rtlsmith_ref (" in tb and "TopModule rtlsmith_dut (" in tb
    assert "in_reset = 1'b1;" in tb and "in_en = 1'b1;" in tb
    assert tb.count("rtlsmith_check(") == 2  # the task's declaration and step 2; step 1 is not compared
    assert "in_clk = 1'b1; #1; in_clk = 1'b0;" in tb
    assert "Mismatches: %0d in %0d samples" in tb
    negedge = replay_testbench(Trace(trace.samples, clock="clk", edge="negedge", check_from=2), ifc)
    assert "in_clk = 1'b0; #1; in_clk = 1'b1;" in negedge


def test_table_marks_the_difference() -> None:
    trace = Trace(
        (
            Sample(1, {"a": "0101"}, {"y": "0110"}, {"y": "0110"}),
            Sample(2, {"a": "1111"}, {"y": "1"}, {"y": "0"}),
        ),
        check_from=1,
    )
    text = trace.table()
    assert "4'h5" in text and text.splitlines()[-1].endswith("<-- differs")
    assert parse_mismatches("x\nMismatches: 3 in 9 samples\n") == (3, 9)


@pytest.mark.skipif(not have("yosys"), reason="Yosys is not installed (apt-get install -y yosys)")
def test_a_real_counterexample_reads_the_same_from_log_and_vcd() -> None:
    from rtlsmith.formal import check_equivalence

    result = check_equivalence(SEQ_REF, SEQ_BUG, confirm=False)
    log_trace = trace_from_log(result.log, clock="clk", check_from=2)
    vcd_trace = trace_from_vcd(result.vcd, clock="clk", check_from=2)
    assert log_trace is not None and log_trace == vcd_trace
    assert result.trace is not None and result.trace.values_from == "sat"
