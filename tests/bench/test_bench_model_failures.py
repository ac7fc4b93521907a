"""A bench against a model server that misbehaves: no failure of the server becomes a verdict on a design.

Samples whose model calls failed (refused connection, 5xx, garbage, an answer cut off, a hang) are errors of
kind "infrastructure", recorded with the session and not stored as results, so the same command redoes them;
once the server is healthy the run ends with the results an uninterrupted healthy run has.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bench_helpers import bundled_tasks, needs_iverilog, reference, repo_status, stored, wrong
from click.testing import CliRunner, Result

from fake_openai import Reply, SeenRequest, chat_reply, free_port, running
from rtlsmith.bench.agents import LlmAgent, SampleRef
from rtlsmith.bench.config import BenchConfig
from rtlsmith.bench.store import BenchStore
from rtlsmith.bench.worker import ItemError, WorkerContext, WorkItem
from rtlsmith.cli import main
from rtlsmith.errors import ModelError, ModelLimitError
from rtlsmith.llm.scripted import ScriptedModel
from rtlsmith.task import PublicChecks, Task

TASKS = 6


def _snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` but outside `skip`: size and modification time."""
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() and skip not in p.parents
    }


def _task_of(tasks: list[Task]) -> Callable[[SeenRequest], str]:
    """Which task a chat request is about: the one whose spec (the longest, if several) the prompt quotes."""
    specs = sorted(((t.public.spec.text("detailed"), t.id) for t in tasks), key=lambda s: -len(s[0]))

    def task_id(request: SeenRequest) -> str:
        text = request.text()
        return next(tid for spec, tid in specs if spec in text)

    return task_id


class _Config:
    """An rtlsmith.toml pointing the openai backend at a server, with tiny retry delays."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def point_at(self, url: str) -> None:
        self.path.write_text(
            "[model]\n"
            f'base_url = "{url}"\n'
            'api_key = "k"\n'
            "timeout_s = 2\n"  # a hung server is given up on after 2 s per try; a healthy one answers at once
            "max_retries = 1\n"
            "backoff_base_s = 0.001\n"
            "backoff_max_s = 0.01\n"
            "retry_after_max_s = 0.01\n"
        )


@needs_iverilog
def test_model_server_failures_are_infrastructure_and_the_same_command_redoes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = bundled_tasks(TASKS)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (tmp_path / "elsewhere.txt").write_text("not the bench's")
    for name in ("BASE_URL", "API_KEY", "MODEL", "BENCH_DB", "CONFIG"):
        monkeypatch.delenv(f"RTLSMITH_{name}", raising=False)
        monkeypatch.delenv(f"OPENAI_{name}", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(run_dir / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(run_dir / "cache"))
    monkeypatch.chdir(run_dir)
    config = _Config(run_dir / "rtlsmith.toml")
    before_outside, before_repo = _snapshot(tmp_path, run_dir), repo_status()

    # A good design for even tasks, a wrong one for odd tasks: the healthy verdicts vary.
    answers = {t.id: (reference(t) if i % 2 == 0 else wrong(t)) for i, t in enumerate(tasks)}
    cut = chat_reply(answers[tasks[3].id]).body
    broken: dict[str, Reply] = {
        tasks[0].id: Reply(500, {"error": {"message": "CUDA out of memory"}}),
        tasks[1].id: Reply(429, {"error": {"message": "slow down"}}, headers={"Retry-After": "30"}),
        tasks[2].id: Reply(raw=b"<html>502 Bad Gateway</html>"),
        tasks[3].id: Reply(body=cut, cut=True),
        tasks[4].id: Reply(hang=True),
    }
    task_of = _task_of(tasks)
    healthy = False

    def respond(request: SeenRequest) -> Reply:
        tid = task_of(request)
        if not healthy and tid in broken:
            return broken[tid]
        return chat_reply(answers[tid])

    def bench(db: Path) -> tuple[Result, dict[str, Any]]:
        args = [
            "bench", "--suite", "bundled", "--model", "openai:fake-coder", "--agent", "oneshot",
            "--samples", "1", "-j", "2", "--tasks", ",".join(t.id for t in tasks), "--db", str(db),
            "--no-judge-cache", "--no-traces", "--json",
        ]  # fmt: skip
        result = CliRunner().invoke(main, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result, json.loads(result.stdout)

    db = run_dir / "bench.sqlite"

    # Nothing listens: every sample is an infrastructure error, none a verdict.
    config.point_at(f"http://127.0.0.1:{free_port()}/v1")
    refused, summary = bench(db)
    assert refused.exit_code == 1
    assert summary["samples"] == 0 and summary["session"]["errors"] == TASKS
    assert {e["kind"] for e in summary["errors"]} == {"infrastructure"}
    assert all("cannot reach the model server" in e["message"] for e in summary["errors"])
    assert "not stored; rerun the same command to retry" in refused.stderr

    with running(respond) as server:
        config.point_at(server.url)
        # The server answers one task well and misbehaves, each its own way, on the others.
        partial, summary = bench(db)
        assert partial.exit_code == 1, partial.output
        assert summary["samples"] == 1 and summary["session"]["errors"] == TASKS - 1
        errors = {e["task_id"]: e for e in summary["errors"]}
        assert set(errors) == set(broken)
        assert {e["kind"] for e in errors.values()} == {"infrastructure"}
        assert "HTTP 500: CUDA out of memory" in errors[tasks[0].id]["message"]
        assert "rate limiting (HTTP 429" in errors[tasks[1].id]["message"]
        assert "not JSON" in errors[tasks[2].id]["message"]
        assert "broke off its answer" in errors[tasks[3].id]["message"]
        assert "timed out" in errors[tasks[4].id]["message"]
        [kept] = stored(db).values()
        assert kept[1] in ("R", "r")  # the one task answered (a wrong design) is judged as usual

        # Healthy again: the same command redoes exactly the samples that failed.
        healthy = True
        resumed, summary = bench(db)
        assert resumed.exit_code == 0, resumed.output
        assert summary["session"] == {**summary["session"], "done": TASKS - 1, "already_stored": 1}
        assert summary["errors"] == []

        fresh, _ = bench(run_dir / "fresh.sqlite")
        assert fresh.exit_code == 0, fresh.output

    after, uninterrupted = stored(db), stored(run_dir / "fresh.sqlite")
    assert after == uninterrupted and len(after) == TASKS
    classes = sorted(v[1] for v in after.values())
    assert classes[:3] == [".", ".", "."] and set(classes[3:]) <= {"R", "r"}, classes
    with BenchStore(db, create=False) as store:
        [run] = store.runs()
        statuses = [s.status for s in store.sessions(run.run_id)]
        logged = store.item_errors(run.run_id)
    assert statuses == ["failed", "failed", "done"]
    assert len(logged) == 2 * TASKS - 1 and {e.kind for e in logged} == {"infrastructure"}
    # The bench wrote only under its run directory.
    assert _snapshot(tmp_path, run_dir) == before_outside
    assert repo_status() == before_repo


def test_a_model_error_the_agent_carried_on_after_still_costs_the_sample(tmp_path: Path) -> None:
    # Without public checks the smith agent samples more drafts and keeps one by agreement; when a draft's
    # call fails it chooses among those it has, and ends "no_checks" as if the server had been fine.
    task = bundled_tasks(1)[0]
    public = dataclasses.replace(task.public, public=PublicChecks())
    calls = 0

    def answer(_messages: object) -> str:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise ModelError("the server went away")
        return f"```verilog\n{reference(task)}\n```"

    config = BenchConfig(
        suite_spec="bundled", model_spec="scripted", agent="smith", traces_dir=str(tmp_path / "traces"),
        agent_config={"write_trace": False, "decompose": "never", "candidates": 3},
    )  # fmt: skip
    agent = LlmAgent(config)
    agent._models = [ScriptedModel([answer] * 5)]
    with pytest.raises(ModelError, match="the server went away"):
        agent(public, SampleRef("r", task.id, 0, 0))
    assert calls == 2

    class Failing:
        model_id = "m"

        def __call__(self, *_args: object) -> None:
            raise ModelError("HTTP 503")

    context = WorkerContext(dataclasses.replace(config, model_spec="scripted"))
    context.agent = Failing()
    outcome = context.run(WorkItem("r", task.id, 0, 0))
    assert isinstance(outcome, ItemError)
    assert (outcome.kind, outcome.message) == ("infrastructure", "model: HTTP 503")
    assert not any(tmp_path.iterdir())  # nothing was written


def test_a_prompt_past_the_context_window_is_stored_as_the_samples_result(tmp_path: Path) -> None:
    # A context overflow fails the same way on every rerun: a property of the model and the agent's prompt,
    # recorded as a result (stop reason model_error), never redone forever as infrastructure.
    task = bundled_tasks(1)[0]

    def answer(_messages: object) -> str:
        raise ModelLimitError("Requested tokens (9000) exceed context window of 8192")

    config = BenchConfig(
        suite_spec="bundled", model_spec="scripted", agent="smith", traces_dir=str(tmp_path / "traces"),
        agent_config={"write_trace": False, "decompose": "never"},
    )  # fmt: skip
    agent = LlmAgent(config)
    agent._models = [ScriptedModel([answer] * 5)]
    outcome = agent(task.public, SampleRef("r", task.id, 0, 0))
    assert outcome.stop_reason == "model_error"
