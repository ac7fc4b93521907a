from __future__ import annotations

from rtlsmith.agent.feedback import (
    located_feedback,
    mismatch_table,
    numbered_excerpt,
    parse_located,
    parse_mismatches,
    simulation_feedback,
)
from rtlsmith.task import Vector

SOURCE = "\n".join(f"line{i}" for i in range(1, 11)) + "\n"


def test_excerpt_shows_two_lines_either_side_numbered_and_marked() -> None:
    text = numbered_excerpt(SOURCE, 5, column=3)
    assert text.splitlines() == [
        "  3 | line3",
        "  4 | line4",
        "> 5 | line5",
        "    |   ^",
        "  6 | line6",
        "  7 | line7",
    ]


def test_excerpt_clips_at_file_edges() -> None:
    assert numbered_excerpt(SOURCE, 1).splitlines()[0] == "> 1 | line1"
    assert numbered_excerpt(SOURCE, 10).splitlines()[-1] == "> 10 | line10"


def test_messages_from_each_tool_are_located_in_the_candidate_only() -> None:
    log = "\n".join(
        [
            "source:2:14: error: expected ';'",
            "%Warning-UNUSEDSIGNAL: /tmp/rtlsmith-x/TopModule.sv:4:35: Signal is not used: 'reset'",
            "%Error: TopModule.sv:7:3: Can't find definition of variable: 'qq'",
            "TopModule.sv:9: syntax error",
            "checks_tb.sv:3: error: something in the testbench",
        ]
    )
    found = parse_located(log, "TopModule.sv", "t")
    assert [(m.line, m.severity) for m in found] == [(2, "error"), (4, "warning"), (7, "error"), (9, "error")]
    assert found[1].message.startswith("UNUSEDSIGNAL: ")
    text = located_feedback(SOURCE, found, "Problems:")
    # Errors first, each with its excerpt.
    assert text.index("line 2:") < text.index("line 7:") < text.index("line 9:") < text.index("line 4:")
    assert "> 7 | line7" in text


def test_generic_mismatch_lines_become_a_table() -> None:
    log = "\n".join(
        [
            "MISMATCH time=15 inputs: reset=1 d=3 expected: q=0 got: q=3",
            "MISMATCH time=25 inputs: reset=0 d=4 expected: q=4 got: q=5",
            "Mismatches: 2 in 10 samples",
        ]
    )
    table = mismatch_table(log)
    assert table.splitlines()[0].split(" | ") == ["time", "inputs     ", "expected", "got"]
    assert "15   | reset=1 d=3 | q=0      | q=3" in table
    assert table.endswith("Mismatches: 2 in 10 samples")


def test_vector_mismatches_are_merged_per_vector_with_inputs_in_force() -> None:
    vectors = [Vector((("reset", "1"), ("d", "0")), ()), Vector((("reset", "0"),), ())]
    log = "\n".join(
        [
            "MISMATCH vector 1 (time 16): q = 0101, expected 0000",
            "MISMATCH vector 1 (time 16): z = 1, expected 0",
            "Mismatches: 1 in 2 samples",
        ]
    )
    [row] = parse_mismatches(log, vectors)
    assert (row.time, row.inputs, row.expected, row.got) == ("16", "reset=0 d=0", "q=0000 z=0", "q=0101 z=1")


def test_long_failures_are_cut_to_the_first_cycles() -> None:
    log = "\n".join(f"MISMATCH time={t} inputs: a=1 expected: y=1 got: y=0" for t in range(20))
    table = mismatch_table(log, limit=3)
    assert "... 17 more failing cycle(s)" in table
    assert len([ln for ln in table.splitlines() if ln[:1].isdigit()]) == 3


def test_simulation_without_mismatch_lines_falls_back_to_the_log() -> None:
    assert "TIMEOUT" in simulation_feedback("foo\nTIMEOUT\n")
    assert "(no output)" in simulation_feedback("")
