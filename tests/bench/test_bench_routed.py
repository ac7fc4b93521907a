"""`bench --router cascade --tier ...`: the router keeps the cheap tier's answer when its public checks pass
and escalates otherwise, each result says which tier answered and why, a routed run is never the unrouted
one, and a database written before routes were stored still opens."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from bench_helpers import ANSWERS, bundled_tasks, needs_iverilog

from rtlsmith.bench import BenchConfig, BenchRequest, BenchStore, run_bench
from rtlsmith.bench.config import RouterSettings, default_run_id, identity
from rtlsmith.bench.routed import parse_tier, router_settings
from rtlsmith.bench.store import _SCHEMA, SCHEMA_VERSION
from rtlsmith.errors import UsageError

SMITH = {"write_trace": False, "decompose": "never", "max_iterations": 2, "retry_temperature": 0.0}


def _samples(path: Path, answers: dict[str, str]) -> Path:
    tasks = {t.id: t for t in bundled_tasks(3)}
    with path.open("w") as fh:
        for tid, kind in answers.items():
            fh.write(json.dumps({"task_id": tid, "completion": ANSWERS[kind](tasks[tid])}) + "\n")
    return path


def test_a_routed_run_has_its_own_identity_and_id() -> None:
    plain = BenchConfig(suite_spec="bundled", model_spec="embedded", agent="smith")
    routed = BenchConfig(
        suite_spec="bundled", model_spec="embedded", agent="routed",
        router=RouterSettings("cascade", ("symbolic", "smith:embedded")),
    )  # fmt: skip
    one, two = identity(plain, "bundled", "h"), identity(routed, "bundled", "h")
    assert "router" not in one  # unrouted runs keep the identity they had
    assert two["router"] == {"name": "cascade", "tiers": ["symbolic", "smith:embedded"]}
    assert two["agent"]["revisions"]["smith"] >= 1
    assert default_run_id(one) != default_run_id(two) and "-routed-cascade2-" in default_run_id(two)


def test_bad_routers_and_tiers_name_the_valid_ones() -> None:
    with pytest.raises(UsageError, match="choose one of cascade"):
        router_settings("oracle", ["symbolic", "smith"])
    with pytest.raises(UsageError, match="unknown agent 'wizard'"):
        parse_tier("wizard:embedded")
    with pytest.raises(UsageError, match="at least two"):
        router_settings("cascade", ["symbolic"])
    with pytest.raises(UsageError, match="differ"):
        router_settings("cascade", ["smith:embedded", "smith:embedded"])
    assert parse_tier("smith:openai:gpt-4o").model == "openai:gpt-4o"


@needs_iverilog
def test_a_cascade_bench_keeps_a_passing_cheap_answer_and_escalates_a_failing_one(tmp_path: Path) -> None:
    tasks = bundled_tasks(3)
    first, second = tasks[0].id, tasks[1].id
    cheap = _samples(tmp_path / "cheap.jsonl", {first: "ref", second: "wrong"})
    strong = _samples(tmp_path / "strong.jsonl", {first: "ref", second: "ref"})
    tiers = (f"smith:replay:{cheap}", f"smith:replay:{strong}")
    config = BenchConfig(
        suite_spec="bundled", model_spec=f"replay:{cheap}", agent="routed", agent_config=SMITH,
        router=router_settings("cascade", tiers),
    )  # fmt: skip
    db = tmp_path / "b.sqlite"
    with BenchStore(db) as store:
        outcome = run_bench(BenchRequest(config, samples=1, jobs=1, task_ids=[first, second]), store)
        assert outcome.status == "done", outcome.errors
        rows = {r.task_id: r for r in store.results(outcome.run.run_id)}
        routed_id = outcome.run.run_id
        plain = BenchConfig(
            suite_spec="bundled", model_spec=f"replay:{cheap}", agent="smith", agent_config=SMITH
        )
        unrouted = run_bench(BenchRequest(plain, samples=1, jobs=1, task_ids=[first]), store)
        assert unrouted.run.run_id != routed_id
        assert {r.run_id for r in store.runs()} == {routed_id, unrouted.run.run_id}
        assert store.results(unrouted.run.run_id)[0].route is None
    kept, escalated = rows[first].route, rows[second].route
    assert kept is not None and escalated is not None
    assert kept["tier"] == tiers[0] and [c["tier"] for c in kept["calls"]] == [tiers[0]]
    assert kept["reason"].startswith("public checks passed")
    assert escalated["tier"] == tiers[1] and [c["tier"] for c in escalated["calls"]] == list(tiers)
    assert escalated["calls"][0]["passed_public"] is False
    assert escalated["calls"][1]["why"] == f"{tiers[0]}: public checks failed"
    assert rows[first].passed and rows[second].passed
    assert len(rows[second].usage) == 2  # both tiers' spending is kept with the result
    with sqlite3.connect(db) as con:  # the route is a column of its own
        (text,) = con.execute("SELECT route_json FROM results WHERE task_id = ?", (second,)).fetchone()
    assert json.loads(text)["router"] == "cascade"


def test_a_database_from_before_routes_opens_and_gains_the_column(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    old_schema = "\n".join(line for line in _SCHEMA.splitlines() if "route_json" not in line)
    with sqlite3.connect(db) as con:
        con.executescript(old_schema)
        con.execute("PRAGMA user_version=5")
        con.execute(
            "INSERT INTO runs VALUES ('r', 'now', 'cmd', 'h', '{}', 's', 'bundled', 'sh', 'm1', 'm1', '{}', "
            "'smith', '{}', 'honest', '{}', '{}', '0', 0, '{}')"
        )
        con.execute(
            "INSERT INTO results (run_id, task_id, sample_idx, created, task_hash, prompt_hash, seed, "
            "model_id, mode, final_code, code_hash, passed, failure_class, verdict_json, judge_cached, "
            "judge_time_s, stop_reason, checks_kind, iterations, prompt_tokens, completion_tokens, "
            "cost_usd, wall_s, model_time_s, tool_time_s) "
            "VALUES ('r', 't', 0, 'now', 'h', 'p', 0, 'm1', 'honest', '', 'c', 1, '.', '{}', 0, 0.1, "
            "'passed', 'none', 2, 100, 50, NULL, 1.0, 0.5, 0.1)"
        )
    with BenchStore(db) as store:
        (row,) = store.results("r")
        assert row.route is None and row.passed
        assert int(store._db.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION == 6


@needs_iverilog
def test_a_bandits_rounds_survive_a_resume(tmp_path: Path) -> None:
    (task,) = bundled_tasks(1)
    cheap = _samples(tmp_path / "cheap.jsonl", {task.id: "wrong"})
    strong = _samples(tmp_path / "strong.jsonl", {task.id: "ref"})
    tiers = (f"oneshot:replay:{cheap}", f"oneshot:replay:{strong}")
    config = BenchConfig(
        suite_spec="bundled", model_spec=f"replay:{cheap}", agent="routed",
        agent_config={"write_trace": False}, traces_dir=str(tmp_path / "bench-traces"),
        router=router_settings("ucb1", tiers),
    )  # fmt: skip
    db = tmp_path / "b.sqlite"
    with BenchStore(db) as store:
        first = run_bench(BenchRequest(config, samples=1, jobs=1, task_ids=[task.id]), store)
        assert first.status == "done", first.errors
        # A later bench extends the same run: UCB1 has tried the first tier, so it now tries the second.
        second = run_bench(BenchRequest(config, samples=2, jobs=1, task_ids=[task.id]), store)
        assert second.run.run_id == first.run.run_id and second.progress.done == 1
        rows = store.results(first.run.run_id)
    assert [r.route["tier"] for r in rows if r.route] == list(tiers)
    assert [r.passed for r in rows] == [False, True]
    assert "after 1 finished tasks" in str(rows[1].route["calls"][0]["why"])  # type: ignore[index]
    rounds = (tmp_path / "bench-routers").glob("*.jsonl")
    (path,) = list(rounds)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(r["tier"], r["reward"]) for r in lines] == [(tiers[0], 0.0), (tiers[1], 1.0)]


@needs_iverilog
def test_the_router_runs_the_public_checks_for_a_tier_that_runs_none(tmp_path: Path) -> None:
    tasks = bundled_tasks(2)
    first, second = tasks[0].id, tasks[1].id
    cheap = _samples(tmp_path / "cheap.jsonl", {first: "ref", second: "wrong"})
    strong = _samples(tmp_path / "strong.jsonl", {first: "ref", second: "ref"})
    tiers = (f"oneshot:replay:{cheap}", f"smith:replay:{strong}")
    config = BenchConfig(
        suite_spec="bundled", model_spec=f"replay:{cheap}", agent="routed", agent_config=SMITH,
        router=router_settings("cascade", tiers),
    )  # fmt: skip
    with BenchStore(tmp_path / "b.sqlite") as store:
        outcome = run_bench(BenchRequest(config, samples=1, jobs=1, task_ids=[first, second]), store)
        rows = {r.task_id: r for r in store.results(outcome.run.run_id)}
    assert rows[first].route is not None and rows[first].route["tier"] == tiers[0]
    assert rows[first].checks_kind.startswith("router:") and rows[first].passed_public is True
    second_route = rows[second].route
    assert second_route is not None and second_route["calls"][0]["passed_public"] is False
    assert second_route["tier"] == tiers[1] and rows[second].passed


@needs_iverilog
def test_a_trained_router_from_a_saved_model_picks_a_tier_per_task(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from rtlsmith.routing.features import task_features
    from rtlsmith.routing.trained import save_router

    tasks = bundled_tasks(2)
    first, second = tasks[0].id, tasks[1].id
    model = tmp_path / "router.pkl"
    features = {t.id: task_features(t.public) for t in tasks}
    save_router(model, "logistic", features, {first: 0, second: 1})  # the second needs the strong tier
    both = {first: "ref", second: "ref"}
    cheap, strong = _samples(tmp_path / "cheap.jsonl", both), _samples(tmp_path / "strong.jsonl", both)
    tiers = (f"oneshot:replay:{cheap}", f"oneshot:replay:{strong}")
    config = BenchConfig(
        suite_spec="bundled", model_spec=f"replay:{cheap}", agent="routed", agent_config=SMITH,
        router=router_settings("trained", tiers, str(model)),
    )  # fmt: skip
    assert len(identity(config, "bundled", "h")["router"]["model_file"]) == 16
    with BenchStore(tmp_path / "b.sqlite") as store:
        outcome = run_bench(BenchRequest(config, samples=1, jobs=1, task_ids=[first, second]), store)
        routes = {r.task_id: r.route for r in store.results(outcome.run.run_id)}
    assert routes[first] is not None and routes[second] is not None
    assert routes[first]["tier"] == tiers[0] and "<" in routes[first]["calls"][0]["why"]
    assert routes[second]["tier"] == tiers[1] and ">=" in routes[second]["calls"][0]["why"]
    with pytest.raises(UsageError, match="--router-model"):
        router_settings("trained", tiers)
