"""Training data from stored bench runs: SFT pairs, preference and repair pairs, whole agent episodes.

Each kind is written as JSON lines (or Parquet) that `datasets.load_dataset("json", data_files=FILE)` loads as
is: every row of a file has the same keys with the same types. Every row carries its provenance (suite and
task hashes, model, agent, mode, simulator, verdict, code hash, behaviour hash). Designs of one task that
behave alike on the shared random stimulus (`rtlsmith.bench.behaviour`) collapse to one row; where no
behaviour hash could be taken, the whitespace-normalised text hash decides, and the row says which. The text
of a row comes from the public side of a task and from what the agent itself wrote or was shown; the hidden
checks are read only by the leak check (`LeakGuard`), which withholds any row that quotes them. A manifest
next to the file lists the runs and the tasks included and excluded (held out, changed since the run), so a
model trained on an export is never benched on what it saw.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rtlsmith import __version__
from rtlsmith.agent.trace import iter_trace
from rtlsmith.bench import behaviour, export_files, multigrained
from rtlsmith.bench import export_episodes as episodes
from rtlsmith.bench.export_leaks import LeakGuard
from rtlsmith.bench.store import BenchStore, ResultRow, RunRecord
from rtlsmith.errors import RtlsmithError, UsageError
from rtlsmith.llm.base import Model
from rtlsmith.simulators.registry import executable_of
from rtlsmith.suites import load_suite
from rtlsmith.suites.base import Suite
from rtlsmith.task import Task

ExportKind = Literal["sft", "preference", "traces"]
KINDS: tuple[ExportKind, ...] = ("sft", "preference", "traces")
_WS = re.compile(r"\s+")


def normalized_code_hash(code: str) -> str:
    """The code's hash with whitespace runs collapsed: the duplicate key of a design without a behaviour
    hash."""
    return hashlib.sha256(_WS.sub(" ", code).strip().encode()).hexdigest()[:16]


@dataclass(frozen=True)
class HoldOut:
    """Tasks kept out of an export, by id (`--hold-out`) or by content hash (`--hold-out-file`)."""

    task_ids: frozenset[str] = frozenset()
    task_hashes: frozenset[str] = frozenset()

    def reason(self, task_id: str, task_hashes: Iterable[str]) -> str | None:
        if task_id in self.task_ids:
            return "held out by id (--hold-out)"
        if any(h in self.task_hashes for h in task_hashes):
            return "held out by hash (--hold-out-file)"
        return None

    @staticmethod
    def read_hashes(path: Path) -> frozenset[str]:
        """Task hashes, one per line; blank lines and `#` comments are skipped."""
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UsageError(f"cannot read the hold-out file {path}: {exc}") from exc
        hashes = {ln.split("#", 1)[0].strip() for ln in lines}
        return frozenset(h for h in hashes if h)


@dataclass(frozen=True)
class ExportRequest:
    kind: ExportKind
    runs: tuple[str, ...]
    out: Path
    db: Path
    hold_out: HoldOut = HoldOut()
    command_line: str = ""
    jobs: int = 1  # simulations at once while taking behaviour hashes
    multi_grained: bool = (
        False  # sft only: add MG-Verilog's three spec levels (`rtlsmith.bench.multigrained`)
    )
    model: Model | None = None  # writes the levels a suite lacks


@dataclass
class ExportOutcome:
    """What an export wrote: the file, its manifest, and the counts a user checks."""

    path: Path
    manifest_path: Path
    rows: int
    manifest: dict[str, Any] = field(default_factory=dict)


@dataclass
class _RunSource:
    """A stored run with the suite it was run on, as that suite loads today."""

    run: RunRecord
    suite: Suite
    results: list[ResultRow]

    @property
    def suite_matches(self) -> bool:
        return self.suite.content_hash() == self.run.suite_hash


class _Collector:
    """Rows of one export, with the bookkeeping its manifest reports."""

    def __init__(self, hold_out: HoldOut) -> None:
        self.hold_out = hold_out
        self.guard = LeakGuard()
        self.rows: list[dict[str, Any]] = []
        self.seen: dict[tuple[str, ...], dict[str, Any]] = {}
        self.included: dict[tuple[str, str], dict[str, str]] = {}
        self.excluded: dict[tuple[str, str], dict[str, str]] = {}
        self.withheld: list[dict[str, Any]] = []
        self.duplicates = 0
        self.warnings: list[str] = []

    def task_for(self, src: _RunSource, r: ResultRow) -> Task | None:
        """The task a result was judged on, or None (noted as excluded) when it is held out or changed."""
        key = (src.run.suite_name, r.task_id)
        task = src.suite.get(r.task_id) if r.task_id in src.suite else None
        now = task.content_hash() if task is not None else ""
        reason = self.hold_out.reason(r.task_id, (r.task_hash, now))
        if reason is None and task is None:
            reason = "no longer in the suite"
        elif reason is None and now != r.task_hash:
            reason = f"changed since the run (hash {r.task_hash} then, {now} now)"
        if reason is not None:
            self.excluded.setdefault(
                key, {"suite": key[0], "task_id": r.task_id, "task_hash": r.task_hash, "reason": reason}
            )
            return None
        return task

    def add(self, row: dict[str, Any], task: Task, dedup: tuple[str, ...] | None) -> None:
        leak = self.guard.leak(row, task)
        if leak is not None:
            sample = row.get("sample_idx", row.get("chosen_sample_idx"))
            self.withheld.append(
                {"run_id": row["run_id"], "task_id": row["task_id"], "sample_idx": sample,
                 "kind": row.get("pair", row["kind"]), "reason": leak}
            )  # fmt: skip
            return
        if dedup is not None:
            first = self.seen.get(dedup)
            if first is not None:
                first["duplicates"] += 1
                self.duplicates += 1
                return
            self.seen[dedup] = row
        self.rows.append(row)
        key = (row["suite"], row["task_id"])
        self.included.setdefault(
            key, {"suite": row["suite"], "task_id": row["task_id"], "task_hash": row["task_hash"]}
        )


def _provenance(src: _RunSource, r: ResultRow, task: Task, kind: str) -> dict[str, Any]:
    run = src.run
    simulator = str(r.verdict.get("simulator") or run.judge.get("simulator") or "")
    tool = executable_of(simulator)
    versions = r.verdict.get("tool_versions") or run.tool_versions
    return {
        "kind": kind,
        "suite": run.suite_name,
        "suite_hash": run.suite_hash,
        "suite_hash_matches": src.suite_matches,
        "task_id": r.task_id,
        "task_hash": r.task_hash,
        "run_id": run.run_id,
        "model_id": r.model_id or run.model_id,
        "agent": run.agent_name,
        "mode": r.mode or run.mode,
        "oracle": (r.mode or run.mode) == "oracle",
        "simulator": simulator,
        "simulator_version": str(versions.get(tool, "")),
        "spec": task.public.spec.text(),
        "interface": task.public.interface.header(),
    }


def _verdict(r: ResultRow, prefix: str = "") -> dict[str, Any]:
    behaviour_hash = behaviour.digest(r.behaviour_hash) or ""
    return {
        f"{prefix}sample_idx": r.sample_idx,
        f"{prefix}passed": r.passed,
        f"{prefix}failure_class": r.failure_class,
        f"{prefix}failure_description": str(r.verdict.get("failure_description", "")),
        f"{prefix}code_hash": normalized_code_hash(r.final_code),
        f"{prefix}behaviour_hash": behaviour_hash,
        f"{prefix}dedup_by": "behaviour_hash" if behaviour_hash else "code_hash",
    }


def _identity(row: dict[str, Any], prefix: str = "") -> str:
    """A design's duplicate key: its behaviour hash, else its normalised text hash."""
    return f"{row[prefix + 'dedup_by']}:{row[prefix + row[prefix + 'dedup_by']]}"


# sft --------------------------------------------------------------------------------------------------------


def _sft(src: _RunSource, col: _Collector) -> None:
    for r in src.results:
        if not r.passed or not r.final_code.strip():
            continue
        task = col.task_for(src, r)
        if task is None:
            continue
        row = _provenance(src, r, task, "sft") | _verdict(r)
        row |= {"design": r.final_code, "stop_reason": r.stop_reason, "iterations": r.iterations}
        row["duplicates"] = 0
        col.add(row, task, ("sft", row["mode"], r.task_hash, _identity(row)))


# preference and repair --------------------------------------------------------------------------------------


def _pair_row(src: _RunSource, r: ResultRow, task: Task, pair: str) -> dict[str, Any]:
    return _provenance(src, r, task, "preference") | {"pair": pair}


def _preference(src: _RunSource, col: _Collector) -> None:
    by_task: dict[str, list[ResultRow]] = {}
    for r in src.results:
        if r.final_code.strip():
            by_task.setdefault(r.task_id, []).append(r)
    for samples in by_task.values():
        passing = [r for r in samples if r.passed]
        failing = [r for r in samples if not r.passed]
        if not passing or not failing:
            continue
        task = col.task_for(src, samples[0])
        if task is None:
            continue
        for good in passing:
            for bad in failing:
                row = _pair_row(src, good, task, "preference")
                row |= {"chosen": good.final_code, "rejected": bad.final_code, "feedback": ""}
                row |= _verdict(good, "chosen_") | _verdict(bad, "rejected_")
                row |= {"rejected_judged_by": "hidden", "duplicates": 0}
                key = (
                    "pair",
                    row["mode"],
                    good.task_hash,
                    _identity(row, "chosen_"),
                    _identity(row, "rejected_"),
                )
                col.add(row, task, key)
    _repairs(src, col)


def _repairs(src: _RunSource, col: _Collector) -> None:
    """Repair pairs from passing samples' traces: the design a REPAIR step was shown, the tools' feedback it
    was given, and the design that then passed the hidden checks (the last one the model wrote)."""
    for r in src.results:
        if not r.passed or not r.trace_path or not r.final_code.strip():
            continue
        path = Path(r.trace_path)
        if not path.is_file():
            col.warnings.append(f"{r.run_id}/{r.task_id}-s{r.sample_idx}: trace {path} is missing")
            continue
        task = col.task_for(src, r)
        if task is None:
            continue
        repair = episodes.last_repair(list(iter_trace(path)), episodes.repair_suffix(task))
        if repair is None:
            continue
        failing, feedback, check = repair
        if normalized_code_hash(failing) == normalized_code_hash(r.final_code):
            continue
        row = _pair_row(src, r, task, "repair")
        row |= {"chosen": r.final_code, "rejected": failing, "feedback": feedback}
        row |= _verdict(r, "chosen_") | {
            "rejected_sample_idx": r.sample_idx, "rejected_passed": False, "rejected_failure_class": check,
            "rejected_failure_description": f"failed the agent's {check} check",
            "rejected_code_hash": normalized_code_hash(failing), "rejected_behaviour_hash": "",
            "rejected_dedup_by": "code_hash", "rejected_judged_by": "public", "duplicates": 0,
        }  # fmt: skip
        key = (
            "repair",
            row["mode"],
            r.task_hash,
            row["rejected_code_hash"],
            _identity(row, "chosen_"),
            feedback,
        )
        col.add(row, task, key)


# traces -----------------------------------------------------------------------------------------------------


def _traces(src: _RunSource, col: _Collector) -> None:
    for r in src.results:
        if not r.trace_path:
            continue
        path = Path(r.trace_path)
        if not path.is_file():
            col.warnings.append(f"{r.run_id}/{r.task_id}-s{r.sample_idx}: trace {path} is missing")
            continue
        task = col.task_for(src, r)
        if task is None:
            continue
        records = list(iter_trace(path))
        row = _provenance(src, r, task, "trace") | _verdict(r)
        row |= {
            "final_code": r.final_code, "stop_reason": r.stop_reason, "iterations": r.iterations,
            "run_record_json": episodes.first_json(records, "run"),
            "result_record_json": episodes.first_json(records, "result"),
            "steps": [episodes.step(rec) for rec in records if rec.get("kind") == "step"],
        }  # fmt: skip
        col.add(row, task, None)


_BUILDERS: dict[str, Callable[[_RunSource, _Collector], None]] = {
    "sft": _sft,
    "preference": _preference,
    "traces": _traces,
}


# the export -------------------------------------------------------------------------------------------------


def export(request: ExportRequest) -> ExportOutcome:
    """Collect the rows of `request.kind` from the runs and write them, with a manifest, atomically."""
    if request.kind not in KINDS:
        raise UsageError(f"unknown export kind {request.kind!r}; choose one of {', '.join(KINDS)}")
    if not request.runs:
        raise UsageError("name at least one run to export (`rtlsmith runs` lists them)")
    if request.multi_grained and request.kind != "sft":
        raise UsageError(f"--multi-grained applies to sft exports, not to {request.kind}")
    fmt = export_files.file_format(request.out)
    with BenchStore(request.db, create=False) as store:
        runs: dict[str, RunRecord] = {}
        for given in request.runs:
            run = store.require_run(given)
            runs.setdefault(run.run_id, run)
        suites: dict[str, Suite] = {}
        sources = []
        hasher = behaviour.BehaviourHasher(store, jobs=request.jobs)

        def needed(r: ResultRow) -> bool:  # only the samples this export's rows use
            held = request.hold_out.reason(r.task_id, (r.task_hash,)) is not None
            return not held and behaviour.used_by(request.kind, r)

        for run in runs.values():
            if run.suite_spec not in suites:
                suites[run.suite_spec] = _load_suite(run)
            suite = suites[run.suite_spec]
            results = hasher.fill(run, suite, store.results(run.run_id), needed)
            sources.append(_RunSource(run, suite, results))
    col = _Collector(request.hold_out)
    col.warnings += hasher.stats.warnings
    for src in sources:
        if not src.suite_matches:
            col.warnings.append(
                f"run {src.run.run_id}: suite {src.run.suite_name!r} has changed since the run (hash "
                f"{src.run.suite_hash} then, {src.suite.content_hash()} now); tasks whose own hash changed "
                "are excluded"
            )
        _BUILDERS[request.kind](src, col)
    writer = multigrained.LevelWriter(request.model) if request.multi_grained else None
    if writer is not None:
        suite_of = {src.run.run_id: src.suite for src in sources}
        col.rows, withheld = multigrained.add_levels(
            col.rows, lambda row: suite_of[row["run_id"]].get(row["task_id"]), writer, col.guard.leak
        )
        col.withheld += withheld
        col.warnings += writer.stats.warnings
        kept = {(row["suite"], row["task_id"]) for row in col.rows}
        col.included = {key: task for key, task in col.included.items() if key in kept}
    manifest = _manifest(request, fmt, sources, col)
    if writer is not None:
        manifest["multi_grained"] = writer.stats.record()
    manifest["behaviour_hashes"] = hasher.stats.record()
    if not col.rows:
        raise UsageError(f"nothing to export: {_why_empty(request.kind, col)}; nothing was written")
    manifest_path = Path(str(request.out) + ".manifest.json")
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    export_files.write_atomic(
        [(request.out, lambda tmp: export_files.write_rows(tmp, col.rows, fmt)),
         (manifest_path, lambda tmp: export_files.write_text(tmp, text))]
    )  # fmt: skip
    return ExportOutcome(request.out, manifest_path, len(col.rows), manifest)


def _load_suite(run: RunRecord) -> Suite:
    try:
        return load_suite(run.suite_spec)
    except RtlsmithError as exc:
        raise UsageError(
            f"run {run.run_id}: its suite {run.suite_spec!r} does not load ({exc}); the export needs each "
            "task's public spec (and its hidden checks, to make sure no row quotes them)"
        ) from exc


def _why_empty(kind: str, col: _Collector) -> str:
    parts = {
        "sft": "no passing sample with a design",
        "preference": "no task with both a passing and a failing sample, and no repaired passing sample",
        "traces": "no sample with a stored trace (was the run made with --no-traces?)",
    }
    reasons = [parts[kind]]
    if col.excluded:
        reasons.append(f"{len(col.excluded)} task(s) excluded")
    if col.withheld:
        reasons.append(f"{len(col.withheld)} row(s) withheld for quoting hidden material")
    return ", ".join(reasons)


def _manifest(request: ExportRequest, fmt: str, sources: list[_RunSource], col: _Collector) -> dict[str, Any]:
    pairs: dict[str, int] = {}
    for row in col.rows:
        label = str(row.get("pair", row["kind"]))
        pairs[label] = pairs.get(label, 0) + 1
    return {
        "kind": request.kind,
        "file": str(request.out),
        "format": fmt,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "command_line": request.command_line,
        "rtlsmith_version": __version__,
        "rows": len(col.rows),
        "rows_by_kind": pairs,
        "duplicates_collapsed": col.duplicates,
        "duplicates_by": "behaviour_hash where one was taken, else code_hash (whitespace-normalised text)",
        "runs": [
            {
                "run_id": s.run.run_id,
                "suite": s.run.suite_name,
                "suite_spec": s.run.suite_spec,
                "suite_hash": s.run.suite_hash,
                "suite_hash_now": s.suite.content_hash(),
                "suite_hash_matches": s.suite_matches,
                "model_id": s.run.model_id,
                "agent": s.run.agent_name,
                "mode": s.run.mode,
                "samples": len(s.results),
            }
            for s in sources
        ],
        "tasks_included": sorted(col.included.values(), key=lambda t: (t["suite"], t["task_id"])),
        "tasks_excluded": sorted(col.excluded.values(), key=lambda t: (t["suite"], t["task_id"])),
        "hold_out": {
            "task_ids": sorted(request.hold_out.task_ids),
            "task_hashes": sorted(request.hold_out.task_hashes),
        },
        "rows_withheld": col.withheld,
        "warnings": col.warnings,
    }
