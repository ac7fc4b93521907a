"""APGR and CPT on hand-made outcome tables with known answers."""

from __future__ import annotations

import random

import pytest
from routing_helpers import table

from rtlsmith.routing.evaluate import _Costs, evaluate, oracle_sweep
from rtlsmith.routing.metrics import CurvePoint, apgr, cpt, random_curve, summarise
from rtlsmith.routing.routers import Attempt, RandomRouter, run_router


def test_random_routing_recovers_half_the_gap() -> None:
    pts = random_curve(0.2, 0.6)
    assert apgr(pts, 0.2, 0.6) == pytest.approx(0.5)
    assert cpt(pts, 0.2, 0.6, 0.5) == pytest.approx(0.5)
    assert cpt(pts, 0.2, 0.6, 0.8) == pytest.approx(0.8)


def test_apgr_is_one_for_a_router_that_is_strong_at_no_cost() -> None:
    pts = [CurvePoint(0.0, 0.6), CurvePoint(1.0, 0.6)]
    assert apgr(pts, 0.2, 0.6) == pytest.approx(1.0)
    assert cpt(pts, 0.2, 0.6, 0.8) == 0.0


def test_apgr_is_undefined_without_a_gap() -> None:
    assert apgr(random_curve(0.3, 0.3), 0.3, 0.3) is None


def test_cpt_is_none_when_the_curve_never_gets_there() -> None:
    pts = [CurvePoint(0.0, 0.2), CurvePoint(1.0, 0.3)]
    assert cpt(pts, 0.2, 0.6, 0.5) is None


def test_oracle_on_a_table_where_a_quarter_of_the_tasks_need_the_strong_tier() -> None:
    # 8 tasks: weak passes 2, strong passes those 2 and 2 more. a = 2/8 of the tasks gain.
    tab = table([1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0, 0])
    costs = _Costs(tab, "weak", "strong", "tokens")
    pts = [CurvePoint(s, q) for s, _, q in oracle_sweep(tab, "weak", "strong", costs)]
    weak, strong = 0.25, 0.5
    a = 0.25  # the oracle reaches the strong tier's pass rate after a share a of strong calls
    summary = summarise(pts, weak, strong)
    assert summary.apgr == pytest.approx(1 - a / 2)  # (a - a^2/2) / a
    assert summary.cpt50 == pytest.approx(0.5 * a)
    assert summary.cpt80 == pytest.approx(0.8 * a)


def test_sampled_random_router_lands_on_the_diagonal() -> None:
    rng = random.Random(3)
    weak = [1 if rng.random() < 0.2 else 0 for _ in range(400)]
    strong = [1 if w or rng.random() < 0.5 else 0 for w in weak]
    tab = table(weak, strong)
    w, s = tab.pass_rate("weak"), tab.pass_rate("strong")
    for share in (0.25, 0.5, 0.75):
        router = RandomRouter("weak", "strong", share, seed=1)
        quality = 0.0
        for t in tab.tasks:
            steps = run_router(router, None, lambda tier, t=t: Attempt(tier, None))  # type: ignore[arg-type]
            quality += tab.get(t, steps[-1][0].tier).passed / len(tab.tasks)
        assert quality == pytest.approx(w + share * (s - w), abs=0.05)


def test_evaluate_reports_baselines_and_oracle_with_known_values() -> None:
    tab = table([1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0, 0])
    ev = evaluate(tab, "weak", "strong", features=None, bandit_orders=2)
    by_name = {r.name: r for r in ev.results}
    assert by_name["random (expected)"].share.apgr == pytest.approx(0.5)
    assert by_name["oracle"].share.apgr == pytest.approx(0.875)
    assert by_name["always weak"].point == (0.0, 0.0, 0.25)
    assert by_name["always strong"].point == (1.0, 1.0, 0.5)


def test_cascade_keeps_answers_whose_public_checks_pass() -> None:
    # The weak tier's checks pass on its 2 correct tasks (and wrongly on one more); the rest escalate.
    public = [True, True, True, False, None, None, None, None]
    tab = table([1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0, 0], weak_public=public)
    ev = evaluate(tab, "weak", "strong", features=None, bandit_orders=2)
    cascade = next(r for r in ev.results if r.family == "cascade")
    assert cascade.point is not None
    share, cost, quality = cascade.point
    assert share == pytest.approx(5 / 8)
    assert quality == pytest.approx(3 / 8)  # task t02 kept the weak tier's wrong answer
    # every task pays the weak call; 5 also pay the strong one: (8 + 50 - 8) / (80 - 8)
    assert cost == pytest.approx((8 * 1 + 5 * 10 - 8) / (80 - 8))
    assert cascade.reasons == {"answered by weak": 3, "answered by strong": 5}
