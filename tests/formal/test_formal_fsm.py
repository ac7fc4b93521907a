"""State-machine extraction with Yosys and the behavioural diff of two machines."""

from __future__ import annotations

import pytest
from formal_designs import FSM_BUG, FSM_GOOD, FSM_REF

from rtlsmith.formal.fsm import Fsm, Transition, diff_fsm, diff_sources, extract_fsms, parse_fsm_info
from rtlsmith.tools.toolchain import have

needs_yosys = pytest.mark.skipif(
    not have("yosys"), reason="Yosys is not installed (apt-get install -y yosys)"
)

FSM_INFO = r"""
FSM `$fsm$\state$19' from module `RefModule':
-------------------------------------

  Information on FSM $fsm$\state$19 (\state):

  Number of input signals:    2
  Number of output signals:   1
  Number of state bits:       2

  Input signals:
    0: \reset
    1: \x

  Output signals:
    0: \z

  State encoding:
    0:       2'00  <RESET STATE>
    1:       2'10
    2:       2'01
    3:       2'11

  Transition Table (state_in, ctrl_in, state_out, ctrl_out):
      0:     0 2'00   ->     0 1'0
      1:     0 2'-1   ->     0 1'0
      2:     0 2'10   ->     2 1'0
      3:     1 2'00   ->     0 1'0

-------------------------------------
"""


def test_fsm_info_is_parsed_with_cubes_indexed_like_the_inputs() -> None:
    (fsm,) = parse_fsm_info(FSM_INFO)
    assert fsm.state_register == "state" and fsm.inputs == ("reset", "x") and fsm.outputs == ("z",)
    assert fsm.states == ("00", "10", "01", "11") and fsm.reset_state == "00"
    # Yosys prints `2'10` most significant bit first: x=1, reset=0.
    assert fsm.transitions[2] == Transition("00", "01", "01", "0")
    assert fsm.step("00", {"reset": "0", "x": "1"}) == ("01", "0")
    assert fsm.kiss2().splitlines()[:5] == [".i 2", ".o 1", ".p 4", ".s 4", ".r 00"]
    assert "10 00 01 0" in fsm.kiss2()


@needs_yosys
def test_extraction_finds_states_reset_encoding_and_names() -> None:
    ex = extract_fsms(FSM_REF, "RefModule")
    fsm = ex.main()
    assert not ex.error and fsm is not None
    assert fsm.state_register == "state" and len(fsm.states) == 4 and len(fsm.transitions) == 12
    assert fsm.label(fsm.reset_state or "") == "IDLE"
    assert {fsm.label(s) for s in fsm.states} == {"IDLE", "S1", "S10", "S101"}
    assert "S101 -> S10 when reset=0 & x=0" in fsm.summary()
    onehot = extract_fsms(FSM_GOOD, "TopModule").main()
    assert onehot is not None and onehot.encoding_width == 4 and onehot.label("0001") == "A"


@needs_yosys
def test_diff_names_the_missing_transition() -> None:
    diff, why = diff_sources(FSM_REF, FSM_BUG)
    assert diff is not None, why
    assert not diff.equivalent
    assert [(t.source, t.target, t.condition, t.other_target) for t in diff.missing] == [
        ("S101", "S10", "reset=0 & x=0", "IDLE")
    ]
    assert [(t.source, t.target) for t in diff.extra] == [("S101", "IDLE")]
    assert "missing transition: S101 -> S10 when reset=0 & x=0" in diff.summary()


@needs_yosys
def test_states_are_matched_by_behaviour_across_encodings() -> None:
    diff, why = diff_sources(FSM_REF, FSM_GOOD)
    assert diff is not None, why
    assert diff.equivalent and not diff.missing and not diff.extra
    assert diff.state_map == {"IDLE": ("A",), "S1": ("B",), "S10": ("C",), "S101": ("D",)}


def test_a_machine_without_a_transition_is_reported_and_outputs_compared() -> None:
    ref = Fsm("r", "RefModule", "s", ("go",), ("busy",), ("0", "1"), "0", (
        Transition("0", "1", "1", "0"), Transition("0", "0", "0", "0"),
        Transition("1", "-", "0", "1"),
    ))  # fmt: skip
    cand = Fsm("c", "TopModule", "s", ("go",), ("busy",), ("0", "1"), "0", (
        Transition("0", "1", "1", "0"), Transition("0", "0", "0", "0"),
        Transition("1", "1", "0", "0"),
    ))  # fmt: skip
    diff = diff_fsm(ref, cand)
    assert [(t.source, t.target, t.condition, t.other_target) for t in diff.missing] == [
        ("1", "0", "go=0", "(no transition)")
    ]
    assert [(o.state, o.output, o.reference, o.candidate) for o in diff.output_diffs] == [
        ("1", "busy", "1", "0")
    ]


@needs_yosys
def test_a_design_without_a_state_machine_says_why() -> None:
    ex = extract_fsms("module TopModule(input a, output y); assign y = ~a; endmodule", "TopModule")
    assert ex.fsms == () and not ex.error and ex.notes
    diff, why = diff_sources("module RefModule(input a, output y); assign y = a; endmodule", FSM_BUG)
    assert diff is None and "no FSM found in the reference" in why
