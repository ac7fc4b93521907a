"""Ports read from an RTLLM-style description, for designs that come without a reference (our own texts)."""

from __future__ import annotations

from rtlsmith.suites.rtllm_ports import ports_from_description


def ports(text: str) -> list[tuple[str, str, int]]:
    return [(p.name, p.direction, p.width) for p in ports_from_description(text)]


def test_ranges_after_or_next_to_the_name() -> None:
    text = """\
Module name:
    widget
Input ports:
    A [3:0]: first operand.
    data_in[7:0]: 8-bit data.
    go: start pulse.
Output ports:
    result[9:0]: the sum.

Implementation:
    q[3:0]: not a port, a note under another heading.
"""
    assert ports(text) == [
        ("A", "input", 4), ("data_in", "input", 8), ("go", "input", 1), ("result", "output", 10),
    ]  # fmt: skip


def test_widths_written_in_words_and_shared_entries() -> None:
    text = """\
Inputs:
    a: a 32-bit input operand
    op: a 6 bit opcode
Outputs:
    lo, hi: 1-bit flags.
    r: 16-bit result
"""
    assert ports(text) == [
        ("a", "input", 32), ("op", "input", 6), ("lo", "output", 1), ("hi", "output", 1), ("r", "output", 16),
    ]  # fmt: skip


def test_verilog_declarations_with_parameters_and_full_width_colons() -> None:
    text = (
        "A queue (parameter DEPTH = 16, parameter WIDTH = 8).\n"
        "Input ports：\n    input \t\twclk\t,\n\tinput \t\t[WIDTH-1:0]\twdata\t\n"
        "Output ports：\n    output wire\t\tfull\t,\n\toutput wire [WIDTH-1:0]\trdata\n"
    )
    expected = [("wclk", "input", 1), ("wdata", "input", 8), ("full", "output", 1), ("rdata", "output", 8)]
    assert ports(text) == expected


def test_a_description_without_port_sections_has_no_ports() -> None:
    assert ports("Implement a thing.\nModule name:\n    thing\n") == []
