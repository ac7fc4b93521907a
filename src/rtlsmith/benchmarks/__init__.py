"""Benchmarks: one `Benchmark` object per benchmark, found by name.

Owns: the `Benchmark` contract (`base`), the name registry (`registry`: `get_benchmark("rtllm")`, whose
error lists the valid names; `benchmark_of(task)`, the benchmark whose harness judges a task; and
`load_suite`, which turns a `--suite` spec into a `Suite` through the registry), and the built-ins:
`verilog_eval_v2`, `verilog_eval_v1`, `rtllm`, and `native` (native directories and the bundled suite,
judged by VerilogEval v2's harness). Each owns its loading (delegating to a loader in `suites/`), its
sample format and its harness's pass rule (the files and steps a judgement runs, and how the log becomes a
`Verdict`). Only this package knows a benchmark's pass rule; `tools/judge.py` asks the task's benchmark.

A new benchmark is one module: a `Benchmark` subclass decorated with `@register`, imported before use; its
tasks name it in `HiddenChecks.layout`.

May import: `suites` (loaders), `task`, `errors`, and the verifier's ground in `tools` (`harness`,
`sandbox`, `verdict`, `rtllm`), never `tools.judge` (which imports this package). No click or rich.

    from rtlsmith.benchmarks import benchmark_of, load_suite
    task = load_suite("bundled").get("mux2")
    plan = benchmark_of(task).plan(task, completion, JudgeOptions())
"""

# The built-ins register in this order (ruff's import sorting would change it).
# isort: off
from rtlsmith.benchmarks import verilog_eval_v2, verilog_eval_v1, rtllm, native

# isort: on
from rtlsmith.benchmarks.base import Benchmark
from rtlsmith.benchmarks.registry import (
    UnknownBenchmarkError,
    benchmark_names,
    benchmark_of,
    get_benchmark,
    keep_lines,
    load_suite,
    register,
    suite_kinds,
)

SUITE_KINDS = suite_kinds()  # the built-ins' `--suite` forms, for help texts

__all__ = [
    "SUITE_KINDS",
    "Benchmark",
    "UnknownBenchmarkError",
    "benchmark_names",
    "benchmark_of",
    "get_benchmark",
    "keep_lines",
    "load_suite",
    "native",
    "register",
    "rtllm",
    "suite_kinds",
    "verilog_eval_v1",
    "verilog_eval_v2",
]
