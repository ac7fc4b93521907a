"""The native per-task format: one directory per task with `task.toml` and Verilog files.

    my_suite/
      counter4/
        task.toml        # spec, tags, optional interface, public vectors
        ref.sv           # module RefModule: the reference implementation (hidden)
        test.sv          # module tb: VerilogEval-style testbench comparing RefModule with TopModule (hidden)
        public_tb.sv     # optional: a self-checking testbench the agent may run (public)

task.toml:

    id = "counter4"                    # optional, defaults to the directory name
    tags = ["sequential", "arithmetic"]
    summary = "4-bit counter with synchronous reset"
    description = '''Detailed description ...'''
    block = '''Block-level description ...'''   # optional
    interface = '''module TopModule (input clk, input reset, output reg [3:0] q);'''  # optional
    [public]
    testbench = "public_tb.sv"         # optional
    vectors = [ { in = { reset = "1" }, out = { q = "4'd0" } } ]   # optional example cycles
    [hidden]
    testbench = "test.sv"              # default
    reference = "ref.sv"               # default
    [formal]
    assume = "$onehot(state)"          # optional: an input assumption formal checks honour (every cycle)

The hidden testbench follows VerilogEval v2's convention (top module `tb`, prints
`Mismatches: N in M samples`), so the same judge and failure taxonomy apply.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from rtlsmith.errors import SuiteError
from rtlsmith.hdl import parse_interface
from rtlsmith.suites.base import Suite
from rtlsmith.task import (
    HiddenChecks,
    Interface,
    Layout,
    PublicChecks,
    PublicTask,
    Sealed,
    Spec,
    Task,
    Vector,
)


def _pairs(table: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(table, dict):
        raise SuiteError(f"{where}: expected a table of signal = value")
    return tuple((str(k), str(v)) for k, v in table.items())


def _table(meta: dict[str, Any], key: str, where: Path) -> dict[str, Any]:
    value = meta.get(key, {})
    if not isinstance(value, dict):
        raise SuiteError(f"{where}: [{key}] must be a table")
    return value


def _read(path: Path, what: str, task: str) -> str:
    if not path.is_file():
        raise SuiteError(f"task {task}: {what} {path.name} is missing (expected at {path})")
    return path.read_text()


def load_task(directory: Path, suite_name: str) -> Task:
    toml_path = directory / "task.toml"
    try:
        meta = tomllib.loads(toml_path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise SuiteError(f"{toml_path}: invalid TOML: {exc}") from exc
    if not isinstance(meta.get("description"), str) or not meta["description"].strip():
        raise SuiteError(f"{toml_path}: `description` (the detailed spec, a string) is required")
    hidden_meta = _table(meta, "hidden", toml_path)
    public_meta = _table(meta, "public", toml_path)
    name = directory.name
    reference = _read(directory / str(hidden_meta.get("reference", "ref.sv")), "hidden reference", name)
    testbench = _read(directory / str(hidden_meta.get("testbench", "test.sv")), "hidden testbench", name)
    if "interface" in meta:
        interface = parse_interface(str(meta["interface"]), "TopModule")
    else:
        interface = Interface("TopModule", parse_interface(reference, "RefModule").ports)
    raw_vectors = public_meta.get("vectors", [])
    if not isinstance(raw_vectors, list) or not all(isinstance(v, dict) for v in raw_vectors):
        raise SuiteError(
            f"{toml_path}: public.vectors must be a list of {{ in = {{...}}, out = {{...}} }} tables"
        )
    vectors = tuple(
        Vector(
            _pairs(v.get("in", {}), f"{toml_path} vector {i}"),
            _pairs(v.get("out", {}), f"{toml_path} vector {i}"),
        )
        for i, v in enumerate(raw_vectors)
    )
    public_tb = public_meta.get("testbench")
    public = PublicChecks(
        testbench=_read(directory / str(public_tb), "public testbench", name) if public_tb else None,
        vectors=vectors,
    )
    task_id = str(meta.get("id", name))
    public_task = PublicTask(
        id=task_id,
        suite=suite_name,
        spec=Spec(
            detailed=str(meta["description"]).strip(),
            summary=str(meta.get("summary", "")).strip(),
            block=str(meta.get("block", "")).strip(),
        ),
        interface=interface,
        tags=tuple(str(t) for t in meta.get("tags", [])),
        public=public,
    )
    assume = _table(meta, "formal", toml_path).get("assume", "")
    if not isinstance(assume, str):
        raise SuiteError(f"{toml_path}: [formal] assume must be a string (a Verilog expression)")
    hidden = HiddenChecks(
        testbench=testbench, reference=reference, layout=Layout.VERILOG_EVAL_V2, formal_assume=assume.strip()
    )
    return Task(public_task, Sealed(hidden))


def load_native(path: str | Path, name: str | None = None) -> Suite:
    root = Path(path)
    if not root.is_dir():
        raise SuiteError(f"suite directory {str(root)!r} does not exist")
    dirs = sorted(d for d in root.iterdir() if (d / "task.toml").is_file())
    if not dirs:
        raise SuiteError(f"no task directories (with task.toml) under {str(root)!r}")
    suite_name = name or root.name
    return Suite(name=suite_name, source=str(root), tasks=tuple(load_task(d, suite_name) for d in dirs))


def bundled_path() -> Path:
    return Path(__file__).parent / "bundled"


def load_bundled() -> Suite:
    return load_native(bundled_path(), name="bundled")
