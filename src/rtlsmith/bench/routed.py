"""`bench --router NAME --tier AGENT[:MODEL] ...`: a router picks, per task, which tier's answer is kept.

Each tier is one of rtlsmith's own agents (from the agent registry) with its model, built by the bench's
own agent factory, so a tier runs exactly as `bench --agent AGENT --model MODEL` would. The router sees the
public task and what each tier's public checks said, never the hidden verdict (honest mode): the hidden
checks judge only the answer the router kept, after routing is over.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from rtlsmith.bench.agents import AgentOutcome, BenchAgent, SampleRef, make_agent
from rtlsmith.bench.config import BenchConfig, RouterSettings
from rtlsmith.errors import UsageError
from rtlsmith.routing.routers import Attempt, CascadeRouter, Router, run_router
from rtlsmith.task import HiddenChecks, PublicTask, Sealed

LIVE_ROUTERS = ("cascade",)


@dataclass(frozen=True)
class Tier:
    """One tier: an agent of the registry and the model it drives (None: the bench's --model)."""

    agent: str
    model: str | None

    @property
    def label(self) -> str:
        return self.agent if self.model is None else f"{self.agent}:{self.model}"


def parse_tier(text: str) -> Tier:
    """`AGENT` or `AGENT:MODEL` (the model spec may hold colons of its own: `smith:openai:gpt-4o`)."""
    from rtlsmith.agent.registry import get_agent

    agent, sep, model = text.strip().partition(":")
    if not agent or (sep and not model):
        raise UsageError(f"a tier is AGENT or AGENT:MODEL, not {text!r}")
    get_agent(agent)  # an unknown agent names the valid ones
    return Tier(agent, model or None)


def router_settings(name: str, tiers: Sequence[str]) -> RouterSettings:
    """Checked settings of `--router NAME --tier ...`; an unknown router or agent names the valid ones."""
    if name not in LIVE_ROUTERS:
        raise UsageError(f"unknown live router {name!r}; choose one of {', '.join(LIVE_ROUTERS)}")
    if len(tiers) < 2:
        raise UsageError(f"--router {name} needs at least two --tier AGENT[:MODEL], cheapest first")
    labels = [parse_tier(t).label for t in tiers]
    if len(set(labels)) != len(labels):
        raise UsageError(f"each --tier must differ; got {', '.join(labels)}")
    return RouterSettings(name, tuple(labels))


def make_router(settings: RouterSettings) -> Router:
    if settings.name == "cascade":
        return CascadeRouter(settings.tiers)
    raise UsageError(f"unknown live router {settings.name!r}; choose one of {', '.join(LIVE_ROUTERS)}")


def tier_config(config: BenchConfig, tier: Tier) -> BenchConfig:
    """The bench settings of one tier alone (unrouted, one model)."""
    return replace(
        config, agent=tier.agent, model_spec=tier.model or config.model_spec, escalation=(), router=None
    )


class RoutedAgent:
    """A `BenchAgent` that lets a router call the tiers' agents and keeps the last answer it called for."""

    def __init__(self, config: BenchConfig) -> None:
        if config.router is None:
            raise UsageError("a routed agent needs --router")
        self._settings = config.router
        self._router = make_router(config.router)
        self._tiers: dict[str, BenchAgent] = {
            label: make_agent(tier_config(config, parse_tier(label))) for label in config.router.tiers
        }

    @property
    def model_id(self) -> str:
        return " | ".join(f"{label}={agent.model_id}" for label, agent in self._tiers.items())

    @property
    def model_settings(self) -> dict[str, Any]:
        return {
            "router": self._settings.record(),
            "tiers": {k: a.model_settings for k, a in self._tiers.items()},
        }

    def __call__(
        self, public: PublicTask, sample: SampleRef, oracle: Sealed[HiddenChecks] | None = None
    ) -> AgentOutcome:
        outcomes: list[AgentOutcome] = []

        def answer(label: str) -> Attempt:
            slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", label)
            tier_sample = replace(sample, run_id=f"{sample.run_id}/{slug}")  # each tier's traces apart
            outcome = self._tiers[label](public, tier_sample, oracle)
            outcomes.append(outcome)
            return Attempt(label, outcome.passed_public)

        calls = run_router(self._router, public, answer, max_calls=len(self._tiers))
        if not calls:
            raise UsageError(f"router {self._settings.name} called no tier for {public.id}")
        return combine(self._settings.name, calls, outcomes)


def combine(
    router: str, calls: Sequence[tuple[Any, Attempt]], outcomes: Sequence[AgentOutcome]
) -> AgentOutcome:
    """The kept (last) tier's answer, with what every called tier spent and the route that led to it."""
    kept = outcomes[-1]
    costs = [o.cost_usd for o in outcomes]
    route = {
        "router": router,
        "tier": calls[-1][1].tier,
        "reason": _kept_reason(calls),
        "calls": [
            {"tier": a.tier, "why": c.reason, "passed_public": a.passed_public, "model_id": o.model_id}
            for (c, a), o in zip(calls, outcomes, strict=True)
        ],
    }
    return replace(
        kept,
        iterations=sum(o.iterations for o in outcomes),
        prompt_tokens=sum(o.prompt_tokens for o in outcomes),
        completion_tokens=sum(o.completion_tokens for o in outcomes),
        cost_usd=None if any(c is None for c in costs) else float(sum(c or 0.0 for c in costs)),
        wall_s=sum(o.wall_s for o in outcomes),
        model_time_s=sum(o.model_time_s for o in outcomes),
        tool_time_s=sum(o.tool_time_s for o in outcomes),
        prompt_hash=outcomes[0].prompt_hash,
        usage=tuple(u for o in outcomes for u in o.usage),
        route=route,
    )


def _kept_reason(calls: Sequence[tuple[Any, Attempt]]) -> str:
    """Why the last tier's answer was kept: its public checks passed, or no tier was left to try."""
    choice, last = calls[-1]
    if last.passed_public:
        return f"public checks passed (called because: {choice.reason})"
    return f"last tier, kept as is (called because: {choice.reason})"
