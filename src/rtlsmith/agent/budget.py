"""Budgets per task: iterations, tokens and wall time, with the time split into model, tool and agent."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rtlsmith.agent.config import AgentConfig
from rtlsmith.agent.record import StopReason

Clock = Callable[[], float]


@dataclass
class Budget:
    """Spending against an `AgentConfig`'s limits; `exhausted()` names the first limit reached."""

    max_iterations: int
    max_tokens: int
    max_time_s: float
    clock: Clock = time.monotonic
    iterations: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model_s: float = 0.0
    tool_s: float = 0.0
    started: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.started = self.clock()

    @classmethod
    def from_config(cls, config: AgentConfig, clock: Clock | None = None) -> Budget:
        return cls(config.max_iterations, config.max_tokens, config.max_time_s, clock=clock or time.monotonic)

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def elapsed(self) -> float:
        return self.clock() - self.started

    def exhausted(self, *, new_iteration: bool = False) -> StopReason | None:
        """The limit that forbids the next model call, or None; `new_iteration` for a new design."""
        if self.elapsed() >= self.max_time_s:
            return "max_time"
        if self.tokens >= self.max_tokens:
            return "max_tokens"
        if new_iteration and self.iterations >= self.max_iterations:
            return "max_iterations"
        return None

    def tokens_left(self) -> int:
        return max(0, self.max_tokens - self.tokens)

    def charge_model(self, prompt_tokens: int, completion_tokens: int) -> None:
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens

    @contextmanager
    def timing(self, kind: str) -> Iterator[None]:
        """Add the time spent inside the block to `model_s` or `tool_s` (measured on the real clock)."""
        t0 = time.perf_counter()
        try:
            yield
        finally:
            dt = time.perf_counter() - t0
            if kind == "model":
                self.model_s += dt
            else:
                self.tool_s += dt
