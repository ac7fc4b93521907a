"""The loop guard: a greedy answer that repeats one block is ended; a long but varied answer is not."""

from __future__ import annotations

from typing import Any

import pytest

np = pytest.importorskip("numpy")

from llm_helpers import needs_llama_cpp  # noqa: E402

from rtlsmith.llm import get_model, user  # noqa: E402
from rtlsmith.llm.loops import MIN_SPAN, LoopGuard, loop_period  # noqa: E402


def test_an_answer_ending_in_a_repeated_block_has_its_period() -> None:
    line = [11, 12, 13, 14, 15]  # "reg [7:0] r;\n", say
    assert loop_period(list(range(100, 160)) + line * 80) == 5
    assert loop_period([7] * (MIN_SPAN + 1)) == 1


def test_varied_text_and_wide_literals_are_not_loops() -> None:
    assert loop_period(list(range(2000))) is None
    assert loop_period([1, 2] + [0] * 256 + [3, 4]) is None  # a 256-digit literal, one token per digit
    assert loop_period([5] * MIN_SPAN) is None  # one token short of the span
    # A block repeated, then something new: not (or no longer) a loop.
    assert loop_period([11, 12, 13] * 200 + [99]) is None


def test_the_guard_lets_only_end_of_text_through_once_the_answer_loops() -> None:
    eos, vocab = 0, 50
    guard = LoopGuard(eos)
    prompt = list(range(1, 41))
    ids = list(prompt)
    scores = np.zeros(vocab)
    out = guard(np.array(ids), scores.copy())  # the first call sees the prompt only
    assert np.isfinite(out).all()
    while not guard.tripped and len(ids) < 2048:
        ids += [21, 22, 23, 24]
        out = guard(np.array(ids), scores.copy())
    assert guard.tripped and guard.period == 4
    assert MIN_SPAN <= len(ids) - len(prompt) <= MIN_SPAN + 16
    assert out[eos] == 0 and np.isneginf(np.delete(out, eos)).all()


@needs_llama_cpp
def test_the_embedded_model_reports_a_cut_loop_as_its_finish_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    model = get_model("embedded:smollm2")
    llm = model.llama  # type: ignore[attr-defined]

    def looping(**kw: Any) -> dict[str, Any]:
        [guard] = kw["logits_processor"]
        ids = [1, 2, 3]
        guard(np.array(ids), np.zeros(8))
        while not guard.tripped:
            ids += [4, 5]
            guard(np.array(ids), np.zeros(8))
        return {"choices": [{"message": {"content": "reg a;\n" * 200}, "finish_reason": "stop"}], "usage": {}}

    monkeypatch.setattr(llm, "create_chat_completion", looping)
    [c] = model.generate([user("x")], max_tokens=2048)
    assert c.finish_reason == "loop"
    off = get_model("embedded:smollm2", loop_guard=False)
    seen: list[Any] = []
    monkeypatch.setattr(
        off.llama,  # type: ignore[attr-defined]
        "create_chat_completion",
        lambda **kw: seen.append(kw["logits_processor"]) or {"choices": [{"message": {"content": "x"}}]},
    )
    off.generate([user("x")], max_tokens=8)
    assert seen == [None]
