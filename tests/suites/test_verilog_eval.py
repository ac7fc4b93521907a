"""VerilogEval loaders: v2 directories (both tasks) and v1 JSONL (Human and Machine)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rtlsmith.errors import SuiteError
from rtlsmith.suites import load_suite
from rtlsmith.suites.verilog_eval import load_v1, load_v2
from rtlsmith.task import Layout, Purpose


def test_v2_spec_to_rtl_has_156_tasks_with_hidden_files(v2_spec_dir: Path) -> None:
    suite = load_v2(v2_spec_dir)
    assert len(suite) == 156 and suite.name == "verilog-eval-v2/spec-to-rtl"
    task = suite.get("Prob041_dff8r")
    hidden = task.hidden.unseal(Purpose.SCORING)
    assert hidden.layout is Layout.VERILOG_EVAL_V2 and hidden.prompt == ""
    assert hidden.testbench == (v2_spec_dir / "Prob041_dff8r_test.sv").read_text()
    assert hidden.reference == (v2_spec_dir / "Prob041_dff8r_ref.sv").read_text()
    assert task.public.spec.detailed == (v2_spec_dir / "Prob041_dff8r_prompt.txt").read_text().strip()
    assert task.public.interface.module == "TopModule"
    assert [(p.name, p.width) for p in task.public.interface.ports] == [
        ("clk", 1),
        ("d", 8),
        ("reset", 1),
        ("q", 8),
    ]
    assert "sequential" in task.public.tags


def test_v2_code_complete_has_156_tasks_and_keeps_the_interface_as_prompt(v2_complete_dir: Path) -> None:
    suite = load_v2(v2_complete_dir)
    assert len(suite) == 156 and suite.name == "verilog-eval-v2/code-complete-iccad2023"
    hidden = suite.get("Prob041_dff8r").hidden.unseal(Purpose.SCORING)
    assert hidden.prompt == (v2_complete_dir / "Prob041_dff8r_ifc.txt").read_text()
    # Each task of one directory pairs with the same id in the other.
    assert suite.ids() == load_v2(v2_complete_dir.parent / "dataset_spec-to-rtl").ids()


def test_v2_parent_directory_means_spec_to_rtl(v2_spec_dir: Path) -> None:
    assert load_v2(v2_spec_dir.parent).name == "verilog-eval-v2/spec-to-rtl"


def test_v1_human_156_and_machine_143(v1_dir: Path) -> None:
    human = load_v1(v1_dir / "VerilogEval_Human.jsonl")
    machine = load_v1(v1_dir / "VerilogEval_Machine.jsonl")
    assert (len(human), len(machine)) == (156, 143)
    assert (human.name, machine.name) == ("verilog-eval-v1/human", "verilog-eval-v1/machine")
    assert len(load_v1(v1_dir)) == 156  # the directory means Human


def test_v1_task_has_its_description_and_the_prompt_it_continues(v1_dir: Path) -> None:
    jsonl = v1_dir / "VerilogEval_Human.jsonl"
    rec = next(json.loads(line) for line in jsonl.read_text().splitlines() if '"dff8r"' in line)
    descriptions = (v1_dir / "descriptions" / "VerilogDescription_Human.jsonl").read_text().splitlines()
    desc = next(json.loads(line) for line in descriptions if '"dff8r"' in line)["detail_description"]
    task = load_v1(jsonl).get("dff8r")
    hidden = task.hidden.unseal(Purpose.SCORING)
    assert hidden.layout is Layout.VERILOG_EVAL_V1
    assert (hidden.testbench, hidden.prompt) == (rec["test"], rec["prompt"])
    assert hidden.reference == rec["prompt"] + rec["canonical_solution"]
    assert task.public.spec.detailed == desc
    assert task.public.interface.module == "top_module"
    assert "reference_module" not in str(task.public) and rec["canonical_solution"] not in str(task.public)


def test_load_suite_spec_strings(v2_spec_dir: Path, v1_dir: Path) -> None:
    assert len(load_suite(f"verilog-eval-v2:{v2_spec_dir}")) == 156
    assert len(load_suite(f"v1:{v1_dir / 'VerilogEval_Machine.jsonl'}")) == 143
    with pytest.raises(SuiteError, match="unknown suite"):
        load_suite("verilog-eval-v3:/x")


def test_loader_errors_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="not a directory"):
        load_v2(tmp_path / "absent")
    with pytest.raises(SuiteError, match="no Prob"):
        load_v2(tmp_path)
    (tmp_path / "Prob001_x_prompt.txt").write_text("spec")
    with pytest.raises(SuiteError, match=r"missing Prob001_x_test\.sv or Prob001_x_ref\.sv"):
        load_v2(tmp_path)
    with pytest.raises(SuiteError, match="not found"):
        load_v1(tmp_path / "VerilogEval_Human.jsonl")
    bad = tmp_path / "VerilogEval_Human.jsonl"
    good = {"task_id": "a", "prompt": "module top_module();", "canonical_solution": "endmodule", "test": ""}
    bad.write_text(json.dumps(good) + "\n{not json\n")
    with pytest.raises(SuiteError, match=r"VerilogEval_Human.jsonl:2: not valid JSON"):
        load_v1(bad)
    bad.write_text('{"task_id": "a", "prompt": "module top_module(); "}\n')
    with pytest.raises(SuiteError, match=r"VerilogEval_Human.jsonl:1: the record lacks .canonical_solution."):
        load_v1(bad)


def test_a_v1_file_that_is_not_utf8_text_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "VerilogEval_Human.jsonl"
    junk.write_bytes(b'{"task_id": "a"}\n\xff\xfe\x00\x01 binary\n')
    with pytest.raises(SuiteError, match=r"not UTF-8 text near line \d"):
        load_v1(junk)
