"""A suite: an ordered, hashable collection of tasks."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from rtlsmith.errors import SuiteError
from rtlsmith.task import Task


@dataclass(frozen=True)
class Suite:
    name: str
    source: str  # where it was loaded from (a path, or "bundled")
    tasks: tuple[Task, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for t in self.tasks:
            if t.id in seen:
                raise SuiteError(f"suite {self.name!r} has two tasks with id {t.id!r}")
            seen.add(t.id)

    def __iter__(self) -> Iterator[Task]:
        return iter(self.tasks)

    def __len__(self) -> int:
        return len(self.tasks)

    def ids(self) -> list[str]:
        return [t.id for t in self.tasks]

    def get(self, task_id: str) -> Task:
        for t in self.tasks:
            if t.id == task_id:
                return t
        close = [i for i in self.ids() if task_id.lower() in i.lower()][:5]
        hint = (
            f"; did you mean {', '.join(close)}?"
            if close
            else f"; `rtlsmith tasks --suite {self.name}` lists them"
        )
        raise SuiteError(f"task {task_id!r} is not in suite {self.name!r}{hint}")

    def __contains__(self, task_id: object) -> bool:
        return any(t.id == task_id for t in self.tasks)

    def content_hash(self) -> str:
        h = hashlib.sha256()
        for t in self.tasks:
            h.update(f"{t.id}={t.content_hash()}\n".encode())
        return h.hexdigest()[:16]
