"""The failure taxonomy on log text: VerilogEval v2's rules (sv-iv-analyze) and v1's (execution.py)."""

from __future__ import annotations

import pytest

from rtlsmith.tools.verdict import (
    DECISIVE_SUBSTRINGS,
    V1_UNDECODABLE,
    FailureClass,
    Verdict,
    classify_v1,
    classify_v2_log,
    excerpt,
    mismatch_hints,
    text_lines,
)

SYNC = "always @(posedge clk) if (reset) q <= 0; else q <= d;"
PASS_LINE = "Mismatches: 0 in 100 samples"

# One representative log line per class, as Icarus 11 and the testbenches print them.
LINES = {
    FailureClass.SYNTAX: "TopModule.sv:5: syntax error",
    FailureClass.EXPLICIT_CAST: "TopModule.sv:9: error: This assignment requires an explicit cast.",
    FailureClass.ZERO_SIZE_CONSTANT: (
        "TopModule.sv:3: error: Sized numeric constant must have a size greater than zero."
    ),
    FailureClass.NO_SENSITIVITIES: "TopModule.sv:4: warning: always_comb process has no sensitivities.",
    FailureClass.DECLARED_AS_WIRE: "TopModule.sv:2:      : ww is declared here as wire.",
    FailureClass.UNKNOWN_MODULE: "TopModule.sv:6: error: Unknown module type: MissingBlock",
    FailureClass.UNBOUND_CLK: "TopModule.sv:7: error: Unable to bind wire/reg/memory `clk' in `tb.dut'",
    FailureClass.TIMEOUT: "TIMEOUT",
    FailureClass.UNBOUND_SIGNAL: "TopModule.sv:7: error: Unable to bind wire/reg/memory `foo' in `tb.dut'",
    FailureClass.COMPILE: "TopModule.sv:8: error: 'dup' has already been declared in this scope.",
}


@pytest.mark.parametrize("cls", list(LINES), ids=lambda c: c.value)
def test_each_class_from_its_log_line(cls: FailureClass) -> None:
    assert classify_v2_log(LINES[cls] + "\n" + PASS_LINE + "\n", SYNC).failure_class is cls


def test_star_with_no_sensitivities_is_class_n() -> None:
    log = "TopModule.sv:4: warning: @* found no sensitivities so it will never trigger.\n" + PASS_LINE
    assert classify_v2_log(log, SYNC).failure_class is FailureClass.NO_SENSITIVITIES


def test_pass_needs_a_zero_mismatch_line() -> None:
    result = classify_v2_log("VCD info: dumpfile wave.vcd opened for output.\n" + PASS_LINE + "\n", SYNC)
    assert result.failure_class is FailureClass.PASS
    assert (result.mismatches, result.samples) == (0, 100)
    assert classify_v2_log("", SYNC).failure_class is FailureClass.RUNTIME


def test_mismatch_line_is_anchored_at_both_ends() -> None:
    assert classify_v2_log(" Mismatches: 0 in 10 samples", SYNC).failure_class is FailureClass.RUNTIME
    assert classify_v2_log("Mismatches: 0 in 10 samples.", SYNC).failure_class is FailureClass.RUNTIME


def test_runtime_mismatch_counts_and_async_reset_markers() -> None:
    hint = "Hint: Output 'q' has 7 mismatches. First mismatch occurred at time 35."
    log = hint + "\nMismatches: 7 in 100 samples\n"
    plain = classify_v2_log(log, SYNC)
    assert (plain.failure_class, plain.mismatches, plain.samples) == (FailureClass.RUNTIME, 7, 100)
    for marker in ("always @(posedge clk, posedge reset)", "always @(negedge reset)", "always @(posedge r)"):
        assert classify_v2_log(log, marker).failure_class is FailureClass.RUNTIME_ASYNC_RESET
    # The r/R rule reads the candidate text line by line, comments included, as sv-iv-analyze does.
    assert (
        classify_v2_log(log, "// no posedge reset here\n").failure_class is FailureClass.RUNTIME_ASYNC_RESET
    )
    # A compile failure is never r, whatever the candidate says.
    compile_fail = classify_v2_log(LINES[FailureClass.COMPILE], "always @(posedge reset)")
    assert compile_fail.failure_class is FailureClass.COMPILE


def test_first_matching_line_wins_among_the_ordered_rules() -> None:
    log = "\n".join([LINES[FailureClass.UNKNOWN_MODULE], LINES[FailureClass.SYNTAX]])
    assert classify_v2_log(log, SYNC).failure_class is FailureClass.UNKNOWN_MODULE
    log = "\n".join([LINES[FailureClass.SYNTAX], LINES[FailureClass.UNKNOWN_MODULE]])
    assert classify_v2_log(log, SYNC).failure_class is FailureClass.SYNTAX
    # Within one line the script's rule order decides: "syntax error" is tested before the rest.
    assert classify_v2_log("syntax error near Unknown module type", SYNC).failure_class is FailureClass.SYNTAX
    assert classify_v2_log("error: TIMEOUT", SYNC).failure_class is FailureClass.TIMEOUT


def test_p_and_c_come_after_the_ordered_rules_and_p_before_c() -> None:
    p_line, c_line = LINES[FailureClass.UNBOUND_SIGNAL], LINES[FailureClass.COMPILE]
    # p and C are flags, decided after the whole log: a later ordered rule still wins.
    assert classify_v2_log(p_line + "\nTIMEOUT\n", SYNC).failure_class is FailureClass.TIMEOUT
    assert classify_v2_log(c_line + "\n" + LINES[FailureClass.DECLARED_AS_WIRE], SYNC).failure_class is (
        FailureClass.DECLARED_AS_WIRE
    )
    assert classify_v2_log(c_line + "\n" + p_line, SYNC).failure_class is FailureClass.UNBOUND_SIGNAL
    # ...and both beat a zero-mismatch line: any "error" on any line fails the sample.
    assert (
        classify_v2_log(PASS_LINE + "\nerror: from a $display\n", SYNC).failure_class is FailureClass.COMPILE
    )
    assert classify_v2_log("Error: capitalised is not matched\n" + PASS_LINE, SYNC).failure_class is (
        FailureClass.PASS
    )


def test_timeout_after_a_pass_line_is_a_timeout() -> None:
    # Prob082 and Prob141: the testbench's own guard prints TIMEOUT, then its summary.
    log = (
        "TIMEOUT\nHint: Total mismatched samples is 0 out of 200000 samples\n"
        + "Mismatches: 0 in 200000 samples\n"
    )
    assert classify_v2_log(log, SYNC).failure_class is FailureClass.TIMEOUT


def test_any_zero_line_passes_even_next_to_a_nonzero_one() -> None:
    # sv-iv-analyze keeps a flag for a zero line; a design that prints one passes there, so it does here.
    log = "Mismatches: 0 in 1 samples\nMismatches: 12 in 100 samples\n"
    assert classify_v2_log(log, SYNC).failure_class is FailureClass.PASS


def test_every_rule_substring_is_kept_past_the_output_cap() -> None:
    for line in [
        *LINES.values(),
        PASS_LINE,
        "Hint: Output 'q' has 1 mismatches. First mismatch occurred at time 5.",
    ]:
        assert any(s in line for s in DECISIVE_SUBSTRINGS), line


# v1: execution.py's rule strings, in its order.


def test_v1_rules_in_order() -> None:
    ok = "Mismatches: 0 in 50 samples\n"
    assert classify_v1(ok, "", False) == ("passed", 0, 50)
    assert classify_v1("Mismatches: 3 in 50 samples\n", "", False) == ("failed: 3 out of 50 samples.", 3, 50)
    assert classify_v1(ok, "t.sv:3: syntax error\nI give up.\n", False)[0] == "failed: syntax error."
    assert classify_v1(ok, "t.sv:3: warning: implicit definition of wire 'x'.\n", False)[0] == (
        "failed: compile error."
    )
    assert classify_v1("no summary here\n", "", False)[0] == "failed: info string not matched."
    assert classify_v1(ok, "", True)[0] == "timed out"


def test_v1_searches_stdout_anywhere_and_takes_the_first_match() -> None:
    assert (
        classify_v1("xx Mismatches: 0 in 5 samples yy\nMismatches: 9 in 9 samples\n", "", False)[0]
        == "passed"
    )
    # The summary on stderr does not count; stderr itself is a compile error.
    assert classify_v1("", "Mismatches: 0 in 5 samples\n", False)[0] == "failed: compile error."


# Hints, excerpts and records.


def test_mismatch_hints() -> None:
    log = (
        "Hint: Output 'q' has 7 mismatches. First mismatch occurred at time 35.\n"
        "Hint: Output 'z' has no mismatches.\n"
        "Hint: Output 'y' has 2 mismatches. First mismatch occurred at time 110.\n"
    )
    assert mismatch_hints(log) == (("q", 7, 35), ("y", 2, 110))


def test_excerpt_picks_the_informative_lines_and_caps_its_size() -> None:
    log = "\n".join(["VCD info: dumpfile wave.vcd opened for output."] * 5 + [LINES[FailureClass.COMPILE]])
    assert excerpt(log) == LINES[FailureClass.COMPILE]
    icarus_sorry = (
        "t.sv:27: sorry: This cast operation is not yet supported.\n14 error(s) during elaboration.\n"
    )
    assert "sorry" in excerpt(icarus_sorry)
    big = excerpt("error\n" * 10_000, limit=200)
    assert len(big) <= 200 and big.endswith("(truncated)")


def test_record_is_json_ready_and_leaves_the_log_out_unless_asked() -> None:
    v = Verdict(
        task_id="t", passed=False, failure_class=FailureClass.RUNTIME, simulator="icarus", log="x" * 10
    )
    rec = v.record()
    assert rec["failure_class"] == "R" and rec["failure_description"] == "mismatch against the reference"
    assert "log" not in rec and v.record(include_log=True)["log"] == "x" * 10


def test_every_class_has_a_description() -> None:
    assert all(cls.description for cls in FailureClass)
    assert len({cls.value for cls in FailureClass}) == len(FailureClass)


def test_lines_split_as_a_text_mode_file_does() -> None:
    # sv-iv-analyze iterates a file: \n, \r\n and \r end lines; a form feed does not.
    assert text_lines("a\nb\r\nc\rd\x0ce\n") == ["a", "b", "c", "d\x0ce"]
    log = "x\x0cMismatches: 0 in 1 samples\nMismatches: 5 in 10 samples\n"
    assert classify_v2_log(log, SYNC).failure_class is FailureClass.RUNTIME
    assert classify_v2_log("x\rMismatches: 0 in 1 samples\n", SYNC).failure_class is FailureClass.PASS


def test_v1_fails_output_that_is_not_utf8() -> None:
    assert classify_v1("\ufffd\nMismatches: 0 in 5 samples\n", "", False)[0] == V1_UNDECODABLE
