"""Fixtures for agent tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtlsmith.agent import AgentConfig


@pytest.fixture
def config(tmp_path: Path) -> AgentConfig:
    """A small-budget configuration writing its traces under the test's temporary directory."""
    # Scripted answers are a fixed queue: the fresh-design retry after a repeated answer and the extra drafts
    # of selection by agreement would take more from it, so both are off here and tested on their own
    # (test_agent_repair.py, test_agent_agreement.py).
    return AgentConfig(
        runs_dir=str(tmp_path / "runs"), max_iterations=4, decompose="never", retry_temperature=0.0,
        no_checks="testbench",
    )  # fmt: skip
