"""Cutting a greedy answer that has fallen into a loop.

Greedy decoding of a small model sometimes repeats one line (a declaration, a comment) until the token cap:
3 of 40 one-shot answers on VerilogEval v2 ran to 2,048 tokens that way, about half of that run's generated
tokens. An answer whose last ``min_span`` tokens repeat a block of at most ``max_period`` tokens, at least
eight times over, is not going anywhere: the guard ends it there. The span is long enough that a wide literal
(Qwen's tokenizer writes one token per digit, so ``64'b0...0`` is 64 tokens of one value) does not count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

MAX_PERIOD = 64
MIN_SPAN = 300
MIN_REPEATS = 8
CHECK_EVERY = 8  # tokens between checks: a check is a few vector compares, not free


def loop_period(
    tokens: Sequence[int] | np.ndarray, *, max_period: int = MAX_PERIOD, min_span: int = MIN_SPAN
) -> int | None:
    """The shortest period p <= ``max_period`` such that the tokens end in a repetition of period p covering
    at least ``max(min_span, MIN_REPEATS * p)`` tokens, or None."""
    ids = np.asarray(tokens)
    for p in range(1, max_period + 1):
        span = max(min_span, MIN_REPEATS * p)
        if len(ids) < span + p:
            return None  # longer periods need longer spans still
        if np.array_equal(ids[-span:], ids[-span - p : -p]):
            return p
    return None


class LoopGuard:
    """A llama.cpp logits processor: once the answer ends in a loop, only end-of-text may follow.

    One guard serves one request. ``tripped`` says whether it cut the answer, ``period`` the loop's length.
    """

    def __init__(self, eos_token: int, *, max_period: int = MAX_PERIOD, min_span: int = MIN_SPAN) -> None:
        self.eos_token = eos_token
        self.max_period = max_period
        self.min_span = min_span
        self.start: int | None = None
        self.period: int | None = None

    @property
    def tripped(self) -> bool:
        return self.period is not None

    def __call__(self, input_ids: np.ndarray, scores: np.ndarray) -> Any:
        if self.start is None:
            self.start = len(input_ids)  # the first call sees the prompt only
        generated = len(input_ids) - self.start
        if not self.tripped and generated >= self.min_span and generated % CHECK_EVERY == 0:
            self.period = loop_period(
                input_ids[self.start :], max_period=self.max_period, min_span=self.min_span
            )
        if self.tripped:
            scores[:] = -np.inf
            scores[self.eos_token] = 0.0
        return scores
