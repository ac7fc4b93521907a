"""One record per sample: the agent's `AgentResult` is extended by the bench (`AgentOutcome`) and by the
store (`ResultRow`); what the agent did reaches the store and the report unchanged, and travels between
processes."""

from __future__ import annotations

import pickle
from dataclasses import fields
from pathlib import Path

from rtlsmith.agent.record import AgentResult, AgentWork
from rtlsmith.bench.agents import AgentOutcome
from rtlsmith.bench.routed import combine
from rtlsmith.bench.store import BenchStore, ResultRow, RunRecord
from rtlsmith.routing.routers import Attempt, RouteChoice


def _result(**changes: object) -> AgentResult:
    base: dict[str, object] = {
        "task_id": "t", "final_code": "module m; endmodule\n", "passed_public": True, "stop_reason": "passed",
        "mode": "honest", "checks": "public-vectors", "iterations": 3, "prompt_tokens": 120,
        "completion_tokens": 80, "wall_s": 2.5, "model_time_s": 1.5, "tool_time_s": 0.5,
        "trace_path": "/runs/t/trace.jsonl", "agent": "hybrid", "model_id": "m1", "run_id": "t-s0",
        "final_state": "DONE", "route": "form-fsm",
    }  # fmt: skip
    return AgentResult(**(base | changes))  # type: ignore[arg-type]


def _judged(outcome: AgentOutcome) -> ResultRow:
    return ResultRow.judged(
        outcome, run_id="r", task_id="t", sample_idx=0, task_hash="h", seed=7, mode="honest", code_hash="c",
        passed=True, failure_class=".", mismatches=0, verdict={"passed": True}, judge_cached=False,
        judge_time_s=0.01, created="2026-01-01T00:00:00+00:00",
    )  # fmt: skip


def _run() -> RunRecord:
    return RunRecord(
        run_id="r", created="2026-01-01T00:00:00+00:00", command_line="rtlsmith bench", config_hash="x",
        identity={}, suite_name="s", suite_spec="bundled", suite_hash="h", model_id="m1", model_spec="m1",
        model_settings={}, agent_name="hybrid", agent_config={}, mode="honest", judge={}, tool_versions={},
        rtlsmith_version="0", seed_base=0,
    )  # fmt: skip


def test_the_bench_keeps_everything_the_agent_did_and_adds_what_it_measured() -> None:
    result = _result()
    outcome = AgentOutcome.of(result, model_id="bench-model", cost_usd=0.25, prompt_hash="p", usage=())
    for f in fields(AgentWork):
        assert getattr(outcome, f.name) == getattr(result, f.name), f.name
    assert outcome.model_id == "m1"  # the agent's own model id wins over the bench's
    assert outcome.passed_public is True and outcome.checks_kind == "public-vectors"
    assert outcome.route == {"router": "hybrid", "tier": "form-fsm"}
    assert (outcome.cost_usd, outcome.prompt_hash, outcome.tokens) == (0.25, "p", 200)


def test_an_agent_without_checks_or_route_is_recorded_as_such() -> None:
    result = _result(checks="none", passed_public=False, route="", model_id="", agent="oneshot")
    outcome = AgentOutcome.of(result, model_id="bench-model")
    assert outcome.passed_public is None and outcome.checks_kind == "none"
    assert outcome.route is None and outcome.model_id == "bench-model"


def test_the_stored_row_extends_the_outcome_and_reads_back_equal(tmp_path: Path) -> None:
    outcome = AgentOutcome.of(_result(), model_id="m", cost_usd=None, prompt_hash="p", usage=())
    row = _judged(outcome)
    assert all(getattr(row, f.name) == getattr(outcome, f.name) for f in fields(AgentOutcome))
    assert pickle.loads(pickle.dumps(row)) == row  # results travel back from pool and Ray workers
    with BenchStore(tmp_path / "b.sqlite") as store:
        store.create_run(_run(), [("t", "h", ())])
        assert store.insert_result(row, session_id=None)
        (back,) = store.results("r")
    assert back == row


def test_a_routed_run_keeps_a_hybrid_tiers_own_route() -> None:
    tiers = [AgentOutcome.of(_result(passed_public=False, route="free"), model_id="a")]
    tiers.append(AgentOutcome.of(_result(agent="smith", route=""), model_id="b"))
    calls = [(RouteChoice("hybrid", "first tier"), Attempt("hybrid", False))]
    calls.append((RouteChoice("smith", "hybrid: public checks failed"), Attempt("smith", True)))
    route = combine("cascade", calls, tiers).route
    assert route is not None and route["router"] == "cascade" and route["tier"] == "smith"
    assert route["calls"][0]["route"] == "free" and "route" not in route["calls"][1]
