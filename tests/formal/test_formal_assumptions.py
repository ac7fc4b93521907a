"""Input assumptions for a whole suite from a file (`score/bench --formal-assumptions`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_formal_assume import ONEHOT_CAND, _native_task

from rtlsmith.cli import main
from rtlsmith.errors import UsageError
from rtlsmith.formal.assumptions import load_assumptions
from rtlsmith.tools.toolchain import have


def test_toml_and_json_files_give_task_id_to_expression(tmp_path: Path) -> None:
    toml = tmp_path / "a.toml"
    toml.write_text('[assume]\nProb079_fsm3onehot = " $onehot(state) "\nProb001 = "a != b"\n')
    assert load_assumptions(toml) == {"Prob079_fsm3onehot": "$onehot(state)", "Prob001": "a != b"}
    flat = tmp_path / "a.json"
    flat.write_text(json.dumps({"t1": "!(en && load)"}))
    nested = tmp_path / "b.json"
    nested.write_text(json.dumps({"assume": {"t1": "!(en && load)"}}))
    assert load_assumptions(flat) == load_assumptions(nested) == {"t1": "!(en && load)"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[assume]\nt = 3\n", "must be a string"),
        ('[assume]\nt = "a; $finish"\n', "t: the assumption must be one Verilog expression"),
        ("[assume]\n", "found none"),
        ("not toml = = ", "is not valid TOML"),
    ],
)
def test_bad_files_name_the_file_and_the_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(UsageError, match=message) as err:
        load_assumptions(path)
    assert "bad.toml" in str(err.value)


def test_task_ids_outside_the_suite_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text('[assume]\nknown = "a"\ntypo = "b"\n')
    with pytest.raises(UsageError, match=r"1 task id.*not in the suite: typo"):
        load_assumptions(path, ["known"])
    with pytest.raises(UsageError, match="cannot read"):
        load_assumptions(tmp_path / "missing.toml")


@pytest.mark.skipif(not (have("yosys") and have("iverilog")), reason="Yosys and Icarus Verilog are needed")
def test_score_formal_with_an_assumptions_file(tmp_path: Path) -> None:
    suite = _native_task(tmp_path / "s", None)
    samples = tmp_path / "samples.jsonl"
    samples.write_text(json.dumps({"task_id": "onehot", "completion": ONEHOT_CAND}) + "\n")
    assumptions = tmp_path / "assume.toml"
    assumptions.write_text('[assume]\nonehot = "$onehot(state)"\n')
    base = ["score", str(samples), "--suite", f"native:{suite}", "--json", "--formal"]
    plain = json.loads(CliRunner().invoke(main, base).output)
    assert plain["formal"] == {"TESTBENCH GAP": 1}
    given = json.loads(CliRunner().invoke(main, [*base, "--formal-assumptions", str(assumptions)]).output)
    assert given["formal"] == {"PROVEN": 1}
    without_formal = CliRunner().invoke(main, [*base[:-1], "--formal-assumptions", str(assumptions)])
    assert without_formal.exit_code != 0 and "add --formal" in without_formal.output
