"""Multi-grained specs for SFT rows (`rtlsmith export sft --multi-grained`), at MG-Verilog's three levels.

A row gets a high-level description (`spec_high_level`), a detailed description (`spec_detailed`) and block
summaries (`spec_blocks`). Each level comes from the task's suite where the suite has it (a task's
`summary`, its description, its `block` text); a level the suite lacks is written by a model from the
verified design. The model sees only the public spec, the public interface and the verified design, never
the hidden testbench or reference; every row is checked for hidden material again once the levels are in.
`spec_sources` says where each level came from and `spec_source` sums it up: `suite`,
`generated:<model id>` or `suite+generated:<model id>`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rtlsmith.errors import ModelError, UsageError
from rtlsmith.llm.base import Message, Model, system, user
from rtlsmith.task import Task

LEVELS = ("high_level", "detailed", "blocks")
_HEADINGS = {"high_level": "HIGH-LEVEL", "detailed": "DETAILED", "blocks": "BLOCKS"}
_SECTION = re.compile(r"^\s*#*\s*\**(HIGH-LEVEL|DETAILED|BLOCKS)\**\s*:?\s*\**\s*$", re.M | re.I)
MAX_TOKENS = 1024

_SYSTEM = (
    "You document verified Verilog designs for a training set. Describe what the given design does, "
    "at three levels of detail, in plain English. Do not copy code; do not invent behaviour."
)


def prompt(task: Task, design: str) -> list[Message]:
    """The messages asking for the three levels: the public spec and interface and the verified design."""
    public = task.public
    text = (
        f"Specification:\n{public.spec.text()}\n\n"
        f"Interface:\n{public.interface.header()}\n\n"
        f"Verified design:\n```verilog\n{design.strip()}\n```\n\n"
        "Write three sections, each under its heading on a line of its own:\n"
        "HIGH-LEVEL\none or two sentences: what the module is for.\n"
        "DETAILED\na paragraph: its inputs, outputs, state and behaviour, cycle by cycle where clocked.\n"
        "BLOCKS\none line per always block or group of assignments: `- <block>: <what it does>`.\n"
    )
    return [system(_SYSTEM), user(text)]


def parse(text: str) -> dict[str, str]:
    """The sections of an answer, by level; a level the answer lacks (or leaves empty) is absent."""
    found: dict[str, str] = {}
    marks = list(_SECTION.finditer(text))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        body = text[m.end() : end].strip()
        level = next(k for k, v in _HEADINGS.items() if v == m.group(1).upper())
        if body and level not in found:
            found[level] = body
    return found


def suite_levels(task: Task) -> dict[str, str]:
    """The levels the task's suite itself has."""
    spec = task.public.spec
    have = {"high_level": spec.summary, "detailed": spec.detailed, "blocks": spec.block}
    return {level: text.strip() for level, text in have.items() if text.strip()}


@dataclass
class LevelStats:
    model_id: str = ""
    from_suite: int = 0  # rows whose levels all came from the suite
    generated: int = 0  # rows with at least one model-written level
    failed: int = 0  # rows the model gave no usable answer for (their missing levels are empty)
    warnings: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id, "from_suite": self.from_suite, "generated": self.generated,
            "failed": self.failed,
        }  # fmt: skip


class LevelWriter:
    """Fills a row's three levels: the suite's where it has them, a model's for the rest."""

    def __init__(self, model: Model | None) -> None:
        self.model = model
        self.stats = LevelStats(model_id=model.model_id if model is not None else "")

    def _generate(self, task: Task, design: str) -> tuple[dict[str, str], str]:
        """The model's levels, or ({}, why) when it gave none."""
        if self.model is None:
            raise UsageError(
                f"task {task.id} has no block-level or high-level spec in its suite; pass --model to have "
                "one written from the verified design"
            )
        try:
            (answer,) = self.model.generate(prompt(task, design), temperature=0.0, max_tokens=MAX_TOKENS)
        except ModelError as exc:
            return {}, f"the model failed: {exc}"
        levels = parse(answer.text)
        return (
            (levels, "") if levels else ({}, "the answer had none of the HIGH-LEVEL/DETAILED/BLOCKS sections")
        )

    def fill(self, row: dict[str, Any], task: Task, design: str) -> None:
        """Add the three `spec_*` levels, `spec_sources` and `spec_source` to `row`."""
        levels = suite_levels(task)
        sources = dict.fromkeys(levels, "suite")
        missing = [level for level in LEVELS if level not in levels]
        if missing:
            written, why = self._generate(task, design)
            generated = f"generated:{self.stats.model_id}"
            for level in missing:
                if level in written:
                    levels[level], sources[level] = written[level], generated
            if why or any(level not in written for level in missing):
                self.stats.failed += 1
                self.stats.warnings.append(
                    f"{row['run_id']}/{row['task_id']}-s{row['sample_idx']}: "
                    f"{why or 'the answer lacked ' + ', '.join(lv for lv in missing if lv not in written)}"
                )
        for level in LEVELS:
            row[f"spec_{level}"] = levels.get(level, "")
        row["spec_sources"] = {level: sources.get(level, "none") for level in LEVELS}
        kinds = sorted({s for s in sources.values()}, key=lambda s: s != "suite")
        row["spec_source"] = "+".join(kinds) if kinds else "none"
        if kinds == ["suite"]:
            self.stats.from_suite += 1
        elif any(k.startswith("generated:") for k in kinds):
            self.stats.generated += 1


def add_levels(
    rows: list[dict[str, Any]],
    task_of: Callable[[dict[str, Any]], Task],
    writer: LevelWriter,
    leak: Callable[[dict[str, Any], Task], str | None],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(kept rows, withheld records): each SFT row with its levels, checked for hidden material again."""
    kept: list[dict[str, Any]] = []
    withheld: list[dict[str, Any]] = []
    for row in rows:
        task = task_of(row)
        writer.fill(row, task, str(row["design"]))
        reason = leak(row, task)
        if reason is None:
            kept.append(row)
        else:
            withheld.append(
                {"run_id": row["run_id"], "task_id": row["task_id"], "sample_idx": row["sample_idx"],
                 "kind": row["kind"], "reason": f"{reason} (in its multi-grained spec)"}
            )  # fmt: skip
    return kept, withheld
