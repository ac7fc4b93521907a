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

import re
import tomllib
from pathlib import Path
from typing import Any

from rtlsmith.errors import SuiteError
from rtlsmith.hdl import parse_interface
from rtlsmith.suites.base import Suite
from rtlsmith.suites.files import TOML_LIMIT, check_text, read_text, task_file
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


_TASK_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$")


def _read(directory: Path, value: object, field: str, what: str, toml_path: Path) -> str:
    path = task_file(directory, value, field, toml_path)
    return read_text(path, f"task {directory.name}: {what}")


def _tags(value: object, where: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise SuiteError(f'{where}: `tags` must be a list of strings, e.g. tags = ["sequential"]')
    return tuple(value)


def load_task(directory: Path, suite_name: str) -> Task:
    toml_path = directory / "task.toml"
    text = read_text(toml_path, "task file", limit=TOML_LIMIT)
    try:
        meta = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SuiteError(f"{toml_path}: invalid TOML: {exc}") from exc
    description = check_text(meta.get("description"), "description", toml_path, required=True)
    summary = check_text(meta.get("summary"), "summary", toml_path)
    block = check_text(meta.get("block"), "block", toml_path)
    hidden_meta = _table(meta, "hidden", toml_path)
    public_meta = _table(meta, "public", toml_path)
    name = directory.name
    reference = _read(
        directory, hidden_meta.get("reference", "ref.sv"), "hidden.reference", "hidden reference", toml_path
    )
    testbench = _read(
        directory, hidden_meta.get("testbench", "test.sv"), "hidden.testbench", "hidden testbench", toml_path
    )
    if "interface" in meta:
        interface = parse_interface(check_text(meta["interface"], "interface", toml_path), "TopModule")
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
        testbench=_read(directory, public_tb, "public.testbench", "public testbench", toml_path)
        if public_tb is not None
        else None,
        vectors=vectors,
    )
    task_id = meta.get("id", name)
    if not isinstance(task_id, str) or not _TASK_ID.match(task_id):
        raise SuiteError(
            f"{toml_path}: `id` = {task_id!r} is not a usable task id: use letters, digits, `_`, `.`, `+` "
            "and `-` (at most 128, not starting with `.` or `-`)"
        )
    public_task = PublicTask(
        id=task_id,
        suite=suite_name,
        spec=Spec(detailed=description.strip(), summary=summary.strip(), block=block.strip()),
        interface=interface,
        tags=_tags(meta.get("tags", []), toml_path),
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
    tasks = tuple(load_task(d, suite_name) for d in dirs)
    first: dict[str, Path] = {}
    for d, t in zip(dirs, tasks, strict=True):
        if t.id in first:
            raise SuiteError(
                f"two tasks with id {t.id!r} in {str(root)!r}: {first[t.id] / 'task.toml'} and "
                f"{d / 'task.toml'}; give each its own `id` (or remove one)"
            )
        first[t.id] = d
    return Suite(name=suite_name, source=str(root), tasks=tasks)


def bundled_path() -> Path:
    return Path(__file__).parent / "bundled"


def load_bundled() -> Suite:
    return load_native(bundled_path(), name="bundled")


def bundled_mutants_path() -> Path:
    """The bundled suite's known bugs: `TASK_ID/NAME.sv` (each defines `TopModule`), and `expected.toml`
    with the failure class each gets on Icarus. Shipped in the package: assertion grading uses them."""
    return Path(__file__).parent / "bundled_mutants"


def known_bugs(task_id: str) -> dict[str, str]:
    """The bundled task's known bugs by name (file stem); empty for a task without any."""
    folder = bundled_mutants_path() / task_id
    return {p.stem: p.read_text(errors="replace") for p in sorted(folder.glob("*.sv"))}
