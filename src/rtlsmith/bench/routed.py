"""`bench --router NAME --tier AGENT[:MODEL] ...`: a router picks, per task, which tier's answer is kept.

Each tier is one of rtlsmith's own agents (from the agent registry) with its model, built by the bench's
own agent factory, so a tier runs exactly as `bench --agent AGENT --model MODEL` would. The router sees the
public task and what each tier's public checks said, never the hidden verdict (honest mode): the hidden
checks judge only the answer the router kept, after routing is over.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rtlsmith.bench.agents import AgentOutcome, BenchAgent, SampleRef, make_agent
from rtlsmith.bench.config import BenchConfig, RouterSettings
from rtlsmith.bench.store import ResultRow
from rtlsmith.errors import UsageError
from rtlsmith.routing.bandits import BANDIT_KINDS, make_bandit
from rtlsmith.routing.live import checked_kind, public_checks
from rtlsmith.routing.routers import Attempt, CascadeRouter, RouteChoice, Router, run_router
from rtlsmith.task import HiddenChecks, PublicTask, Sealed

LIVE_ROUTERS = ("cascade", "trained", *BANDIT_KINDS)


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


def router_settings(name: str, tiers: Sequence[str], model_file: str = "") -> RouterSettings:
    """Checked settings of `--router NAME --tier ...`; an unknown router or agent names the valid ones."""
    if name == "trained":
        if not model_file or not Path(model_file).is_file():
            raise UsageError(
                "--router trained needs --router-model FILE (written by route eval --save-model)"
            )
        if len(tiers) != 2:
            raise UsageError("--router trained chooses between two tiers: give --tier WEAK --tier STRONG")
    elif model_file:
        raise UsageError(f"--router-model is for --router trained, not {name}")
    if name not in LIVE_ROUTERS:
        raise UsageError(f"unknown live router {name!r}; choose one of {', '.join(LIVE_ROUTERS)}")
    if len(tiers) < 2:
        raise UsageError(f"--router {name} needs at least two --tier AGENT[:MODEL], cheapest first")
    labels = [parse_tier(t).label for t in tiers]
    if len(set(labels)) != len(labels):
        raise UsageError(f"each --tier must differ; got {', '.join(labels)}")
    return RouterSettings(name, tuple(labels), str(Path(model_file).resolve()) if model_file else "")


def make_router(settings: RouterSettings, config: BenchConfig) -> Router:
    if settings.name == "cascade":
        return CascadeRouter(settings.tiers)
    if settings.name == "trained":
        from rtlsmith.routing.trained import threshold_router

        return threshold_router(settings.tiers[0], settings.tiers[1], Path(settings.model_file))
    if settings.name in BANDIT_KINDS:
        return BanditRouter(settings.name, settings.tiers, state_dir(config), config.seed_base)
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
        self._isolate = config.judge.isolate
        self._router = make_router(config.router, config)
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
            if outcome.passed_public is None and outcome.final_code.strip():
                checked = public_checks(public, outcome.final_code, self._isolate)
                if checked is not None:  # the tier ran none of its own: the router runs the task's
                    outcome = replace(
                        outcome, passed_public=checked, checks_kind=f"router:{checked_kind(public)}"
                    )
            outcomes.append(outcome)
            return Attempt(label, outcome.passed_public)

        if isinstance(self._router, BanditRouter):
            self._router.run_id = sample.run_id
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
            | ({"route": o.route["tier"]} if o.route else {})  # a hybrid tier's own route
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


def state_dir(config: BenchConfig) -> Path:
    """Where a bandit's rounds are kept: `bench-routers/` beside the database (and its `bench-traces/`)."""
    return Path(config.traces_dir).parent / "bench-routers"


def rounds_path(directory: Path, run_id: str) -> Path:
    return directory / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', run_id)}.jsonl"


def read_rounds(path: Path) -> list[dict[str, Any]]:
    """A run's finished rounds, oldest first: task, sample, tier, reward."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def note_result(config: BenchConfig, row: ResultRow) -> None:
    """After a routed task is finished and stored, a bandit's round: the tier it chose and its reward, 1 when
    the hidden checks passed the kept answer, else 0. The main process writes it; workers only read it, so
    the verdict reaches the bandit only for later tasks, never for the task it was earned on."""
    if config.router is None or config.router.name not in BANDIT_KINDS or row.route is None:
        return
    path = rounds_path(state_dir(config), row.run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"task_id": row.task_id, "sample_idx": row.sample_idx, "tier": row.route["tier"]}
    record["reward"] = 1.0 if row.passed else 0.0
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, sort_keys=True) + "\n")


@dataclass
class BanditRouter:
    """A bandit choosing one tier per task from the rounds finished so far (read from the run's rounds file
    each time, so a resumed bench continues where the last one stopped). Items in flight at once share
    what was finished when each started: feedback arrives late under -j > 1."""

    kind: str
    tiers: Sequence[str]
    directory: Path
    seed: int = 0
    run_id: str = ""
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or self.kind

    def route(self, task: PublicTask, history: Sequence[Attempt]) -> RouteChoice | None:
        if history:
            return None
        rounds = [r for r in read_rounds(rounds_path(self.directory, self.run_id)) if r["tier"] in self.tiers]
        tiers = list(self.tiers)
        bandit = make_bandit(self.kind, len(tiers), seed=self.seed * 1_000_003 + len(rounds))
        for r in rounds:
            bandit.update(tiers.index(r["tier"]), float(r["reward"]))
        arm = bandit.select()
        means = ", ".join(f"{t} {bandit.mean(i):.2f}/{bandit.counts[i]}" for i, t in enumerate(tiers))
        return RouteChoice(tiers[arm], f"{self.kind} after {len(rounds)} finished tasks (mean/n: {means})")
