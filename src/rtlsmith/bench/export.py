"""Training data from stored bench runs: SFT pairs, preference and repair pairs, whole agent episodes.

Each kind is written as JSON lines (or Parquet) that `datasets.load_dataset("json", data_files=FILE)` loads
as is: every row of a file has the same keys with the same types. Every row carries its provenance (suite and
task hashes, model, agent, mode, simulator, verdict, code hash). The text of a row comes from the public side
of a task and from what the agent itself wrote or was shown; the hidden checks are read only by the leak check
(`LeakGuard`), which withholds any row that quotes them. A manifest next to the file lists the runs and the
tasks included and excluded (held out, changed since the run), so a model trained on an export is never
benched on what it saw.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rtlsmith import __version__
from rtlsmith.agent import prompts
from rtlsmith.agent.trace import iter_trace
from rtlsmith.bench.store import BenchStore, ResultRow, RunRecord
from rtlsmith.errors import RtlsmithError, UsageError
from rtlsmith.simulators.registry import executable_of
from rtlsmith.suites import load_suite
from rtlsmith.suites.base import Suite
from rtlsmith.task import Purpose, Task

ExportKind = Literal["sft", "preference", "traces"]
KINDS: tuple[ExportKind, ...] = ("sft", "preference", "traces")
LEAK_MIN_LINE = 40  # a hidden line this long (whitespace collapsed) found in a row withholds the row
LEAK_MARKER = "RefModule"  # VerilogEval's name for the reference module: never part of a candidate's world
_FEEDBACK_MARK = "What the tools report:\n"
_WS = re.compile(r"\s+")


def normalized_code_hash(code: str) -> str:
    """The code's hash with whitespace runs collapsed, so reindented copies of one design collapse to one row.

    Only the text is compared: two designs that behave alike but read differently stay two rows (a behaviour
    hash is not stored per sample)."""
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


@dataclass
class ExportOutcome:
    """What an export wrote: the file, its manifest, and the counts a user checks."""

    path: Path
    manifest_path: Path
    rows: int
    manifest: dict[str, Any] = field(default_factory=dict)


class LeakGuard:
    """Withholds rows that quote a task's hidden testbench or reference, or name `RefModule`.

    The hidden checks are unsealed here for one purpose only: to know what must not appear in a row."""

    def __init__(self) -> None:
        self._lines: dict[int, list[str]] = {}

    def _hidden_lines(self, task: Task) -> list[str]:
        key = id(task)
        if key not in self._lines:
            hidden = task.hidden.unseal(Purpose.SCORING)
            texts = [hidden.testbench, hidden.reference or ""]
            lines = {_WS.sub(" ", ln).strip() for text in texts for ln in text.splitlines()}
            self._lines[key] = sorted(ln for ln in lines if len(ln) >= LEAK_MIN_LINE)
        return self._lines[key]

    def leak(self, row: dict[str, Any], task: Task) -> str | None:
        """Why the row must not be exported, or None when it quotes nothing hidden."""
        text = "\n".join(_strings(row))
        if LEAK_MARKER in text:
            return f"contains {LEAK_MARKER}"
        flat = _WS.sub(" ", text)
        for line in self._hidden_lines(task):
            if line in flat:
                return "quotes a line of the task's hidden testbench or reference"
        return None


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


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
    return {
        f"{prefix}sample_idx": r.sample_idx,
        f"{prefix}passed": r.passed,
        f"{prefix}failure_class": r.failure_class,
        f"{prefix}failure_description": str(r.verdict.get("failure_description", "")),
        f"{prefix}code_hash": normalized_code_hash(r.final_code),
    }


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
        col.add(row, task, ("sft", row["mode"], r.task_hash, row["code_hash"]))


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
                    row["chosen_code_hash"],
                    row["rejected_code_hash"],
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
        repair = _last_repair(list(iter_trace(path)), _repair_suffix(task))
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
            "rejected_code_hash": normalized_code_hash(failing), "rejected_judged_by": "public",
            "duplicates": 0,
        }  # fmt: skip
        key = (
            "repair",
            row["mode"],
            r.task_hash,
            row["rejected_code_hash"],
            row["chosen_code_hash"],
            feedback,
        )
        col.add(row, task, key)


def _repair_suffix(task: Task) -> str:
    """What `prompts.repair` puts after the feedback for this task (the answer instructions)."""
    text = prompts.repair(task.public, "", "\x00", 1)[-1].content
    return text[text.index("\x00") + 1 :]


def _last_repair(records: list[dict[str, Any]], suffix: str) -> tuple[str, str, str] | None:
    """(failing design, feedback, failed check) of the episode's last REPAIR that wrote a design, when no
    model step wrote one after it (so the sample's final design is that repair's, mechanical fixes aside)."""
    current = ""
    failed_check = ""
    found: tuple[str, str, str] | None = None
    for rec in records:
        if rec.get("kind") != "step":
            continue
        state, code = rec.get("state"), rec.get("code")
        for v in rec.get("verdicts") or []:
            if isinstance(v, dict) and v.get("ok") is False:
                failed_check = str(v.get("check", ""))
        if state == "REPAIR" and rec.get("event") == "repaired" and code:
            feedback = _feedback(rec.get("messages") or [], suffix)
            found = (current, feedback, failed_check or "public") if current and feedback else None
        elif state in ("DRAFT", "REPAIR") and code:
            found = None  # a later model design replaced the repaired one
        if code:
            current = str(code)
    return found


def _feedback(messages: list[dict[str, Any]], suffix: str) -> str:
    """The tools' report quoted in a repair prompt (`prompts.repair`), without the answer instructions."""
    text = str(messages[-1].get("content", "")) if messages else ""
    at = text.rfind(_FEEDBACK_MARK)
    if at < 0:
        return ""  # a fresh-draft prompt, which quotes no design
    tail = text[at + len(_FEEDBACK_MARK) :]
    return (tail[: -len(suffix)] if suffix and tail.endswith(suffix) else tail).strip()


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
            "run_record_json": _first_json(records, "run"),
            "result_record_json": _first_json(records, "result"),
            "steps": [_step(rec) for rec in records if rec.get("kind") == "step"],
        }  # fmt: skip
        col.add(row, task, None)


def _first_json(records: list[dict[str, Any]], kind: str) -> str:
    found = next((rec for rec in records if rec.get("kind") == kind), {})
    return json.dumps(found, sort_keys=True, ensure_ascii=False)


def _step(rec: dict[str, Any]) -> dict[str, Any]:
    """A trace step with fixed keys and types (tool records, whose shape varies, as JSON text)."""
    msgs = rec.get("messages") or []
    return {
        "seq": int(rec.get("seq") or 0),
        "state": str(rec.get("state") or ""),
        "event": str(rec.get("event") or ""),
        "next": str(rec.get("next") or ""),
        "model": str(rec.get("model") or ""),
        "messages": [{"role": str(m.get("role", "")), "content": str(m.get("content", ""))} for m in msgs],
        "response": str(rec.get("response") or ""),
        "code": str(rec.get("code") or ""),
        "note": str(rec.get("note") or ""),
        "prompt_tokens": int(rec.get("prompt_tokens") or 0),
        "completion_tokens": int(rec.get("completion_tokens") or 0),
        "wall_s": float(rec.get("wall_s") or 0.0),
        "tools_json": json.dumps(rec.get("tools") or [], ensure_ascii=False),
        "verdicts_json": json.dumps(rec.get("verdicts") or [], ensure_ascii=False),
        "fixes_json": json.dumps(rec.get("fixes") or [], ensure_ascii=False),
    }


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
    fmt = _format(request.out)
    with BenchStore(request.db, create=False) as store:
        runs: dict[str, RunRecord] = {}
        for given in request.runs:
            run = store.require_run(given)
            runs.setdefault(run.run_id, run)
        suites: dict[str, Suite] = {}
        sources = []
        for run in runs.values():
            if run.suite_spec not in suites:
                suites[run.suite_spec] = _load_suite(run)
            sources.append(_RunSource(run, suites[run.suite_spec], store.results(run.run_id)))
    col = _Collector(request.hold_out)
    for src in sources:
        if not src.suite_matches:
            col.warnings.append(
                f"run {src.run.run_id}: suite {src.run.suite_name!r} has changed since the run (hash "
                f"{src.run.suite_hash} then, {src.suite.content_hash()} now); tasks whose own hash changed "
                "are excluded"
            )
        _BUILDERS[request.kind](src, col)
    manifest = _manifest(request, fmt, sources, col)
    if not col.rows:
        raise UsageError(f"nothing to export: {_why_empty(request.kind, col)}; nothing was written")
    manifest_path = Path(str(request.out) + ".manifest.json")
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    _write_atomic(
        [(request.out, lambda tmp: _write_rows(tmp, col.rows, fmt)),
         (manifest_path, lambda tmp: _write_text(tmp, text))]
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


def _format(out: Path) -> str:
    if out.suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            raise UsageError(
                "writing Parquet needs pyarrow: pip install 'rtlsmith[export]' (or name a .jsonl file)"
            ) from exc
        return "parquet"
    return "jsonl"


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


def _write_rows(path: Path, rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)
        return
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _write_atomic(files: list[tuple[Path, Callable[[Path], None]]]) -> None:
    """Write each file through a temporary file in its directory; rename them into place only when all are
    complete, so an error leaves no half-written file (and no manifest without its data)."""
    temps: list[tuple[Path, Path]] = []
    try:
        for path, write in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            os.close(fd)
            temps.append((Path(name), path))
            write(Path(name))
        for tmp, path in temps:
            os.replace(tmp, path)
    finally:
        for tmp, _path in temps:
            tmp.unlink(missing_ok=True)
