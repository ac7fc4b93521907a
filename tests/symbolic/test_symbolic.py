"""The symbolic agent: tables parsed from spec text, designs synthesized from them and checked with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtlsmith.agent import AgentConfig, run_agent
from rtlsmith.agent.trace import read_trace
from rtlsmith.errors import UsageError
from rtlsmith.symbolic.agent import Decline, choose_table, synthesize, synthesize_machine
from rtlsmith.symbolic.tables import Bits, Ref, find_tables
from rtlsmith.task import Interface, Port, PublicTask, Spec


def _ifc(*ports: tuple[str, str, int]) -> Interface:
    return Interface("TopModule", tuple(Port(n, d, w) for n, d, w in ports))  # type: ignore[arg-type]


def _task(text: str, interface: Interface, task_id: str = "t") -> PublicTask:
    return PublicTask(task_id, "test", Spec(text), interface)


MAJORITY = _ifc(("a", "input", 1), ("b", "input", 1), ("c", "input", 1), ("y", "output", 1))
MAJORITY_SPEC = """Implement the circuit of this truth table.

  a | b | c | y
  --+---+---+--
  0 | 0 | x | 0
  0 | 1 | 0 | 0
  0 | 1 | 1 | 1
  1 | 0 | 0 | 0
  1 | 0 | 1 | 1
  1 | 1 | - | 1
"""

SELECT = _ifc(("s", "input", 2), ("p", "input", 8), ("r", "input", 8), ("q", "output", 8))
SELECT_SPEC = """Read the simulation waveforms to determine what the circuit does.

  time  s  p   r   q
  0ns   x  x   x   x
  5ns   0  3c  a5  3c
  10ns  1  3c  a5  a5
  15ns  2  3c  a5  0
  20ns  3  3c  a5  ff
  25ns  0  d0  a5  d0
  30ns  1  d0  17  17
"""

KMAP = _ifc(("x", "input", 4), ("f", "output", 1))
KMAP_SPEC = """Implement the function f of this Karnaugh map; d is a don't-care.

                x[1]x[2]
  x[3]x[4]   00  01  11  10
        00 | 1 | 0 | 0 | 1 |
        01 | d | 0 | 0 | 1 |
        11 | 1 | 0 | d | 1 |
        10 | 1 | 0 | 0 | d |
"""


def test_truth_table_is_parsed_with_input_dont_cares_expanded() -> None:
    scan = find_tables(MAJORITY_SPEC, MAJORITY)
    [table] = scan.tables
    assert table.kind == "truth" and not table.sequential
    assert table.inputs == (Ref("a"), Ref("b"), Ref("c")) and table.outputs == (Ref("y"),)
    rows = {r.inputs: r.outputs[0] for r in table.rows}
    assert len(table.rows) == 8  # `0 | 0 | x` and `1 | 1 | -` each stand for two rows
    assert rows[(0, 0, 1)] == Bits(0, 1) and rows[(1, 1, 0)] == Bits(1, 1) and rows[(0, 1, 1)] == Bits(1, 1)


def test_waveform_is_parsed_as_hex_with_unknown_rows_left_out() -> None:
    [table] = find_tables(SELECT_SPEC, SELECT).tables
    assert table.kind == "waveform" and table.dropped == 1 and len(table.rows) == 6
    assert table.inputs == (Ref("s"), Ref("p"), Ref("r"))
    assert table.rows[0].inputs == (0, 0x3C, 0xA5) and table.rows[0].outputs == (Bits(0x3C, 0xFF),)


def test_kmap_labels_split_into_bits_and_one_based_indexes_shift() -> None:
    [table] = find_tables(KMAP_SPEC, KMAP).tables
    assert table.kind == "kmap" and table.outputs == (Ref("f"),)
    # x[1]..x[4] of a 4-bit x are bits 0..3.
    assert set(table.inputs) == {Ref("x", 0), Ref("x", 1), Ref("x", 2), Ref("x", 3)}
    by_x = {}
    for row in table.rows:
        value = sum(
            v << ref.bit for v, ref in zip(row.inputs, table.inputs, strict=True) if ref.bit is not None
        )
        by_x[value] = row.outputs[0]
    # row x[3]x[4] = 01, column x[1]x[2] = 10: x[1] = 1, x[4] = 1 -> bits 0 and 3 -> x = 9
    assert by_x[0b1001] == Bits(1, 1)
    assert by_x[0b1000] == Bits(0, 0)  # row 01, column 00: d


TOGGLE_TABLE = """
  State | Next state go=0, Next state go=1 | Output
  IDLE  | IDLE, RUN                        | 0
  RUN   | STOP, RUN                        | 1
  STOP  | IDLE, IDLE                       | 0
"""
MACHINE = _ifc(("clk", "input", 1), ("rst_n", "input", 1), ("go", "input", 1), ("busy", "output", 1))
MACHINE_SPEC = "A Moore machine with an active-low synchronous reset to state IDLE.\n" + TOGGLE_TABLE
LOGIC = _ifc(("go", "input", 1), ("state", "input", 2), ("next_state", "output", 2), ("busy", "output", 1))
LOGIC_SPEC = (
    "Only the next-state and output logic. Encoding: IDLE=2'b00, RUN=2'b01, STOP=2'b10.\n" + TOGGLE_TABLE
)


def test_state_tables_become_logic_or_a_machine() -> None:
    [table] = find_tables(LOGIC_SPEC, LOGIC).tables
    assert table.kind == "state" and table.inputs == (Ref("go"), Ref("state"))
    assert table.outputs == (Ref("next_state"), Ref("busy"))
    rows = {r.inputs: r.outputs for r in table.rows}
    assert rows[(1, 0b00)] == (Bits(0b01, 0b11), Bits(0, 1)) and rows[(0, 0b01)] == (
        Bits(0b10, 0b11),
        Bits(1, 1),
    )
    scan = find_tables(MACHINE_SPEC, MACHINE)
    assert not scan.tables
    [machine] = scan.machines
    assert (
        machine.states == ("IDLE", "RUN", "STOP") and machine.input == "go" and machine.outputs == ("busy",)
    )
    assert machine.next[1] == ("STOP", "RUN") and machine.values == ((0,), (1,), (0,))
    design = synthesize_machine(machine, MACHINE, MACHINE_SPEC)
    assert "if (!rst_n) fsm_state <= S_IDLE;" in design.code and "always @(posedge clk) begin" in design.code
    assert "assign busy = fsm_state == S_RUN;" in design.code
    # reset, a walk over all six transitions, reset again
    assert design.clock == "clk" and len(design.vectors) >= 8
    assert design.vectors[0].inputs[0] == ("rst_n", "1'b0") and design.vectors[-1].inputs[0] == (
        "rst_n",
        "1'b0",
    )


def test_sequential_waveforms_and_unmapped_columns() -> None:
    ifc = _ifc(("clk", "input", 1), ("a", "input", 1), ("q", "output", 1))
    text = "time clk a q\n0ns 0 0 x\n5ns 1 0 1\n10ns 0 1 1\n15ns 1 1 0\n"
    [table] = find_tables(text, ifc).tables
    assert table.sequential and table.clock == "clk"
    scan = find_tables("Left | Right | next\n1 | 0 | 1\n0 | 1 | 0\n", ifc)
    assert not scan.tables and "not all ports" in scan.problems[0]


def test_synthesis_picks_small_expressions_and_a_mux() -> None:
    design = synthesize(find_tables(MAJORITY_SPEC, MAJORITY).tables[0], MAJORITY)
    [choice] = design.choices
    assert choice.how in ("sum-of-products", "product-of-sums")
    assert design.code.count("&") + design.code.count("|") <= 5
    parity = "a | b | c | y\n" + "\n".join(
        f"{a} | {b} | {c} | {a ^ b ^ c}" for a in (0, 1) for b in (0, 1) for c in (0, 1)
    )
    [choice] = synthesize(find_tables(parity, MAJORITY).tables[0], MAJORITY).choices
    assert (choice.how, choice.expr) == ("parity", "a ^ b ^ c")
    design = synthesize(find_tables(SELECT_SPEC, SELECT).tables[0], SELECT)
    [choice] = design.choices
    assert choice.how == "case"
    assert "2'b00: q_table = p;" in design.code and "2'b01: q_table = r;" in design.code
    vectors = design.vectors
    assert len(vectors) == 6 and vectors[0].outputs == (("q", "8'h3c"),)


def test_a_spec_without_a_table_is_declined_quickly(tmp_path: Path) -> None:
    config = AgentConfig(runs_dir=str(tmp_path / "runs"))
    task = _task(
        "Build an 8-bit adder: s = a + b.", _ifc(("a", "input", 8), ("b", "input", 8), ("s", "output", 8))
    )
    result = run_agent("symbolic", task, None, config)
    assert result.final_code == "" and result.stop_reason == "declined" and result.final_state == "DECLINED"
    assert result.checks == "none" and result.tool_time_s == 0.0 and result.prompt_tokens == 0
    records = read_trace(result.trace_path or "")
    assert "no truth table" in records[-1]["error"]
    clocked = _ifc(("clk", "input", 1), ("a", "input", 1), ("q", "output", 1))
    with pytest.raises(Decline, match="clock"):
        choose_table(_task("time clk a q\n0ns 0 0 0\n5ns 1 1 1\n", clocked))
    with pytest.raises(UsageError):
        run_agent("symbolic", task, None, AgentConfig(oracle_feedback=True), None)


@pytest.mark.needs_iverilog
def test_generated_design_passes_its_table_check(tmp_path: Path) -> None:
    config = AgentConfig(runs_dir=str(tmp_path / "runs"))
    cases = ((KMAP_SPEC, KMAP), (SELECT_SPEC, SELECT), (MAJORITY_SPEC, MAJORITY), (LOGIC_SPEC, LOGIC),
             (MACHINE_SPEC, MACHINE))  # fmt: skip
    for spec, ifc in cases:
        result = run_agent("symbolic", _task(spec, ifc), None, config)
        assert result.passed_public, result
        assert (
            result.stop_reason == "passed" and result.checks == "spec-table" and result.final_state == "DONE"
        )
        assert result.agent == "symbolic" and result.prompt_tokens == result.completion_tokens == 0
        steps = [r["state"] for r in read_trace(result.trace_path or "") if r["kind"] == "step"]
        assert steps == ["PARSE", "SYNTHESIZE", "LINT", "TEST"]


def test_a_wrong_table_design_fails_its_check(tmp_path: Path) -> None:
    """The check is real: a design that disagrees with the table does not pass it."""
    pytest.importorskip("pyslang")
    from rtlsmith.agent import checks
    from rtlsmith.suites.tbgen import vectors_testbench
    from rtlsmith.tools.sandbox import Limits
    from rtlsmith.tools.toolchain import have

    if not (have("iverilog") and have("vvp")):
        pytest.skip("Icarus Verilog (iverilog, vvp) is not installed")
    design = synthesize(find_tables(MAJORITY_SPEC, MAJORITY).tables[0], MAJORITY)
    vectors = design.vectors
    wrong = design.code.replace(f"assign y = {design.choices[0].expr};", "assign y = a & b & c;")
    assert wrong != design.code
    report = checks.simulate(wrong, vectors_testbench(MAJORITY, vectors, None), MAJORITY, limits=Limits(),
                             isolate=False, vectors=vectors)  # fmt: skip
    assert not report.ok
    machine = synthesize_machine(find_tables(MACHINE_SPEC, MACHINE).machines[0], MACHINE, MACHINE_SPEC)
    wrong = machine.code.replace("fsm_state == S_RUN", "fsm_state == S_STOP")
    tb = vectors_testbench(MACHINE, machine.vectors, "clk")
    for code, ok in ((machine.code, True), (wrong, False)):
        report = checks.simulate(code, tb, MACHINE, limits=Limits(), isolate=False, vectors=machine.vectors)
        assert report.ok is ok, report.summary


MIN_V2_SOLVED = 20  # measured: 21 attempted, 20 pass (Prob093's reference disagrees with its own K-map)


@pytest.mark.needs_iverilog
def test_symbolic_agent_solves_verilog_eval_v2_table_problems(v2_spec_dir: Path) -> None:
    from rtlsmith.suites import load_suite
    from rtlsmith.tools.judge import judge_many

    suite = load_suite(f"verilog-eval-v2:{v2_spec_dir}")
    config = AgentConfig(write_trace=False)
    designs = []
    for task in suite:
        result = run_agent("symbolic", task.public, None, config)
        if result.final_code:
            designs.append((task, result.final_code))
    verdicts = judge_many(designs)
    solved = sorted(t.id for (t, _), v in zip(designs, verdicts, strict=True) if v.passed)
    assert len(solved) >= MIN_V2_SOLVED, solved


def test_spec_table_vectors_give_other_agents_the_table_as_a_check() -> None:
    from rtlsmith.symbolic.agent import spec_table_vectors

    rows = spec_table_vectors(_task(MAJORITY_SPEC, MAJORITY))  # rows with x or - expanded: all 8 inputs
    by_inputs = {v.inputs: v.outputs for v in rows}
    assert len(by_inputs) == 8
    assert by_inputs[(("a", "1'b0"), ("b", "1'b1"), ("c", "1'b1"))] == (("y", "1'b1"),)
    walk = spec_table_vectors(_task(MACHINE_SPEC, MACHINE))  # reset, every transition, reset again
    design = synthesize_machine(find_tables(MACHINE_SPEC, MACHINE).machines[0], MACHINE, MACHINE_SPEC)
    assert walk == list(design.vectors) and len(walk) >= 8
    assert spec_table_vectors(_task("A plain counter.", MACHINE)) == []
