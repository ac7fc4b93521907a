"""`rtlsmith run --router cascade --tier ...`: one task routed live, the route printed with the result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rtlsmith.cli import main
from rtlsmith.suites import load_suite
from rtlsmith.task import Purpose
from rtlsmith.tools.toolchain import have

pytestmark = pytest.mark.skipif(not (have("iverilog") and have("vvp")), reason="needs Icarus Verilog")


def _replay(path: Path, task_id: str, good: bool) -> Path:
    task = load_suite("bundled").get(task_id)
    ref = task.hidden.unseal(Purpose.SCORING).reference
    assert ref is not None
    code = (
        ref.replace("RefModule", "TopModule") if good else "module TopModule(input a, output y);\nendmodule\n"
    )
    path.write_text(json.dumps({"task_id": task_id, "completion": code}) + "\n")
    return path


def _run(tmp_path: Path, task_id: str, cheap_good: bool) -> dict:
    cheap = _replay(tmp_path / "cheap.jsonl", task_id, cheap_good)
    strong = _replay(tmp_path / "strong.jsonl", task_id, True)
    result = CliRunner().invoke(
        main,
        ["run", "--task", task_id, "--router", "cascade", "--tier", f"oneshot:replay:{cheap}",
         "--tier", f"smith:replay:{strong}", "--runs-dir", str(tmp_path / "runs"), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def test_run_keeps_the_cheap_answer_when_its_public_checks_pass(tmp_path: Path) -> None:
    route = _run(tmp_path, "add8_carry", True)["route"]
    assert route["tier"].startswith("oneshot:") and len(route["calls"]) == 1


def test_run_escalates_when_the_cheap_answer_fails_its_public_checks(tmp_path: Path) -> None:
    out = _run(tmp_path, "add8_carry", False)
    assert out["route"]["tier"].startswith("smith:") and out["route"]["calls"][0]["passed_public"] is False
    assert out["hidden_verdict"]["passed"]


def test_run_names_the_router_it_takes(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["run", "--task", "add8_carry", "--router", "ucb1", "--tier", "symbolic"]
    )
    assert result.exit_code != 0 and "takes cascade" in result.output


def test_run_routes_with_a_saved_trained_router(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from rtlsmith.routing.features import task_features
    from rtlsmith.routing.trained import save_router

    suite = load_suite("bundled")
    first, second = suite.tasks[0].id, suite.tasks[1].id
    model = tmp_path / "router.pkl"
    features = {t: task_features(suite.get(t).public) for t in (first, second)}
    save_router(model, "logistic", features, {first: 0, second: 1})  # the second needs the strong tier
    for task_id, kept in ((first, "weak"), (second, "strong")):
        weak = _replay(tmp_path / f"weak-{task_id}.jsonl", task_id, True)
        strong = _replay(tmp_path / f"strong-{task_id}.jsonl", task_id, True)
        result = CliRunner().invoke(
            main,
            ["run", "--task", task_id, "--router", "trained", "--router-model", str(model),
             "--tier", f"oneshot:replay:{weak}", "--tier", f"smith:replay:{strong}",
             "--runs-dir", str(tmp_path / "runs"), "--json"],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        route = json.loads(result.output)["route"]
        assert route["router"] == "trained" and len(route["calls"]) == 1
        assert route["tier"].startswith("oneshot:" if kept == "weak" else "smith:")


def test_a_trained_run_needs_its_model_and_two_tiers(tmp_path: Path) -> None:
    argv = ["run", "--task", "add8_carry", "--router", "trained", "--tier", "symbolic", "--tier", "oneshot"]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2 and "--router-model FILE" in result.output


@pytest.mark.parametrize("content", [b"garbage\n", b"", b"\x80\x04K\x01."])
def test_a_router_model_that_is_not_one_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "router.pkl"
    bad.write_bytes(content)
    argv = ["run", "--task", "add8_carry", "--router", "trained", "--router-model", str(bad),
            "--tier", "symbolic", "--tier", "oneshot"]  # fmt: skip
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2, result.output
    assert "route eval --save-model" in result.output and "Traceback" not in result.output
