"""The `Simulator` contract: a simulator is a small class that returns command lines as data.

As in cocotb's runner, a backend builds `Step`s (argv tuples with their own time limits) and never runs them:
the sandbox layer (`rtlsmith.tools.sandbox`) runs them, so every command can be logged, shown with
`--dry-run` and unit-tested without a simulator installed.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from rtlsmith.tools.sandbox import Step
from rtlsmith.tools.toolchain import versions


class Simulator(ABC):
    """One simulator backend: `compile_step` builds the design and testbench, `simulate_step` runs them.

    Subclasses set the class attributes and are registered by name with `rtlsmith.simulators.register`.
    Both step builders raise `ToolNotFoundError` when the simulator is not installed.
    """

    name: ClassVar[str]  # the `--simulator` value
    label: ClassVar[str]  # how messages name it ("Icarus", "Verilator")
    executable: ClassVar[str]  # the program whose presence means the simulator is installed
    tools: ClassVar[tuple[str, ...]]  # every program it runs, for the version record
    # The benchmarks' own harnesses use this simulator, so their log rules apply as they are; a build
    # failure of any other simulator is rtlsmith's class, never the harness's "mismatch".
    harness_native: ClassVar[bool] = False
    # Runs are short (milliseconds): scoring batches several candidates into one sandbox invocation.
    short_runs: ClassVar[bool] = False
    # Its runs can write a waveform (`check --waves`).
    writes_waves: ClassVar[bool] = False

    @abstractmethod
    def compile_step(
        self,
        sources: Sequence[str],
        *,
        top: str = "tb",
        timeout_s: float | None = None,
        extra_tops: Sequence[str] = (),
    ) -> Step:
        """Compile `sources` with root module `top` (and `extra_tops`, where the simulator takes several)."""

    @abstractmethod
    def simulate_step(
        self,
        *,
        timeout_s: float | None = None,
        waves: bool = False,
        always: bool = False,
        stop_finishes: bool = True,
    ) -> Step:
        """Run what `compile_step` built. `waves`: let the design's dump calls write; `always`: run even
        after a failed compile, where the simulator can; `stop_finishes`: `$stop` ends the run."""

    def prepare(self) -> None:  # noqa: B027 - most simulators need nothing before a batch
        """Anything to do once before a batch of runs (e.g. warm a compiler cache)."""

    def versions(self) -> dict[str, str]:
        """The versions of the programs it runs (empty strings where one is missing)."""
        return versions(self.tools)
