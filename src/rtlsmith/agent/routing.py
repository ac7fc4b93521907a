"""Model routing: a cascade of models, cheapest first, moving on after K failed repairs.

The agent asks the cascade for its current model before each call and reports each failed repair; after
`escalate_after` failed repairs on one model the cascade moves to the next (and stays on the last).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rtlsmith.errors import UsageError


@dataclass
class Cascade:
    """A list of models tried in order; `failed_repair()` counts towards moving to the next one."""

    models: Sequence[Any]
    escalate_after: int = 2
    index: int = 0
    failures: int = 0
    escalations: list[tuple[str, str]] = field(default_factory=list)  # (from model_id, to model_id)

    def __post_init__(self) -> None:
        if not self.models:
            raise UsageError("a cascade needs at least one model")
        if self.escalate_after < 1:
            raise UsageError("escalate_after must be at least 1")

    @classmethod
    def of(cls, model_or_models: Any, escalate_after: int = 2) -> Cascade:
        """A cascade from one model, a list of models, or an existing cascade (returned as is)."""
        if isinstance(model_or_models, Cascade):
            return model_or_models
        if isinstance(model_or_models, (list, tuple)):
            return cls(list(model_or_models), escalate_after)
        return cls([model_or_models], escalate_after)

    @classmethod
    def from_specs(
        cls, specs: Sequence[str | None], load: Callable[[str | None], Any], escalate_after: int = 2
    ) -> Cascade:
        """Load each model spec (cheap first) with `load`, e.g. `rtlsmith.llm.get_model`."""
        return cls([load(s) for s in specs], escalate_after)

    @property
    def current(self) -> Any:
        return self.models[self.index]

    @property
    def model_id(self) -> str:
        return str(self.current.model_id)

    @property
    def model_ids(self) -> list[str]:
        return [str(m.model_id) for m in self.models]

    def failed_repair(self) -> bool:
        """Count one failed repair; returns True when this moved the cascade to its next model."""
        self.failures += 1
        if self.failures >= self.escalate_after and self.index + 1 < len(self.models):
            before = self.model_id
            self.index += 1
            self.failures = 0
            self.escalations.append((before, self.model_id))
            return True
        return False
