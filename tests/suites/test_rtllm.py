"""The RTLLM loader (`--suite rtllm:PATH`): our own designs in RTLLM's v1.1 (flat) and v2.0 (nested) layouts.

The fixtures under `fixtures/rtllm/` are written for these tests in RTLLM's file layout; no RTLLM file is
copied. v1: `parity8` (reference `verified_parity8`, per-check `Test failed:` lines, an `output.txt` left by
a harness run), `mux2` (a `chatgpt_generate_mux2.v` beside the reference, no `$finish`). v2: `adder_4bit`
(reference `verified_adder_4bit`), `counter_mod5` (reads `expected_counts.dat`), `shift_left4` (no reference).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from rtlsmith.cli import main
from rtlsmith.errors import SuiteError
from rtlsmith.scoring.samples import reference_completion
from rtlsmith.suites import load_suite
from rtlsmith.suites.rtllm import load_rtllm
from rtlsmith.task import HiddenChecks, Layout, PublicTask, Purpose, Sealed, Spec, Task
from rtlsmith.tools.judge import JudgeOptions, judge, plan
from rtlsmith.tools.sandbox import Limits

FIXTURES = Path(__file__).parent / "fixtures" / "rtllm"
V1 = FIXTURES / "v1"
V2 = FIXTURES / "v2"

ADDER_GOOD = """\
module adder_4bit (input [3:0] x, input [3:0] y, input cin, output [3:0] sum, output cout);
  assign {cout, sum} = x + y + cin;
endmodule
"""
ADDER_WRONG = ADDER_GOOD.replace("x + y + cin", "x + y")
ADDER_BROKEN = ADDER_GOOD.replace("x + y + cin;", "x + y + cin")
SHIFT_GOOD = """\
module shift_left4 (input clk, input en, input din, output reg [3:0] q = 4'd0);
  always @(posedge clk) if (en) q <= {q[2:0], din};
endmodule
"""
COUNTER_WRONG = """\
module counter_mod5 (input clk, input rst_n, output reg [2:0] count);
  always @(posedge clk) count <= !rst_n ? 3'd0 : count + 3'd1;  // counts to 7
endmodule
"""


def ports(task: Task) -> list[tuple[str, str, int]]:
    return [(p.name, p.direction, p.width) for p in task.public.interface.ports]


def test_v1_flat_layout_loads_every_design_under_its_own_module_name() -> None:
    suite = load_rtllm(V1)
    assert (suite.name, suite.ids()) == ("rtllm", ["mux2", "parity8"])
    parity = suite.get("parity8")
    assert parity.public.interface.module == "parity8"
    assert ports(parity) == [("data", "input", 8), ("parity", "output", 1)]
    hidden = parity.hidden.unseal(Purpose.SCORING)
    assert hidden.layout is Layout.RTLLM and hidden.testbench_top == "testbench"
    # The reference calls itself verified_parity8; the testbench instantiates parity8.
    assert hidden.reference_top == "verified_parity8"
    assert "module verified_parity8" in (hidden.reference or "")
    assert hidden.data_files == ()  # output.txt was written by a harness run; the testbench does not read it


def test_llm_outputs_kept_beside_a_design_are_never_its_reference() -> None:
    hidden = load_rtllm(V1).get("mux2").hidden.unseal(Purpose.SCORING)
    assert hidden.reference == (V1 / "mux2" / "verified_mux2.v").read_text()
    assert hidden.reference_top == ""  # the reference already has the design's name


def test_v2_nested_layout_tags_designs_with_their_categories() -> None:
    suite = load_rtllm(V2)
    assert suite.ids() == ["adder_4bit", "counter_mod5", "shift_left4"]
    assert suite.get("adder_4bit").public.tags == ("arithmetic", "adder", "combinational")
    assert suite.get("counter_mod5").public.tags == ("control", "counter", "sequential")
    assert suite.get("shift_left4").public.tags == ("memory", "shift-register", "sequential")
    assert ports(suite.get("adder_4bit")) == [
        ("x", "input", 4), ("y", "input", 4), ("cin", "input", 1),
        ("sum", "output", 4), ("cout", "output", 1),
    ]  # fmt: skip


def test_data_files_the_testbench_reads_travel_with_the_hidden_checks() -> None:
    task = load_rtllm(V2).get("counter_mod5")
    hidden = task.hidden.unseal(Purpose.SCORING)
    data = (V2 / "Control" / "Counter" / "counter_mod5" / "expected_counts.dat").read_bytes()
    assert hidden.data_files == (("expected_counts.dat", data),)
    assert plan(task, COUNTER_WRONG, JudgeOptions()).files["expected_counts.dat"] == data


def test_a_design_without_a_reference_loads_with_ports_from_its_description() -> None:
    task = load_rtllm(V2).get("shift_left4")
    assert task.hidden.unseal(Purpose.SCORING).reference is None
    assert ports(task) == [("clk", "input", 1), ("en", "input", 1), ("din", "input", 1), ("q", "output", 4)]
    assert reference_completion(task) == ""


def secret_lines(text: str) -> list[str]:
    """Lines of a hidden file that the public interface cannot also contain (port declarations can)."""
    shared = ("input", "output", "module", "endmodule", "begin", "end")
    lines = [ln.strip() for ln in text.splitlines()]
    return [ln for ln in lines if len(ln) >= 12 and not ln.startswith(shared)]


def test_the_public_task_and_its_prompt_never_contain_the_hidden_testbench() -> None:
    from rtlsmith.agent import prompts

    for task in [*load_rtllm(V1), *load_rtllm(V2)]:
        hidden = task.hidden.unseal(Purpose.SCORING)
        public_text = repr(task.public) + repr(task) + f"{task.hidden}"
        prompt = "\n".join(m.content for m in prompts.draft(task.public))
        secrets = secret_lines(hidden.testbench) + secret_lines(hidden.reference or "")
        secrets += [data.decode() for _name, data in hidden.data_files]
        assert len(secrets) > 5, task.id
        for secret in secrets:
            assert secret not in public_text and secret not in prompt, (task.id, secret)
        assert task.public.public.empty  # no public testbench: the agent must write its own checks
        assert f"module {task.public.interface.module}" in prompt


def test_suite_spec_and_environment_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert load_suite(f"rtllm:{V2}").ids() == load_rtllm(V2).ids()
    copy = tmp_path / "rtllm"
    shutil.copytree(V1, copy)
    monkeypatch.setenv("RTLSMITH_RTLLM", str(copy))
    assert load_suite("rtllm").ids() == ["mux2", "parity8"]


def test_one_design_directory_is_a_suite_of_one() -> None:
    assert load_rtllm(V1 / "parity8").ids() == ["parity8"]


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="is not a directory"):
        load_rtllm(tmp_path / "nowhere")


def test_empty_directory_is_a_clear_error(tmp_path: Path) -> None:
    expected = r"no RTLLM designs under .*design_description\.txt and testbench\.v"
    with pytest.raises(SuiteError, match=expected):
        load_rtllm(tmp_path)


def test_descriptions_without_testbenches_are_counted_in_the_error(tmp_path: Path) -> None:
    (tmp_path / "lonely").mkdir()
    shutil.copy(V1 / "parity8" / "design_description.txt", tmp_path / "lonely")
    with pytest.raises(SuiteError, match=r"1 with a description but no testbench.v"):
        load_rtllm(tmp_path)


def test_duplicate_design_names_are_an_error_naming_both(tmp_path: Path) -> None:
    shutil.copytree(V1 / "parity8", tmp_path / "v1.1" / "parity8")
    shutil.copytree(V1 / "parity8", tmp_path / "v2.0" / "Misc" / "parity8")
    with pytest.raises(SuiteError, match=r"two RTLLM designs are named 'parity8': .*v1\.1.* and .*v2\.0"):
        load_rtllm(tmp_path)


def test_a_testbench_with_two_top_modules_is_an_error(tmp_path: Path) -> None:
    shutil.copytree(V1 / "parity8", tmp_path / "parity8")
    with (tmp_path / "parity8" / "testbench.v").open("a") as fh:
        fh.write("module stray; endmodule\n")
    with pytest.raises(SuiteError, match="one top-level testbench module, found testbench, stray"):
        load_rtllm(tmp_path)


def test_hashes_of_tasks_without_the_rtllm_fields_are_unchanged() -> None:
    """Stored runs are keyed by task hashes: the new HiddenChecks fields must not move the old ones."""
    import hashlib
    from dataclasses import asdict

    task = load_rtllm(V1).get("mux2")
    hidden = HiddenChecks(testbench="module tb; endmodule\n", reference=None, layout=Layout.VERILOG_EVAL_V2)
    public = PublicTask("t", "s", Spec("spec"), task.public.interface)
    old_hidden = {"testbench": hidden.testbench, "reference": None, "layout": "verilog-eval-v2", "prompt": ""}
    old_payload = {"public": asdict(public), "hidden": old_hidden}
    expected = hashlib.sha256(json.dumps(old_payload, sort_keys=True, default=str).encode()).hexdigest()[:16]
    assert Task(public, Sealed(hidden)).content_hash() == expected


# ------------------------------------------------------------------------------------------------ judging


@pytest.mark.needs_iverilog
def test_every_reference_passes_and_the_design_without_one_passes_with_ours() -> None:
    for task in [*load_rtllm(V1), *load_rtllm(V2)]:
        design = reference_completion(task) or SHIFT_GOOD
        verdict = judge(task, design)
        assert verdict.passed, (task.id, verdict.log)
        assert verdict.harness_result == "passed" and verdict.integrity == ()


@pytest.mark.needs_iverilog
def test_wrong_design_fails_on_the_testbenchs_own_failure_text() -> None:
    suite = load_rtllm(V2)
    verdict = judge(suite.get("adder_4bit"), ADDER_WRONG)
    assert (verdict.passed, verdict.failure_class.value) == (False, "R")
    assert "Test completed with 256 /512 failures" in verdict.reason
    counter = judge(suite.get("counter_mod5"), COUNTER_WRONG)
    assert (counter.failure_class.value, counter.harness_result) == ("R", "failed")
    assert "Failed" in counter.log_excerpt


@pytest.mark.needs_iverilog
def test_a_design_that_does_not_compile_gets_verilog_evals_compile_class() -> None:
    verdict = judge(load_rtllm(V2).get("adder_4bit"), ADDER_BROKEN)
    assert (verdict.failure_class.value, verdict.harness_result) == ("S", "compile failed")
    assert not verdict.passed
    assert "adder_4bit.v" in verdict.log_excerpt and "syntax error" in verdict.log_excerpt


@pytest.mark.needs_iverilog
def test_a_run_without_a_verdict_line_is_class_u_not_a_pass() -> None:
    silent = ADDER_GOOD.replace("endmodule", "  initial $finish;\nendmodule")
    verdict = judge(load_rtllm(V2).get("adder_4bit"), silent)
    assert (verdict.passed, verdict.failure_class.value) == (False, "U")
    assert "printed neither" in verdict.reason


@pytest.mark.needs_iverilog
def test_timeouts_and_refusals_work_as_for_the_other_suites() -> None:
    task = load_rtllm(V2).get("adder_4bit")
    hang = ADDER_GOOD.replace("endmodule", "  reg r = 0;\n  initial while (1) r = ~r;\nendmodule")
    verdict = judge(task, hang, JudgeOptions(limits=Limits(timeout_s=1.5)))
    assert (verdict.failure_class.value, verdict.harness_result) == ("T", "timed out")
    refused = judge(task, ADDER_GOOD.replace("endmodule", '  initial $system("ls");\nendmodule'))
    assert refused.failure_class.value == "X"


@pytest.mark.needs_iverilog
def test_designs_without_a_timescale_get_rtllms_1ns_default() -> None:
    """RTLLM's makefiles pass `vcs -timescale=1ns/1ns`: a `#5` in an undeclared design is 5 ns, not 5 s."""
    delayed = """\
module shift_left4 (input clk, input en, input din, output [3:0] q);
  reg [3:0] r = 4'd0;
  always @(posedge clk) if (en) r <= {r[2:0], din};
  assign #1 q = r;
endmodule
"""
    verdict = judge(load_rtllm(V2).get("shift_left4"), delayed)
    assert verdict.passed, verdict.log


@pytest.mark.needs_iverilog
def test_cli_tasks_check_and_score(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    runner = CliRunner()
    suite = f"rtllm:{V2}"
    listed = runner.invoke(main, ["tasks", "--suite", suite])
    assert listed.exit_code == 0 and listed.output.split() == ["adder_4bit", "counter_mod5", "shift_left4"]

    good, wrong = tmp_path / "good.v", tmp_path / "wrong.v"
    good.write_text(ADDER_GOOD)
    wrong.write_text(ADDER_WRONG)
    ok = runner.invoke(main, ["check", str(good), "--task", "adder_4bit", "--suite", suite])
    assert ok.exit_code == 0 and "Your Design Passed" in ok.output and "PASS" in ok.output
    bad = runner.invoke(main, ["check", str(wrong), "--task", "adder_4bit", "--suite", suite])
    assert bad.exit_code == 1 and "FAIL" in bad.output

    samples = tmp_path / "samples.jsonl"
    rows = [
        ("adder_4bit", ADDER_GOOD), ("adder_4bit", ADDER_WRONG), ("adder_4bit", ADDER_BROKEN),
        ("counter_mod5", COUNTER_WRONG), ("shift_left4", SHIFT_GOOD),
    ]  # fmt: skip
    samples.write_text("".join(json.dumps({"task_id": t, "completion": c}) + "\n" for t, c in rows))
    scored = runner.invoke(main, ["score", str(samples), "--suite", suite, "-k", "1", "--json"])
    assert scored.exit_code == 0, scored.output
    summary = json.loads(scored.output)
    assert (summary["samples"], summary["passed"]) == (5, 2)
    assert summary["failure_classes"] == {".": 2, "R": 2, "S": 1}
    records = [json.loads(x) for x in (tmp_path / "samples_results.jsonl").read_text().splitlines()]
    harness = ["passed", "failed", "compile failed", "failed", "passed"]
    assert [r["result"] for r in records] == harness  # auto_run.py's reading, kept beside ours


@pytest.mark.needs_verilator
def test_verilator_reads_the_same_testbench_and_data_files() -> None:
    task = load_rtllm(V2).get("counter_mod5")
    assert judge(task, reference_completion(task), JudgeOptions(simulator="verilator")).passed
    assert not judge(task, COUNTER_WRONG, JudgeOptions(simulator="verilator")).passed
