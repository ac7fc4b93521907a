"""Shared fixtures and skip markers.

Data: the VerilogEval datasets are read in place from `../shared/data` (next to the project root), or from
`$RTLSMITH_DATA`. Tests that need them skip with the reason when they are absent; so do tests that need a
tool (iverilog, verilator, yosys, bwrap) that is not installed.

    def test_something(v2_spec_dir): ...          # a fixture: the dataset directory, or a skip
    @pytest.mark.needs_iverilog                    # a marker: skip unless iverilog and vvp are on PATH
    def test_other(): ...

Markers: needs_iverilog, needs_verilator, needs_yosys, needs_bwrap (no import needed).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rtlsmith.tools.sandbox import bwrap_path
from rtlsmith.tools.toolchain import have

if TYPE_CHECKING:
    from rtlsmith.agent import AgentConfig

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("RTLSMITH_DATA") or PROJECT_ROOT / ".." / "shared" / "data").resolve()

# marker name -> (is the tool usable here?, why a test is skipped when it is not)
_TOOL_MARKERS: dict[str, tuple[Callable[[], bool], str]] = {
    "needs_iverilog": (
        lambda: have("iverilog") and have("vvp"),
        "Icarus Verilog (iverilog, vvp) is not installed",
    ),
    "needs_verilator": (lambda: have("verilator"), "Verilator is not installed"),
    "needs_yosys": (lambda: have("yosys"), "Yosys is not installed"),
    "needs_bwrap": (
        lambda: bwrap_path() is not None,
        "bubblewrap (bwrap) is not installed, cannot create namespaces here, or RTLSMITH_NO_BWRAP is set",
    ),
}


def pytest_configure(config: pytest.Config) -> None:
    for name, (_usable, why) in _TOOL_MARKERS.items():
        config.addinivalue_line("markers", f"{name}: skip the test when this is true: {why}")


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers():
        entry = _TOOL_MARKERS.get(marker.name)
        if entry is not None and not entry[0]():
            pytest.skip(entry[1])


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers rtlsmith caches (reference checks) go to a directory of the test's own, never to ~/.cache."""
    if "RTLSMITH_CACHE_DIR" not in os.environ:
        monkeypatch.setenv("RTLSMITH_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def _data_dir(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"dataset not found at {path} (set RTLSMITH_DATA to the shared data directory)")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data directory (`../shared/data`), or a skip when it is absent."""
    return _data_dir()


@pytest.fixture(scope="session")
def v2_spec_dir() -> Path:
    """VerilogEval v2 `dataset_spec-to-rtl`."""
    return _data_dir("verilog-eval-v2", "dataset_spec-to-rtl")


@pytest.fixture(scope="session")
def v2_complete_dir() -> Path:
    """VerilogEval v2 `dataset_code-complete-iccad2023`."""
    return _data_dir("verilog-eval-v2", "dataset_code-complete-iccad2023")


@pytest.fixture(scope="session")
def v1_dir() -> Path:
    """VerilogEval v1: `VerilogEval_{Human,Machine}.jsonl` and `descriptions/`."""
    return _data_dir("verilog-eval-v1")


@pytest.fixture
def config(tmp_path: Path) -> AgentConfig:
    """A small-budget agent configuration writing its traces under the test's temporary directory."""
    from rtlsmith.agent import AgentConfig  # the agent package imports much; only agent tests need it

    # Scripted answers are a fixed queue: the fresh-design retry after a repeated answer and the extra drafts
    # of selection by agreement would take more from it, so both are off here and tested on their own
    # (tests/agent/test_agent_repair.py, tests/agent/test_agent_agreement.py).
    return AgentConfig(
        runs_dir=str(tmp_path / "runs"), max_iterations=4, decompose="never", retry_temperature=0.0,
        no_checks="testbench",
    )  # fmt: skip
