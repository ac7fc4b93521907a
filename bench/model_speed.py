"""Embedded model throughput through rtlsmith versus calling llama-cpp-python directly, side by side.

    python bench/model_speed.py                     # 6 interleaved repetitions, 128 tokens each
    python bench/model_speed.py --reps 10 --max-tokens 256 --threads 1

Both sides load the same GGUF with the same context size and threads, and answer the same messages with
temperature 0, the same seed and the same max_tokens, so they decode the same tokens (checked). Repetitions
alternate which side goes first (ABBA), so drift in machine load hits both alike. Prints completion tokens
per second of wall time for each side, and rtlsmith / direct (target >= 0.9). On a busy machine the two sides'
rates swing with the load, so it also prints the time rtlsmith spends outside llama.cpp in its own calls,
which does not depend on the load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

from rtlsmith.llm import get_model, verilog_eval_messages
from rtlsmith.llm.embedded import DEFAULT_N_CTX, EmbeddedModel, import_llama_cpp

SPEC = """Implement a module named TopModule with the following interface.
All input and output ports are one bit unless otherwise specified.

 - input  clk
 - input  reset
 - input  en
 - output q (4 bits)

The module is a 4-bit counter that counts up by one on each rising clock edge when en is 1, wraps from 15 to
0, and is reset synchronously to 0 when reset is 1."""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=6, help="repetitions per side (default 6)")
    parser.add_argument("--max-tokens", type=int, default=128, help="tokens per answer (default 128)")
    parser.add_argument("--threads", type=int, default=None, help="llama.cpp threads (default: rtlsmith's)")
    parser.add_argument("--model", default="embedded", help="embedded model spec (default: the default)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    llama_cpp = import_llama_cpp()
    model = get_model(args.model, n_threads=args.threads)
    assert isinstance(model, EmbeddedModel)
    settings = model.embedded_settings
    kwargs: dict[str, Any] = {"model_path": settings.model_path, "n_ctx": DEFAULT_N_CTX, "verbose": False}
    # The same threads on both sides (rtlsmith gives generation every core unless told otherwise).
    kwargs["n_threads"] = kwargs["n_threads_batch"] = settings.n_threads
    direct = llama_cpp.Llama(**kwargs)

    messages = verilog_eval_messages(SPEC)
    raw_messages = [m.to_dict() for m in messages]

    def run_direct() -> tuple[str, int, float]:
        start = time.perf_counter()
        out = direct.create_chat_completion(
            messages=raw_messages, temperature=0.0, top_p=1.0, max_tokens=args.max_tokens, seed=args.seed
        )
        wall = time.perf_counter() - start
        return out["choices"][0]["message"]["content"], out["usage"]["completion_tokens"], wall

    # Time spent inside llama-cpp-python during rtlsmith's calls: the rest of a call is rtlsmith's own.
    inner: list[float] = []
    llama = model.llama
    create = llama.create_chat_completion

    def timed_create(*a: Any, **kw: Any) -> Any:
        start = time.perf_counter()
        try:
            return create(*a, **kw)
        finally:
            inner.append(time.perf_counter() - start)

    llama.create_chat_completion = timed_create

    def run_rtlsmith() -> tuple[str, int, float]:
        start = time.perf_counter()
        [c] = model.generate(messages, temperature=0.0, top_p=1.0, max_tokens=args.max_tokens, seed=args.seed)
        wall = time.perf_counter() - start
        return c.text, c.completion_tokens, wall

    # Warm up both (load, first graph allocation) outside the measurement.
    run_direct()
    run_rtlsmith()

    results: dict[str, list[tuple[str, int, float]]] = {"direct": [], "rtlsmith": []}
    for rep in range(args.reps):
        order = [("direct", run_direct), ("rtlsmith", run_rtlsmith)]
        if rep % 2:
            order.reverse()
        for name, fn in order:
            results[name].append(fn())

    texts = {r[0] for rs in results.values() for r in rs}
    own = [r[2] - t for r, t in zip(results["rtlsmith"], inner[-args.reps :], strict=True)]
    rate: dict[str, float] = {}
    for name, rs in results.items():
        tokens = sum(r[1] for r in rs)
        wall = sum(r[2] for r in rs)
        rate[name] = tokens / wall
        per_rep = [r[1] / r[2] for r in rs]
        print(
            f"{name:<9} {tokens:5d} tokens in {wall:6.2f} s = {rate[name]:6.1f} tokens/s "
            f"(per repetition: median {statistics.median(per_rep):.1f}, min {min(per_rep):.1f}, "
            f"max {max(per_rep):.1f})"
        )
    pair_ratios = [
        (r[1] / r[2]) / (d[1] / d[2]) for r, d in zip(results["rtlsmith"], results["direct"], strict=True)
    ]
    print(
        f"rtlsmith's own time per call (outside llama.cpp): median {statistics.median(own) * 1e3:.3f} ms, "
        f"{sum(own) / sum(r[2] for r in results['rtlsmith']):.4%} of its wall time"
    )
    print(f"same text on every call: {'yes' if len(texts) == 1 else f'no ({len(texts)} distinct)'}")
    best = {name: max(r[1] / r[2] for r in rs) for name, rs in results.items()}
    print(f"median of paired ratios: {statistics.median(pair_ratios):.3f}")
    print(f"best-of-{args.reps} ratio: {best['rtlsmith'] / best['direct']:.3f}  (fastest repetition each)")
    overall = rate["rtlsmith"] / rate["direct"]
    print(f"ratio rtlsmith / direct: {overall:.3f}  (all tokens / all time; target >= 0.9)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
