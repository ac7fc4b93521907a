"""Verilator builds go through a ccache that only rtlsmith's own warm-up build may write."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from judge_helpers import GOOD, inline_task

from rtlsmith.simulators import verilator
from rtlsmith.tools.judge import JudgeOptions, judge

pytestmark = [
    pytest.mark.needs_verilator,
    pytest.mark.skipif(shutil.which("ccache") is None, reason="ccache is not installed (apt-get ccache)"),
]


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() and "tmp" not in p.parts and p.suffix != ".lock"}


def test_untrusted_builds_read_the_cache_but_never_write_it() -> None:
    assert verilator.warm_cache()
    assert "CCACHE_READONLY=1" in verilator.build_step(["x.sv"]).argv
    assert "CCACHE_READONLY=1" not in verilator.build_step(["x.sv"], cache_writable=True).argv
    before = _files(verilator.cache_dir())
    # A design never seen before: its own objects are compiled, and must not land in the cache.
    design = GOOD.replace("8'd1", "8'd3")
    verdict = judge(inline_task(), design, JudgeOptions(simulator="verilator"))
    assert verdict.failure_class.value in ("R", "r"), verdict.log[-2000:]
    assert _files(verilator.cache_dir()) == before
