"""Online bandits choosing a tier per task as results arrive, with sliding-window and reset variants.

Rewards lie in [0, 1]. A `window` keeps the statistics of the last W rounds only (sliding-window UCB and its
kin, for suites whose hard part drifts); `reset_every` forgets everything every R rounds (as MABFuzz resets
its arms). Regret is measured against the best fixed arm in hindsight.
"""

from __future__ import annotations

import abc
import math
import random
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass


class Bandit(abc.ABC):
    """Shared bookkeeping: per-arm counts and reward sums over the window (or since the last reset)."""

    kind = "bandit"

    def __init__(
        self, arms: int, *, window: int | None = None, reset_every: int | None = None, seed: int = 0
    ) -> None:
        if arms < 1:
            raise ValueError("a bandit needs at least one arm")
        self.arms = arms
        self.window = window
        self.reset_every = reset_every
        self.rng = random.Random(seed)
        self.rounds = 0
        self._history: deque[tuple[int, float]] = deque()
        self.counts = [0] * arms
        self.sums = [0.0] * arms
        self._init_state()

    @property
    def name(self) -> str:
        if self.window:
            return f"{self.kind}-sw{self.window}"
        if self.reset_every:
            return f"{self.kind}-reset{self.reset_every}"
        return self.kind

    def _init_state(self) -> None:  # noqa: B027 (a hook: most algorithms keep no more state)
        """Per-algorithm state beyond counts and sums (EXP3's weights)."""

    def _reset(self) -> None:
        self._history.clear()
        self.counts = [0] * self.arms
        self.sums = [0.0] * self.arms
        self._init_state()

    def select(self) -> int:
        if self.reset_every and self.rounds and self.rounds % self.reset_every == 0:
            self._reset()
        untried = [a for a in range(self.arms) if self.counts[a] == 0]
        if untried and self.kind in ("ucb1", "epsilon-greedy"):
            return untried[0]
        return self._choose()

    @abc.abstractmethod
    def _choose(self) -> int:
        """The arm to play when every arm has been tried (each algorithm's own rule)."""

    def update(self, arm: int, reward: float) -> None:
        self.rounds += 1
        self._history.append((arm, reward))
        self.counts[arm] += 1
        self.sums[arm] += reward
        if self.window and len(self._history) > self.window:
            old_arm, old_reward = self._history.popleft()
            self.counts[old_arm] -= 1
            self.sums[old_arm] -= old_reward

    def mean(self, arm: int) -> float:
        return self.sums[arm] / self.counts[arm] if self.counts[arm] else 0.0


class EpsilonGreedy(Bandit):
    kind = "epsilon-greedy"

    def __init__(self, arms: int, epsilon: float = 0.1, **kw: int | None) -> None:
        self.epsilon = epsilon
        super().__init__(arms, **kw)  # type: ignore[arg-type]

    def _choose(self) -> int:
        if self.rng.random() < self.epsilon:
            return self.rng.randrange(self.arms)
        best = max(self.mean(a) for a in range(self.arms))
        return self.rng.choice([a for a in range(self.arms) if self.mean(a) == best])


class UCB1(Bandit):
    kind = "ucb1"

    def _choose(self) -> int:
        t = max(sum(self.counts), 1)
        return max(range(self.arms), key=lambda a: self.mean(a) + math.sqrt(2 * math.log(t) / self.counts[a]))


class Thompson(Bandit):
    """Beta-Bernoulli Thompson sampling; a fractional reward r counts as r successes and 1 - r failures."""

    kind = "thompson"

    def _choose(self) -> int:
        draws = [
            self.rng.betavariate(1 + self.sums[a], 1 + self.counts[a] - self.sums[a])
            for a in range(self.arms)
        ]
        return max(range(self.arms), key=lambda a: draws[a])


class EXP3(Bandit):
    """EXP3 (Auer et al. 2002) for adversarial rewards; its window variant is a reset every R rounds."""

    kind = "exp3"

    def __init__(self, arms: int, gamma: float = 0.1, **kw: int | None) -> None:
        self.gamma = gamma
        super().__init__(arms, **kw)  # type: ignore[arg-type]

    def _init_state(self) -> None:
        self.log_weights = [0.0] * self.arms

    def probabilities(self) -> list[float]:
        top = max(self.log_weights)
        w = [math.exp(lw - top) for lw in self.log_weights]
        total = sum(w)
        return [(1 - self.gamma) * x / total + self.gamma / self.arms for x in w]

    def _choose(self) -> int:
        return self.rng.choices(range(self.arms), weights=self.probabilities())[0]

    def update(self, arm: int, reward: float) -> None:
        p = self.probabilities()[arm]
        super().update(arm, reward)
        self.log_weights[arm] += self.gamma * (reward / p) / self.arms


BANDIT_KINDS = ("epsilon-greedy", "ucb1", "thompson", "exp3")


def make_bandit(
    kind: str, arms: int, *, window: int | None = None, reset_every: int | None = None, seed: int = 0
) -> Bandit:
    """A bandit by name; EXP3 takes `reset_every` (a window has no meaning for its weights)."""
    kinds: dict[str, type[Bandit]] = {
        "epsilon-greedy": EpsilonGreedy,
        "ucb1": UCB1,
        "thompson": Thompson,
        "exp3": EXP3,
    }
    cls = kinds[kind]
    if cls is EXP3 and window:
        reset_every, window = window, None
    return cls(arms, window=window, reset_every=reset_every, seed=seed)


@dataclass(frozen=True)
class BanditReplay:
    """One pass of a bandit over a sequence of rounds."""

    name: str
    choices: list[int]
    rewards: list[float]
    regret: list[float]  # cumulative, against the best fixed arm in hindsight
    best_arm: int


def replay(bandit: Bandit, rewards: Sequence[Sequence[float]]) -> BanditReplay:
    """Run `bandit` over rounds where `rewards[t][a]` is what arm a would have earned in round t."""
    totals = [sum(r[a] for r in rewards) for a in range(bandit.arms)]
    best = max(range(bandit.arms), key=lambda a: totals[a])
    choices: list[int] = []
    got: list[float] = []
    regret: list[float] = []
    cum = 0.0
    for row in rewards:
        arm = bandit.select()
        bandit.update(arm, row[arm])
        choices.append(arm)
        got.append(row[arm])
        cum += row[best] - row[arm]
        regret.append(cum)
    return BanditReplay(bandit.name, choices, got, regret, best)
