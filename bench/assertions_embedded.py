"""Properties written by a model for bundled references, checked with Yosys and graded on the suite's known
bugs (rtlsmith/suites/bundled_mutants). Resumable: one JSON line per task in --out; tasks already there are
skipped, so a killed run goes on where it stopped.

    PYTHONPATH=src python bench/assertions_embedded.py --tasks 8             # default embedded model
    PYTHONPATH=src python bench/assertions_embedded.py --summary-only

Prints, over the tasks done: the share of written asserts proven on the reference, the share of property
files outside the subset, and the mean kill rate (a task whose file is unsupported counts as 0).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from rtlsmith.assertions.check import Status
from rtlsmith.assertions.grade import grade_properties
from rtlsmith.assertions.write import write_properties
from rtlsmith.suites import bundled_mutants_path, load_suite
from rtlsmith.task import Purpose
from rtlsmith.tools.toolchain import versions

MUTANTS = bundled_mutants_path()


def subset(n: int, seed: int) -> list[str]:
    ids = sorted(t.id for t in load_suite("bundled") if (MUTANTS / t.id).is_dir())
    return sorted(random.Random(seed).sample(ids, min(n, len(ids))))


def run_task(model: object, task_id: str, max_tokens: int) -> dict[str, object]:
    task = load_suite("bundled").get(task_id)
    t0 = time.monotonic()
    written = write_properties(model, task.public, max_tokens=max_tokens)  # type: ignore[arg-type]
    gen_s = time.monotonic() - t0
    row: dict[str, object] = {"completion_tokens": written.completion_tokens, "generate_s": round(gen_s, 1)}
    return {**row, **grade_task(task_id, written.text)}


def grade_task(task_id: str, properties: str) -> dict[str, object]:
    """Check and grade one task's properties (no model call: `--regrade` re-runs this on stored text)."""
    task = load_suite("bundled").get(task_id)
    reference = task.hidden.unseal(Purpose.SCORING).reference or ""
    bugs = {p.stem: p.read_text() for p in sorted((MUTANTS / task_id).glob("*.sv"))}
    grade = grade_properties(reference, task.public.interface, properties, bugs, reference_top="RefModule")
    asserts = [r for r in grade.reference.results if r.kind == "assert"]
    return {
        "task": task_id,
        "properties": properties,
        "unsupported": grade.reference.unsupported,
        "error": grade.reference.error,
        "asserts": len(asserts),
        "proven": sum(r.status is Status.PROVEN for r in asserts),
        "counterexample": sum(r.status is Status.COUNTEREXAMPLE for r in asserts),
        "vacuous": len(grade.vacuous),
        "mutants": len(grade.graded),
        "kill_rate": grade.kill_rate if not grade.reference.error else 0.0,
        "flags": grade.flags(),
    }


def summary(rows: list[dict[str, object]]) -> str:
    if not rows:
        return "no tasks done"
    asserts = sum(int(r["asserts"]) for r in rows)  # type: ignore[call-overload]
    proven = sum(int(r["proven"]) for r in rows)  # type: ignore[call-overload]
    unsupported = sum(bool(r["unsupported"]) for r in rows)
    kills = [float(r["kill_rate"] or 0.0) for r in rows]  # type: ignore[arg-type]
    lines = [
        f"tasks: {len(rows)}",
        f"property files outside the subset / rejected by Yosys: {unsupported} of {len(rows)}",
        f"asserts written (in checkable files): {asserts}; proven on the reference: {proven}"
        + (f" ({proven / asserts:.0%})" if asserts else ""),
        f"mean kill rate on the known bugs (unsupported files count 0): {sum(kills) / len(kills):.0%}",
    ]
    for r in rows:
        kr = r["kill_rate"]
        shown = "n/a" if kr is None else f"{float(kr):.0%}"  # type: ignore[arg-type]
        lines.append(
            f"  {r['task']:<22} asserts {r['asserts']}, proven {r['proven']}, kill {shown}"
            + (f"  [{str(r['error'])[:70]}]" if r["error"] else "")
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="embedded", help="model spec (default: embedded Qwen2.5-Coder-1.5B)")
    ap.add_argument("--tasks", type=int, default=8, help="size of the seeded subset (default 8)")
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--max-tokens", type=int, default=512)
    ap.add_argument("--out", default=".rtlsmith/bench/assertions_embedded.jsonl")
    ap.add_argument("--summary-only", action="store_true")
    ap.add_argument("--regrade", action="store_true", help="re-check the stored properties with this checker")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    done = {}
    if out.exists():
        for line in out.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                done[row["task"]] = row
    ids = subset(args.tasks, args.seed)
    if args.regrade:
        done = {i: {**done[i], **grade_task(i, str(done[i]["properties"]))} for i in ids if i in done}
        out.write_text("".join(json.dumps(done[i]) + "\n" for i in ids if i in done))
    elif not args.summary_only:
        from rtlsmith.llm.registry import get_model

        model = get_model(args.model)
        print(f"model {model.model_id}; tools {versions(('yosys', 'bwrap'))}; tasks {ids}", flush=True)
        for task_id in ids:
            if task_id in done:
                continue
            row = run_task(model, task_id, args.max_tokens)
            row["model"] = model.model_id
            with out.open("a") as f:
                f.write(json.dumps(row) + "\n")
            done[task_id] = row
            print(f"{task_id}: {row['asserts']} asserts, {row['proven']} proven, kill {row['kill_rate']}",
                  flush=True)  # fmt: skip
    print(summary([done[i] for i in ids if i in done]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
