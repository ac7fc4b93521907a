"""Routed results summed up and rendered: which tier answered each task and why, how often each tier was
called and what its public checks said, the pass rate of each tier's kept answers, the cost against the
strong tier run alone, and a bandit's choices in the order the tasks finished. (The terminal table is drawn
in `report.py`, which owns rich.)

A stored route (`results.route_json`) is read generically, so any agent that stores one is counted: `router`,
`tier` (the tier whose answer was kept), `reason`, and, where the router called several tiers, `calls`
(each with `tier`, `why`, `passed_public`, `model_id`). A route stored as a bare string names the tier.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import Any

from rtlsmith.bench.store import BenchStore, ResultRow, RunRecord
from rtlsmith.bench.svg import PASS, Bar, hbar_chart, lanes_chart
from rtlsmith.routing.bandits import BANDIT_KINDS

FAILED = "#d1d5db"  # a failed answer in the per-task chart: grey, so the passes stand out
TIER_COLUMNS = ("tier", "called", "public p/f/none", "kept", "passed", "kept pass rate")


@dataclass(frozen=True)
class Route:
    """One result's route, whatever router stored it."""

    router: str
    tier: str
    kept_because: str  # why the answer was kept: "public checks passed", "last tier, kept as is", ...
    called_because: str  # why its tier was called, numbers and parenthesised details left out
    calls: tuple[tuple[str, bool | None, str], ...]  # (tier, public verdict, model id), in call order


_CALLED = " (called because: "


def _group(text: str) -> str:
    """A reason without the figures that make every one unique ("ucb1 after N finished tasks")."""
    previous = None
    while previous != text:  # innermost parentheses first: "(mean/n: a 0.50/2, b 0.00/1)"
        previous, text = text, re.sub(r"\s*\([^()]*\)", "", text)
    return re.sub(r"(?<![\w.:/-])\d+(?:\.\d+)?(?![\w.])", "N", text).strip()


def read_route(route: object) -> Route | None:
    """A stored route as a `Route`; None when there is none (an unrouted result)."""
    if isinstance(route, str) and route:
        return Route("", route, "", "", ((route, None, ""),))
    if not isinstance(route, dict) or not route.get("tier"):
        return None
    tier = str(route["tier"])
    reason = str(route.get("reason") or "")
    kept, sep, called = reason.partition(_CALLED)
    listed = route.get("calls")
    raw_calls: list[Any] = listed if isinstance(listed, list) else []
    calls = tuple(
        (str(c.get("tier", "")), c.get("passed_public"), str(c.get("model_id") or ""))
        for c in raw_calls
        if isinstance(c, dict)
    ) or ((tier, None, ""),)
    if not sep and raw_calls and isinstance(raw_calls[-1], dict):
        called = str(raw_calls[-1].get("why") or "")
    return Route(str(route.get("router") or ""), tier, kept.strip(), _group(called.removesuffix(")")), calls)


@dataclass(frozen=True)
class TierRoutes:
    tier: str
    called: int  # samples that called this tier
    public_passed: int  # of those, how often its public checks passed, failed, or said nothing
    public_failed: int
    kept: int  # samples whose kept answer is this tier's
    passed: int  # of those, passed the hidden checks

    @property
    def public_none(self) -> int:
        return self.called - self.public_passed - self.public_failed


@dataclass(frozen=True)
class ReasonRow:
    tier: str
    kept_because: str
    called_because: str
    samples: int
    passed: int


@dataclass(frozen=True)
class Round:
    """One routed sample, in the order the results were stored (the order a bandit learnt in)."""

    task_id: str
    sample_idx: int
    tier: str
    passed: bool


@dataclass(frozen=True)
class StrongAlone:
    """The routed run against the strong tier run on its own, on the tasks both have (per-task means)."""

    run_id: str
    tier: str
    tasks: int
    routed_rate: float
    strong_rate: float
    routed_tokens: float
    strong_tokens: float
    routed_seconds: float
    strong_seconds: float


@dataclass(frozen=True)
class RouteSummary:
    routers: dict[str, int]  # router name ("" where the route names none) -> samples
    samples: int  # samples with a route
    unrouted: int  # samples of the run without one
    tiers: tuple[TierRoutes, ...]  # cheapest first where the calls tell (a cascade calls in that order)
    reasons: tuple[ReasonRow, ...]
    rounds: tuple[Round, ...]
    tokens: int  # over the routed samples, every tier called
    seconds: float
    strong_tier: str = ""  # a bench --router run's strongest tier (its last); "" for other routes
    strong: StrongAlone | None = None

    @property
    def bandit(self) -> bool:
        return any(name in BANDIT_KINDS for name in self.routers)

    @property
    def router_text(self) -> str:
        return ", ".join(name or "unnamed" for name in self.routers)

    def ordered(self, tiers: Sequence[str]) -> RouteSummary:
        """The tiers put in the order given (the router's, cheapest first); others keep theirs, after."""
        rank = {t: i for i, t in enumerate(tiers)}
        ordered = sorted(self.tiers, key=lambda t: rank.get(t.tier, len(rank)))
        reasons = sorted(
            self.reasons, key=lambda r: rank.get(r.tier, len(rank))
        )  # stable: keeps counts' order
        return replace(self, tiers=tuple(ordered), reasons=tuple(reasons))


def route_summary(rows: Iterable[ResultRow]) -> RouteSummary | None:
    """The routes of a run's results; None when no result has one."""
    all_rows = list(rows)
    routed = [(r, route) for r in all_rows if (route := read_route(r.route)) is not None]
    if not routed:
        return None
    position: dict[str, int] = {}  # a tier's earliest place in any call sequence, for the order
    called: Counter[str] = Counter()
    public: dict[str, Counter[bool | None]] = defaultdict(Counter)
    kept: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    reasons: Counter[tuple[str, str, str]] = Counter()
    reasons_passed: Counter[tuple[str, str, str]] = Counter()
    for r, route in routed:
        for i, (tier, verdict, _) in enumerate(route.calls):
            position[tier] = min(position.get(tier, i), i)
            called[tier] += 1
            public[tier][verdict] += 1
        position.setdefault(route.tier, len(route.calls) - 1)
        kept[route.tier] += 1
        passed[route.tier] += int(r.passed)
        key = (route.tier, route.kept_because, route.called_because)
        reasons[key] += 1
        reasons_passed[key] += int(r.passed)
    first_seen = list(dict.fromkeys(t for _, route in routed for t, _, _ in route.calls))
    order = sorted(position, key=lambda t: (position[t], first_seen.index(t) if t in first_seen else 0))
    tiers = tuple(
        TierRoutes(t, called[t], public[t][True], public[t][False], kept[t], passed[t]) for t in order
    )
    reason_rows = tuple(
        ReasonRow(*key, n, reasons_passed[key])
        for key, n in sorted(reasons.items(), key=lambda kv: (order.index(kv[0][0]), -kv[1], kv[0]))
    )
    stored = sorted(routed, key=lambda rr: (rr[0].created, rr[0].task_id, rr[0].sample_idx))
    return RouteSummary(
        routers=dict(Counter(route.router for _, route in routed).most_common()),
        samples=len(routed),
        unrouted=len(all_rows) - len(routed),
        tiers=tiers,
        reasons=reason_rows,
        rounds=tuple(Round(r.task_id, r.sample_idx, route.tier, r.passed) for r, route in stored),
        tokens=sum(r.tokens for r, _ in routed),
        seconds=sum(r.wall_s for r, _ in routed),
    )


def router_tiers(run: RunRecord) -> list[str]:
    """The tiers of a `bench --router` run, cheapest first, from its settings ([] for other runs)."""
    router = run.model_settings.get("router") if isinstance(run.model_settings, dict) else None
    tiers = router.get("tiers") if isinstance(router, dict) else None
    return [str(t) for t in tiers] if isinstance(tiers, list) else []


_PerTask = dict[str, tuple[float, float, float]]


def _per_task(rows: Iterable[ResultRow]) -> _PerTask:
    """Per task: the mean pass rate, tokens and seconds over its samples."""
    by_task: dict[str, list[ResultRow]] = defaultdict(list)
    for r in rows:
        by_task[r.task_id].append(r)
    return {
        t: (
            sum(r.passed for r in rs) / len(rs),
            sum(r.tokens for r in rs) / len(rs),
            sum(r.wall_s for r in rs) / len(rs),
        )
        for t, rs in by_task.items()
    }


def _means(
    mine: _PerTask, theirs: _PerTask, tasks: list[str]
) -> tuple[float, float, float, float, float, float]:
    """(routed, strong) pass rate, tokens and seconds per task, over `tasks`."""
    n = len(tasks)
    a = [sum(mine[t][i] for t in tasks) / n for i in range(3)]
    b = [sum(theirs[t][i] for t in tasks) / n for i in range(3)]
    return a[0], b[0], a[1], b[1], a[2], b[2]


def strong_alone(
    run: RunRecord, summary: RouteSummary, rows: Sequence[ResultRow], stores: Sequence[BenchStore]
) -> StrongAlone | None:
    """Find the strong tier run alone (same suite, the tier's agent and model, not routed) in `stores` and
    compare on the tasks both have; the run with most tasks in common wins, then the latest. None when
    there is no such run."""
    if not summary.strong_tier:
        return None
    strong = summary.strong_tier
    agent = strong.split(":", 1)[0]
    models = {
        model for r in rows if (route := read_route(r.route)) for tier, _, model in route.calls
        if tier == strong and model
    }  # fmt: skip
    tiers = run.model_settings.get("tiers") if isinstance(run.model_settings, dict) else None
    settings = tiers.get(strong) if isinstance(tiers, dict) else None
    if isinstance(settings, dict) and settings.get("model_id"):  # a tier the router never called
        models.add(str(settings["model_id"]))
    mine = _per_task(rows)
    best: tuple[int, str, StrongAlone] | None = None
    for store in stores:
        for other in store.runs():
            if (
                other.run_id == run.run_id or other.suite_hash != run.suite_hash
                or other.agent_name != agent or (models and other.model_id not in models)
            ):  # fmt: skip
                continue
            theirs = _per_task(store.results(other.run_id, designs=False))
            common = sorted(set(mine) & set(theirs))
            if not common:
                continue
            found = StrongAlone(other.run_id, strong, len(common), *_means(mine, theirs, common))
            if best is None or (len(common), other.created) > best[:2]:
                best = (len(common), other.created, found)
    return best[2] if best else None


# rendering --------------------------------------------------------------------------------------------------


def _rate(passed: int, n: int) -> str:
    return f"{100 * passed / n:.1f}%" if n else "n/a"


def tier_rows(s: RouteSummary) -> list[tuple[str, ...]]:
    """Per tier: samples that called it, its public verdicts, samples it answered, and their hidden passes."""
    return [
        (t.tier, str(t.called), f"{t.public_passed}/{t.public_failed}/{t.public_none}", str(t.kept),
         str(t.passed), _rate(t.passed, t.kept))
        for t in s.tiers
    ]  # fmt: skip


def _ratio(a: float, b: float) -> str:
    return f"{100 * a / b:.0f}%" if b else "n/a"


def strong_line(s: RouteSummary) -> str:
    """The routed run against the strong tier alone, in one line; "" when no such run was found."""
    st = s.strong
    if st is None:
        return ""
    return (
        f"against {st.tier} alone (run {st.run_id}) on the {st.tasks} tasks both have: pass rate "
        f"{100 * st.routed_rate:.1f}% vs {100 * st.strong_rate:.1f}%, tokens per task "
        f"{st.routed_tokens:,.0f} vs {st.strong_tokens:,.0f} ({_ratio(st.routed_tokens, st.strong_tokens)}), "
        f"seconds per task {st.routed_seconds:.1f} vs {st.strong_seconds:.1f} "
        f"({_ratio(st.routed_seconds, st.strong_seconds)})"
    )


def summary_line(s: RouteSummary) -> str:
    tiers = ", ".join(t.tier for t in s.tiers)
    unrouted = f" ({s.unrouted} samples without a route)" if s.unrouted else ""
    return (
        f"{s.samples} samples routed by {s.router_text} among {len(s.tiers)} tiers ({tiers}){unrouted}; "
        f"{s.tokens:,} tokens and {s.seconds:.1f} s over every tier called"
    )


def _cells(row: Sequence[str], text: int = 1) -> str:
    """Table cells: the first `text` are words, the rest figures (right-aligned)."""
    return "".join(f"<td{'' if i < text else ' class=num'}>{escape(v)}</td>" for i, v in enumerate(row))


def routes_html(s: RouteSummary) -> str:
    """The report's routing section: answers per tier (chart and table), why, cost against the strong tier
    alone, and for a bandit its choice per task in the order the tasks finished."""
    bars = [
        Bar(t.tier, t.kept, f"{t.kept} ({_rate(t.passed, t.kept)} pass)" if t.kept else "0", PASS)
        for t in s.tiers
    ]
    heads = "".join(f"<th>{escape(c)}</th>" for c in TIER_COLUMNS)
    tiers = "".join(f"<tr>{_cells(row)}</tr>" for row in tier_rows(s))
    reasons = "".join(
        "<tr>" + _cells((r.tier, r.kept_because or "-", r.called_because or "-", str(r.samples),
                         str(r.passed)), text=3) + "</tr>"
        for r in s.reasons
    )  # fmt: skip
    strong = strong_line(s)
    cost = ""
    if strong:
        cost = f"<h3>Cost against the strong tier alone</h3><p>{escape(strong[0].upper() + strong[1:])}.</p>"
    elif s.strong_tier:
        cost = (
            f"<h3>Cost against the strong tier alone</h3><p>No run of {escape(s.strong_tier)} alone on this "
            "suite was found to compare with (name its database with <code>--route-db</code>).</p>"
        )
    arms = ""
    if s.rounds and (s.bandit or len(s.tiers) > 1):
        lanes = [t.tier for t in s.tiers]
        chart = lanes_chart(
            [lanes.index(r.tier) for r in s.rounds], lanes, "tier chosen per task",
            tips=[f"{i}. {r.task_id}#{r.sample_idx}: {r.tier}, {'passed' if r.passed else 'failed'}"
                  for i, r in enumerate(s.rounds, 1)],
            colours=[PASS if r.passed else FAILED for r in s.rounds],
            x_label="task, in the order the results were stored",
        )  # fmt: skip
        title = "Arm chosen per task" if s.bandit else "Tier kept per task"
        arms = (
            f"<figure><h3>{title}</h3>{chart}<figcaption>Each tick is a task's kept answer, in the order "
            "the results were stored (the order a bandit learnt in): green passed the hidden checks, grey "
            "failed them.</figcaption></figure>"
        )
    return (
        f"<h2>Routing</h2><p>{escape(summary_line(s))}.</p>"
        f"<figure><h3>Answers kept per tier</h3>{hbar_chart(bars, 'answers kept per tier')}"
        "<figcaption>Samples whose kept answer came from each tier, and the share of them that passed the "
        "hidden checks.</figcaption></figure>"
        f"<table><tr>{heads}</tr>{tiers}</table>"
        "<p><small>called: samples that called the tier; public p/f/none: how often its public checks "
        "passed, failed, or said nothing (none to run); kept: samples whose answer is the tier's; kept pass "
        "rate: the share of those that passed the hidden checks.</small></p>"
        "<h3>Why each answer was kept</h3><table><tr><th>tier kept</th><th>kept because</th>"
        f"<th>called because</th><th>samples</th><th>passed</th></tr>{reasons}</table>"
        f"{cost}{arms}"
    )


def complete(
    run: RunRecord, summary: RouteSummary, rows: Sequence[ResultRow], store: BenchStore, more: Sequence[Path]
) -> RouteSummary:
    """The summary with the router's own tier order and, where a run of the strongest tier alone is in
    `store` or the databases `more`, the cost comparison with it."""
    tiers = router_tiers(run)
    summary = replace(summary.ordered(tiers), strong_tier=tiers[-1] if tiers else "")
    others = [BenchStore(p, create=False) for p in more if p.resolve() != store.path.resolve()]
    try:
        return replace(summary, strong=strong_alone(run, summary, rows, [store, *others]))
    finally:
        for other in others:
            other.close()
