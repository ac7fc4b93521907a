"""`rtlsmith report` on routed runs: which tier answered each task and why, cost against the strong tier
alone, a bandit's choices in task order, and the routers replayed on stored runs (`--route-weak/--strong`).
The stores are built by inserting rows: no simulator and no model is needed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from rtlsmith.bench.route_report import read_route, route_summary
from rtlsmith.bench.store import BenchStore, ResultRow, RunRecord
from rtlsmith.cli import main

TASKS = ["t0", "t1", "t2", "t3"]


def _run(run_id: str, agent: str, model_id: str, router: dict[str, Any] | None = None) -> RunRecord:
    return RunRecord(
        run_id=run_id, created=f"2026-01-01T00:00:0{len(run_id) % 10}+00:00", command_line="rtlsmith bench",
        config_hash="x", identity={}, suite_name="s", suite_spec="native:nowhere", suite_hash="h",
        model_id=model_id, model_spec="m", model_settings={"router": router} if router else {},
        agent_name=agent, agent_config={}, mode="honest", judge={}, tool_versions={}, rtlsmith_version="0",
        seed_base=0,
    )  # fmt: skip


def _row(
    run_id: str, task: str, passed: bool, tokens: int, wall_s: float, route: object = None, created: str = ""
) -> ResultRow:
    return ResultRow(
        run_id=run_id, task_id=task, sample_idx=0, task_hash="h", prompt_hash="p", seed=0, model_id="m",
        mode="honest", final_code="", code_hash="c", passed=passed, failure_class="." if passed else "R",
        mismatches=None, verdict={}, judge_cached=False, judge_time_s=0.1, passed_public=None,
        stop_reason="max_iterations", checks_kind="none", iterations=1, prompt_tokens=tokens,
        completion_tokens=0, cost_usd=None, wall_s=wall_s, model_time_s=0.5, tool_time_s=0.1, trace_path=None,
        created=created or "2026-01-01T00:00:00+00:00", route=route,  # type: ignore[arg-type]
    )  # fmt: skip


def _cascade_route(kept: str, symbolic_public: bool | None) -> dict[str, Any]:
    """The route `bench --router cascade --tier symbolic --tier oneshot:m` stores."""
    calls = [{"tier": "symbolic", "why": "cheapest tier first", "passed_public": symbolic_public,
              "model_id": "none"}]  # fmt: skip
    if kept == "symbolic":
        reason = "public checks passed (called because: cheapest tier first)"
    else:
        why = "public checks failed" if symbolic_public is False else "no public check to trust"
        calls.append({"tier": "oneshot:m", "why": f"symbolic: {why}", "passed_public": None,
                      "model_id": "m-strong"})  # fmt: skip
        reason = f"last tier, kept as is (called because: symbolic: {why})"
    return {"router": "cascade", "tier": kept, "reason": reason, "calls": calls}


def _cascade_store(db: Path) -> None:
    """A cascade run (t0 kept by symbolic, t1 escalated on a failed check, t2/t3 on no check) and the strong
    tier's run alone on the same tasks."""
    routes = {
        "t0": (_cascade_route("symbolic", True), True, 0),
        "t1": (_cascade_route("oneshot:m", False), True, 1000),
        "t2": (_cascade_route("oneshot:m", None), False, 1000),
        "t3": (_cascade_route("oneshot:m", None), False, 1000),
    }
    router = {"name": "cascade", "tiers": ["symbolic", "oneshot:m"]}
    with BenchStore(db) as store:
        store.create_run(_run("routed-run", "routed", "symbolic=none | oneshot:m=m-strong", router),
                         [(t, "h", ()) for t in TASKS])  # fmt: skip
        for t, (route, passed, tokens) in routes.items():
            store.insert_result(_row("routed-run", t, passed, tokens, 2.0, route))
        store.create_run(_run("strong-run", "oneshot", "m-strong"), [(t, "h", ()) for t in TASKS])
        for t in TASKS:
            store.insert_result(_row("strong-run", t, t in ("t0", "t1"), 1000, 4.0))
        # The same agent with another model is not the strong tier, however recent.
        store.create_run(
            _run("a-later-run-of-another-model", "oneshot", "m-other"), [(t, "h", ()) for t in TASKS]
        )
        for t in TASKS:
            store.insert_result(_row("a-later-run-of-another-model", t, True, 10, 0.1))


def _cells(html: str, first: str) -> list[str]:
    """The cells of the table row whose first cell is `first`."""
    row = re.search(rf"<tr><td>{re.escape(first)}</td>(.*?)</tr>", html)
    assert row is not None, f"no row {first!r}"
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))


def test_a_cascade_run_reports_each_tiers_calls_answers_and_cost_against_the_strong_tier(
    tmp_path: Path,
) -> None:
    db, out = tmp_path / "b.sqlite", tmp_path / "report.html"
    _cascade_store(db)
    res = CliRunner().invoke(
        main, ["report", "routed-run", "--db", str(db), "--out", str(out), "--pictures", "0"]
    )
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert "<h2>Routing</h2>" in html and "4 samples routed by cascade among 2 tiers" in html
    # called, public pass/fail/none, kept, passed, pass rate of kept
    assert _cells(html, "symbolic")[:5] == ["4", "1/1/2", "1", "1", "100.0%"]
    assert _cells(html, "oneshot:m")[:5] == ["3", "0/0/3", "3", "1", "33.3%"]
    why = re.findall(r"<tr><td>(symbolic|oneshot:m)</td><td>([^<]*)</td><td>([^<]*)</td>"
                     r"<td class=num>(\d+)</td><td class=num>(\d+)</td></tr>", html)  # fmt: skip
    assert why == [
        ("symbolic", "public checks passed", "cheapest tier first", "1", "1"),
        ("oneshot:m", "last tier, kept as is", "symbolic: no public check to trust", "2", "0"),
        ("oneshot:m", "last tier, kept as is", "symbolic: public checks failed", "1", "1"),
    ]
    # Routed: 3,000 tokens and 8 s over 4 tasks, 50% pass; the strong tier alone: 4,000 tokens, 16 s, 50%.
    assert "Against oneshot:m alone (run strong-run) on the 4 tasks both have" in html
    assert "tokens per task 750 vs 1,000 (75%), seconds per task 2.0 vs 4.0 (50%)" in html
    assert "aria-label='answers kept per tier'" in html and "aria-label='tier chosen per task'" in html
    assert "routing: 4 samples routed by cascade" in " ".join(res.output.split())  # the terminal's table
    assert re.search(r"oneshot:m\s*│\s*3\s*│\s*0/0/3\s*│\s*3\s*│\s*1\s*│\s*33.3%", res.output)


def test_a_strong_tier_run_in_another_database_is_found_with_route_db(tmp_path: Path) -> None:
    db = tmp_path / "b.sqlite"
    _cascade_store(db)
    routed_only, elsewhere = tmp_path / "routed.sqlite", tmp_path / "strong.sqlite"
    with BenchStore(db) as src, BenchStore(routed_only) as a, BenchStore(elsewhere) as b:
        for target, run_id in ((a, "routed-run"), (b, "strong-run")):
            target.create_run(src.require_run(run_id), [(t, "h", ()) for t in TASKS])
            for r in src.results(run_id):
                target.insert_result(r)
    args = ["report", "routed-run", "--db", str(routed_only), "--out", str(tmp_path / "r.html")]
    CliRunner().invoke(main, args)
    assert "No run of oneshot:m alone" in (tmp_path / "r.html").read_text()
    CliRunner().invoke(main, [*args, "--route-db", str(elsewhere)])
    assert "Against oneshot:m alone (run strong-run)" in (tmp_path / "r.html").read_text()


def test_a_bandit_runs_arm_choices_are_drawn_in_the_order_the_results_were_stored(tmp_path: Path) -> None:
    db, out = tmp_path / "b.sqlite", tmp_path / "report.html"
    order = [("t2", "weak", False), ("t0", "strong", True), ("t3", "weak", True), ("t1", "strong", False)]
    with BenchStore(db) as store:
        router = {"name": "ucb1", "tiers": ["weak", "strong"]}
        store.create_run(
            _run("bandit-run", "routed", "weak=a | strong=b", router), [(t, "h", ()) for t in TASKS]
        )
        for i, (t, tier, passed) in enumerate(order):
            why = f"ucb1 after {i} finished tasks (mean/n: weak 0.50/{i}, strong 0.00/1)"
            reason = f"last tier, kept as is (called because: {why})"
            calls = [{"tier": tier, "why": why, "passed_public": None, "model_id": tier}]
            route = {"router": "ucb1", "tier": tier, "reason": reason, "calls": calls}
            created = f"2026-01-01T00:00:0{i}+00:00"
            store.insert_result(_row("bandit-run", t, passed, 10, 1.0, route, created))
    res = CliRunner().invoke(main, ["report", "bandit-run", "--db", str(db), "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert "Arm chosen per task" in html
    tips = re.findall(r"<title>(\d+\. t\d#0: \w+, \w+)</title>", html)
    assert tips == ["1. t2#0: weak, failed", "2. t0#0: strong, passed", "3. t3#0: weak, passed",
                    "4. t1#0: strong, failed"]  # fmt: skip
    # The bandit's reasons differ by their figures only: they are counted as one.
    assert _cells(html, "weak")[:5] == ["2", "0/0/2", "2", "1", "50.0%"]
    assert html.count("ucb1 after N finished tasks") == 2  # one row per tier kept


def test_routes_of_any_agent_are_read_generically() -> None:
    """A hybrid agent's route (router, tier, reason; no calls), or a bare tier name, counts as well."""
    rows = [
        _row("h", "t0", True, 0, 0.1, {"router": "hybrid", "tier": "symbolic", "reason": "truth table"}),
        _row("h", "t1", False, 50, 3.0, {"router": "hybrid", "tier": "free", "reason": "no table"}),
        _row("h", "t2", True, 50, 3.0, "free"),
        _row("h", "t3", True, 50, 3.0),
    ]
    s = route_summary(rows)
    assert s is not None and s.samples == 3 and s.unrouted == 1 and not s.bandit
    assert s.routers == {"hybrid": 2, "": 1}
    assert [(t.tier, t.called, t.kept, t.passed) for t in s.tiers] == [
        ("symbolic", 1, 1, 1),
        ("free", 2, 2, 1),
    ]
    assert [(r.tier, r.kept_because) for r in s.reasons] == [
        ("symbolic", "truth table"),
        ("free", ""),
        ("free", "no table"),
    ]
    assert route_summary([_row("h", "t0", True, 0, 0.1)]) is None
    assert read_route({"router": "x"}) is None


def _eval_store(db: Path) -> None:
    """Two hand-made tiers on 8 tasks: weak passes t0, t1 for 100 tokens each, strong t0-t3 for 1,000."""
    tasks = [f"t{i}" for i in range(8)]
    with BenchStore(db) as store:
        for run_id, agent, passes, tokens in (
            ("weak-run", "oneshot", {"t0", "t1"}, 100),
            ("strong-run", "smith", {"t0", "t1", "t2", "t3"}, 1000),
        ):
            store.create_run(_run(run_id, agent, f"m-{agent}"), [(t, "h", ()) for t in tasks])
            for t in tasks:
                store.insert_result(_row(run_id, t, t in passes, tokens, 1.0))


def test_the_report_draws_the_routers_replayed_on_stored_runs(tmp_path: Path) -> None:
    db, out = tmp_path / "b.sqlite", tmp_path / "report.html"
    _eval_store(db)
    args = ["report", "weak-run", "--db", str(db), "--route-weak", "weak", "--route-strong", "strong-run"]
    res = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text()
    assert "<h2>Routers on stored runs</h2>" in html
    assert "<h2>Routing</h2>" not in html  # the run itself has no route
    for title in ("Pass rate against the share of strong calls", "Pass rate against cost (tokens)",
                  "APGR and CPT", "Arm choices of ucb1"):  # fmt: skip
        assert f"<h3>{title}" in html
    # All routers on one chart: the random diagonal and the oracle dashed, every plain bandit drawn.
    calls_chart = html[html.index("pass rate vs strong calls") : html.index("pass rate vs cost")]
    for name in ("random (expected)", "oracle", "epsilon-greedy", "ucb1", "thompson", "exp3"):
        assert f"<title>{name}</title></polyline>" in calls_chart
    assert calls_chart.count("stroke-dasharray='6 4'") == 2
    assert "ucb1-sw10" not in calls_chart  # window variants are in the table only
    assert _cells(html, "oracle")[:3] == ["0.88", "12%", "20%"]  # 0.875: the known oracle value
    assert _cells(html, "random (expected)")[:3] == ["0.50", "50%", "80%"]
    text = " ".join(res.output.split())
    assert "routers on stored runs: weak oneshot/m-oneshot 25.0%, strong smith/m-smith 50.0%" in text
    lonely = CliRunner().invoke(main, args[:6])
    assert lonely.exit_code != 0 and "--route-weak and --route-strong go together" in lonely.output


def test_route_eval_html_is_the_same_section_on_a_page_of_its_own(tmp_path: Path) -> None:
    db, page = tmp_path / "b.sqlite", tmp_path / "routing.html"
    _eval_store(db)
    res = CliRunner().invoke(
        main,
        [
            "route",
            "eval",
            "--db",
            str(db),
            "--weak",
            "weak-run",
            "--strong",
            "strong-run",
            "--html",
            str(page),
        ],
    )
    assert res.exit_code == 0, res.output
    html = page.read_text()
    assert html.startswith("<!doctype html>") and html.count("<svg") == 3
    assert "<h2>Pass rate against the share of strong calls</h2>" in html and "<script" not in html
