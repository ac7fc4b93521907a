"""`RTLEnv`: a Gymnasium environment in which an agent writes, lints, tests and submits one Verilog design.

Observation and action are text (`gymnasium.spaces.Text` over printable ASCII). `reset` shows the public
task; each `step` runs one command (see `rtlsmith.gym.actions`) and returns its tool output. The reward is
the hidden verdict on `submit` (1.0 pass, 0.0 fail), which ends the episode; running out of the step budget
truncates it. Lint and test run the smith agent's checks (`rtlsmith.agent.checks`) on the public task only;
only `submit` reaches hidden material, through a `Scorer` that returns the verdict's class, never its log.

Optional shaping (`shaping=w`, off by default) is potential-based: the potential of the current design is
`w * (lint_ok + test_ok) / 2`, counting only checks the agent ran on that design, and each step's reward
adds the change in potential. The potential is settled to 0 when the episode ends (submit or truncation),
so an episode's return always equals its hidden verdict (0 when truncated): shaping moves reward earlier,
it never changes what an episode is worth.
"""

from __future__ import annotations

from typing import Any

import gymnasium
from gymnasium import spaces

from rtlsmith.agent import checks
from rtlsmith.agent.checks import CheckReport
from rtlsmith.errors import UsageError
from rtlsmith.gym.actions import HELP, ActionError, Command, parse_action
from rtlsmith.gym.observe import CHARSET, MAX_ACTION, MAX_OBSERVATION, fit, public_testbench, task_text
from rtlsmith.gym.scorer import Scorer, Submission
from rtlsmith.suites import load_suite
from rtlsmith.task import PublicTask, Task
from rtlsmith.tools.judge import JudgeOptions
from rtlsmith.tools.sandbox import Limits

RESET_OPTIONS = ("task", "suite")


class RTLEnv(gymnasium.Env[str, str]):
    """One design task per episode; see the module docstring for the protocol."""

    metadata = {"render_modes": ["ansi"], "render_fps": 1}  # noqa: RUF012 - Gymnasium declares it on Env

    def __init__(
        self,
        suite: str = "bundled",
        task: str | Task | None = None,
        *,
        max_steps: int = 20,
        shaping: float = 0.0,
        use_verilator: bool = True,
        isolate: bool = True,
        tool_timeout_s: float = 30.0,
        render_mode: str | None = None,
    ) -> None:
        if max_steps < 2:
            raise UsageError(f"max_steps must be at least 2 (a write and a submit), not {max_steps}")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise UsageError(f"render_mode must be None or 'ansi', not {render_mode!r}")
        self.suite_name = suite
        self.task_choice = task
        self.max_steps = max_steps
        self.shaping = shaping
        self.use_verilator = use_verilator
        self.isolate = isolate
        self.limits = Limits(timeout_s=tool_timeout_s)
        self.render_mode = render_mode
        self.observation_space = spaces.Text(max_length=MAX_OBSERVATION, charset=CHARSET)
        self.action_space = spaces.Text(max_length=MAX_ACTION, charset=CHARSET)
        self._public: PublicTask | None = None
        self._scorer: Scorer | None = None
        self._testbench: str | None = None
        self._checks_kind = "none"
        self._design = ""
        self._reports: dict[str, dict[str, CheckReport]] = {}  # source hash -> check name -> report
        self._steps = 0
        self._potential = 0.0
        self._done = True
        self._last = ""

    # ------------------------------------------------------------------------------------------- the API

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        """Start an episode on `options["task"]` (an id or a Task) of `options["suite"]`, else on the task
        given at construction, else on a task drawn from the suite with the seeded generator."""
        super().reset(seed=seed)
        options = dict(options or {})
        unknown = sorted(set(options) - set(RESET_OPTIONS))
        if unknown:
            raise UsageError(f"unknown reset option(s) {', '.join(unknown)}; use {', '.join(RESET_OPTIONS)}")
        task = self._pick(options.get("task", self.task_choice), str(options.get("suite", self.suite_name)))
        options_judge = JudgeOptions(limits=self.limits, isolate=self.isolate)
        self._scorer = Scorer(task, options_judge)
        self._public = task.public
        self._testbench, self._checks_kind = public_testbench(task.public)
        self._design = ""
        self._reports = {}
        self._steps = 0
        self._potential = 0.0
        self._done = False
        self._last = task_text(task.public, self._checks_kind, self.max_steps)
        return self._last, self._info("reset")

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        if self._done or self._public is None:
            raise UsageError("the episode is over (or never started): call reset() first")
        self._steps += 1
        extra: dict[str, Any] = {}
        try:
            command = parse_action(action)
        except ActionError as exc:
            command, text = None, f"error: {exc}\n\n{HELP}"
        if command is not None:
            text, extra = self._run(command)
        terminated = command is not None and command.name == "submit"
        truncated = not terminated and self._steps >= self.max_steps
        reward = float(extra.pop("verdict_reward", 0.0))
        if terminated or truncated:
            reward -= self._potential  # settle the shaping potential: the return is the verdict alone
            self._potential = 0.0
            self._done = True
            if truncated:
                text += f"\n(step budget of {self.max_steps} spent: episode truncated, reward 0)"
        else:
            new = self._design_potential()
            reward += new - self._potential
            self._potential = new
        self._last = fit(text)
        info = self._info(command.name if command is not None else "invalid")
        info.update(extra)
        return self._last, reward, terminated, truncated, info

    def render(self) -> str | None:
        return self._last if self.render_mode == "ansi" else None

    # --------------------------------------------------------------------------------------- commands

    def _run(self, command: Command) -> tuple[str, dict[str, Any]]:
        assert self._public is not None and self._scorer is not None
        if command.name == "help":
            return HELP, {}
        if command.name == "task":
            return task_text(self._public, self._checks_kind, self.max_steps), {}
        if command.code:
            self._design = command.code
        if command.name == "write":
            lines = len(self._design.splitlines())
            return f"write: stored the design ({lines} lines). Next: lint, test or submit.", {}
        if not self._design.strip():
            if command.name == "submit":
                return "submit: failed (no design was written)", {"passed": False, "failure_class": "-"}
            return f"{command.name}: no design yet; use write first", {"ok": False}
        if command.name == "submit":
            result: Submission = self._scorer.submit(self._design)
            extra = {"passed": result.passed, "failure_class": result.failure_class}
            return result.text(), {**extra, "verdict_reward": 1.0 if result.passed else 0.0}
        report = self._check(command.name)
        text = f"{command.name}: {'ok' if report.ok else 'failed'} - {report.summary}"
        if report.feedback:
            text += "\n" + report.feedback
        return text, {"ok": report.ok}

    def _check(self, name: str) -> CheckReport:
        """Lint or test the current design, reusing the report of an identical earlier source."""
        assert self._public is not None
        cache = self._reports.setdefault(checks.source_hash(self._design), {})
        if name not in cache:
            cache[name] = self._lint() if name == "lint" else self._test()
        return cache[name]

    def _lint(self) -> CheckReport:
        assert self._public is not None
        return checks.lint(
            self._design, self._public.interface, use_verilator=self.use_verilator, limits=self.limits,
            isolate=self.isolate,
        )  # fmt: skip

    def _test(self) -> CheckReport:
        assert self._public is not None
        if self._testbench is None:
            why = "This task has no public checks: lint the design, then submit when confident."
            return CheckReport("test", False, "no public checks", why)
        return checks.simulate(
            self._design, self._testbench, self._public.interface, limits=self.limits, isolate=self.isolate,
            vectors=self._public.public.vectors, label=self._checks_kind.replace("-", " ") + " testbench",
        )  # fmt: skip

    # ---------------------------------------------------------------------------------------- helpers

    def _pick(self, task: object, suite: str) -> Task:
        if isinstance(task, Task):
            return task
        tasks = load_suite(suite)
        if task is None:
            return tasks.tasks[int(self.np_random.integers(len(tasks)))]
        if not isinstance(task, str):
            raise UsageError(f"the task option must be a task id or a Task, not {type(task).__name__}")
        return tasks.get(task)

    def _design_potential(self) -> float:
        if not self.shaping or not self._design.strip():
            return 0.0
        known = self._reports.get(checks.source_hash(self._design), {})
        passed = sum(1 for name in ("lint", "test") if name in known and known[name].ok)
        return self.shaping * passed / 2

    def _info(self, command: str) -> dict[str, Any]:
        assert self._public is not None
        return {
            "task_id": self._public.id,
            "suite": self._public.suite,
            "command": command,
            "step": self._steps,
            "steps_left": self.max_steps - self._steps,
            "public_checks": self._checks_kind,
        }
