"""The router protocol and the routers that need no training.

A router answers `route(task, history)`: given the public task and the tiers already tried on it (with what
their public checks said), the next tier to call, or None to keep the last answer. A pre-generation router
names one tier at once; a cascade escalates while the verifier says no.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rtlsmith.task import PublicTask


@dataclass(frozen=True)
class Attempt:
    """One tier's answer to the task so far, as a router may see it (no hidden verdict)."""

    tier: str
    passed_public: bool | None


@dataclass(frozen=True)
class RouteChoice:
    """Which tier to call next and why (recorded with the result)."""

    tier: str
    reason: str


class Router(Protocol):
    """`route(task, history)`: the next tier to call, or None to keep the last answer."""

    name: str

    def route(self, task: PublicTask, history: Sequence[Attempt]) -> RouteChoice | None: ...


@dataclass
class FixedRouter:
    """Always the same tier (the always-weak and always-strong baselines)."""

    tier: str
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or f"always {self.tier}"

    def route(self, task: PublicTask, history: Sequence[Attempt]) -> RouteChoice | None:
        return None if history else RouteChoice(self.tier, "fixed")


@dataclass
class RandomRouter:
    """The strong tier with probability `strong_share`, else the weak one (RouteLLM's random baseline)."""

    weak: str
    strong: str
    strong_share: float
    seed: int = 0
    name: str = "random"

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def route(self, task: PublicTask, history: Sequence[Attempt]) -> RouteChoice | None:
        if history:
            return None
        if self._rng.random() < self.strong_share:
            return RouteChoice(self.strong, f"random draw < {self.strong_share:.2f}")
        return RouteChoice(self.weak, f"random draw >= {self.strong_share:.2f}")


@dataclass
class ThresholdRouter:
    """RouteLLM's form: a score (the predicted chance that the strong tier is needed) and a threshold."""

    weak: str
    strong: str
    score: Callable[[PublicTask], float]
    threshold: float
    name: str = "threshold"

    def route(self, task: PublicTask, history: Sequence[Attempt]) -> RouteChoice | None:
        if history:
            return None
        s = self.score(task)
        if s >= self.threshold:
            return RouteChoice(self.strong, f"score {s:.3f} >= {self.threshold:.3f}")
        return RouteChoice(self.weak, f"score {s:.3f} < {self.threshold:.3f}")


@dataclass
class CascadeRouter:
    """Verifier-gated cascade: call the tiers cheapest first; keep an answer whose public checks pass.

    An answer with no public checks (None) is not trusted and escalates, as the agents' own cascade does
    after failed repairs. The last tier's answer is kept whatever its checks say.
    """

    tiers: Sequence[str]
    name: str = "cascade"

    def route(self, task: PublicTask, history: Sequence[Attempt]) -> RouteChoice | None:
        if not history:
            return RouteChoice(self.tiers[0], "cheapest tier first")
        last = history[-1]
        if last.passed_public:
            return None
        index = list(self.tiers).index(last.tier)
        if index + 1 >= len(self.tiers):
            return None
        why = "public checks failed" if last.passed_public is False else "no public check to trust"
        return RouteChoice(self.tiers[index + 1], f"{last.tier}: {why}")


def run_router(
    router: Router, task: PublicTask, answer: Callable[[str], Attempt], max_calls: int = 8
) -> list[tuple[RouteChoice, Attempt]]:
    """Drive `router` on one task; `answer(tier)` calls (or replays) a tier. The last attempt is kept."""
    history: list[Attempt] = []
    calls: list[tuple[RouteChoice, Attempt]] = []
    while len(calls) < max_calls:
        choice = router.route(task, history)
        if choice is None:
            break
        attempt = answer(choice.tier)
        history.append(attempt)
        calls.append((choice, attempt))
    return calls
