"""What the loop guard (`rtlsmith.llm.loops`) would have done to the answers stored in bench traces: how many
answers that ran to the token cap it ends, how many tokens that saves, and which answers below the cap it
would have cut (printed for inspection: a false alarm, or a loop recorded with fewer tokens, as when a
repair step records two answers).

    python bench/loop_guard.py TRACES_DIR [TRACES_DIR ...] [--model embedded] [--cap 2048]

Each answer's text is tokenized again with the model's own tokenizer (the file is loaded with its vocabulary
only) and the guard is replayed token by token, checking where it checks during generation.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from rtlsmith.llm import get_model
from rtlsmith.llm.embedded import import_llama_cpp
from rtlsmith.llm.loops import MIN_SPAN, LoopGuard


def answers(dirs: list[Path]) -> list[tuple[str, int, str]]:
    """(where, completion tokens, text) of every model answer in the traces under `dirs`."""
    out: list[tuple[str, int, str]] = []
    for d in dirs:
        for trace in sorted(d.rglob("trace.jsonl")):
            for line in trace.read_text().splitlines():
                step = json.loads(line)
                text = step.get("response")
                if step.get("kind") == "step" and isinstance(text, str) and text:
                    where = f"{trace.parent.parent.name}/{trace.parent.name}:{step.get('state')}"
                    out.append((where, int(step.get("completion_tokens") or 0), text))
    return out


def cut_at(tokens: list[int]) -> int | None:
    """The number of generated tokens after which the guard ends the answer, or None."""
    guard = LoopGuard(eos_token=0)
    scores = np.zeros(1)
    ids = np.array(tokens, dtype=np.int64)
    for n in range(len(ids) + 1):  # n = 0: the first call, which sees the prompt only
        guard(ids[:n], scores)
        if guard.tripped:
            return n
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--model", default="embedded")
    ap.add_argument("--cap", type=int, default=2048, help="the max_tokens the answers were made under")
    args = ap.parse_args()
    path = get_model(args.model).settings.record()["model_path"]
    vocab: Any = import_llama_cpp().Llama(model_path=path, vocab_only=True, verbose=False)
    rows = answers(args.dirs)
    capped = [r for r in rows if r[1] >= args.cap]
    ended = [r for r in rows if r[1] < args.cap]
    caught, saved = 0, 0
    for where, n, text in capped:
        at = cut_at(vocab.tokenize(text.encode(), add_bos=False, special=True))
        if at is not None:
            caught += 1
            saved += n - at
        print(f"capped {where}: {'cut after ' + str(at) if at else 'not cut'}")
    false_alarms = []
    for where, n, text in ended:
        if n >= MIN_SPAN and cut_at(vocab.tokenize(text.encode(), add_bos=False, special=True)) is not None:
            false_alarms.append(where)
    total = sum(r[1] for r in rows)
    print(f"{len(rows)} answers, {total} completion tokens; {len(capped)} ran to the {args.cap}-token cap")
    print(f"cut by the guard: {caught} of {len(capped)}; tokens saved: {saved} ({saved / max(total, 1):.1%})")
    print(f"answers below the cap that would have been cut: {len(false_alarms)} of {len(ended)}")
    for where in false_alarms:
        print(f"  cut below the cap (inspect it): {where}")


if __name__ == "__main__":
    main()
