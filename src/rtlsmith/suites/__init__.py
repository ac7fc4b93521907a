"""Suite loaders.

`load_suite("bundled" | "verilog-eval-v2:PATH" | "verilog-eval-v1:PATH" | "rtllm:PATH" | "native:PATH")`.

Owns: loading benchmarks into `Task`s (public part and sealed hidden part) and generating testbenches.
May import: `task`, `errors`, `hdl`. No click or rich, no simulator.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from rtlsmith.errors import SuiteError
from rtlsmith.suites.base import Suite
from rtlsmith.suites.native import bundled_mutants_path, known_bugs, load_bundled, load_native
from rtlsmith.suites.rtllm import load_rtllm
from rtlsmith.suites.verilog_eval import load_v1, load_v2

__all__ = ["SUITE_KINDS", "Suite", "bundled_mutants_path", "data_dir", "known_bugs", "load_suite"]

SUITE_KINDS = ("bundled", "verilog-eval-v2:PATH", "verilog-eval-v1:PATH", "rtllm:PATH", "native:PATH")


@functools.cache
def load_suite(spec: str) -> Suite:
    """Load a suite from a spec string; raises SuiteError with the valid forms when it cannot."""
    kind, _, path = spec.partition(":")
    kind = kind.strip().lower()
    if kind == "bundled" and not path:
        return load_bundled()
    if kind in ("verilog-eval-v2", "v2"):
        return load_v2(path or _default("RTLSMITH_VERILOG_EVAL_V2", "verilog-eval-v2"))
    if kind in ("verilog-eval-v1", "v1"):
        return load_v1(path or _default("RTLSMITH_VERILOG_EVAL_V1", "verilog-eval-v1"))
    if kind == "rtllm":
        return load_rtllm(path or _default("RTLSMITH_RTLLM", "rtllm"))
    if kind == "native" and path:
        return load_native(path)
    if not path and Path(spec).is_dir():
        return load_native(spec)
    raise SuiteError(f"unknown suite {spec!r}; use one of: {', '.join(SUITE_KINDS)}")


def data_dir(name: str, *near: Path) -> Path | None:
    """Where a dataset directory `name` (e.g. "verilog-eval-v2") lies: under $RTLSMITH_DATA, then
    `../shared/data` or `data` of the working directory, then `../shared/data` beside each of `near` (a
    checkout, for scripts run from elsewhere); None when none has it."""
    bases = [Path(os.environ["RTLSMITH_DATA"])] if os.environ.get("RTLSMITH_DATA") else []
    bases += [Path.cwd() / ".." / "shared" / "data", Path.cwd() / "data"]
    bases += [Path(n) / ".." / "shared" / "data" for n in near]
    return next((b / name for b in bases if (b / name).exists()), None)


def _default(env: str, name: str) -> str:
    if os.environ.get(env):
        return os.environ[env]
    found = data_dir(name)
    if found is not None:
        return str(found)
    raise SuiteError(f"no path given for {name}; pass --suite {name}:PATH or set {env}")
