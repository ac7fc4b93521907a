"""Seconds and tokens/s of one repair turn with the embedded model, side by side: plain, with llama.cpp's KV
cache reused from an earlier turn that shares the prompt's prefix, and with prompt-lookup speculative decoding
(a repair answer mostly copies the module it was shown).

    python bench/repair_speed.py [--model embedded] [--task counter_updown_load] [--reps 3] [--lookup 10]

Each configuration answers the same repair prompt (the task's reference with one bug, and the mismatch
feedback) greedily; the reps are interleaved so load on the machine hits every configuration alike.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from rtlsmith.agent import prompts
from rtlsmith.llm import get_model
from rtlsmith.suites import load_suite
from rtlsmith.task import Purpose


def repair_messages(task_id: str) -> list[Any]:
    task = load_suite("bundled").get(task_id)
    ref = task.hidden.unseal(Purpose.SCORING).reference or ""
    code = ref.replace("RefModule", task.public.interface.module)
    buggy = code.replace("+ 8'd1", "+ 8'd2", 1) if "+ 8'd1" in code else code
    feedback = "public vectors testbench: Mismatches: 2 in 6 samples; q counts by 2 where the spec says 1."
    return prompts.repair(task.public, buggy, feedback, 1)


def one_turn(model: Any, messages: list[Any], *, reset: bool) -> tuple[float, int]:
    if reset:
        model.llama.reset()  # forget the KV cache: the whole prompt is evaluated again
    start = time.perf_counter()
    [c] = model.generate(messages, max_tokens=512, temperature=0.0, stop=[prompts.DESIGN_STOP])
    return time.perf_counter() - start, c.completion_tokens


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="embedded")
    ap.add_argument("--task", default="counter_updown_load")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--lookup", type=int, default=10, help="tokens drafted per lookup")
    args = ap.parse_args()
    messages = repair_messages(args.task)
    plain = get_model(args.model, reuse_prefix=True)  # `reset` below decides, per turn
    lookup = get_model(args.model, lookup_tokens=args.lookup, reuse_prefix=True)
    configs = {
        "plain (KV cache reset)": (plain, True),
        "KV cache reused": (plain, False),
        f"prompt lookup ({args.lookup})": (lookup, True),
    }
    one_turn(plain, messages, reset=True)  # load and warm up both
    one_turn(lookup, messages, reset=True)
    times: dict[str, list[float]] = {k: [] for k in configs}
    tokens: dict[str, int] = {}
    for _ in range(args.reps):
        for name, (model, reset) in configs.items():
            if not reset:
                one_turn(model, messages, reset=True)  # an earlier turn with the same prefix
            seconds, n = one_turn(model, messages, reset=reset)
            times[name].append(seconds)
            tokens[name] = n
    base = statistics.median(times["plain (KV cache reset)"])
    print(f"repair turn on {args.task}, {args.reps} reps, median seconds (model {plain.model_id})")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"  {name:<24} {med:6.2f} s  {tokens[name] / med:5.1f} tok/s  ratio {med / base:.2f}")


if __name__ == "__main__":
    main()
