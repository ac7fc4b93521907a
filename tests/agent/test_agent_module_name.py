"""`rtlsmith run` on a user's spec whose module is not called `TopModule`.

Generated testbenches (public vectors, agreement between drafts) must instantiate the interface's own
module: a correct `adder8` judged against a testbench that instantiates `TopModule` fails to elaborate and
the agent gives up on a right design.
"""

from __future__ import annotations

import json
from pathlib import Path

from agent_helpers import needs_iverilog
from click.testing import CliRunner

from rtlsmith.agent import agreement
from rtlsmith.cli.agent import run_cmd
from rtlsmith.hdl import parse_interface
from rtlsmith.suites.tbgen import generate_testbench, vectors_testbench
from rtlsmith.task import Vector
from rtlsmith.tools.sandbox import Limits

HEADER = "module adder8(input [7:0] a, input [7:0] b, output [8:0] s);"
ADDER8 = f"{HEADER}\n  assign s = a + b;\nendmodule\n"
SPEC = f'''description = "An 8-bit adder: s = a + b."
interface = "{HEADER}"
[public]
vectors = [ {{ in = {{ a = "8'd1", b = "8'd2" }}, out = {{ s = "9'd3" }} }},
            {{ in = {{ a = "8'd255", b = "8'd1" }}, out = {{ s = "9'd256" }} }} ]
'''


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_testbenches_instantiate_the_interfaces_module() -> None:
    ifc = parse_interface(HEADER)
    vectors = [Vector((("a", "1"), ("b", "2")), (("s", "3"),))]
    assert "adder8 dut (" in vectors_testbench(ifc, vectors, None)
    bench = generate_testbench(ifc, clock=None, reset=None)
    assert "adder8 top_module1 (" in bench and "TopModule" not in bench
    assert "Other dut (" in vectors_testbench(ifc, vectors, None, dut_module="Other")


@needs_iverilog
def test_agreement_compares_designs_under_their_own_name() -> None:
    ifc = parse_interface(HEADER)
    same = agreement.compare(ADDER8, ADDER8, ifc, limits=Limits(), isolate=False)
    assert same.same and not same.error
    wrong = ADDER8.replace("a + b", "a - b")
    differ = agreement.compare(ADDER8, wrong, ifc, limits=Limits(), isolate=False)
    assert not differ.same and differ.differing == ("s",) and not differ.error


@needs_iverilog
def test_run_on_a_spec_naming_its_own_module_passes_its_public_vectors(tmp_path: Path) -> None:
    spec = tmp_path / "adder8.toml"
    spec.write_text(SPEC)
    samples = tmp_path / "answers.jsonl"
    samples.write_text(json.dumps({"task_id": "adder8", "completion": ADDER8}) + "\n")
    runs = tmp_path / "runs"
    before = snapshot(tmp_path)
    args = [str(spec), "--model", f"replay:{samples}", "--runs-dir", str(runs), "--json"]
    result = CliRunner().invoke(run_cmd, [*args, "--max-iterations", "2"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["stop_reason"] == "passed" and record["task_id"] == "adder8"
    after = snapshot(tmp_path)
    # Only the run directory was written; the spec and the answers are untouched.
    assert {k: v for k, v in after.items() if not k.startswith("runs/")} == before
