"""Benchmarks by name: `register` adds a class, `get_benchmark` returns an instance or an error that lists
the valid names, `benchmark_of` finds the benchmark whose harness judges a task, and `load_suite` turns a
`--suite` spec into a `Suite` through them."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TypeVar

from rtlsmith.benchmarks.base import Benchmark
from rtlsmith.errors import SuiteError
from rtlsmith.suites.base import Suite
from rtlsmith.task import HiddenChecks, Purpose, Task

B = TypeVar("B", bound=type[Benchmark])

_REGISTRY: dict[str, type[Benchmark]] = {}


class UnknownBenchmarkError(SuiteError, ValueError):
    """A benchmark name that nothing registered."""


def register(cls: B) -> B:
    """Class decorator: make `cls` a suite kind (`--suite cls.name:PATH`) and, where it has a harness of
    its own, the judge of every task whose `layout` is `cls.name`."""
    _REGISTRY[cls.name] = cls
    load_suite.cache_clear()
    return cls


def benchmark_names() -> tuple[str, ...]:
    """The registered names, built-ins first, in registration order."""
    return tuple(_REGISTRY)


def get_benchmark(name: str) -> Benchmark:
    """The benchmark registered as `name` (or with `name` among its aliases)."""
    cls = _lookup(name)
    if cls is None:
        raise UnknownBenchmarkError(f"unknown benchmark {name!r}; choose one of {', '.join(_REGISTRY)}")
    return cls()


def _lookup(kind: str) -> type[Benchmark] | None:
    if kind in _REGISTRY:
        return _REGISTRY[kind]
    return next((c for c in _REGISTRY.values() if kind in c.aliases), None)


def benchmark_of(task: Task | HiddenChecks) -> Benchmark:
    """The benchmark whose harness judges `task` (named by its hidden checks' `layout`)."""
    hidden = task.hidden.unseal(Purpose.SCORING) if isinstance(task, Task) else task
    bench = get_benchmark(hidden.layout)
    return get_benchmark(bench.judged_by) if bench.judged_by else bench


def keep_lines() -> tuple[str, ...]:
    """Every substring a log line must contain to matter to some benchmark's pass rule."""
    return tuple(dict.fromkeys(s for cls in _REGISTRY.values() for s in cls.decisive_substrings))


_PATH_ORDER = {"none": 0, "optional": 1, "required": 2}


def suite_kinds() -> tuple[str, ...]:
    """The `--suite` forms, those that need no path first: `bundled`, `verilog-eval-v2:PATH`, ..."""
    ordered = sorted(_REGISTRY.values(), key=lambda cls: _PATH_ORDER[cls.path])
    return tuple(cls().spec_form() for cls in ordered)


@functools.cache
def load_suite(spec: str) -> Suite:
    """Load a suite from a spec string (`KIND`, `KIND:PATH`, or a directory of native tasks); raises
    SuiteError with the valid forms when it cannot."""
    kind, _, path = spec.partition(":")
    cls = _lookup(kind.strip().lower())
    if cls is not None and cls().accepts(path):
        bench = cls()
        return bench.load(path or ("" if bench.path == "none" else bench.default_path()))
    if not path and Path(spec).is_dir():
        for cls in _REGISTRY.values():
            if cls.claims_directories:
                return cls().load(spec)
    raise SuiteError(f"unknown suite {spec!r}; use one of: {', '.join(suite_kinds())}")
