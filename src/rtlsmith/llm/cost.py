"""Token usage and its cost in USD, per call, task and run.

A cost is ``None`` when the model's price is unknown: an unknown price is reported as unknown, not as free.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rtlsmith.errors import UsageError
from rtlsmith.llm.base import Completion
from rtlsmith.llm.config import LlmConfig, load_config


@dataclass(frozen=True)
class Price:
    """USD per one million prompt and completion tokens."""

    prompt_per_mtok: float
    completion_per_mtok: float

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """USD for this many tokens."""
        return (prompt_tokens * self.prompt_per_mtok + completion_tokens * self.completion_per_mtok) / 1e6


# Local backends cost nothing per token. Hosted prices change and are not shipped: set them in
# [prices."MODEL"] of rtlsmith.toml; until then a hosted model's cost is reported as unknown, never as free.
DEFAULT_PRICES: dict[str, Price] = {
    "embedded:*": Price(0.0, 0.0),
    "replay:*": Price(0.0, 0.0),
    "scripted:*": Price(0.0, 0.0),
}


@dataclass(frozen=True)
class PriceTable:
    """Prices by model id. Looked up by the exact id, then the name after the backend prefix, then
    ``backend:*``."""

    prices: Mapping[str, Price] = field(default_factory=lambda: dict(DEFAULT_PRICES))

    @classmethod
    def from_config(cls, config: LlmConfig | None = None) -> PriceTable:
        """The defaults, overridden and extended by ``[prices."MODEL"]`` tables."""
        cfg = config if config is not None else load_config()
        prices = dict(DEFAULT_PRICES)
        for name, entry in cfg.prices.items():
            prices[name] = _price_from_table(name, entry)
        return cls(prices)

    def price(self, model_id: str) -> Price | None:
        """The price of a model, or None when unknown."""
        if model_id in self.prices:
            return self.prices[model_id]
        backend, _, name = model_id.partition(":")
        if name and name in self.prices:
            return self.prices[name]
        return self.prices.get(f"{backend}:*")

    def cost(self, model_id: str, prompt_tokens: int, completion_tokens: int) -> float | None:
        """USD for this many tokens of this model, or None when its price is unknown."""
        p = self.price(model_id)
        return None if p is None else p.cost(prompt_tokens, completion_tokens)

    def usage(self, model_id: str, completions: Iterable[Completion], *, calls: int = 1) -> Usage:
        """The usage and cost of the completions of ``calls`` requests."""
        comps = list(completions)
        prompt = sum(c.prompt_tokens for c in comps)
        completion = sum(c.completion_tokens for c in comps)
        latency = sum(c.latency_s for c in comps)
        return Usage(
            calls=calls,
            completions=len(comps),
            prompt_tokens=prompt,
            completion_tokens=completion,
            latency_s=latency,
            cost_usd=self.cost(model_id, prompt, completion),
        )


def _price_from_table(name: str, entry: Mapping[str, Any]) -> Price:
    try:
        prompt = float(entry["prompt"])
        completion = float(entry["completion"])
    except (KeyError, TypeError, ValueError) as e:
        raise UsageError(
            f'[prices."{name}"] needs numeric prompt and completion (USD per 1M tokens), got {dict(entry)}'
        ) from e
    if prompt < 0 or completion < 0:
        raise UsageError(f'[prices."{name}"]: prices cannot be negative')
    return Price(prompt, completion)


@dataclass(frozen=True)
class Usage:
    """Tokens, time and money spent; add two to aggregate (a call, a task, a run)."""

    calls: int = 0
    completions: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    cost_usd: float | None = 0.0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        cost = None if self.cost_usd is None or other.cost_usd is None else self.cost_usd + other.cost_usd
        return Usage(
            calls=self.calls + other.calls,
            completions=self.completions + other.completions,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            latency_s=self.latency_s + other.latency_s,
            cost_usd=cost,
        )

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "calls": self.calls,
            "completions": self.completions,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "latency_s": round(self.latency_s, 6),
            "cost_usd": self.cost_usd,
        }


class UsageLedger:
    """Usage per task and in total for a run; safe to add to from several threads."""

    def __init__(self, prices: PriceTable | None = None) -> None:
        self.prices = prices if prices is not None else PriceTable()
        self._by_task: dict[str, Usage] = {}
        self._lock = threading.Lock()

    def add(self, task_id: str, model_id: str, completions: Iterable[Completion]) -> Usage:
        """Record one request's completions against a task; returns that call's usage."""
        call = self.prices.usage(model_id, completions)
        with self._lock:
            self._by_task[task_id] = self._by_task.get(task_id, Usage()) + call
        return call

    def task(self, task_id: str) -> Usage:
        """Usage so far for one task."""
        with self._lock:
            return self._by_task.get(task_id, Usage())

    @property
    def by_task(self) -> dict[str, Usage]:
        with self._lock:
            return dict(self._by_task)

    @property
    def total(self) -> Usage:
        with self._lock:
            total = Usage()
            for u in self._by_task.values():
                total = total + u
            return total


@functools.lru_cache(maxsize=1)
def default_prices() -> PriceTable:
    """The price table of this process: defaults plus the config files, read once."""
    return PriceTable.from_config()


def cost_usd(model_id: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """USD for the tokens at the model's configured or default price; None when no price is known."""
    return default_prices().cost(model_id, prompt_tokens, completion_tokens)
