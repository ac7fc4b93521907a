"""Import rules that keep the package layout (README, "How the code is laid out") true as the code grows.

Each rule lists its exceptions with the reason, so it can be tightened as the code moves.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "rtlsmith"
SIMULATOR_PROGRAMS = frozenset({"iverilog", "vvp", "verilator"})

# Domain code returns data and raises typed errors; `cli/` owns every command and all terminal printing.
# Modules outside `cli/` that may still import click or rich, each with its reason: none.
CLICK_OR_RICH_OUTSIDE_CLI: dict[str, str] = {}

# What simulators/ may import from rtlsmith: the sandbox layer, errors, and itself.
SIMULATORS_MAY_IMPORT = (
    "rtlsmith.errors",
    "rtlsmith.tools.sandbox",
    "rtlsmith.tools.toolchain",
    "rtlsmith.simulators",
)


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        yield path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree: ast.AST, *, top_level_only: bool = False) -> Iterator[str]:
    nodes = tree.body if top_level_only and isinstance(tree, ast.Module) else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_only_cli_imports_click_or_rich() -> None:
    offenders = []
    for rel, tree in _modules():
        if rel.startswith("cli/") or rel in CLICK_OR_RICH_OUTSIDE_CLI:
            continue
        for name in _imports(tree):
            if name.split(".")[0] in ("click", "rich"):
                offenders.append(f"{rel} imports {name}")
    assert offenders == []


def test_domain_packages_do_not_import_the_cli() -> None:
    """Commands call domain code, never the other way round (not even inside a function)."""
    offenders = []
    for rel, tree in _modules():
        if rel.startswith("cli/"):
            continue
        for name in _imports(tree):
            if name == "rtlsmith.cli" or name.startswith("rtlsmith.cli."):
                offenders.append(f"{rel} imports {name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "rtlsmith" and node.level == 0:
                offenders += [f"{rel} imports rtlsmith.cli" for a in node.names if a.name == "cli"]
    assert offenders == []


def test_only_simulators_build_simulator_command_lines() -> None:
    offenders = []
    for rel, tree in _modules():
        if rel.startswith("simulators/"):
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "require"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value in SIMULATOR_PROGRAMS
            ):
                offenders.append(f"{rel}:{node.lineno} finds {node.args[0].value} to run it")
    assert offenders == []


def test_simulators_import_only_the_sandbox_layer() -> None:
    offenders = []
    for rel, tree in _modules():
        if not rel.startswith("simulators/"):
            continue
        for name in _imports(tree):
            if name.startswith("rtlsmith") and not name.startswith(SIMULATORS_MAY_IMPORT):
                offenders.append(f"{rel} imports {name}")
    assert offenders == []


def test_the_agent_package_reaches_symbolic_and_forms_only_on_use() -> None:
    """symbolic/ and forms/ import the agent package's contracts; the agent package loads them inside
    functions (the registry, the hybrid agent), so importing either never finds the other half-built."""
    offenders = []
    for rel, tree in _modules():
        if rel.startswith("agent/"):
            offenders += [
                f"{rel} imports {n}"
                for n in _imports(tree, top_level_only=True)
                if n.startswith(("rtlsmith.symbolic", "rtlsmith.forms"))
            ]
    assert offenders == []


# A benchmark's pass rule: the log readers of VerilogEval (tools/verdict.py) and RTLLM (tools/rtllm.py).
PASS_RULES = frozenset({"classify_v1", "classify_v2_log", "classify_rtllm"})
# Who may read a task's `layout` (the benchmark that judges it): benchmarks/ reads it, task.py defines it,
# suites/ (the loaders) set it.
LAYOUT_READERS = ("benchmarks/", "suites/", "task.py")


def test_only_benchmarks_apply_a_benchmarks_pass_rule() -> None:
    """The judge asks the task's benchmark; only benchmarks/ calls a harness's log reader (tools/rtllm.py
    builds RTLLM's compile classes on VerilogEval's)."""
    offenders = []
    for rel, tree in _modules():
        if rel.startswith("benchmarks/") or rel in ("tools/verdict.py", "tools/rtllm.py"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {a.name for a in node.names}
                if node.module == "rtlsmith.tools.rtllm" or (
                    node.module == "rtlsmith.tools" and "rtllm" in names
                ):
                    offenders.append(f"{rel} imports RTLLM's rules")
                offenders += [f"{rel} imports {n}" for n in sorted(names & PASS_RULES)]
            elif isinstance(node, ast.Import):
                offenders += [
                    f"{rel} imports {a.name}" for a in node.names if a.name == "rtlsmith.tools.rtllm"
                ]
    assert offenders == []


def test_nothing_but_benchmarks_branches_on_a_tasks_layout() -> None:
    """tools/judge.py, scoring/ and formal/ do not branch on `Layout`: a new benchmark is one module."""
    offenders = []
    for rel, tree in _modules():
        if rel.startswith(LAYOUT_READERS):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "layout":
                offenders.append(f"{rel}:{node.lineno} reads .layout")
            elif isinstance(node, ast.Name) and node.id == "Layout":
                offenders.append(f"{rel}:{node.lineno} names Layout")
    assert offenders == []


def test_benchmarks_do_not_import_the_judge() -> None:
    """The judge imports the registry; a benchmark builds on tools/harness.py, never on the judge."""
    offenders = []
    for rel, tree in _modules():
        if rel.startswith("benchmarks/"):
            offenders += [
                f"{rel} imports {n}" for n in _imports(tree) if n.startswith("rtlsmith.tools.judge")
            ]
    assert offenders == []
