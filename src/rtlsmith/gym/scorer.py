"""The one place the environment holds hidden material, and the one thing it does with it: judge a submission.

A `Scorer` keeps the task (with its sealed hidden checks) in a private slot and exposes `submit` alone, which
returns a `Submission`: the verdict's class and counts, never its log, the testbench or the reference. The
environment keeps only the `PublicTask` for everything else, so no other command can reach hidden text.
"""

from __future__ import annotations

from dataclasses import dataclass

from rtlsmith.task import Task
from rtlsmith.tools.judge import JudgeOptions, judge


@dataclass(frozen=True)
class Submission:
    """What an agent learns from submitting: pass or fail and why, in the judge's failure taxonomy."""

    passed: bool
    failure_class: str  # FailureClass.value: "." pass, "R" mismatch, "S" syntax error, ...
    description: str
    mismatches: int | None = None
    samples: int | None = None

    def text(self) -> str:
        """The observation an agent sees after submitting."""
        counts = ""
        if self.mismatches is not None and self.samples is not None:
            counts = f"; {self.mismatches} mismatches in {self.samples} samples"
        outcome = "passed" if self.passed else "failed"
        return f"submit: {outcome} (hidden benchmark testbench: {self.description}{counts})"


class Scorer:
    """Judges submissions of one task with its hidden testbench; holds nothing else and shows nothing."""

    __slots__ = ("__options", "__task")

    def __init__(self, task: Task, options: JudgeOptions) -> None:
        self.__task = task
        self.__options = options

    def submit(self, code: str) -> Submission:
        verdict = judge(self.__task, code, self.__options).strict()  # a flagged pass earns nothing
        return Submission(
            passed=verdict.passed,
            failure_class=verdict.failure_class.value,
            description=verdict.failure_class.description,
            mismatches=verdict.mismatches,
            samples=verdict.samples,
        )

    def __repr__(self) -> str:
        return "<Scorer (sealed)>"
