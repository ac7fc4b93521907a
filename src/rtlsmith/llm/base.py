"""The model contract: messages in, completions out, with the settings that produced them."""

from __future__ import annotations

import abc
import asyncio
import dataclasses
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from rtlsmith.errors import ModelError, UsageError

Role = Literal["system", "user", "assistant"]
ROLES: tuple[str, ...] = ("system", "user", "assistant")


class GrammarError(ModelError):
    """A constrained-decoding grammar could not be parsed."""


@dataclass(frozen=True)
class Message:
    """One chat message."""

    role: Role
    content: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise UsageError(f"message role must be one of {', '.join(ROLES)}, not {self.role!r}")

    def to_dict(self) -> dict[str, str]:
        """The OpenAI chat format of this message."""
        return {"role": self.role, "content": self.content}


def system(content: str) -> Message:
    """A system message."""
    return Message("system", content)


def user(content: str) -> Message:
    """A user message."""
    return Message("user", content)


def assistant(content: str) -> Message:
    """An assistant message."""
    return Message("assistant", content)


@dataclass(frozen=True)
class Completion:
    """One sampled answer and what it cost.

    When one request returns several choices, the first carries the request's prompt tokens and the others
    0, and the request's completion tokens and wall time are shared out evenly, so sums over completions are
    true totals.
    """

    text: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float

    @property
    def tokens_per_s(self) -> float:
        """Completion tokens per second of request wall time (0 when unmeasurable)."""
        return self.completion_tokens / self.latency_s if self.latency_s > 0 else 0.0


@dataclass(frozen=True, kw_only=True)
class ModelSettings:
    """What identifies a model and how it is reached; goes into every result record. Never holds secrets."""

    backend: str
    model_id: str
    max_concurrency: int = 1

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict of these settings."""
        return dataclasses.asdict(self)


@dataclass(frozen=True, kw_only=True)
class GenerateConfig:
    """Sampling parameters of one ``generate`` call, as a value that can be recorded and reused."""

    n: int = 1
    temperature: float = 0.0
    top_p: float = 1.0
    max_tokens: int = 1024
    stop: tuple[str, ...] = ()
    seed: int | None = None

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict of these parameters."""
        d = dataclasses.asdict(self)
        d["stop"] = list(self.stop)
        return d

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Model.generate``."""
        return {
            "n": self.n,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_tokens": self.max_tokens,
            "stop": list(self.stop) or None,
            "seed": self.seed,
        }


@runtime_checkable
class Model(Protocol):
    """Anything that turns chat messages into completions.

    ``task_id`` names the task a request is for; only the replay model needs it, every model accepts it.
    ``grammar`` is a GBNF grammar for constrained decoding (embedded model, llama.cpp-style servers).
    """

    @property
    def model_id(self) -> str: ...

    @property
    def settings(self) -> ModelSettings: ...

    def generate(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.0,
        top_p: float = 1.0,
        max_tokens: int = 1024,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
        grammar: str | None = None,
        task_id: str | None = None,
    ) -> list[Completion]: ...

    async def agenerate(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.0,
        top_p: float = 1.0,
        max_tokens: int = 1024,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
        grammar: str | None = None,
        task_id: str | None = None,
    ) -> list[Completion]: ...


@dataclass(frozen=True)
class Request:
    """A validated ``generate`` call, as backends receive it."""

    messages: tuple[Message, ...]
    n: int
    temperature: float
    top_p: float
    max_tokens: int
    stop: tuple[str, ...]
    seed: int | None
    grammar: str | None
    task_id: str | None


def make_request(
    messages: Sequence[Message],
    *,
    n: int,
    temperature: float,
    top_p: float,
    max_tokens: int,
    stop: Sequence[str] | None,
    seed: int | None,
    grammar: str | None,
    task_id: str | None,
) -> Request:
    """Check the arguments of a ``generate`` call; raise ``UsageError`` saying which one is wrong."""
    if isinstance(messages, str):
        raise UsageError("messages must be a sequence of Message, not a str; wrap it: [user(text)]")
    msgs = tuple(messages)
    if not msgs:
        raise UsageError("generate needs at least one message")
    for m in msgs:
        if not isinstance(m, Message):
            raise UsageError(f"messages must be Message objects, got {type(m).__name__}")
    if n < 1:
        raise UsageError(f"n must be at least 1, got {n}")
    if max_tokens < 1:
        raise UsageError(f"max_tokens must be at least 1, got {max_tokens}")
    if temperature < 0:
        raise UsageError(f"temperature must be >= 0, got {temperature}")
    if not 0 < top_p <= 1:
        raise UsageError(f"top_p must be in (0, 1], got {top_p}")
    if isinstance(stop, str):
        stop = [stop]
    return Request(
        messages=msgs,
        n=n,
        temperature=float(temperature),
        top_p=float(top_p),
        max_tokens=max_tokens,
        stop=tuple(stop or ()),
        seed=seed,
        grammar=grammar,
        task_id=task_id,
    )


class BaseModel(abc.ABC):
    """Shared plumbing: argument checks, and ``agenerate`` as the sync call in a thread under a semaphore."""

    def __init__(self, settings: ModelSettings) -> None:
        if settings.max_concurrency < 1:
            raise UsageError(f"max_concurrency must be at least 1, got {settings.max_concurrency}")
        self._settings = settings
        # asyncio primitives bind to one event loop, and callers may run several loops in turn.
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )
        self._semaphores_lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self._settings.model_id

    @property
    def settings(self) -> ModelSettings:
        return self._settings

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model_id!r})"

    @abc.abstractmethod
    def _generate(self, request: Request) -> list[Completion]:
        """Answer one validated request with exactly ``request.n`` completions."""

    def generate(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.0,
        top_p: float = 1.0,
        max_tokens: int = 1024,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
        grammar: str | None = None,
        task_id: str | None = None,
    ) -> list[Completion]:
        """Sample ``n`` completions for ``messages``; raises ``ModelError`` when the backend fails."""
        request = make_request(
            messages,
            n=n,
            temperature=temperature,
            top_p=top_p,
            max_tokens=max_tokens,
            stop=stop,
            seed=seed,
            grammar=grammar,
            task_id=task_id,
        )
        return self._generate(request)

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        with self._semaphores_lock:
            sem = self._semaphores.get(loop)
            if sem is None:
                sem = asyncio.Semaphore(self._settings.max_concurrency)
                self._semaphores[loop] = sem
            return sem

    async def agenerate(
        self,
        messages: Sequence[Message],
        *,
        n: int = 1,
        temperature: float = 0.0,
        top_p: float = 1.0,
        max_tokens: int = 1024,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
        grammar: str | None = None,
        task_id: str | None = None,
    ) -> list[Completion]:
        """``generate`` without blocking the event loop; at most ``settings.max_concurrency`` at once."""
        request = make_request(
            messages,
            n=n,
            temperature=temperature,
            top_p=top_p,
            max_tokens=max_tokens,
            stop=stop,
            seed=seed,
            grammar=grammar,
            task_id=task_id,
        )
        async with self._semaphore():
            return await asyncio.to_thread(self._generate, request)
