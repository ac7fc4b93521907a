"""Metrics and run comparison, on synthetic results whose right answers are known."""

from __future__ import annotations

import math

import pytest
from bench_helpers import result_row

from rtlsmith.bench.metrics import budget_curve, compare, compute, task_passes
from rtlsmith.scoring.passk import estimate_pass_at_k

TASKS = {
    "adder": ("h1", ("arithmetic", "combinational")),
    "fsm": ("h2", ("fsm",)),
    "counter": ("h3", ("sequential",)),
}


def _rows() -> list:  # type: ignore[type-arg]
    return [
        # adder: 3 of 4 pass; the first pass is sample 1, after 2 iterations; tokens 100 + 50
        result_row("adder", 0, False, "S", iterations=3, tokens=100, cost=0.01),
        result_row("adder", 1, True, iterations=2, tokens=50, cost=0.01),
        result_row("adder", 2, True, iterations=1, tokens=40, cost=0.01),
        result_row("adder", 3, True, iterations=4, tokens=40, cost=0.01),
        # fsm: never passes
        result_row("fsm", 0, False, "R", iterations=5, tokens=10, cost=0.02),
        result_row("fsm", 1, False, "r", iterations=5, tokens=10, cost=0.02),
        result_row("fsm", 2, False, "R", iterations=5, tokens=10, cost=0.02),
        result_row("fsm", 3, False, "T", iterations=5, tokens=10, cost=0.02),
        # counter: one sample only, passes at once
        result_row("counter", 0, True, iterations=1, tokens=7, cost=0.005),
    ]


def test_pass_at_k_is_unbiased_per_task_and_nan_when_a_task_has_fewer_than_k_samples() -> None:
    m = compute(_rows(), TASKS, ks=(1, 2, 4))
    assert m.per_task["adder"].pass_at_k[1] == pytest.approx(0.75)
    assert m.per_task["adder"].pass_at_k[2] == pytest.approx(estimate_pass_at_k(4, 3, 2)) == 1.0
    assert m.per_task["fsm"].pass_at_k[4] == 0.0
    assert math.isnan(m.per_task["counter"].pass_at_k[2])
    assert m.pass_at_k[1] == pytest.approx((0.75 + 0.0 + 1.0) / 3)
    assert math.isnan(m.pass_at_k[2]) and math.isnan(m.pass_at_k[4])  # counter has n=1: no flattering number


def test_categories_classes_effort_and_cost() -> None:
    m = compute(_rows(), TASKS)
    by_tag = {c.tag: c for c in m.by_category}
    assert by_tag["arithmetic"].pass_at_1 == pytest.approx(0.75)
    assert by_tag["fsm"].pass_at_1 == 0.0 and by_tag["fsm"].samples == 4
    assert by_tag["sequential"].tasks == 1
    assert m.failure_classes == {".": 4, "R": 2, "S": 1, "r": 1, "T": 1}
    # First pass: adder at sample 1 after 2 iterations and 150 tokens; counter at once with 7 tokens.
    assert m.per_task["adder"].first_pass_idx == 1
    assert m.per_task["adder"].tokens_to_first_pass == 150
    assert m.iterations_to_first_pass.mean == pytest.approx(1.5)
    assert m.tokens_to_first_pass.median == pytest.approx((150 + 7) / 2)
    assert m.solved_tasks == 2
    assert m.cost_usd == pytest.approx(0.125)
    assert m.cost_per_solved_usd == pytest.approx(0.0625)
    assert (m.samples, m.passed, m.tasks_planned) == (9, 4, 3)


def test_unknown_prices_give_no_cost_rather_than_zero() -> None:
    rows = [result_row("adder", 0, True), result_row("fsm", 0, False)]
    m = compute(rows, TASKS)
    assert m.cost_usd is None and m.cost_per_solved_usd is None


def test_pass_rate_grows_with_the_iteration_budget() -> None:
    curve = dict(budget_curve(_rows()))
    assert curve[1] == pytest.approx(2 / 9)  # adder sample 2 and counter pass within one iteration
    assert curve[2] == pytest.approx(3 / 9)
    assert curve[4] == curve[5] == pytest.approx(4 / 9)
    assert list(curve) == [1, 2, 3, 4, 5]


def test_compare_lists_flips_both_ways_and_the_pass_at_1_delta() -> None:
    a = [
        result_row("t1", 0, True, run_id="A"),
        result_row("t2", 0, False, run_id="A"),
        result_row("t3", 0, True, run_id="A"),
        result_row("t4", 0, True, run_id="A"),
        result_row("t4", 1, False, run_id="A"),
        result_row("gone", 0, True, run_id="A"),
    ]
    b = [
        result_row("t1", 0, False, run_id="B"),  # pass -> fail
        result_row("t2", 0, True, run_id="B"),  # fail -> pass
        result_row("t3", 0, True, run_id="B", task_hash="changed"),  # same verdict, task content changed
        result_row("t4", 0, True, run_id="B"),  # 1/2 -> 2/2: moved, and now passes by majority
        result_row("t4", 1, True, run_id="B"),
        result_row("new", 0, False, run_id="B"),
    ]
    cmp = compare(a, b)
    assert [c.task_id for c in cmp.pass_to_fail] == ["t1"]
    assert sorted(c.task_id for c in cmp.fail_to_pass) == ["t2", "t4"]
    assert cmp.changed == []
    assert cmp.only_a == ["gone"] and cmp.only_b == ["new"]
    assert cmp.hash_changed == ["t3"]
    assert cmp.pass_at_1_a == pytest.approx((1 + 0 + 1 + 0.5) / 4)
    assert cmp.pass_at_1_b == pytest.approx((0 + 1 + 1 + 1) / 4)
    assert cmp.delta == pytest.approx(0.75 - 0.625)


def test_a_task_passes_by_majority() -> None:
    assert task_passes(1, 1) and not task_passes(1, 0)
    assert not task_passes(2, 1) and task_passes(3, 2)
    assert not task_passes(0, 0)


def test_a_pass_with_integrity_flags_counts_as_failed_with_class_f() -> None:
    """A row stored with the harness's pass and integrity flags (as older runs stored them) is a failure."""
    import dataclasses

    from rtlsmith.bench.metrics import model_stats, strict

    flagged = dataclasses.replace(
        result_row("adder", 1, True), verdict={"integrity": ["forces 'tb.tb_match' by hierarchical name"]}
    )
    rows = [result_row("adder", 0, True), flagged]
    m = compute(rows, TASKS, ks=(1,))
    assert (m.samples, m.passed) == (2, 1)
    assert m.per_task["adder"].pass_at_k[1] == pytest.approx(0.5)
    assert m.failure_classes == {".": 1, "F": 1}
    assert strict(flagged).failure_class == "F" and strict(flagged).verdict["integrity"]
    assert compare(rows, [result_row("adder", 0, True)] * 2).pass_at_1_a == pytest.approx(0.5)
    assert sum(s.passed for s in model_stats(rows)) <= 1
