"""Offline evaluation: replay stored outcomes through every router, no model call.

Each router yields points on two axes: the share of tasks that called the strong tier (RouteLLM's axis) and
the normalised cost (0 = always weak's total cost, 1 = always strong's). Trained routers are scored out of
fold; bandits learn online in a seeded task order, averaged over several orders.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rtlsmith.routing.bandits import BANDIT_KINDS, BanditReplay, make_bandit, replay
from rtlsmith.routing.metrics import CurvePoint, CurveSummary, mixed_curve, random_curve, summarise
from rtlsmith.routing.outcomes import CostKind, OutcomeTable
from rtlsmith.routing.routers import Attempt, CascadeRouter, Router, run_router
from rtlsmith.routing.trained import TRAINED_KINDS, out_of_fold_scores, task_folds
from rtlsmith.task import PublicTask


@dataclass
class RouterResult:
    """One router's curves and summaries; `point` is set for a router with one setting only."""

    name: str
    family: str  # baseline | trained | cascade | bandit | oracle
    share_curve: list[CurvePoint]
    cost_curve: list[CurvePoint]
    share: CurveSummary
    cost: CurveSummary
    point: tuple[float, float, float] | None = None  # (strong share, normalised cost, pass rate)
    regret: float | None = None  # bandits: mean final cumulative regret (reward units)
    reasons: dict[str, int] = field(default_factory=dict)
    apgr_range: tuple[float, float] | None = None  # trained routers: lowest and highest APGR over repeats


@dataclass
class Evaluation:
    weak: str
    strong: str
    tiers: list[str]
    cost_kind: CostKind
    tasks: int
    weak_rate: float
    strong_rate: float
    results: list[RouterResult]
    bandit_trace: BanditReplay | None = None
    notes: list[str] = field(default_factory=list)


class _Costs:
    """Normalised cost of a set of calls: 0 = every task on the weak tier, 1 = every task on the strong."""

    def __init__(self, table: OutcomeTable, weak: str, strong: str, kind: CostKind) -> None:
        self.table, self.kind = table, kind
        self.weak_total = table.total_cost(weak, kind)
        self.span = table.total_cost(strong, kind) - self.weak_total

    def normalise(self, total: float) -> float:
        return (total - self.weak_total) / self.span if self.span else 0.0


def _point(
    table: OutcomeTable, calls: Mapping[str, Sequence[str]], strong: str, costs: _Costs
) -> tuple[float, float, float]:
    """(strong share, normalised cost, pass rate) when task t called the tiers calls[t], keeping the last."""
    n = len(table.tasks)
    share = sum(1 for t in table.tasks if strong in calls[t]) / n
    total = sum(table.get(t, tier).cost(costs.kind) for t in table.tasks for tier in calls[t])
    quality = sum(table.get(t, calls[t][-1]).passed for t in table.tasks) / n
    return share, costs.normalise(total), quality


def _from_points(
    name: str, family: str, pts: Sequence[tuple[float, float, float]], weak: float, strong: float
) -> RouterResult:
    share = [CurvePoint(s, q) for s, _, q in pts]
    cost = [CurvePoint(c, q) for _, c, q in pts]
    return RouterResult(
        name, family, share, cost, summarise(share, weak, strong), summarise(cost, weak, strong)
    )


def _single(
    name: str, family: str, pt: tuple[float, float, float], weak: float, strong: float
) -> RouterResult:
    s, c, q = pt
    share = mixed_curve(CurvePoint(s, q, name), weak, strong)
    cost = mixed_curve(CurvePoint(c, q, name), weak, strong)
    return RouterResult(
        name, family, share, cost, summarise(share, weak, strong), summarise(cost, weak, strong), point=pt
    )


def _mean(values: Sequence[float | None]) -> float | None:
    """The mean of the defined values; None when a repeat never reached the target (reported as n/r)."""
    if any(v is None for v in values) or not values:
        return None
    return sum(v for v in values if v is not None) / len(values)


def _mean_summary(items: Sequence[CurveSummary]) -> CurveSummary:
    return CurveSummary(
        _mean([i.apgr for i in items]), _mean([i.cpt50 for i in items]), _mean([i.cpt80 for i in items])
    )


def replay_router(
    router: Router, table: OutcomeTable, public: Mapping[str, PublicTask]
) -> dict[str, list[str]]:
    """The tiers `router` calls on each task, answering from the stored outcomes."""

    def answer_for(task: str) -> object:
        return lambda tier: Attempt(tier, table.get(task, tier).passed_public)

    calls: dict[str, list[str]] = {}
    for t in table.tasks:
        steps = run_router(router, public[t], answer_for(t))  # type: ignore[arg-type]
        calls[t] = [c.tier for c, _ in steps]
    return calls


def score_sweep(
    table: OutcomeTable, scores: Mapping[str, float], weak: str, strong: str, costs: _Costs
) -> list[tuple[float, float, float]]:
    """RouteLLM's threshold sweep: a point per distinct score (strong when score >= it), and all-weak."""
    pts = []
    for threshold in [*sorted(set(scores.values())), float("inf")]:
        calls = {t: [strong if scores[t] >= threshold else weak] for t in table.tasks}
        pts.append(_point(table, calls, strong, costs))
    return pts


def oracle_sweep(
    table: OutcomeTable, weak: str, strong: str, costs: _Costs
) -> list[tuple[float, float, float]]:
    """The best possible router: strong calls go to the tasks it gains most on first (RouteLLM's optimum:
    calls beyond the tasks with a gain add nothing)."""
    gain = {t: table.get(t, strong).passed - table.get(t, weak).passed for t in table.tasks}
    extra = {
        t: table.get(t, strong).cost(costs.kind) - table.get(t, weak).cost(costs.kind) for t in table.tasks
    }
    order = sorted(table.tasks, key=lambda t: (-gain[t], extra[t], t))
    n = len(order)
    base = table.pass_rate(weak)
    pts = [(0.0, 0.0, base)]
    quality, total = base, costs.weak_total
    for k, t in enumerate(order, 1):
        quality += max(gain[t], 0.0) / n
        total += extra[t]
        pts.append((k / n, costs.normalise(total), quality))
    return pts


def bandit_rewards(
    table: OutcomeTable, tasks: Sequence[str], arms: Sequence[str], kind: CostKind, weight: float
) -> list[list[float]]:
    """Per round and arm: pass - weight * cost / (largest cost), rescaled into [0, 1]."""
    top = max((table.get(t, a).cost(kind) for t in table.tasks for a in arms), default=0.0) or 1.0
    return [
        [
            (table.get(t, a).passed - weight * table.get(t, a).cost(kind) / top + weight) / (1 + weight)
            for a in arms
        ]
        for t in tasks
    ]


def evaluate(
    table: OutcomeTable,
    weak: str,
    strong: str,
    *,
    public: Mapping[str, PublicTask] | None = None,
    features: Mapping[str, Sequence[float]] | None = None,
    cost_kind: CostKind = "tokens",
    folds: int = 5,
    seed: int = 0,
    bandit_orders: int = 20,
    bandit_window: int = 10,
    cost_weights: Sequence[float] = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0),
    trace_weight: float = 1.0,
    repeats: int = 5,
) -> Evaluation:
    """Every router on `table`, weak and strong being two of its tiers (the rest are mid tiers)."""
    w, s = table.pass_rate(weak), table.pass_rate(strong)
    costs = _Costs(table, weak, strong, cost_kind)
    ev = Evaluation(weak, strong, table.names, cost_kind, len(table.tasks), w, s, [])
    if s <= w:
        ev.notes.append(f"the strong tier ({s:.1%}) does not beat the weak one ({w:.1%}): APGR is undefined")
    out = ev.results
    out.append(
        _from_points(
            "random (expected)", "baseline", [(x.x, x.x, x.quality) for x in random_curve(w, s)], w, s
        )
    )
    for tier in table.names:
        calls = {t: [tier] for t in table.tasks}
        fixed = _single(f"always {tier}", "baseline", _point(table, calls, strong, costs), w, s)
        if tier in (weak, strong):  # the curve's own ends: mixing them is the random diagonal
            fixed.share = fixed.cost = CurveSummary(None, None, None)
        out.append(fixed)
    out.append(_from_points("oracle", "oracle", oracle_sweep(table, weak, strong, costs), w, s))

    # Verifier-gated cascades: weak then strong, and through every mid tier when there are some.
    mids = [n for n in table.names if n not in (weak, strong)]
    chains = [[weak, strong]] + ([[weak, *mids, strong]] if mids else [])
    if public is None:
        public = {t: _Stub(t) for t in table.tasks}  # type: ignore[misc]
    for chain in chains:
        router = CascadeRouter(chain, name="cascade " + " > ".join(chain))
        calls = replay_router(router, table, public)
        res = _single(router.name, "cascade", _point(table, calls, strong, costs), w, s)
        res.reasons = dict(Counter(f"answered by {c[-1]}" for c in calls.values()))
        out.append(res)

    if features is not None:
        labels = {t: int(table.get(t, strong).passed > table.get(t, weak).passed) for t in table.tasks}
        for kind in TRAINED_KINDS:
            runs = []
            for r in range(repeats):  # fold assignments differ per repeat; the figures are their mean
                splits = task_folds(table.tasks, min(folds, len(table.tasks)), seed + r)
                scores = out_of_fold_scores(kind, features, labels, splits, seed + r)
                runs.append(
                    _from_points(kind, "trained", score_sweep(table, scores, weak, strong, costs), w, s)
                )
            first = runs[0]
            first.name = f"{kind} ({folds}-fold x{repeats})"
            first.share = _mean_summary([x.share for x in runs])
            first.cost = _mean_summary([x.cost for x in runs])
            values = [x.share.apgr for x in runs if x.share.apgr is not None]
            first.apgr_range = (min(values), max(values)) if values else None
            out.append(first)
    else:
        ev.notes.append("no task features (suite data not found): trained routers skipped")

    arms = table.names
    for kind in BANDIT_KINDS:
        for window in (None, bandit_window):
            pts, regrets, name = [], [], kind
            for weight in cost_weights:
                acc = [0.0, 0.0, 0.0]
                for order_seed in range(bandit_orders):
                    order = table.tasks[:]
                    random.Random(seed * 1000 + order_seed).shuffle(order)
                    bandit = make_bandit(kind, len(arms), window=window, seed=order_seed)
                    name = bandit.name
                    rep = replay(bandit, bandit_rewards(table, order, arms, cost_kind, weight))
                    calls = {t: [arms[a]] for t, a in zip(order, rep.choices, strict=True)}
                    pt = _point(table, calls, strong, costs)
                    acc = [a + b / bandit_orders for a, b in zip(acc, pt, strict=True)]
                    if weight == trace_weight:
                        regrets.append(rep.regret[-1])
                        if kind == "ucb1" and window is None and order_seed == 0:
                            ev.bandit_trace = rep
                pts.append((acc[0], acc[1], acc[2]))
            # Mixing with always-weak and always-strong reaches both ends of the axis (as for one-point ones).
            res = _from_points(name, "bandit", [(0.0, 0.0, w), *pts, (1.0, 1.0, s)], w, s)
            res.regret = sum(regrets) / len(regrets) if regrets else None
            out.append(res)
    return ev


def evaluate_runs(
    db_paths: Sequence[Path],
    weak: str,
    strong: str,
    mids: Sequence[str] = (),
    *,
    cost_kind: CostKind = "tokens",
    prices: Mapping[str, float] | None = None,
) -> Evaluation:
    """Every router on stored runs (ids or unique prefixes, looked up in `db_paths`), with `route eval`'s
    default folds, repeats and bandit window."""
    from rtlsmith.routing.features import load_public
    from rtlsmith.routing.outcomes import load_table

    table = load_table(db_paths, [weak, *mids, strong], prices)
    public, features = load_public(table)
    return evaluate(
        table, table.names[0], table.names[-1], public=public, features=features, cost_kind=cost_kind
    )


# On the share of strong calls (APGR, CPT50, CPT80), then on the normalised cost (APGR, CPT80).
SUMMARY_COLUMNS = ("router", "APGR calls", "CPT50", "CPT80", "APGR cost", "CPT80 cost")


def summary_rows(ev: Evaluation) -> list[tuple[str, ...]]:
    """The evaluation in short, one row per router (the terminal report's table)."""

    def num(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.2f}"

    def share(v: float | None) -> str:
        return "n/r" if v is None else f"{100 * v:.0f}%"

    return [
        (r.name, num(r.share.apgr), share(r.share.cpt50), share(r.share.cpt80), num(r.cost.apgr),
         share(r.cost.cpt80))
        for r in ev.results
    ]  # fmt: skip


@dataclass(frozen=True)
class _Stub:
    """A stand-in public task for routers that do not read the task (cascade), when the suite is not found."""

    id: str
