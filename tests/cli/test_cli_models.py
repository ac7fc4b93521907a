"""`rtlsmith models` and `rtlsmith generate` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from llm_helpers import FakeServer, Reply, needs_llama_cpp

from rtlsmith.cli.models import generate_cmd, models_cmd

ANSWER = "Here you go:\n```verilog\nmodule TopModule(input a, output y);\n  assign y = a;\nendmodule\n```\n"


@pytest.fixture(autouse=True)
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    for name in (
        "RTLSMITH_MODEL",
        "RTLSMITH_BASE_URL",
        "OPENAI_BASE_URL",
        "RTLSMITH_API_KEY",
        "OPENAI_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)


def bundled_task_id() -> str:
    suites = pytest.importorskip("rtlsmith.suites", reason="the suites package is not available")
    return str(next(iter(suites.load_suite("bundled"))).id)


def test_models_reports_a_reachable_server(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(body={"object": "list", "data": [{"id": "coder-7b"}]}))
    result = CliRunner().invoke(models_cmd, ["--base-url", fake_server.url, "--api-key", "k"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("openai"))
    assert "ready" in line and "coder-7b" in line
    assert "default model: embedded" in result.output
    assert fake_server.seen[0].path == "/v1/models"


def test_models_reports_an_unreachable_server() -> None:
    result = CliRunner().invoke(models_cmd, ["--base-url", "http://127.0.0.1:9/v1", "--timeout", "0.5"])
    line = next(x for x in result.output.splitlines() if x.startswith("openai"))
    assert "unreachable" in line and "http://127.0.0.1:9/v1" in line


def test_generate_with_replay_prints_the_extracted_code(tmp_path: Path) -> None:
    task_id = bundled_task_id()
    samples = tmp_path / "samples.jsonl"
    samples.write_text(json.dumps({"task_id": task_id, "completion": ANSWER}) + "\n")
    result = CliRunner().invoke(
        generate_cmd, ["--task", task_id, "--model", f"replay:{samples}", "--extract", "--show-prompt"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "module TopModule(input a, output y);\n  assign y = a;\nendmodule\n"
    assert "--- user ---\n\nQuestion:\n" in result.stderr
    assert "completion 0 tokens" in result.stderr and "tokens/s" in result.stderr


def test_generate_against_a_server_shows_tokens_and_cost(
    fake_server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "rtlsmith.toml"
    config.write_text('[prices."openai:gpt-4o-mini"]\nprompt = 0.15\ncompletion = 0.60\n')
    monkeypatch.setenv("RTLSMITH_CONFIG", str(config))
    task_id = bundled_task_id()
    fake_server.queue(
        Reply(
            body={
                "choices": [{"message": {"role": "assistant", "content": ANSWER}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 120, "completion_tokens": 30},
            }
        )
    )
    args = [
        "--task",
        task_id,
        "--model",
        "openai:gpt-4o-mini",
        "--base-url",
        fake_server.url,
        "--api-key",
        "k",
    ]
    result = CliRunner().invoke(
        generate_cmd, [*args, "--max-tokens", "64", "--temperature", "0.5", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ANSWER + "\n"
    assert "prompt 120 tokens | completion 30 tokens" in result.stderr
    assert "cost $0.000036" in result.stderr  # 120 * 0.15 + 30 * 0.60 per 1M
    body = fake_server.posts()[0].body
    assert (body["max_tokens"], body["temperature"], body["seed"]) == (64, 0.5, 3)


@needs_llama_cpp
def test_generate_with_the_embedded_model() -> None:
    result = CliRunner().invoke(
        generate_cmd, ["--task", bundled_task_id(), "--model", "embedded:smollm2", "--max-tokens", "8"]
    )
    assert result.exit_code == 0, result.output
    assert "model embedded:smollm2" in result.stderr and "completion 8 tokens" in result.stderr


def test_base_url_with_a_non_openai_model_is_refused() -> None:
    result = CliRunner().invoke(
        generate_cmd, ["--task", "x", "--model", "embedded", "--base-url", "http://h/v1"]
    )
    assert result.exit_code == 2 and "openai:NAME models only" in result.output


def test_every_command_has_an_example_in_its_help() -> None:
    for cmd in (models_cmd, generate_cmd):
        result = CliRunner().invoke(cmd, ["--help"])
        assert result.exit_code == 0 and "Example" in result.output and "rtlsmith " in result.output


def test_commands_are_registered_on_the_rtlsmith_group() -> None:
    from rtlsmith.cli import main

    for name in ("models", "generate"):
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, result.output


def test_models_lists_each_embedded_model_with_its_size_and_place() -> None:
    result = CliRunner().invoke(models_cmd, [])
    assert result.exit_code == 0, result.output
    qwen = next(x for x in result.output.splitlines() if x.startswith("embedded:qwen2.5-coder-1.5b"))
    assert "1.12 GB" in qwen and ("ready" in qwen or "rtlsmith[designer]" in qwen)
    assert any(x.startswith("embedded:smollm2") for x in result.output.splitlines())
