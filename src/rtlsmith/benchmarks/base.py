"""The `Benchmark` contract: everything rtlsmith knows about one benchmark, in one class.

A benchmark owns
- loading: `load(path)` turns its files into `Task`s, each the public part an agent may see and the hidden
  judge inputs, sealed (it delegates to a loader in `rtlsmith.suites`);
- the sample format: what a completion is (`candidate_source`, `integrity_source`), how its reference is
  written as one (`reference_completion`), which modules a formal check compares (`formal_sources`);
- its harness: the files and steps a judgement runs (`plan`) and its pass rule, how the run's log becomes
  a `Verdict` (`read_run`).

Each task records, in `HiddenChecks.layout`, the name of the benchmark whose harness judges it; a
benchmark that reuses another's harness (native suites and the bundled suite are judged as VerilogEval v2)
says so in `judged_by`. Subclasses are registered by name with `rtlsmith.benchmarks.register`.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from typing import ClassVar, Literal

from rtlsmith.errors import SuiteError
from rtlsmith.suites import data_dir
from rtlsmith.suites.base import Suite
from rtlsmith.task import HiddenChecks, Purpose, Task
from rtlsmith.tools.harness import Common, JudgeOptions, Plan, dumps_waves
from rtlsmith.tools.sandbox import RunResult
from rtlsmith.tools.verdict import Verdict

PathRule = Literal["none", "optional", "required"]


class Benchmark(ABC):
    """One benchmark: how its suites load, what its samples are, and how its harness judges them."""

    name: ClassVar[str]  # the suite kind (`--suite NAME:PATH`) and, for a harness, the tasks' `layout`
    aliases: ClassVar[tuple[str, ...]] = ()  # other suite kinds that mean it (`v2`)
    # Whether `--suite NAME` takes a path: never (bundled), optional (a dataset found under $RTLSMITH_DATA
    # or `data_env`) or required.
    path: ClassVar[PathRule] = "required"
    data_name: ClassVar[str] = ""  # its directory under $RTLSMITH_DATA, for a path left out
    data_env: ClassVar[str] = ""  # an environment variable naming its path, for a path left out
    # A bare directory given as the suite spec is loaded by the benchmark that claims directories (native).
    claims_directories: ClassVar[bool] = False
    judged_by: ClassVar[str] = ""  # the benchmark whose harness judges its tasks; empty: its own
    # Substrings of the log lines its pass rule reads, kept when a run's output passes the read-back cap.
    decisive_substrings: ClassVar[tuple[str, ...]] = ()

    # -- loading --------------------------------------------------------------------------------------

    @abstractmethod
    def load(self, path: str) -> Suite:
        """Its suite at `path` ("" where `path` is "none"); raises SuiteError when it cannot."""

    def spec_form(self) -> str:
        """How `--suite` names it: `bundled`, `verilog-eval-v2:PATH`."""
        return self.name if self.path == "none" else f"{self.name}:PATH"

    def accepts(self, path: str) -> bool:
        """Whether `--suite NAME:path` (path "" when absent) is a valid spec for it."""
        return {"none": not path, "optional": True, "required": bool(path)}[self.path]

    def default_path(self) -> str:
        """Where its data lies when no path is given: `data_env`, else `data_name` in the data directory."""
        if self.data_env and os.environ.get(self.data_env):
            return os.environ[self.data_env]
        found = data_dir(self.data_name) if self.data_name else None
        if found is not None:
            return str(found)
        name = self.data_name or self.name
        raise SuiteError(
            f"no path given for {name}; pass --suite {name}:PATH or set {self.data_env or 'RTLSMITH_DATA'}"
        )

    # -- the sample format ----------------------------------------------------------------------------

    def candidate_source(self, hidden: HiddenChecks, completion: str) -> str:
        """The candidate module text a completion stands for (what the screen and the judge look at)."""
        return completion

    def integrity_source(self, hidden: HiddenChecks, candidate: str) -> str:
        """The text the integrity flags elaborate for a passing candidate (it must hold its header)."""
        return candidate

    def reference_completion(self, task: Task) -> str:
        """The task's hidden reference written as a sample completion (every reference should pass)."""
        return task.hidden.unseal(Purpose.SCORING).reference or ""

    def formal_sources(self, task: Task, hidden: HiddenChecks, completion: str) -> tuple[str, str, str, str]:
        """(reference, candidate, reference top, candidate top) for an equivalence check; `hidden` has a
        reference."""
        module = task.public.interface.module
        reference = hidden.reference or ""
        return reference, self.candidate_source(hidden, completion), hidden.reference_top or module, module

    def waves_file(self, hidden: HiddenChecks) -> str:
        """Where a judgement with `waves` finds the waveform ("" when its runs write none)."""
        return dumps_waves(hidden.testbench)

    # -- the harness ----------------------------------------------------------------------------------

    @abstractmethod
    def plan(self, task: Task, completion: str, options: JudgeOptions) -> Plan:
        """The files and steps that judge `completion` on `task`, as its harness would run them."""

    @abstractmethod
    def read_run(
        self, task: Task, plan: Plan, run: RunResult, common: Common, options: JudgeOptions
    ) -> Verdict:
        """Its pass rule: the verdict of a finished run of `plan` (`common` holds the fields every verdict
        of the judgement carries)."""
