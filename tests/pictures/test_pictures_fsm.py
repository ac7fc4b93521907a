"""State diagrams: every bundled FSM reference drawn (or a reason); a planted difference shows in colour."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from pictures_designs import reference, seqdet_wrong_transition

from rtlsmith.formal.fsm import Fsm, Transition, diff_fsm, extract_fsms
from rtlsmith.pictures.fsm_dot import DESIGN, MISSING, diff_dot, fsm_dot, readable, reset_input, too_big
from rtlsmith.pictures.graphviz import dot_svg
from rtlsmith.suites import load_suite
from rtlsmith.tools.toolchain import have

SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(
    not have("dot"), reason="Graphviz is not installed: apt-get install -y graphviz"
)


def _graph(svg: str) -> tuple[set[str], dict[str, list[ET.Element]]]:
    """Node names and edges (by their `A->B` title) of a Graphviz SVG; parsing it is part of the check."""
    root = ET.fromstring(svg)
    nodes, edges = set(), {}
    for g in root.iter(f"{SVG}g"):
        title = g.find(f"{SVG}title")
        if title is None or title.text is None:
            continue
        if g.get("class") == "node":
            nodes.add(title.text)
        elif g.get("class") == "edge":
            edges.setdefault(title.text, []).append(g)
    return nodes, edges


def _stroke(edge: ET.Element) -> str:
    path = edge.find(f"{SVG}path")
    assert path is not None
    return path.get("stroke", "")


@pytest.mark.needs_yosys
@needs_dot
def test_every_bundled_fsm_reference_gets_a_diagram_or_a_reason() -> None:
    drawn, reasons = [], {}
    for task in load_suite("bundled").tasks:
        if "fsm" not in task.public.tags:
            continue
        found = extract_fsms(reference(task.id), "TopModule")
        machine = found.main()
        if machine is None or too_big(machine):
            reasons[task.id] = "; ".join(found.notes) or found.error or too_big(machine)  # type: ignore[arg-type]
            assert reasons[task.id], f"{task.id}: no diagram and no reason"
            continue
        nodes, edges = _graph(dot_svg(fsm_dot(machine)))
        assert {machine.label(s) for s in machine.states} <= nodes, task.id
        reset = reset_input(machine)
        for t in machine.transitions:
            alone = "".join(reset[1] if reset and n == reset[0] else "-" for n in machine.inputs)
            if reset is not None and t.condition == alone and t.target == machine.reset_state:
                continue  # drawn once, on the reset arrow
            assert f"{machine.label(t.source)}->{machine.label(t.target)}" in edges, (task.id, t)
        drawn.append(task.id)
    # Yosys' extraction takes these; the others (counters in the state register, 1-bit or output-driving
    # state) come with its reason, shown instead of a picture.
    assert {"handshake4", "seqdet_0110_mealy", "seqdet_1011_moore", "serial_rx"} <= set(drawn), reasons


@pytest.mark.needs_yosys
@needs_dot
def test_a_planted_wrong_transition_shows_in_the_diff_picture() -> None:
    ref = extract_fsms(reference("seqdet_1011_moore"), "TopModule").main()
    bad = extract_fsms(seqdet_wrong_transition(), "TopModule").main()
    assert ref is not None and bad is not None
    _, edges = _graph(dot_svg(diff_dot(ref, diff_fsm(ref, bad))))
    assert [_stroke(e) for e in edges["S3->S2"]] == [MISSING]  # the reference's, not taken
    assert [_stroke(e) for e in edges["S3->S0"]] == [DESIGN]  # where the design goes instead
    others = [e for key, es in edges.items() if key not in ("S3->S2", "S3->S0") for e in es]
    assert all(_stroke(e) == "black" for e in others)
    # The same machine against itself: nothing in colour.
    _, same = _graph(dot_svg(diff_dot(ref, diff_fsm(ref, ref))))
    assert all(_stroke(e) == "black" for es in same.values() for e in es)


def _machine(rows: list[tuple[str, str, str]]) -> Fsm:
    return Fsm(
        "fsm", "M", "state", ("go",), ("busy",), ("00", "01", "10"), "00",
        tuple(Transition(a, c, b, "0") for a, c, b in rows),
        names={"00": "IDLE", "01": "RUN", "10": "DONE"},
    )  # fmt: skip


@needs_dot
def test_a_planted_missing_transition_is_red_and_says_so() -> None:
    full = [("00", "0", "00"), ("00", "1", "01"), ("01", "-", "10"), ("10", "-", "00")]
    reference_fsm = _machine(full)
    design = _machine([r for r in full if r != ("10", "-", "00")])  # DONE has no way out
    diff = diff_fsm(reference_fsm, design)
    assert diff.missing and diff.missing[0].other_target == "(no transition)"
    dot = diff_dot(reference_fsm, diff)
    assert "missing in design" in dot
    _, edges = _graph(dot_svg(dot))
    assert [_stroke(e) for e in edges["DONE->IDLE"]] == [MISSING]
    assert [_stroke(e) for e in edges["IDLE->RUN"]] == ["black"]


def test_moore_outputs_sit_in_states_mealy_outputs_on_edges_and_internal_names_read_as_source_lines() -> None:
    moore = _machine([("00", "0", "00"), ("00", "1", "01"), ("01", "-", "10"), ("10", "-", "00")])
    assert 'label=<IDLE<BR/><FONT POINT-SIZE="8">busy=0</FONT>>' in fsm_dot(moore)
    mealy = Fsm(
        "fsm", "M", "state", ("x",), ("z",), ("0", "1"), "0",
        (Transition("0", "0", "0", "0"), Transition("0", "1", "1", "1"), Transition("1", "-", "0", "0")),
    )  # fmt: skip
    dot = fsm_dot(mealy)
    assert "x=1 / z=1" in dot and "x=0 / z=0" in dot
    assert readable("$eq$design.sv:35$29_Y=1 & go=1") == "(== line 35)=1 & go=1"
    assert readable("rst_n=1 & x=0", ("rst_n", "0")) == "x=0"  # an active-low reset's idle value drops
