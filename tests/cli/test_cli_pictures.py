"""`check` draws its first mismatch; `rtlsmith fsm` and `rtlsmith schematic` write pictures or say why not."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from pictures_designs import mux_wrong_select, reference, seqdet_wrong_transition

from rtlsmith.cli import main
from rtlsmith.pictures.schematic import schematic
from rtlsmith.tools.toolchain import have

needs_dot = pytest.mark.skipif(
    not have("dot"), reason="Graphviz is not installed: apt-get install -y graphviz"
)


@pytest.mark.needs_iverilog
def test_check_waves_writes_the_svg_beside_the_vcd(tmp_path: Path) -> None:
    design = tmp_path / "mux.sv"
    design.write_text(mux_wrong_select())
    vcd = tmp_path / "out" / "mux.vcd"
    result = CliRunner().invoke(main, ["check", str(design), "--task", "mux4_w8", "--waves", str(vcd)])
    assert result.exit_code == 1, result.output
    svg = vcd.with_suffix(".svg")
    assert vcd.is_file() and svg.is_file() and f"waveform picture: {svg}" in result.output
    ET.fromstring(svg.read_text())
    # The terminal shows the same window as text: the signal rows and a marker row.
    lines = result.output.splitlines()
    assert any(line.startswith("y expected") for line in lines) and any(
        line.startswith("mismatch") for line in lines
    )


@pytest.mark.needs_iverilog
def test_check_shows_the_first_mismatch_without_waves_and_nothing_for_a_pass(tmp_path: Path) -> None:
    design = tmp_path / "seq.sv"
    design.write_text(seqdet_wrong_transition())
    failing = CliRunner().invoke(main, ["check", str(design), "--task", "seqdet_1011_moore"])
    assert failing.exit_code == 1
    assert "first mismatch at t=170ps" in failing.output and "z actual" in failing.output
    assert not list(tmp_path.glob("*.svg")) and not list(tmp_path.glob("*.vcd"))  # nothing written unasked
    design.write_text(reference("seqdet_1011_moore"))
    passing = CliRunner().invoke(main, ["check", str(design), "--task", "seqdet_1011_moore"])
    assert (
        passing.exit_code == 0 and "first mismatch" not in passing.output and "z actual" not in passing.output
    )


@pytest.mark.needs_yosys
@needs_dot
def test_fsm_against_a_task_exits_1_and_draws_the_difference(tmp_path: Path) -> None:
    design = tmp_path / "seq.sv"
    design.write_text(seqdet_wrong_transition())
    out = tmp_path / "diff.svg"
    result = CliRunner().invoke(main, ["fsm", str(design), "--task", "seqdet_1011_moore", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "missing transition: S3 -> S2" in result.output
    assert "#dc2626" in out.read_text() and ET.fromstring(out.read_text()) is not None
    ref = tmp_path / "ref.sv"
    ref.write_text(reference("seqdet_1011_moore"))
    same = CliRunner().invoke(main, ["fsm", str(ref), "--against", str(ref)])
    assert same.exit_code == 0 and "FSMs match" in same.output
    dot = tmp_path / "m.dot"
    alone = CliRunner().invoke(main, ["fsm", str(design), "-o", str(dot)])
    assert alone.exit_code == 0 and dot.read_text().startswith("digraph fsm {")


@pytest.mark.needs_yosys
def test_fsm_says_why_there_is_no_diagram(tmp_path: Path) -> None:
    design = tmp_path / "mux.sv"
    design.write_text(mux_wrong_select())
    result = CliRunner().invoke(main, ["fsm", str(design), "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 2 and "no state machine found" in result.output
    assert not (tmp_path / "x.svg").exists()


@pytest.mark.needs_yosys
@needs_dot
def test_a_small_design_gets_a_schematic_and_a_large_one_a_reason(tmp_path: Path) -> None:
    small = schematic(reference("mux4_w8"))
    assert small.svg and 0 < small.cells <= 60
    texts = "".join(ET.fromstring(small.svg).itertext())
    assert all(port in texts for port in ("sel", "en", "y"))
    big = schematic(reference("mult8"), level="gates")
    assert not big.svg and big.cells > 60 and "not legible" in big.reason
    design = tmp_path / "mult.sv"
    design.write_text(reference("mult8"))
    result = CliRunner().invoke(main, ["schematic", str(design), "--gates", "-o", str(tmp_path / "m.svg")])
    assert result.exit_code == 2 and "cells: above 60" in result.output


@pytest.mark.needs_iverilog
@pytest.mark.needs_yosys
def test_check_formal_with_waves_draws_the_counterexample_like_its_table(tmp_path: Path) -> None:
    design = tmp_path / "seq.sv"
    design.write_text(seqdet_wrong_transition())
    vcd = tmp_path / "seq.vcd"
    args = ["check", str(design), "--task", "seqdet_1011_moore", "--formal", "--waves", str(vcd)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "formal: COUNTEREXAMPLE" in result.output, result.output
    cex = tmp_path / "seq.cex.svg"
    assert f"counterexample picture: {cex}" in result.output
    marks = [
        "".join(t.itertext()) for t in ET.fromstring(cex.read_text()).iter("{http://www.w3.org/2000/svg}text")
    ]
    assert marks.count("≠") == result.output.count("<-- differs") >= 1


@pytest.mark.needs_iverilog
def test_without_the_pictures_extra_check_keeps_its_verdict_and_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "wavedrom", None)  # `import wavedrom` now fails as if not installed
    monkeypatch.setitem(sys.modules, "vcdvcd", None)
    design = tmp_path / "mux.sv"
    design.write_text(mux_wrong_select())
    result = CliRunner().invoke(
        main, ["check", str(design), "--task", "mux4_w8", "--waves", str(tmp_path / "m.vcd")]
    )
    assert result.exit_code == 1 and "FAIL" in result.output
    assert "pip install 'rtlsmith[pictures]'" in result.output.replace("\n", "")
    assert (tmp_path / "m.vcd").is_file() and not (tmp_path / "m.svg").exists()
