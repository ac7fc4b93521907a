"""What the bench runs per sample: an agent that sees only a PublicTask and returns a final design.

`BenchAgent` is the small contract the runner depends on; `make_agent` adapts rtlsmith's own agents
(`rtlsmith.agent.run_agent` with a model from `rtlsmith.llm.get_model`) to it. Any "module:function" that
takes a `BenchConfig` and returns a `BenchAgent` can stand in for it (`BenchConfig.agent_factory`).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from rtlsmith.agent.record import AgentResult, AgentWork, extend
from rtlsmith.bench.config import BenchConfig
from rtlsmith.errors import ModelError, ModelLimitError, UsageError
from rtlsmith.task import HiddenChecks, PublicTask, Purpose, Sealed


@dataclass(frozen=True, kw_only=True)
class AgentOutcome(AgentWork):
    """What an agent produced for one sample, and what it spent: the agent's `AgentWork` extended with what
    the bench measured of its model calls (`of` builds it from an `AgentResult`); the store's `ResultRow`
    extends it in turn with the sample's key and the hidden verdict."""

    passed_public: bool | None = None  # None: the agent ran no checks of its own
    checks_kind: str = "none"
    cost_usd: float | None = None
    prompt_hash: str = ""
    # Per model the agent could call: model_id, calls, prompt/completion tokens, cost_usd (cheapest first);
    # empty in results stored before it was recorded (schema 1).
    usage: tuple[dict[str, Any], ...] = ()
    # Which tier answered and why: a routed agent's record (`bench --router`), or the hybrid agent's route
    # as {"router": "hybrid", "tier": ROUTE}; None for any other agent.
    route: dict[str, Any] | None = None

    @classmethod
    def of(cls, result: AgentResult, **measured: Any) -> AgentOutcome:
        """The bench's record of an agent's result: its work carried over, `checks` as `checks_kind`
        ("none" and no `passed_public` when it ran no checks), its route (the hybrid's) as a route record,
        and what the bench `measured` (model_id where the agent left it empty, cost, prompt hash, usage)."""
        checked = result.checks not in ("", "none")
        if result.model_id:
            measured.pop("model_id", None)
        return extend(
            result, cls,
            passed_public=result.passed_public if checked else None,
            checks_kind=result.checks if checked else "none",
            route={"router": "hybrid", "tier": result.route} if result.route else None,
            **measured,
        )  # fmt: skip


@dataclass(frozen=True)
class SampleRef:
    """Which sample an agent call is for: its index, its seed, and where its trace may go."""

    run_id: str
    task_id: str
    index: int
    seed: int

    @property
    def slug(self) -> str:
        return f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', self.task_id)[:60]}-s{self.index}"


class BenchAgent(Protocol):
    """Produce a final design from the public task only. `oracle` is given only under --oracle-feedback."""

    @property
    def model_id(self) -> str: ...

    @property
    def model_settings(self) -> dict[str, Any]: ...

    def __call__(
        self, public: PublicTask, sample: SampleRef, oracle: Sealed[HiddenChecks] | None = None
    ) -> AgentOutcome: ...


AgentFactory = Callable[[BenchConfig], BenchAgent]


def load_factory(path: str) -> AgentFactory:
    """The agent factory named by "module:function"."""
    module_name, _, attr = path.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise UsageError(f"cannot load agent factory {path!r}: {exc}") from exc
    if not callable(factory):
        raise UsageError(f"agent factory {path!r} is not callable")
    return factory  # type: ignore[no-any-return]


def messages_hash(messages: Sequence[object]) -> str:
    """sha256 (16 hex digits) of chat messages as role/content pairs."""
    payload = [
        {"role": str(getattr(m, "role", "")), "content": str(getattr(m, "content", m))} for m in messages
    ]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class ModelUsage:
    """What one model of a sample's agent was asked for and answered (a cascade has one per model)."""

    model_id: str
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, completions: Any) -> None:
        self.calls += 1
        for c in completions or ():
            self.prompt_tokens += int(getattr(c, "prompt_tokens", 0) or 0)
            self.completion_tokens += int(getattr(c, "completion_tokens", 0) or 0)

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict with the cost at the model's known price (None when none is known)."""
        return {
            "model_id": self.model_id,
            "calls": self.calls,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost_usd": price(self.model_id, self.prompt_tokens, self.completion_tokens),
        }


@dataclass
class CallLog:
    """Shared by the models of one sample: the hash of the first prompt any of them was sent (the result's
    prompt hash), the last error one raised (agents turn model errors into a stop reason; the bench wants
    the message), and each model's usage."""

    first_prompt_hash: str = ""
    last_error: str = ""  # a failure of the model's server or runtime: the sample is redone, not stored
    limit_error: str = ""  # the request exceeded the model's context: a result like any other
    usage: list[ModelUsage] = field(default_factory=list)

    def records(self) -> tuple[dict[str, Any], ...]:
        return tuple(u.record() for u in self.usage)

    def cost_usd(self) -> float | None:
        """The sample's cost: the sum over the models it called, None if any of them has no known price."""
        costs = [r["cost_usd"] for r in self.records() if r["calls"]]
        return None if any(c is None for c in costs) else float(sum(costs))


class RecordingModel:
    """Wraps a model to note, in a `CallLog` shared by a sample's models, the first prompt, the last error
    and this model's calls and tokens."""

    def __init__(self, model: Any, log: CallLog | None = None) -> None:
        self._model = model
        self.log = log if log is not None else CallLog()
        self.usage = ModelUsage(str(model.model_id))
        self.log.usage.append(self.usage)

    @property
    def first_prompt_hash(self) -> str:
        return self.log.first_prompt_hash

    @property
    def last_error(self) -> str:
        return self.log.last_error

    @property
    def model_id(self) -> str:
        return str(self._model.model_id)

    @property
    def settings(self) -> Any:
        return self._model.settings

    def _note(self, messages: Sequence[object]) -> None:
        if not self.log.first_prompt_hash:
            self.log.first_prompt_hash = messages_hash(messages)

    def generate(self, messages: Sequence[Any], **kwargs: Any) -> Any:
        self._note(messages)
        try:
            completions = self._model.generate(messages, **kwargs)
        except ModelLimitError as exc:
            self.log.limit_error = str(exc)
            raise
        except ModelError as exc:
            self.log.last_error = str(exc)
            raise
        self.usage.add(completions)
        return completions

    async def agenerate(self, messages: Sequence[Any], **kwargs: Any) -> Any:
        self._note(messages)
        try:
            completions = await self._model.agenerate(messages, **kwargs)
        except ModelLimitError as exc:
            self.log.limit_error = str(exc)
            raise
        except ModelError as exc:
            self.log.last_error = str(exc)
            raise
        self.usage.add(completions)
        return completions


class SampleReplay:
    """A replay model's answers for one sample: sample i of a task starts at the task's i-th completion.

    The replay backend hands out a task's completions round-robin from one shared cursor, which depends on
    the order workers happen to ask in and restarts from zero in a resumed process. Indexing by sample
    makes each (task, sample) answer the same completion in every run, resumed or not.
    """

    def __init__(self, base: Any, answers: Sequence[str], start: int) -> None:
        self._base = base
        self._answers = answers
        self._next = start

    @property
    def model_id(self) -> str:
        return str(self._base.model_id)

    @property
    def settings(self) -> Any:
        return self._base.settings

    def generate(self, messages: Sequence[Any], *, n: int = 1, **kwargs: Any) -> Any:
        from rtlsmith.llm.base import Completion

        start = time.perf_counter()
        if not self._answers:
            return self._base.generate(messages, n=n, **kwargs)  # the backend's own "no completion" error
        texts = [self._answers[(self._next + i) % len(self._answers)] for i in range(n)]
        self._next += n
        return [Completion(t, "stop", 0, 0, time.perf_counter() - start) for t in texts]

    async def agenerate(self, messages: Sequence[Any], **kwargs: Any) -> Any:
        return self.generate(messages, **kwargs)


class LlmAgent:
    """rtlsmith's own agents (`oneshot`, `smith`) around a model from `rtlsmith.llm.get_model`, or, for the
    smith agent, a cascade of models (`BenchConfig.escalation`)."""

    def __init__(self, config: BenchConfig) -> None:
        from rtlsmith.agent.registry import get_agent
        from rtlsmith.llm import get_model
        from rtlsmith.llm.replay import ReplayModel, read_samples

        if config.escalation and not get_agent(config.agent).repairs:
            raise UsageError(
                "escalating to stronger models needs --agent smith or hybrid (the "
                f"{config.agent} agent never repairs, so it never escalates)"
            )
        self._config = config
        self._models: list[Any] = [get_model(spec) for spec in config.model_specs]
        self._model: Any = self._models[0]
        self._replays: list[dict[str, list[str]] | None] = [
            read_samples(Path(str(getattr(m.settings, "path", "")))) if isinstance(m, ReplayModel) else None
            for m in self._models
        ]

    @property
    def model_id(self) -> str:
        """The model's id; for a cascade, every model's id joined by " > ", cheapest first."""
        return " > ".join(str(m.model_id) for m in self._models)

    @property
    def model_settings(self) -> dict[str, Any]:
        def record(model: Any) -> dict[str, Any]:
            fn = getattr(model.settings, "record", None)
            return dict(fn()) if callable(fn) else {}

        if len(self._models) == 1:
            return record(self._model)
        escalate_after = dict(self._config.agent_config).get("escalate_after", 2)
        return {"cascade": [record(m) for m in self._models], "escalate_after": escalate_after}

    def agent_config(self, sample: SampleRef) -> Any:
        from rtlsmith.agent.config import AgentConfig

        traces = Path(self._config.traces_dir) / sample.run_id
        stale = traces / sample.slug
        if stale.is_dir():
            # A resumed item starts over: drop the trace of the attempt that was killed.
            shutil.rmtree(stale, ignore_errors=True)
        base = AgentConfig(**dict(self._config.agent_config))
        return replace(
            base,
            seed=sample.seed,
            oracle_feedback=self._config.oracle_feedback,
            isolate=self._config.judge.isolate,
            runs_dir=str(traces),
            run_id=sample.slug,
        )

    def __call__(
        self, public: PublicTask, sample: SampleRef, oracle: Sealed[HiddenChecks] | None = None
    ) -> AgentOutcome:
        from rtlsmith.agent import run_agent

        log = CallLog()
        recorders: list[RecordingModel] = []
        for model, replay in zip(self._models, self._replays, strict=True):
            if replay is not None:
                model = SampleReplay(model, replay.get(public.id, []), sample.index)
            recorders.append(RecordingModel(model, log))
        hidden = (
            oracle.unseal(Purpose.ORACLE) if oracle is not None and self._config.oracle_feedback else None
        )
        result = run_agent(
            self._config.agent, public, recorders[0] if len(recorders) == 1 else recorders or None,
            self.agent_config(sample), hidden_for_oracle=hidden,
        )  # fmt: skip
        if log.last_error or (result.stop_reason == "model_error" and not log.limit_error):
            # A model call failed (server down, bad key, no replay sample): not a verdict on the model. Even
            # when the agent carried on without that answer (agreement keeps the candidates it has), the
            # result would depend on the server's failure, so the sample is redone rather than stored.
            raise ModelError(log.last_error or _model_error_text(result))
        measured = {"cost_usd": log.cost_usd(), "prompt_hash": log.first_prompt_hash, "usage": log.records()}
        return AgentOutcome.of(result, model_id=self.model_id, **measured)


def _model_error_text(result: Any) -> str:
    """The model's error message from the end of the agent's trace, or where to look for it."""
    if result.trace_path and Path(result.trace_path).is_file():
        lines = Path(result.trace_path).read_text(encoding="utf-8").splitlines()
        for line in reversed(lines):
            record = json.loads(line)
            message = record.get("error") or record.get("note")
            if message:
                return str(message)
    return f"the model failed on {result.task_id}" + (
        f"; see {result.trace_path}" if result.trace_path else ""
    )


def price(model_id: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """USD for the tokens at the model's known price; None when no price is known."""
    from rtlsmith.llm.cost import cost_usd

    return cost_usd(model_id, prompt_tokens, completion_tokens)


class SymbolicAgent(LlmAgent):
    """The `symbolic` agent: designs from the spec's tables; builds no model (the model spec is unused)."""

    def __init__(self, config: BenchConfig) -> None:
        self._config = config
        self._models = []
        self._replays = []

    @property
    def model_id(self) -> str:
        return "none"

    @property
    def model_settings(self) -> dict[str, Any]:
        return {}


def make_agent(config: BenchConfig) -> BenchAgent:
    """The default agent factory: `config.agent` ("oneshot", "smith", "symbolic" or "hybrid") driving
    `config.model_spec` (which "symbolic" leaves unused)."""
    from rtlsmith.agent.registry import get_agent

    if config.router is not None:
        from rtlsmith.bench.routed import RoutedAgent

        return RoutedAgent(config)
    return LlmAgent(config) if get_agent(config.agent).uses_model else SymbolicAgent(config)
