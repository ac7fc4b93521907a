"""The replay model: answers from a samples file (``{"task_id", "completion"}`` JSONL, as HumanEval and
VerilogEval write them)."""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from rtlsmith.errors import ModelError, UsageError
from rtlsmith.llm.base import BaseModel, Completion, ModelSettings, Request


@dataclass(frozen=True, kw_only=True)
class ReplaySettings(ModelSettings):
    """Which samples file is replayed, identified by its content hash."""

    backend: str = "replay"
    path: str
    sha256: str
    samples: int
    max_concurrency: int = 64


def read_samples(path: Path) -> dict[str, list[str]]:
    """Completions per task id, in file order; ``.gz`` files are read transparently."""
    opener = gzip.open if path.suffix == ".gz" else open
    samples: dict[str, list[str]] = {}
    try:
        with opener(path, "rt", encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    raise UsageError(f"{path}:{lineno}: not JSON: {e}") from e
                if not isinstance(row, dict) or "task_id" not in row or "completion" not in row:
                    raise UsageError(f"{path}:{lineno}: a sample needs task_id and completion fields")
                samples.setdefault(str(row["task_id"]), []).append(str(row["completion"]))
    except OSError as e:
        raise UsageError(f"cannot read samples file {path}: {e}") from e
    return samples


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class ReplayModel(BaseModel):
    """Returns a task's samples in file order, round-robin; tokens are reported as 0."""

    def __init__(self, path: str | Path) -> None:
        p = Path(path).expanduser()
        if not p.is_file():
            raise UsageError(
                f"samples file {p} does not exist (replay:PATH.jsonl needs a JSONL samples file)"
            )
        self._samples = read_samples(p)
        settings = ReplaySettings(
            model_id=f"replay:{p.name}",
            path=str(p),
            sha256=_sha256(p),
            samples=sum(len(v) for v in self._samples.values()),
        )
        super().__init__(settings)
        self._cursor: dict[str, int] = {}
        self._lock = threading.Lock()

    @property
    def task_ids(self) -> list[str]:
        """Task ids that have samples, in file order."""
        return list(self._samples)

    def _generate(self, request: Request) -> list[Completion]:
        start = time.perf_counter()
        if request.task_id is None:
            raise ModelError(
                "the replay model answers from a samples file and needs generate(..., task_id=ID)"
            )
        answers = self._samples.get(request.task_id)
        if not answers:
            raise ModelError(
                f"the samples file {self.settings.record()['path']} has no completion for task "
                f"{request.task_id!r} ({len(self._samples)} tasks in it)"
            )
        with self._lock:
            first = self._cursor.get(request.task_id, 0)
            self._cursor[request.task_id] = first + request.n
        texts = [answers[(first + i) % len(answers)] for i in range(request.n)]
        latency = time.perf_counter() - start
        return [Completion(t, "stop", 0, 0, latency) for t in texts]
