"""A leaderboard record that a third party can check: hashes of the suite, of every task and every design,
the versions and exact command line, and per-task n/c from which every pass@k can be recomputed."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from rtlsmith.bench.metrics import RunMetrics, strict
from rtlsmith.bench.store import ResultRow, RunRecord, SessionRecord
from rtlsmith.scoring.passk import estimate_pass_at_k, pass_at_k_table
from rtlsmith.suites.base import Suite

SCHEMA = "rtlsmith.leaderboard/1"


def _num(x: float) -> float | None:
    return None if math.isnan(x) else round(x, 6)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def leaderboard_record(
    run: RunRecord,
    m: RunMetrics,
    tasks: Mapping[str, tuple[str, tuple[str, ...]]],
    results: Sequence[ResultRow],
    sessions: Sequence[SessionRecord] = (),
) -> dict[str, Any]:
    """The JSON-ready record; NaN pass@k values (n < k) are written as null."""
    samples: dict[str, list[dict[str, Any]]] = {}
    for r in sorted((strict(x) for x in results), key=lambda r: (r.task_id, r.sample_idx)):
        samples.setdefault(r.task_id, []).append(
            {
                "idx": r.sample_idx,
                "seed": r.seed,
                "passed": r.passed,
                "failure_class": r.failure_class,
                "design_sha256": sha256(r.final_code),
                "prompt_hash": r.prompt_hash,
                "task_hash": r.task_hash,
            }
        )
    return {
        "schema": SCHEMA,
        "run_id": run.run_id,
        "created": run.created,
        "command_line": run.command_line,
        # Every invocation that wrote to the run (a resume may differ in -j, --samples, executor).
        "sessions": [
            {
                "started": x.started,
                "command_line": x.command_line,
                "status": x.status,
                "completed": x.completed,
            }
            for x in sessions
        ],
        "mode": run.mode,
        "identity_hash": run.config_hash,
        "rtlsmith_version": run.rtlsmith_version,
        "tool_versions": run.tool_versions,
        "judge": run.judge,
        "suite": {
            "name": run.suite_name,
            "spec": run.suite_spec,
            "hash": run.suite_hash,
            "tasks": {tid: h for tid, (h, _) in sorted(tasks.items())},
            # How the tasks were chosen (`--sample-tasks N --task-seed S`, `--tasks`, `--limit`), else None.
            "selection": run.identity.get("tasks"),
        },
        "model": {"id": run.model_id, "spec": run.model_spec, "settings": run.model_settings},
        "agent": {"name": run.agent_name, "config": run.agent_config},
        "seed_base": run.seed_base,
        "samples": m.samples,
        "passed": m.passed,
        "pass_at_k": {str(k): _num(v) for k, v in m.pass_at_k.items()},
        "per_task": {
            tid: {
                "n": s.n,
                "c": s.c,
                "task_hash": tasks.get(tid, ("", ()))[0],
                "pass_at_k": {str(k): _num(v) for k, v in s.pass_at_k.items()},
                "samples": samples.get(tid, []),
            }
            for tid, s in m.per_task.items()
        },
        "how_to_verify": (
            "Recompute pass@k from per_task n/c with the unbiased estimator; load the suite and compare "
            "its hash and task hashes; export the designs with "
            "`rtlsmith report RUN_ID --samples designs.jsonl`, check their sha256 against design_sha256 "
            "and re-judge them with `rtlsmith score designs.jsonl --suite SPEC`."
        ),
    }


def check_leaderboard(record: Mapping[str, Any], suite: Suite | None = None) -> list[str]:
    """Problems found in a leaderboard record (empty when it is consistent); with a suite, its hashes too."""
    problems: list[str] = []
    if record.get("schema") != SCHEMA:
        problems.append(f"schema is {record.get('schema')!r}, expected {SCHEMA!r}")
    per_task: Mapping[str, Any] = record.get("per_task", {})
    counts: dict[str, tuple[int, int]] = {}
    for tid, t in per_task.items():
        n, c = int(t["n"]), int(t["c"])
        counts[tid] = (n, c)
        rows = t.get("samples", [])
        if len(rows) != n or sum(1 for s in rows if s["passed"]) != c:
            problems.append(f"{tid}: n/c {n}/{c} disagree with its {len(rows)} listed samples")
        for k, v in t.get("pass_at_k", {}).items():
            if _num(estimate_pass_at_k(n, c, int(k))) != v:
                problems.append(f"{tid}: pass@{k} is {v}, recomputed {estimate_pass_at_k(n, c, int(k))}")
    ks = [int(k) for k in record.get("pass_at_k", {})]
    for k, v in pass_at_k_table(counts, ks).items():
        if _num(v) != record["pass_at_k"][str(k)]:
            problems.append(f"pass@{k} is {record['pass_at_k'][str(k)]}, recomputed {v}")
    if suite is not None:
        if suite.content_hash() != record["suite"]["hash"]:
            problems.append(
                f"suite hash {suite.content_hash()} differs from the record's {record['suite']['hash']}"
            )
        for tid, h in record["suite"]["tasks"].items():
            if tid not in suite:
                problems.append(f"task {tid} is not in the suite")
            elif suite.get(tid).content_hash() != h:
                problems.append(
                    f"task {tid}: hash {suite.get(tid).content_hash()} differs from the record's {h}"
                )
    return problems
