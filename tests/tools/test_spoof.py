"""Spoofed passes: wrong designs that the benchmark's testbench passes, which rtlsmith's strict verdict fails.

Each case is a wrong design plus one trick. Both readings are asserted: the harness's (`Verdict.passed`,
which must be True, or the trick is not a spoof and the case proves nothing) and rtlsmith's strict one
(`strict_passed` False, class F after `strict()`, the flag that names the trick). The cases run on a bundled
task (always present) and on a real VerilogEval v2 task (skipped when the dataset is absent), and nothing
outside the run directory may change.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from rtlsmith.suites import load_suite
from rtlsmith.task import Purpose, Task
from rtlsmith.tools.judge import JudgeOptions, judge
from rtlsmith.tools.sandbox import Limits
from rtlsmith.tools.screen import integrity_flags
from rtlsmith.tools.verdict import FailureClass

LIMITS = Limits(timeout_s=5.0)


@dataclass(frozen=True)
class Target:
    """A task, a wrong design for it (`{trick}` marks where a trick goes), and its testbench's names."""

    task: Task
    wrong: str
    output: str  # an output of the design that the testbench compares
    more_outputs: tuple[str, ...]  # its other compared outputs
    error_counter: str  # the testbench's error count, by hierarchical name from `tb`


def _bundled() -> Target:
    task = load_suite("bundled").get("counter_updown_load")
    ref = task.hidden.unseal(Purpose.SCORING).reference
    assert ref is not None
    wrong = ref.replace("RefModule", "TopModule").replace("q <= d;", "q <= ~d;")
    wrong = wrong.replace("endmodule", "{trick}\nendmodule")
    return Target(task, wrong, "q", ("tc",), "tb_errors")


def _v2(spec_dir: Path) -> Target:
    task = load_suite(f"verilog-eval-v2:{spec_dir}").get("Prob001_zero")
    wrong = "module TopModule (output zero);\n  assign zero = 1'b1;\n{trick}\nendmodule\n"
    return Target(task, wrong, "zero", (), "stats1.errors")


@pytest.fixture(params=["bundled", "verilog-eval-v2"])
def target(request: pytest.FixtureRequest) -> Target:
    if request.param == "bundled":
        return _bundled()
    return _v2(request.getfixturevalue("v2_spec_dir"))


def _outputs_forced(t: Target) -> str:
    return " ".join(f"force tb.good1.{o} = {o};" for o in (t.output, *t.more_outputs))


# name: (the trick, given the target; a text the integrity flag must contain)
SPOOFS = {
    "force_tb_match": (lambda t: "  initial force tb.tb_match = 1;", "forces 'tb.tb_match'"),
    "force_tb_match_escaped_name": (
        lambda t: "  initial force \\tb .tb_match = 1;",
        "forces '\\tb.tb_match'",
    ),
    "force_tb_match_through_a_macro": (
        lambda t: "`define T tb\n  initial force `T.tb_match = 1;",
        "'tb (from a macro)'",
    ),
    "assign_error_counter": (
        lambda t: f"  always @(tb.{t.error_counter}) tb.{t.error_counter} = 0;",
        "reaches 'tb.",
    ),
    "force_reference_outputs": (lambda t: f"  initial begin {_outputs_forced(t)} end", "forces 'tb.good1."),
    "force_reference_upward_name": (
        lambda t: f"  initial begin {_outputs_forced(t).replace('tb.good1', 'good1')} end",
        "forces 'good1.",
    ),
    "print_summary_line": (
        lambda t: '  initial $display("Mismatches: 0 in 1 samples");',
        "prints text containing 'Mismatches'",
    ),
    "print_summary_line_built": (
        lambda t: '  initial $display("%s: 0 in 1 samples", {"Mis", "matches"});',
        "more than one 'Mismatches' summary line",
    ),
    "finish_early": (lambda t: "  initial $finish;", "$finish"),
}


@pytest.fixture
def contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Sandboxes go under a directory of this test's own, and the test runs in an empty directory."""
    (tmp_path / "sandboxes").mkdir()
    (tmp_path / "cwd").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "sandboxes"))
    monkeypatch.chdir(tmp_path / "cwd")
    return tmp_path


def _nothing_left(contained: Path) -> None:
    assert list((contained / "cwd").iterdir()) == []
    assert list((contained / "sandboxes").iterdir()) == []


@pytest.mark.needs_iverilog
def test_the_wrong_designs_fail_without_a_trick(target: Target, contained: Path) -> None:
    verdict = judge(target.task, target.wrong.replace("{trick}", ""), JudgeOptions(limits=LIMITS))
    assert not verdict.passed and verdict.failure_class is FailureClass.RUNTIME
    assert verdict.integrity == ()
    _nothing_left(contained)


@pytest.mark.needs_iverilog
@pytest.mark.parametrize("name", list(SPOOFS))
def test_a_spoofed_pass_passes_the_harness_and_fails_strict(
    name: str, target: Target, contained: Path
) -> None:
    trick, evidence = SPOOFS[name]
    verdict = judge(target.task, target.wrong.replace("{trick}", trick(target)), JudgeOptions(limits=LIMITS))
    # The harness's reading: a pass (else the trick spoofs nothing and this case proves nothing).
    assert verdict.passed and verdict.harness_passed, (verdict.failure_class, verdict.log_excerpt)
    assert verdict.failure_class is FailureClass.PASS
    # rtlsmith's reading: not a pass, and the flag names the trick.
    assert not verdict.strict_passed
    assert any(evidence in flag for flag in verdict.integrity), verdict.integrity
    strict = verdict.strict()
    assert not strict.passed and strict.harness_passed and strict.failure_class is FailureClass.FLAGGED
    assert evidence in strict.reason
    record = strict.record()
    assert record["harness_passed"] is True and record["strict_passed"] is False and record["integrity"]
    _nothing_left(contained)


@pytest.mark.needs_iverilog
def test_naming_the_hidden_reference_passes_the_harness_and_fails_strict(
    target: Target, contained: Path
) -> None:
    header = target.wrong.split(";", 1)[0] + ";\n"
    verdict = judge(target.task, header + "  RefModule r (.*);\nendmodule\n", JudgeOptions(limits=LIMITS))
    assert verdict.passed and not verdict.strict_passed
    assert any("reference module" in f for f in verdict.integrity)
    _nothing_left(contained)


@pytest.mark.needs_iverilog
def test_a_v1_body_is_flagged_with_its_header(v1_dir: Path, contained: Path) -> None:
    """v1's candidate is a module body after the prompt's header; the flags elaborate the two together."""
    task = load_suite(f"verilog-eval-v1:{v1_dir}").get("gatesv")
    wrong = "\tassign out_both = 0;\n\tassign out_any = 0;\n\tassign out_different = 0;\n"
    options = JudgeOptions(limits=LIMITS)
    assert not judge(task, wrong + "endmodule\n", options).passed
    verdict = judge(task, wrong + "\tinitial force tb.tb_match = 1;\nendmodule\n", options)
    assert verdict.passed and verdict.harness_result == "passed"
    assert not verdict.strict_passed and any("tb.tb_match" in f for f in verdict.integrity)
    _nothing_left(contained)


HEADER = "module TopModule (input clk, input [7:0] a, output reg [7:0] y);\n  always @(posedge clk) y <= a;\n"

# Tricks Icarus does not run (no `bind`, no `$root`) or that do not pass these testbenches, flagged all
# the same: the strict verdict must not depend on whether a given simulator happens to honour them.
FLAGGED_ONLY = {
    "release_outside_name": ("  initial release tb.tb_match;", "releases 'tb.tb_match'"),
    "defparam_outside_name": ("  defparam tb.good1.WIDTH = 1;", "defparams 'tb.good1.WIDTH'"),
    "deposit_outside_name": ("  initial $deposit(tb.tb_match, 1);", "deposits a value on 'tb.tb_match'"),
    "root_path": ("  initial force $root.tb.tb_match = 1;", "$root"),
    "read_testbench_signal": ("  wire peek = tb.stim1.clk;", "reaches 'tb.stim1.clk'"),
    "whole_path_in_a_macro": ("`define M tb.tb_match\n  initial force `M = 1;", "'tb (from a macro)'"),
    "pasted_path_in_a_macro": ("`define M(x) t``x\n  initial force `M(b).tb_match = 1;", "from a macro"),
    "read_the_hidden_reference": ('  integer f;\n  initial f = $fopen("ref.sv", "r");', "opens 'ref.sv'"),
    "read_the_testbench_escaped": (
        '  reg [7:0] m [0:1];\n  initial $readmemh("t\\145st.sv", m);',
        "opens 'test.sv'",
    ),
    "stop_early": ("  initial #1 $stop;", "$stop"),
    "fatal_early": ("  initial #1 $fatal;", "$fatal"),
    "bind_into_testbench": (
        "endmodule\nmodule spy (input m); endmodule\nbind tb spy s (.m(tb_match));\nmodule other;",
        "binds its code into another module",
    ),
}


@pytest.mark.parametrize("name", list(FLAGGED_ONLY))
def test_reach_outs_are_flagged(name: str) -> None:
    trick, evidence = FLAGGED_ONLY[name]
    flags = integrity_flags(HEADER + trick + "\nendmodule\n", samples=20)
    assert any(evidence in f for f in flags), flags


# What a design may do with its own hierarchy: nothing here reaches outside it.
OWN_NAMES = {
    "submodule_output": "  sub u ();\n  wire w = u.z;",
    "instance_array_element": "  sub u [1:0] ();\n  wire w = u[0].z;",
    "struct_member": "  typedef struct packed { logic [3:0] f; } s_t;\n  s_t s;\n  wire [3:0] w = s.f;",
    "own_top_by_name": "  wire w = TopModule.y[0];",
    "force_own_signal": "  reg r;\n  initial begin force r = 1'b0; release r; end",
    "write_a_file_of_its_own": '  integer f;\n  initial f = $fopen("notes.txt", "w");',
    "dump_own_hierarchy": "  initial $dumpvars(0, u);\n  sub u ();",
}


@pytest.mark.parametrize("name", list(OWN_NAMES))
def test_the_design_s_own_hierarchy_is_not_flagged(name: str) -> None:
    source = HEADER + OWN_NAMES[name] + "\nendmodule\nmodule sub; wire z = 1'b1; endmodule\n"
    assert integrity_flags(source, samples=20) == ()


def test_the_reference_solutions_carry_no_flags(v2_spec_dir: Path) -> None:
    """No false alarm on the 156 VerilogEval v2 reference solutions, as candidates."""
    refs = sorted(v2_spec_dir.glob("*_ref.sv"))
    assert refs
    flagged = {
        p.name: flags
        for p in refs
        if (flags := integrity_flags(p.read_text().replace("RefModule", "TopModule"), samples=1))
    }
    assert flagged == {}


@pytest.mark.needs_verilator
@pytest.mark.parametrize(
    ("trick", "evidence"),
    [
        ("  initial force $root.tb.tb_match = 1;", "$root"),
        ("  initial force tb.tb_match = 1;", "tb.tb_match"),
    ],
)
def test_verilator_runs_the_reach_outs_too_and_they_are_flagged(trick: str, evidence: str) -> None:
    """Verilator honours `$root` (Icarus 11 does not): the flags do not depend on the simulator."""
    t = _bundled()
    verdict = judge(t.task, t.wrong.replace("{trick}", trick), JudgeOptions(simulator="verilator"))
    assert verdict.passed and not verdict.strict_passed
    assert any(evidence in f for f in verdict.integrity), verdict.integrity
