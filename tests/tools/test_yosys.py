"""Yosys scripts and command lines are data: built and inspected without running Yosys."""

from __future__ import annotations

import pytest

from rtlsmith.tools import yosys as ys
from rtlsmith.tools.toolchain import have


def test_sat_command_proves_trigger_by_induction_from_zero_with_reset() -> None:
    sat = ys.SatOptions(max_steps=20, set_at=((1, "in_reset", "1"),))
    cmd = sat.command()
    assert cmd.startswith(
        "sat -verify -show-ports -prove trigger 0 -set-init-zero -tempinduct -seq 1 -maxsteps 20"
    )
    assert "-set-at 1 in_reset 1" in cmd and "-dump_vcd cex.vcd" in cmd
    assert cmd.endswith("miter/o:trigger %ci*")  # only the cone of the property is imported
    assert "-ignore_gold_x" not in cmd


def test_bounded_model_checking_skips_what_induction_already_proved() -> None:
    cmd = ys.SatOptions(max_steps=40, induction=False, proven_steps=20, cone=False).command()
    assert "-tempinduct-baseonly -seq 1 -maxsteps 40 -tempinduct-skip 20" in cmd and cmd.endswith(" miter")


def test_x_aware_proof_compares_each_output_with_prove_x() -> None:
    cmd = ys.SatOptions(max_steps=5, prove_x=(("gold_y", "gate_y"),)).command()
    assert "-enable_undef -set-def-inputs -prove-x gold_y gate_y" in cmd
    assert "-prove trigger" not in cmd and cmd.endswith(" miter")


def test_equivalence_script_reads_each_design_on_its_own_and_builds_the_miter() -> None:
    script = ys.equivalence_script(
        "ref.sv", "cand.sv", ref_top="RefModule", cand_top="TopModule", sat=ys.SatOptions(max_steps=3)
    )
    text = ys.script_text(script)
    assert script.index("read_verilog -sv ref.sv") < script.index("design -stash gold")
    assert script.index("design -stash gold") < script.index("read_verilog -sv cand.sv")
    assert "rename TopModule gate" in script and "setundef -anyseq" in script
    assert "miter -equiv -flatten -make_outputs gold gate miter" in script
    assert "async2sync" in script and "opt_merge" in script
    assert "-ignore_gold_x" not in text and text.endswith("miter/o:trigger %ci*\n")
    step_mode = ys.equivalence_script(
        "r.sv", "c.sv", ref_top="RefModule", cand_top="TopModule", sat=ys.SatOptions(max_steps=3),
        mode="step", share=False,
    )  # fmt: skip
    assert "clk2fflogic" in step_mode and "opt_merge" not in step_mode


def test_fsm_script_keeps_sync_resets_and_encodings() -> None:
    script = ys.fsm_script("d.sv", "TopModule")
    assert "opt -nodffe -nosdff" in script and "fsm -nomap -norecode" in script
    assert not any(c == "opt" for c in script)


def test_unsafe_tokens_are_refused() -> None:
    with pytest.raises(ValueError):
        ys.read_design("x.sv; shell rm -rf /", "TopModule", as_name="gate")
    with pytest.raises(ValueError):
        ys.SatOptions(max_steps=1, set_at=((1, "in_a b", "1"),)).command()


def test_frontend_rewrites_what_yosys_0_23_cannot_read() -> None:
    text, notes = ys.frontend_text(
        "typedef enum logic [1:0] {A, B} S;\nS s;\nalways_comb s = S'(x ? A : B);\n"
    )
    assert "always @* s = (x ? A : B);" in text and len(notes) == 2


@pytest.mark.skipif(not have("yosys"), reason="Yosys is not installed (apt-get install -y yosys)")
def test_yosys_step_logs_to_a_file_quietly() -> None:
    step = ys.yosys_step("equiv.ys", timeout_s=5)
    assert step.argv[1:] == ("-q", "-l", "yosys.log", "-s", "equiv.ys") and step.timeout_s == 5
