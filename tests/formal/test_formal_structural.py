"""When induction on the outputs does not close: the structural proof (Yosys equiv_make / equiv_struct /
equiv_induct over matched internal signals) and induction with registers of the same name. Either may only
turn INCONCLUSIVE into PROVEN; a candidate that differs is never upgraded. `depth=4` keeps the first
induction short so these small designs reach the fallback quickly."""

from __future__ import annotations

import pytest
from formal_designs import (
    FIFO_BUG,
    FIFO_REF,
    FIFO_RENAMED,
    FIFO_X_WHEN_FULL,
    SEQ_REF,
    as_candidate,
)

from rtlsmith.formal import Outcome, check_equivalence
from rtlsmith.tools import yosys as ys
from rtlsmith.tools.toolchain import have

needs_yosys = pytest.mark.skipif(
    not have("yosys"), reason="Yosys is not installed (apt-get install -y yosys)"
)
needs_icarus = pytest.mark.skipif(
    not (have("iverilog") and have("vvp")),
    reason="Icarus Verilog is not installed (apt-get install -y iverilog)",
)


def test_structural_script_pairs_signals_checks_the_base_case_and_asserts_every_pair() -> None:
    opts = ys.StructuralOptions(seq=3, set_at=((1, "reset", "1"),))
    script = ys.structural_script(
        "ref.sv", "cand.sv", ref_top="RefModule", cand_top="TopModule", mode="cycle", options=opts
    )
    text = "\n".join(script)
    assert "equiv_make gate_0 gate_x equiv_x" in script and "equiv_make gold gate_0 equiv" in script
    assert "equiv_struct -icells equiv" in script and "equiv_struct -icells equiv_x" not in text
    assert "setundef -undriven -anyseq gate_x" in script and "zinit -all" in script
    # The base case: every pair compared from power-up over seq + 1 steps, with the reset held.
    assert "sat -verify -prove trigger 0 -set-init-zero -seq 4 -set-at 1 reset 1 base" in script
    for module in ("equiv_x", "equiv"):
        assert f"equiv_induct -seq 3 {module}" in script and f"equiv_status -assert {module}" in script
    assert script[-1] == ys.stage("proven")
    lean = ys.structural_script(
        "r.sv", "c.sv", ref_top="RefModule", cand_top="TopModule", mode="step",
        options=ys.StructuralOptions(candidate_x=False, struct=False),
    )  # fmt: skip
    assert "clk2fflogic" in lean and not any("gate_x" in cmd or "equiv_struct" in cmd for cmd in lean)
    with pytest.raises(ValueError):
        ys.StructuralOptions(set_at=((1, "re set", "1"),)).base_command("base")


@needs_yosys
def test_a_fifo_is_proven_equivalent_to_itself_by_matching_its_registers() -> None:
    result = check_equivalence(FIFO_REF, as_candidate(FIFO_REF), depth=4)
    assert result.outcome is Outcome.PROVEN, result.summary()
    assert result.method == "equiv_induct" and result.depth == 4
    assert "equiv_induct" in result.summary().splitlines()[0]
    assert any("equiv_simple / equiv_induct" in a for a in result.assumptions)
    assert "equiv_make gold gate_0 equiv" in result.script
    assert sum("yosys" in " ".join(c) for c in result.commands) >= 2  # the miter run, then this one


@needs_yosys
def test_a_fifo_with_every_register_renamed_is_proven_through_structural_matching() -> None:
    result = check_equivalence(FIFO_REF, FIFO_RENAMED, depth=4)
    assert result.outcome is Outcome.PROVEN, result.summary()
    assert result.method == "equiv_induct"
    without_struct = ys.structural_script(
        "ref.sv", "cand.sv", ref_top="RefModule", cand_top="TopModule", mode="cycle",
        options=ys.StructuralOptions(struct=False),
    )  # fmt: skip
    assert "equiv_struct -icells equiv" not in without_struct


@needs_yosys
def test_a_buggy_fifo_is_not_upgraded() -> None:
    # Bounded model checking stops short of the difference (cycle 6): only the structural proof could
    # have said PROVEN, and it must not.
    result = check_equivalence(FIFO_REF, FIFO_BUG, depth=4, bmc_depth=4)
    assert result.outcome is Outcome.INCONCLUSIVE, result.summary()
    assert "structural proof (equiv_induct):" in result.message
    # Given the steps, bounded model checking finds the difference.
    deeper = check_equivalence(FIFO_REF, FIFO_BUG, depth=4)
    assert deeper.outcome is Outcome.COUNTEREXAMPLE and deeper.depth == 6, deeper.summary()


@needs_yosys
def test_an_x_the_candidate_adds_is_not_read_as_a_value() -> None:
    result = check_equivalence(FIFO_REF, FIFO_X_WHEN_FULL, depth=4, bmc_depth=4)
    assert result.outcome is not Outcome.PROVEN, result.summary()
    assert check_equivalence(FIFO_REF, FIFO_X_WHEN_FULL, depth=4).outcome is Outcome.COUNTEREXAMPLE


# A reference with an x on an output (a don't-care) and state the outputs show only now and then.
X_SHIFT_REF = """
module RefModule (input clk, input reset, input in, output [3:0] out, output done);
  reg [1:0] phase;
  reg [3:0] sh;
  always @(posedge clk) if (reset) phase <= 2'd0; else phase <= phase + 2'd1;
  always @(posedge clk) sh <= {in, sh[3:1]};
  assign done = (phase == 2'd3);
  assign out = done ? sh : 4'bxxxx;
endmodule
"""


def test_the_split_script_proves_registers_without_x_then_outputs_with_x() -> None:
    pairs = (("gold.phase", "gate.phase"), ("gold.sh", "gate.sh"))
    state = ys.SatOptions(max_steps=5, prove_also=pairs, outputs=False, set_at=((1, "in_reset", "1"),))
    outputs = ys.output_check_command((("gold_out", "gate_out"),), pairs)
    script = ys.register_split_script(
        "ref.sv", "cand.sv", ref_top="RefModule", cand_top="TopModule", state=state, outputs=outputs
    )
    first, second = script.index(state.command()), script.index(outputs)
    assert first < second and script[-1] == ys.stage("proven")
    # Registers: no x modelling, the reference's x read as 0, the candidate's free, induction from reset.
    assert "-prove trigger" not in state.command() and "-enable_undef" not in state.command()
    assert "-prove gold.sh gate.sh" in state.command() and "-tempinduct" in state.command()
    assert "setundef -undriven -anyseq gate" in script[:first]
    # Outputs: one step from any state with equal, defined registers, x modelled.
    assert "design -reset" in script[first:second] and "setundef" not in " ".join(script[first:second])
    for part in ("-enable_undef", "-prove-x gold_out gate_out", "-set gold.sh gate.sh", "-set-def gate.sh"):
        assert part in outputs
    assert outputs.endswith("-seq 1 miter/o:* %cie*")  # the outputs' combinational cone only
    with pytest.raises(ValueError):
        ys.SatOptions(max_steps=5, outputs=False).command()
    with pytest.raises(ValueError):
        ys.output_check_command((), pairs)


@needs_yosys
def test_a_reference_with_x_dont_cares_is_proven_through_its_registers_then_its_outputs() -> None:
    # The structural proof reads the reference's x as 0 and the candidate's as free values, so it cannot
    # prove this; proving the registers equal, then the outputs from any equal state with x modelled, can.
    result = check_equivalence(X_SHIFT_REF, as_candidate(X_SHIFT_REF), depth=2)
    assert result.outcome is Outcome.PROVEN, result.summary()
    assert result.method == "induction_split"
    assert any("2 pairs" in a for a in result.assumptions)
    assert any("don't-care" in a and "one time step" in a for a in result.assumptions)
    defined = as_candidate(X_SHIFT_REF).replace("4'bxxxx", "4'b0000")  # a don't-care given a value
    assert check_equivalence(X_SHIFT_REF, defined, depth=2).outcome is Outcome.PROVEN
    swapped = as_candidate(X_SHIFT_REF).replace("{in, sh[3:1]}", "{sh[2:0], in}")
    assert check_equivalence(X_SHIFT_REF, swapped, depth=2).outcome is Outcome.COUNTEREXAMPLE


@needs_yosys
def test_an_x_the_candidate_shows_only_in_unreachable_states_is_not_proven() -> None:
    # A 3-bit phase that counts 0..4: states 5..7 never occur, so no run shows a difference; but the output
    # check looks at every state with equal registers, where the candidate's x on `done` is a mismatch.
    ref = (
        X_SHIFT_REF.replace("reg [1:0] phase;", "reg [2:0] phase;")
        .replace("phase <= phase + 2'd1;", "phase <= (phase == 3'd4) ? 3'd0 : phase + 3'd1;")
        .replace("(phase == 2'd3)", "(phase == 3'd3)")
    )
    cand = as_candidate(ref).replace(
        "assign done = (phase == 3'd3);", "assign done = (phase == 3'd7) ? 1'bx : (phase == 3'd3);"
    )
    result = check_equivalence(ref, cand, depth=2, bmc_depth=8)
    assert result.outcome is Outcome.INCONCLUSIVE, result.summary()
    assert "an output differs in some state where the registers are equal" in result.message
    assert check_equivalence(ref, as_candidate(ref), depth=2).outcome is Outcome.PROVEN


@needs_yosys
def test_registers_that_do_not_all_pair_up_fall_back_to_induction_with_the_matched_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rtlsmith.formal import proofs

    monkeypatch.setattr(proofs, "state_pairs", lambda gold, gate: None)
    result = check_equivalence(X_SHIFT_REF, as_candidate(X_SHIFT_REF), depth=2)
    assert result.outcome is Outcome.PROVEN, result.summary()
    assert result.method == "induction_regs"
    assert any("`phase`" in a and "`sh`" in a for a in result.assumptions)


@needs_yosys
def test_the_fallbacks_can_be_turned_off() -> None:
    result = check_equivalence(FIFO_REF, as_candidate(FIFO_REF), depth=4, bmc_depth=4, structural=False)
    assert result.outcome is Outcome.INCONCLUSIVE and "equiv_induct" not in result.message


@needs_yosys
@needs_icarus
def test_text_that_only_yosys_accepts_is_not_proven() -> None:
    # A procedural assignment to a net: Yosys reads it as a reg (and proves it equivalent), Icarus rejects it.
    wire_out = as_candidate(SEQ_REF).replace("output reg [3:0] q", "output [3:0] q")
    result = check_equivalence(SEQ_REF, wire_out)
    assert result.outcome is Outcome.ERROR and result.error_stage == "candidate", result.summary()
    assert "Icarus Verilog does not compile the candidate" in result.message
    assert any("iverilog" in " ".join(c) for c in result.commands)
    assert check_equivalence(SEQ_REF, wire_out, compile_check=False).outcome is Outcome.PROVEN


def test_design_facts_name_every_register_and_count_state_outside_named_nets() -> None:
    from rtlsmith.formal.netlist import design_info, state_pairs

    def netlist(extra_q: list[int]) -> dict[str, object]:
        return {
            "modules": {
                "gold": {
                    "ports": {
                        "clk": {"direction": "input", "bits": [2]},
                        "q": {"direction": "output", "bits": [3]},
                    },
                    "netnames": {"clk": {"bits": [2]}, "q": {"bits": [3]}, "r": {"bits": [4, 5]}},
                    "cells": {
                        "ff": {
                            "type": "$dff",
                            "parameters": {"CLK_POLARITY": 1},
                            "port_directions": {"CLK": "input", "D": "input", "Q": "output"},
                            "connections": {"CLK": [2], "D": [4, 5, 3], "Q": [3, 4, 5, *extra_q]},
                        }
                    },
                }
            }
        }

    info = design_info(netlist([]), "gold")
    assert info is not None
    assert info.registers == (("r", 2),) and info.registered_outputs == (("q", 1),)
    assert info.state == {"r": 2, "q": 1} and info.unnamed_state == 0
    assert state_pairs(info, info) == (("gold.q", "gate.q"), ("gold.r", "gate.r"))
    hidden = design_info(netlist([6]), "gold")  # a register bit no public net names
    assert hidden is not None and hidden.unnamed_state == 1
    assert state_pairs(hidden, hidden) is None and state_pairs(info, hidden) is None
