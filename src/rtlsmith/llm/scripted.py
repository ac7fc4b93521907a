"""The scripted model: a queue of answers for deterministic tests of agents and commands."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rtlsmith.errors import ModelError
from rtlsmith.llm.base import BaseModel, Completion, Message, ModelSettings, Request

Answer = str | Callable[[Sequence[Message]], str]


class ScriptExhaustedError(ModelError):
    """A scripted model was asked for more answers than it was given."""


@dataclass(frozen=True, kw_only=True)
class ScriptedSettings(ModelSettings):
    """A scripted model is identified by its name and how many answers it was given."""

    backend: str = "scripted"
    answers: int = 0


def _words(text: str) -> int:
    return len(text.split())


class ScriptedModel(BaseModel):
    """Answers from a queue, in order: each string as is, each callable applied to the messages.

    Every request is kept in ``calls``. Token counts are whitespace-separated words, so budgets and costs
    behave deterministically in tests.
    """

    def __init__(self, answers: Iterable[Answer] = (), *, model_id: str = "scripted") -> None:
        queue: deque[Answer] = deque(answers)
        super().__init__(ScriptedSettings(model_id=model_id, answers=len(queue), max_concurrency=8))
        self._queue = queue
        self._given = len(queue)
        self._lock = threading.Lock()
        self.calls: list[Request] = []

    def add(self, *answers: Answer) -> None:
        """Queue more answers."""
        with self._lock:
            self._queue.extend(answers)
            self._given += len(answers)

    @property
    def remaining(self) -> int:
        """Answers not yet used."""
        return len(self._queue)

    @property
    def prompts(self) -> list[tuple[Message, ...]]:
        """The messages of every request, in order."""
        return [c.messages for c in self.calls]

    def _generate(self, request: Request) -> list[Completion]:
        with self._lock:
            self.calls.append(request)
            if len(self._queue) < request.n:
                raise ScriptExhaustedError(
                    f"scripted model {self.model_id!r} was asked for {request.n} answer(s) in call "
                    f"{len(self.calls)} but has {len(self._queue)} left of the {self._given} it was given"
                )
            answers = [self._queue.popleft() for _ in range(request.n)]
        prompt_tokens = sum(_words(m.content) for m in request.messages)
        out = []
        for i, answer in enumerate(answers):
            start = time.perf_counter()
            text = answer(request.messages) if callable(answer) else answer
            out.append(
                Completion(
                    text=text,
                    finish_reason="stop",
                    prompt_tokens=prompt_tokens if i == 0 else 0,
                    completion_tokens=_words(text),
                    latency_s=time.perf_counter() - start,
                )
            )
        return out
