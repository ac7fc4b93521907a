"""Repair as line edits against the fresh draft, on the repairs where greedy decoding repeated the design.

Reads a bench run's traces (smith or hybrid), finds each task's first REPAIR whose answer repeated an earlier
design byte for byte (smith then asked for a fresh design at temperature 0.7; the trace records how that
went), and asks the model again for the same design and the same feedback, this time for the changed lines
only (`rtlsmith.agent.edits`). Prints, for both requests: designs that differ from the one shown, designs
that pass lint, designs that pass the task's public checks. Resumable: one JSON line per task in --out.

    python bench/repair_edits.py --traces RUNS/bench-traces/RUN_ID --suite bundled [--cases 12]
    python bench/repair_edits.py ... --summary-only
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from rtlsmith.agent import checks
from rtlsmith.agent.edits import EditError, apply_edits, edit_prompt, parse_edits
from rtlsmith.routing.live import public_checks
from rtlsmith.suites import load_suite
from rtlsmith.tools.sandbox import Limits

_FEEDBACK_START = "Write a new design that avoids these problems:\n"
_FEEDBACK_END = "\n\nReturn the complete module"


def cases(traces: Path) -> list[dict[str, Any]]:
    """Each task's first repeated repair: the design shown, the feedback, and how the fresh draft fared."""
    found = []
    for path in sorted(traces.glob("*/trace.jsonl")):
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        steps = [r for r in records if r.get("kind") == "step"]
        task = records[0].get("task_id") if records else None
        shown = ""
        for i, step in enumerate(steps):
            note = str(step.get("note") or "")
            if step.get("state") == "REPAIR" and "the answer repeated" in note and shown:
                asked = (step.get("messages") or [{}])[-1].get("content", "")
                start = asked.find(_FEEDBACK_START)
                if start < 0:
                    break
                feedback = asked[start + len(_FEEDBACK_START) :].split(_FEEDBACK_END)[0]
                after = [s for s in steps[i + 1 :] if s.get("state") in ("LINT", "TEST")][:2]
                lint = next((s["event"] for s in after if s["state"] == "LINT"), "none")
                test = next((s["event"] for s in after if s["state"] == "TEST"), "none")
                fresh = {"code": step.get("code") or "", "lint": lint, "test": test}
                found.append({"task_id": task, "shown": shown, "feedback": feedback, "fresh": fresh})
                break
            if step.get("code"):
                shown = str(step["code"])
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--traces", type=Path, required=True, help="a bench run's trace folder")
    ap.add_argument("--suite", default="bundled")
    ap.add_argument("--cases", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--model", default="embedded")
    ap.add_argument("--out", type=Path, default=Path(".rtlsmith/repair_edits.jsonl"))
    ap.add_argument("--summary-only", action="store_true")
    args = ap.parse_args()
    found = cases(args.traces)
    chosen = sorted(
        random.Random(args.seed).sample(found, min(args.cases, len(found))), key=lambda c: c["task_id"]
    )
    print(f"{len(found)} tasks with a repeated repair in {args.traces}; {len(chosen)} chosen", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    done = {}
    if args.out.exists():
        done = {r["task_id"]: r for r in map(json.loads, args.out.read_text().splitlines())}
    suite = load_suite(args.suite)
    model = None
    for case in chosen:
        if case["task_id"] in done or args.summary_only:
            continue
        if model is None:
            from rtlsmith.llm import get_model

            model = get_model(args.model)
        task = suite.get(case["task_id"]).public
        t0 = time.monotonic()
        answer = model.generate(edit_prompt(task, case["shown"], case["feedback"]), n=1, temperature=0.0,
                                max_tokens=512, seed=0, task_id=task.id)[0]  # fmt: skip
        seconds = time.monotonic() - t0
        try:
            code, error = apply_edits(case["shown"], parse_edits(answer.text)), ""
        except EditError as exc:
            code, error = case["shown"], str(exc)
        row = {"task_id": task.id, "answer": answer.text, "error": error, "seconds": round(seconds, 1),
               "tokens": answer.completion_tokens, "fresh": case["fresh"]}  # fmt: skip
        for name, design in (("edit", code), ("fresh_code", case["fresh"]["code"])):
            changed = checks.source_hash(design) != checks.source_hash(case["shown"])
            lint = checks.lint(design, task.interface, use_verilator=True, limits=Limits(timeout_s=30.0),
                               isolate=True).ok  # fmt: skip
            passed = public_checks(task, design, True) if lint else False
            row[name] = {"changed": changed, "lint": lint, "public": passed}
        done[task.id] = row
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
        print(
            f"{task.id}: edit {row['edit']}  fresh draft {row['fresh_code']}  ({seconds:.0f} s)", flush=True
        )
    rows = [done[c["task_id"]] for c in chosen if c["task_id"] in done]
    n = len(rows)
    print(
        f"\n{n} repeated repairs, model {args.model}, greedy line-edit request vs the recorded fresh draft:"
    )
    for name, label in (("edit", "line edits (greedy)"), ("fresh_code", "fresh draft (T=0.7)")):
        changes = sum(r[name]["changed"] for r in rows)
        lints = sum(r[name]["lint"] for r in rows)
        public = sum(bool(r[name]["public"]) for r in rows)
        print(
            f"  {label:<22} changed the design {changes}/{n}, lint-clean {lints}/{n}, "
            f"public checks pass {public}/{n}"
        )
    unusable = sum(bool(r["error"]) for r in rows)
    print(f"  line-edit answers that did not apply: {unusable}/{n}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
