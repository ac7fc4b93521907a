"""The forms' schemas, grammars and validation, and the modules written from valid forms (no model)."""

from __future__ import annotations

import json
import re

import pytest

from rtlsmith.forms.counter import parse_counter
from rtlsmith.forms.kinds import form_kind, read_form
from rtlsmith.forms.machine import FormError, machine_schema, parse_machine, write_machine
from rtlsmith.forms.schema import schema_gbnf
from rtlsmith.forms.truth import parse_truth, truth_schema, write_truth
from rtlsmith.task import Interface, Port, PublicTask, Spec

FSM = Interface(
    "TopModule",
    (Port("clk", "input"), Port("areset", "input"), Port("go", "input"), Port("mode", "input", 2),
     Port("busy", "output"), Port("level", "output", 2)),
)  # fmt: skip


def _machine(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "outputs_on": "state", "reset": "async",
        "states": [{"name": "IDLE", "outputs": {"busy": 0}},
                   {"name": "RUN", "outputs": {"busy": 1, "level": 3}}],
        "reset_state": "IDLE",
        "transitions": [{"from": "IDLE", "when": {"go": 1, "mode": 2}, "to": "RUN", "outputs": {}},
                        {"from": "RUN", "when": {}, "to": "IDLE", "outputs": {}}],
    }  # fmt: skip
    form.update(changes)
    return form


def test_the_machine_grammar_names_only_the_interface_ports() -> None:
    g = schema_gbnf(machine_schema(FSM))
    assert g.startswith("root ::= form\n")
    names = re.findall(r"^([^ ]+) ::=", g, re.M)
    assert all(re.fullmatch(r"[A-Za-z0-9-]+", n) for n in names)  # GBNF rule names
    when = next(line for line in g.splitlines() if line.startswith("form-transitions-item-when ::="))
    assert '\\"go\\"' in when and '\\"mode\\"' in when and "clk" not in when and "areset" not in when


def test_a_multi_input_moore_form_with_a_bus_output() -> None:
    code = write_machine(parse_machine(_machine(), FSM), FSM).code
    assert "always @(posedge clk or posedge areset)" in code
    assert "go == 1'd1 && mode == 2'd2" in code and "level_q = 2'd3;" in code
    assert "assign level = level_q;" in code


def test_every_problem_of_a_machine_form_is_listed() -> None:
    bad = _machine(reset_state="START")
    bad["transitions"] = [{"from": "IDLE", "when": {"mode": 4, "clk": 1}, "to": "GO", "outputs": {}}]
    with pytest.raises(FormError) as info:
        parse_machine(bad, FSM)
    text = str(info.value)
    assert "`reset_state` 'START' is not one of the states" in text
    assert "mode=4 does not fit mode's 2 bit(s)" in text and "'clk' is not one of" in text
    assert "`to` 'GO' is not one of the states" in text


def test_outputs_on_transitions_of_a_moore_form_are_pointed_out() -> None:
    form = _machine(states=[{"name": "A", "outputs": {}}], reset_state="A",
                    transitions=[{"from": "A", "when": {}, "to": "A", "outputs": {"busy": 1}}])  # fmt: skip
    with pytest.raises(FormError, match='use "transition" for a Mealy machine'):
        parse_machine(form, FSM)


def test_a_truth_form_with_a_bus_input_and_a_bus_output() -> None:
    ifc = Interface("TopModule", (Port("s", "input", 2), Port("e", "input"), Port("y", "output", 2)))
    schema = truth_schema(ifc)
    assert schema["properties"]["outputs"]["items"]["properties"]["output"]["enum"] == ["y[1]", "y[0]"]
    form = {"inputs": ["s", "e"], "outputs": [
        {"output": "y[1]", "minterms": [5, 7], "dont_cares": []},
        {"output": "y[0]", "minterms": [3, 7], "dont_cares": []},
    ]}  # fmt: skip
    table = parse_truth(form, ifc)
    assert len(table.rows) == 8
    code = write_truth(table, ifc).code
    assert code.count("assign y[") == 2


def test_a_truth_form_must_define_every_output_bit() -> None:
    ifc = Interface("TopModule", (Port("a", "input"), Port("y", "output", 2)))
    with pytest.raises(FormError, match=r"missing y\[0\]") as info:
        parse_truth(
            {"inputs": ["a"], "outputs": [{"output": "y[1]", "minterms": [2], "dont_cares": []}]}, ifc
        )
    assert "[2] are not minterm numbers (0 to 1)" in str(info.value)


def test_a_counter_form_checks_its_values_fit() -> None:
    ifc = Interface("TopModule", (Port("clk", "input"), Port("reset", "input"), Port("q", "output", 4)))
    form = {"output": "q", "reset": "sync", "reset_value": 0, "enable": "none", "direction": "up",
            "wrap_at": 16, "wrap_to": 0}  # fmt: skip
    with pytest.raises(FormError, match=r"`wrap_at` must be a number from 0 to 15"):
        parse_counter(form, ifc)


def test_read_form_takes_the_json_object_of_an_answer() -> None:
    assert read_form('Here it is: {"a": 1} done') == {"a": 1}
    with pytest.raises(FormError, match="not valid JSON"):
        read_form('{"a": }')


@pytest.mark.parametrize(
    ("text", "clock", "kind"),
    [
        ("A Moore state machine with states A and B.", True, "fsm"),
        ("A state machine that counts 100 clock cycles.", True, None),
        ("The Karnaugh map below gives f.", False, "truth"),
        ("A plain adder.", False, None),
    ],
)
def test_form_kind(text: str, clock: bool, kind: str | None) -> None:
    ports = (Port("clk", "input"), Port("reset", "input")) if clock else ()
    ifc = Interface("TopModule", (*ports, Port("x", "input"), Port("z", "output")))
    assert form_kind(PublicTask("t", "test", Spec(text), ifc)) == kind


def test_filled_forms_read_back_as_their_json() -> None:
    # What the grammar lets a model write is compact JSON with ", " and ": " separators.
    text = json.dumps(_machine())
    assert parse_machine(read_form(text), FSM).states == ("IDLE", "RUN")


def test_a_machine_form_may_test_and_drive_single_bits_of_buses() -> None:
    ifc = Interface("TopModule", (Port("clk", "input"), Port("resetn", "input"), Port("r", "input", 3),
                                  Port("g", "output", 3)))  # fmt: skip
    form = {"outputs_on": "state", "reset": "sync",
            "states": [{"name": "A", "outputs": {}}, {"name": "B", "outputs": {"g[0]": 1}}],
            "reset_state": "A",
            "transitions": [{"from": "A", "when": {"r[0]": 1}, "to": "B", "outputs": {}},
                            {"from": "B", "when": {"r[0]": 0}, "to": "A", "outputs": {}}]}  # fmt: skip
    code = write_machine(parse_machine(form, ifc), ifc).code
    assert "if (r[0] == 1'd1)" in code and "g_q[0] = 1'd1;" in code
    assert '\\"r[2]\\"' in schema_gbnf(machine_schema(ifc))


def test_a_name_given_twice_in_one_object_is_a_problem() -> None:
    with pytest.raises(FormError, match="'r' is given twice"):
        read_form('{"when": {"r": 0, "r": 1}}')


DIAGRAM_SPEC = """The module is a Mealy machine that resets asynchronously into state IDLE.

  IDLE --go=0 (done=0)--> IDLE
  IDLE --go=1 (done=0)--> WAIT
  WAIT --go=1 (done=0)--> WAIT
  WAIT --go=0 (done=1)--> IDLE
"""


def test_a_text_state_diagram_is_read_without_a_model() -> None:
    from rtlsmith.forms.diagram import diagram_form

    ifc = Interface("TopModule", (Port("clk", "input"), Port("areset", "input"), Port("go", "input"),
                                  Port("done", "output")))  # fmt: skip
    form = diagram_form(DIAGRAM_SPEC, ifc)
    assert form is not None and form["outputs_on"] == "transition" and form["reset"] == "async"
    assert form["reset_state"] == "IDLE" and len(form["transitions"]) == 4
    assert form["transitions"][3] == {"from": "WAIT", "when": {"go": 0}, "to": "IDLE", "outputs": {"done": 1}}
    code = write_machine(parse_machine(form, ifc), ifc).code
    assert "posedge areset" in code and "done_q = 1'd1;" in code


def test_a_moore_diagram_with_bare_values_and_bus_bits() -> None:
    from rtlsmith.forms.diagram import diagram_form

    bare = "  P (0) --1--> Q\n  P (0) --0--> P\n  Q (1) --0--> P\n  Q (1) --1--> Q\n"
    ifc = Interface("TopModule", (Port("clk", "input"), Port("reset", "input"), Port("in", "input"),
                                  Port("out", "output")))  # fmt: skip
    form = diagram_form(bare, ifc)
    assert form is not None and form["states"][1] == {"name": "Q", "outputs": {"out": 1}}
    bits = "  A --req0=1--> B\n  B (gnt0=1) --req0=0--> A\n"
    bus = Interface("TopModule", (Port("clk", "input"), Port("resetn", "input"), Port("req", "input", 2),
                                  Port("gnt", "output", 2)))  # fmt: skip
    form = diagram_form(bits, bus)
    assert form is not None and form["transitions"][0]["when"] == {"req[0]": 1}
    assert form["states"][1]["outputs"] == {"gnt[0]": 1}
    with pytest.raises(FormError, match="does not name a input"):
        diagram_form("  A --stop=1--> B\n  B --go=1--> A\n", bus)
    assert diagram_form("No diagram here.", bus) is None


MOORE_WIDE = """The machine resets synchronously to state A. Its state table:

  State | Next state (x=0) | Next state (x=1) | Output z[1:0]
  ------+------------------+------------------+--------------
  A     | A                | B                | 00
  B     | C                | B                | 01
  C     | A                | B                | 10
"""

MEALY_WIDE = """A Mealy machine; the output y is given with each next state.

  Present state | in=0  | in=1
  S0            | S0/0  | S1/0
  S1            | S0/1  | S1/0
"""


def test_a_state_table_with_a_bus_output_is_read_as_a_moore_form() -> None:
    from rtlsmith.forms.wide_table import table_form

    ifc = Interface("TopModule", (Port("clk", "input"), Port("reset", "input"), Port("x", "input"),
                                  Port("z", "output", 2)))  # fmt: skip
    form = table_form(MOORE_WIDE, ifc)
    assert form is not None and form["outputs_on"] == "state"
    assert [s["outputs"] for s in form["states"]] == [{"z": 0}, {"z": 1}, {"z": 2}]
    assert form["transitions"][2] == {"from": "B", "when": {"x": 0}, "to": "C", "outputs": {}}
    code = write_machine(parse_machine(form, ifc), ifc).code
    assert "z_q = 2'd2;" in code


def test_a_state_table_with_an_output_per_input_column_is_read_as_a_mealy_form() -> None:
    from rtlsmith.forms.wide_table import table_form

    ifc = Interface("TopModule", (Port("clk", "input"), Port("reset", "input"), Port("in", "input"),
                                  Port("y", "output")))  # fmt: skip
    form = table_form(MEALY_WIDE, ifc)
    assert form is not None and form["outputs_on"] == "transition"
    assert form["transitions"][2] == {"from": "S1", "when": {"in": 0}, "to": "S0", "outputs": {"y": 1}}
    assert parse_machine(form, ifc).mealy
    assert table_form("No table.", ifc) is None
