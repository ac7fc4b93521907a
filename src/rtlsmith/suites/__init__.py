"""Suite loaders: each benchmark's files into `Task`s (the public part an agent may see, the hidden checks
sealed), and the `Suite` that holds them.

`load_suite("bundled" | "verilog-eval-v2:PATH" | "verilog-eval-v1:PATH" | "rtllm:PATH" | "native:PATH")`
goes through the benchmark registry (`rtlsmith.benchmarks`): each benchmark's `load` calls its loader here.

Owns: the loaders (`verilog_eval`, `rtllm`, `native`), `Suite`, finding datasets (`data_dir`) and
generating testbenches (`tbgen`).
May import: `task`, `errors`, `hdl` (and `benchmarks`, inside `load_suite` only). No click or rich, no
simulator, no benchmark's pass rule.
"""

from __future__ import annotations

import os
from pathlib import Path

from rtlsmith.suites.base import Suite
from rtlsmith.suites.native import bundled_mutants_path, known_bugs

__all__ = ["Suite", "bundled_mutants_path", "data_dir", "known_bugs", "load_suite"]


def load_suite(spec: str) -> Suite:
    """Load a suite from a spec string through the benchmark registry (`rtlsmith.benchmarks.load_suite`);
    raises SuiteError with the valid forms when it cannot."""
    from rtlsmith.benchmarks import load_suite as load  # the registry sits above the loaders

    return load(spec)


def data_dir(name: str, *near: Path) -> Path | None:
    """Where a dataset directory `name` (e.g. "verilog-eval-v2") lies: under $RTLSMITH_DATA, then
    `../shared/data` or `data` of the working directory, then `../shared/data` beside each of `near` (a
    checkout, for scripts run from elsewhere); None when none has it."""
    bases = [Path(os.environ["RTLSMITH_DATA"])] if os.environ.get("RTLSMITH_DATA") else []
    bases += [Path.cwd() / ".." / "shared" / "data", Path.cwd() / "data"]
    bases += [Path(n) / ".." / "shared" / "data" for n in near]
    return next((b / name for b in bases if (b / name).exists()), None)
