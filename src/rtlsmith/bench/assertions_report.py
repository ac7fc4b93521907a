"""`bench --assertions` results summed up and rendered: per task the properties written, how many are
proven on the reference, the kill rate on mutants, vacuous and unsupported counts; over the run the share
proven and the mean kill rate. Sets that catch no mutant are listed as saying nothing. (The terminal
table is drawn in `rtlsmith.cli.tables`, the HTML one in `report.py`.)"""

from __future__ import annotations

import html
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rtlsmith.bench.store import ResultRow

COLUMNS = (
    "task",
    "n",
    "asserts",
    "proven",
    "cex",
    "unknown",
    "unsupported",
    "vacuous",
    "kill rate",
    "mutants",
)


@dataclass(frozen=True)
class TaskAssertions:
    """One task's property sets (one per sample), summed over its samples; the kill rate is their mean."""

    task_id: str
    samples: int
    asserts: int
    proven: int
    counterexample: int
    unknown: int
    unsupported: int
    vacuous: int
    kill_rate: float | None
    mutants: int
    says_nothing: bool
    yosys: str


@dataclass(frozen=True)
class AssertionSummary:
    tasks_rows: tuple[TaskAssertions, ...]

    @property
    def tasks(self) -> int:
        return len(self.tasks_rows)

    @property
    def asserts(self) -> int:
        return sum(t.asserts for t in self.tasks_rows)

    @property
    def proven_share(self) -> float | None:
        """Share of all written asserts proven on the reference."""
        return sum(t.proven for t in self.tasks_rows) / self.asserts if self.asserts else None

    @property
    def mean_kill_rate(self) -> float | None:
        rates = [t.kill_rate for t in self.tasks_rows if t.kill_rate is not None]
        return statistics.fmean(rates) if rates else None

    @property
    def says_nothing(self) -> list[str]:
        return [t.task_id for t in self.tasks_rows if t.says_nothing]

    @property
    def yosys(self) -> str:
        return ", ".join(sorted({t.yosys for t in self.tasks_rows if t.yosys}))

    def json(self) -> dict[str, Any]:
        return {
            "tasks": [t.__dict__ for t in self.tasks_rows],
            "asserts": self.asserts,
            "proven_share": self.proven_share,
            "mean_kill_rate": self.mean_kill_rate,
            "says_nothing": self.says_nothing,
            "yosys": self.yosys,
        }


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def assertion_summary(results: Sequence[ResultRow]) -> AssertionSummary | None:
    """The run's property sets by task; None when no sample has one (the run was not made with
    --assertions, or was stored before it existed)."""
    by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        if r.assertions:
            by_task[r.task_id].append(r.assertions)
    if not by_task:
        return None
    rows = []
    for tid in sorted(by_task):
        recs = by_task[tid]
        rates = [x["kill_rate"] for x in recs if x.get("kill_rate") is not None]

        def total(key: str, recs: list[dict[str, Any]] = recs) -> int:
            return sum(int(x.get(key) or 0) for x in recs)

        rows.append(
            TaskAssertions(
                tid,
                len(recs),
                total("asserts"),
                total("proven"),
                total("counterexample"),
                total("unknown"),
                total("unsupported"),
                total("vacuous"),
                statistics.fmean(rates) if rates else None,
                max(int(x.get("mutants") or 0) for x in recs),
                all(x.get("says_nothing") for x in recs),
                str(recs[0].get("yosys", "")),
            )
        )
    return AssertionSummary(tuple(rows))


def assertion_rows(s: AssertionSummary) -> list[tuple[str, ...]]:
    return [
        (
            t.task_id,
            str(t.samples),
            str(t.asserts),
            str(t.proven),
            str(t.counterexample),
            str(t.unknown),
            str(t.unsupported),
            str(t.vacuous),
            _pct(t.kill_rate),
            str(t.mutants),
        )
        for t in s.tasks_rows
    ]


def task_cell(s: AssertionSummary | None, task_id: str) -> str:
    """The report's task-table cell: asserts proven on the reference and the kill rate ("" without sets)."""
    for t in s.tasks_rows if s is not None else ():
        if t.task_id == task_id:
            nothing = ", says nothing" if t.says_nothing else ""
            return f"{t.proven}/{t.asserts} proven, kill {_pct(t.kill_rate)}{nothing}"
    return ""


def headline(s: AssertionSummary) -> str:
    return (
        f"{s.tasks} tasks with properties, {s.asserts} asserts, {_pct(s.proven_share)} proven on the "
        f"reference, mean kill rate {_pct(s.mean_kill_rate)}; checked with {s.yosys or 'yosys'}"
    )


def table_title(s: AssertionSummary) -> str:
    return f"properties from the spec ({headline(s)})"


def table_caption(s: AssertionSummary) -> str:
    return f"says nothing (no mutant caught): {', '.join(s.says_nothing)}" if s.says_nothing else ""


def assertions_html(s: AssertionSummary) -> str:
    e = html.escape
    heads = "".join(f"<th>{e(c)}</th>" for c in COLUMNS)
    body = "".join(
        "<tr>"
        + "".join(f"<td{'' if i == 0 else ' class=num'}>{e(v)}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in assertion_rows(s)
    )
    nothing = (
        f"<p>Sets that say nothing (no mutant caught): {e(', '.join(s.says_nothing))}</p>"
        if s.says_nothing
        else ""
    )
    return (
        "<h2>Assertions</h2><p>Per sample the model wrote properties from the public spec and interface; "
        "each was checked on the task's reference (proven, counterexample, unknown within the bound, "
        "unsupported) and graded on mutants of it (kill rate: mutants with a counterexample to a property "
        f"that holds on the reference). {e(headline(s))}.</p>"
        f"<table><tr>{heads}</tr>{body}</table>{nothing}"
    )
