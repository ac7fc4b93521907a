"""`rtlsmith trace` finds agent runs and bench samples by id or unique prefix, and says so when it cannot."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtlsmith.agent.trace import TRACE_FILE, find_trace
from rtlsmith.errors import UsageError


def _trace(directory: Path) -> Path:
    directory.mkdir(parents=True)
    path = directory / TRACE_FILE
    path.write_text('{"kind": "run"}\n')
    return path


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    runs, bench = tmp_path / "runs", tmp_path / "bench-traces"
    _trace(runs / "20261205-101500-alu8-3f2a")
    _trace(bench / "bundled-smith-embedded-1a2b" / "counter4-s0")
    _trace(bench / "bundled-smith-embedded-1a2b" / "counter4-s1")
    _trace(bench / "bundled-oneshot-embedded-9f9f" / "counter4-s0")
    _trace(bench / "bundled-oneshot-embedded-9f9f" / "alu8-s0")
    return runs, bench


def test_agent_run_by_prefix(layout: tuple[Path, Path]) -> None:
    runs, bench = layout
    assert find_trace("20261205-1015", runs, bench) == runs / "20261205-101500-alu8-3f2a" / TRACE_FILE


def test_bench_sample_by_run_and_task_prefixes(layout: tuple[Path, Path]) -> None:
    runs, bench = layout
    got = find_trace("bundled-smith/counter4-s1", runs, bench)
    assert got == bench / "bundled-smith-embedded-1a2b" / "counter4-s1" / TRACE_FILE
    assert find_trace("alu8", runs, bench) == bench / "bundled-oneshot-embedded-9f9f" / "alu8-s0" / TRACE_FILE


def test_ambiguous_bench_sample_lists_the_candidates(layout: tuple[Path, Path]) -> None:
    runs, bench = layout
    with pytest.raises(UsageError, match="ambiguous") as err:
        find_trace("counter4-s0", runs, bench)
    assert "bundled-smith-embedded-1a2b/counter4-s0" in str(err.value)
    assert "bundled-oneshot-embedded-9f9f/counter4-s0" in str(err.value)


def test_unknown_run_says_where_it_looked(layout: tuple[Path, Path]) -> None:
    runs, bench = layout
    with pytest.raises(UsageError, match="BENCH_RUN/TASK-sN"):
        find_trace("nothing-like-it", runs, bench)
    with pytest.raises(UsageError, match="no run"):
        find_trace("counter4-s0", runs)  # bench traces not searched without their directory


def test_glob_characters_are_literal(layout: tuple[Path, Path]) -> None:
    runs, bench = layout
    with pytest.raises(UsageError, match="no run"):
        find_trace("*", runs, bench)
