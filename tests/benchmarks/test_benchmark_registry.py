"""Benchmarks by name: the built-ins, the errors that list the valid names, and a benchmark added in this
module alone, loaded through `load_suite` and judged through the registry by its own pass rule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rtlsmith.benchmarks import (
    Benchmark,
    UnknownBenchmarkError,
    benchmark_names,
    benchmark_of,
    get_benchmark,
    load_suite,
    register,
    registry,
    suite_kinds,
)
from rtlsmith.errors import SuiteError
from rtlsmith.hdl import parse_interface
from rtlsmith.scoring.samples import reference_completion
from rtlsmith.suites.base import Suite
from rtlsmith.task import HiddenChecks, PublicTask, Purpose, Sealed, Spec, Task
from rtlsmith.tools.harness import Common, JudgeOptions, Plan, joined_log
from rtlsmith.tools.judge import judge, plan
from rtlsmith.tools.sandbox import RunResult, Step
from rtlsmith.tools.verdict import FailureClass, Verdict, excerpt

PASS_LINE = "ALL TESTS PASSED"
GOOD = "module inv (input a, output y);\n  assign y = ~a;\nendmodule\n"
WRONG = GOOD.replace("~a", "a")
BROKEN = GOOD.replace("~a;", "~a")
TESTBENCH = f"""module smoke_tb;
  reg a;
  wire y;
  integer errors = 0;
  inv dut (.a(a), .y(y));
  initial begin
    a = 0; #1 if (y !== 1'b1) errors = errors + 1;
    a = 1; #1 if (y !== 1'b0) errors = errors + 1;
    if (errors == 0) $display("{PASS_LINE}"); else $display("%0d checks FAILED", errors);
    $finish;
  end
endmodule
"""


class Smoke(Benchmark):
    """A stand-in benchmark: one directory per task (`spec.txt`, `tb.v`, `ref.v`), a testbench that prints
    its own pass line, and a pass rule that reads it."""

    name = "smoke"

    def load(self, path: str) -> Suite:
        tasks = []
        for directory in sorted(p for p in Path(path).iterdir() if p.is_dir()):
            reference = (directory / "ref.v").read_text()
            public = PublicTask(
                directory.name,
                self.name,
                Spec((directory / "spec.txt").read_text()),
                parse_interface(reference),
            )
            hidden = HiddenChecks(
                (directory / "tb.v").read_text(), reference, self.name, testbench_top="smoke_tb"
            )
            tasks.append(Task(public, Sealed(hidden)))
        return Suite(self.name, path, tuple(tasks))

    def plan(self, task: Task, completion: str, options: JudgeOptions) -> Plan:
        hidden = task.hidden.unseal(Purpose.SCORING)
        sim = options.backend
        c = sim.compile_step(
            ("design.v", "tb.v"), top=hidden.testbench_top, timeout_s=options.compile_timeout_s
        )
        s = sim.simulate_step(timeout_s=options.limits.timeout_s)
        steps = (Step(c.name, c.argv, c.timeout_s, merge_stderr=True), Step(s.name, s.argv, s.timeout_s))
        return Plan({"design.v": completion, "tb.v": hidden.testbench}, steps, completion)

    def read_run(
        self, task: Task, plan: Plan, run: RunResult, common: Common, options: JudgeOptions
    ) -> Verdict:
        log = joined_log([s.stdout + s.stderr for s in run.steps if s.ran])
        compiled = run.steps[0].returncode == 0
        passed = compiled and PASS_LINE in log
        cls = FailureClass.PASS if passed else FailureClass.RUNTIME if compiled else FailureClass.COMPILE
        return Verdict(
            passed=passed, failure_class=cls, harness_result="passed" if passed else "failed", log=log,
            log_excerpt=excerpt(log), **common,  # type: ignore[arg-type]
        )  # fmt: skip


@pytest.fixture
def with_smoke(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`smoke` registered for this test only."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    register(Smoke)
    yield
    load_suite.cache_clear()


@pytest.fixture
def smoke_dir(tmp_path: Path) -> Path:
    task = tmp_path / "inv"
    task.mkdir()
    (task / "spec.txt").write_text("An inverter: y is the negation of a.")
    (task / "tb.v").write_text(TESTBENCH)
    (task / "ref.v").write_text(GOOD)
    return tmp_path


def test_the_built_in_benchmarks_are_registered_by_name() -> None:
    assert benchmark_names() == ("verilog-eval-v2", "verilog-eval-v1", "rtllm", "bundled", "native")
    assert suite_kinds() == (
        "bundled",
        "verilog-eval-v2:PATH",
        "verilog-eval-v1:PATH",
        "rtllm:PATH",
        "native:PATH",
    )
    assert get_benchmark("v1").name == "verilog-eval-v1"


def test_native_and_bundled_tasks_are_judged_by_verilog_eval_v2s_harness() -> None:
    task = load_suite("bundled").tasks[0]
    assert benchmark_of(task).name == "verilog-eval-v2"
    assert get_benchmark("bundled").judged_by == get_benchmark("native").judged_by == "verilog-eval-v2"


def test_an_unknown_benchmark_is_refused_with_the_valid_names() -> None:
    with pytest.raises(
        UnknownBenchmarkError, match="unknown benchmark 'nope'; choose one of verilog-eval-v2, "
    ):
        get_benchmark("nope")
    with pytest.raises(
        SuiteError, match=r"unknown suite 'nope:x'; use one of: bundled, verilog-eval-v2:PATH"
    ):
        load_suite("nope:x")


def test_a_task_that_names_no_registered_benchmark_is_not_judged() -> None:
    hidden = HiddenChecks("module tb; endmodule\n", None, "vanished")
    task = Task(PublicTask("t", "s", Spec("x"), parse_interface(GOOD)), Sealed(hidden))
    with pytest.raises(UnknownBenchmarkError, match="unknown benchmark 'vanished'"):
        judge(task, GOOD)


@pytest.mark.usefixtures("with_smoke")
def test_a_benchmark_added_in_one_module_is_a_suite_kind(smoke_dir: Path) -> None:
    suite = load_suite(f"smoke:{smoke_dir}")
    assert suite.ids() == ["inv"] and "smoke:PATH" in suite_kinds()
    task = suite.get("inv")
    assert benchmark_of(task).name == "smoke" and reference_completion(task) == GOOD
    commands = plan(task, GOOD, JudgeOptions(isolate=False)).commands(isolate=False)
    assert commands[0][-2:] == ["design.v", "tb.v"] and "smoke_tb" in commands[0]


@pytest.mark.needs_iverilog
@pytest.mark.usefixtures("with_smoke")
def test_a_benchmark_added_in_one_module_is_judged_by_its_own_pass_rule(smoke_dir: Path) -> None:
    task = load_suite(f"smoke:{smoke_dir}").get("inv")
    options = JudgeOptions(isolate=False)
    good = judge(task, GOOD, options)
    assert good.passed and good.harness_result == "passed", good.log
    wrong = judge(task, WRONG, options)
    assert not wrong.passed and wrong.failure_class is FailureClass.RUNTIME and "FAILED" in wrong.log
    assert judge(task, BROKEN, options).failure_class is FailureClass.COMPILE
