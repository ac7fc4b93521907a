"""The model contract and the in-process backends: scripted, replay, embedded."""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from llm_helpers import needs_llama_cpp

from rtlsmith.errors import ModelError, UsageError
from rtlsmith.llm import (
    BaseModel,
    Completion,
    GenerateConfig,
    GrammarError,
    Message,
    Model,
    ScriptedModel,
    ScriptExhaustedError,
    backends,
    get_model,
    system,
    user,
)
from rtlsmith.llm.base import ModelSettings, Request

# -- the contract ----------------------------------------------------------------------------------------


def test_every_backend_satisfies_the_protocol(tmp_path: Path) -> None:
    samples = tmp_path / "s.jsonl"
    samples.write_text('{"task_id": "t", "completion": "x"}\n')
    for model in (get_model("scripted"), get_model(f"replay:{samples}")):
        assert isinstance(model, Model)


def test_unknown_spec_lists_the_valid_prefixes() -> None:
    with pytest.raises(UsageError) as info:
        get_model("gpt4")
    for prefix in ("embedded", "openai:MODEL_NAME", "replay:PATH.jsonl", "scripted"):
        assert prefix in str(info.value)
    assert set(backends()) >= {"embedded", "openai", "replay", "scripted"}


def test_unknown_backend_option_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"no option.*temperature"):
        get_model("scripted", temperature=1.0)


def test_bad_arguments_are_usage_errors() -> None:
    model = ScriptedModel(["a"])
    with pytest.raises(UsageError, match="n must be at least 1"):
        model.generate([user("x")], n=0)
    with pytest.raises(UsageError, match="top_p"):
        model.generate([user("x")], top_p=0)
    with pytest.raises(UsageError, match="not a str"):
        model.generate("hello")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="role"):
        Message("robot", "x")  # type: ignore[arg-type]
    assert model.calls == []


def test_generate_config_round_trips_to_kwargs() -> None:
    cfg = GenerateConfig(n=2, temperature=0.8, stop=("endmodule",), seed=3)
    model = ScriptedModel(["a", "b"])
    model.generate([user("x")], **cfg.kwargs())
    call = model.calls[0]
    assert (call.n, call.temperature, call.stop, call.seed) == (2, 0.8, ("endmodule",), 3)
    assert cfg.record()["stop"] == ["endmodule"]


class SlowModel(BaseModel):
    """Counts how many calls run at once."""

    def __init__(self, limit: int) -> None:
        super().__init__(ModelSettings(backend="slow", model_id="slow", max_concurrency=limit))
        self.running = 0
        self.peak = 0
        self.lock = threading.Lock()

    def _generate(self, request: Request) -> list[Completion]:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        return [Completion("ok", "stop", 0, 0, 0.05)] * request.n


def test_agenerate_runs_concurrently_up_to_the_limit() -> None:
    model = SlowModel(limit=3)

    async def main() -> list[list[Completion]]:
        return await asyncio.gather(*(model.agenerate([user(str(i))]) for i in range(9)))

    start = time.monotonic()
    results = asyncio.run(main())
    assert len(results) == 9 and model.peak == 3
    assert time.monotonic() - start < 9 * 0.05  # not serial
    # A second event loop gets its own semaphore.
    asyncio.run(main())


# -- scripted --------------------------------------------------------------------------------------------


def test_scripted_answers_in_order_and_records_prompts() -> None:
    def echo(messages: Sequence[Message]) -> str:
        return "echo: " + messages[-1].content

    model = ScriptedModel(["first answer", echo])
    a = model.generate([system("be brief"), user("one")], task_id="t1")
    b = model.generate([user("two")])
    assert [a[0].text, b[0].text] == ["first answer", "echo: two"]
    assert model.prompts[0] == (system("be brief"), user("one"))
    assert model.calls[0].task_id == "t1"
    assert (a[0].prompt_tokens, a[0].completion_tokens) == (3, 2)  # words, deterministic
    assert model.remaining == 0


def test_scripted_raises_when_exhausted() -> None:
    model = get_model("scripted", answers=["only one"])
    model.generate([user("x")])
    with pytest.raises(
        ScriptExhaustedError, match=r"asked for 2 answer\(s\) in call 2 but has 0 left of the 1"
    ):
        model.generate([user("y")], n=2)


# -- replay ----------------------------------------------------------------------------------------------


def write_samples(path: Path, rows: list[dict[str, str]]) -> Path:
    text = "".join(json.dumps(r) + "\n" for r in rows)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


ROWS = [
    {"task_id": "Prob001", "completion": "a1"},
    {"task_id": "Prob002", "completion": "b1"},
    {"task_id": "Prob001", "completion": "a2"},
]


@pytest.mark.parametrize("name", ["samples.jsonl", "samples.jsonl.gz"])
def test_replay_returns_samples_round_robin(tmp_path: Path, name: str) -> None:
    model = get_model(f"replay:{write_samples(tmp_path / name, ROWS)}")
    assert [c.text for c in model.generate([user("q")], task_id="Prob001", n=3)] == ["a1", "a2", "a1"]
    assert model.generate([user("q")], task_id="Prob001")[0].text == "a2"
    [b] = model.generate([user("q")], task_id="Prob002")
    assert (b.text, b.prompt_tokens, b.completion_tokens) == ("b1", 0, 0)
    assert b.latency_s >= 0
    record = model.settings.record()
    assert record["samples"] == 3 and len(record["sha256"]) == 64 and model.model_id == f"replay:{name}"


def test_replay_needs_a_known_task_id(tmp_path: Path) -> None:
    model = get_model(f"replay:{write_samples(tmp_path / 's.jsonl', ROWS)}")
    with pytest.raises(ModelError, match=r"needs generate.*task_id"):
        model.generate([user("q")])
    with pytest.raises(ModelError, match="no completion for task 'Prob999'"):
        model.generate([user("q")], task_id="Prob999")


def test_replay_rejects_bad_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        get_model(f"replay:{tmp_path / 'missing.jsonl'}")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"task_id": "t", "completion": "x"}\n{"task_id": "t"}\n')
    with pytest.raises(UsageError, match=r"bad.jsonl:2: a sample needs task_id and completion"):
        get_model(f"replay:{bad}")


# -- embedded --------------------------------------------------------------------------------------------


@needs_llama_cpp
def test_embedded_generates_deterministically_and_counts_tokens() -> None:
    model = get_model("embedded:smollm2")
    assert get_model("embedded:smollm2").model_id == model.model_id == "embedded:smollm2"
    msgs = [user("Write a Verilog module that inverts its input.")]
    [a] = model.generate(msgs, max_tokens=12, temperature=0, seed=0)
    [b] = model.generate(msgs, max_tokens=12, temperature=0, seed=0)
    assert a.text == b.text and a.text
    assert a.prompt_tokens > 5 and a.completion_tokens == 12 and a.finish_reason == "length"
    assert a.tokens_per_s > 0
    assert model.settings.record()["package_version"]


@needs_llama_cpp
def test_embedded_starts_each_request_from_an_empty_kv_cache_unless_told_to_reuse_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A reused prefix changes the batch the rest of the prompt is evaluated in, and with it a greedy answer
    # (seen with Qwen2.5-Coder-1.5B); by default every request is evaluated whole.
    msgs = [user("Write a Verilog module that inverts its input.")]
    for reuse in (False, True):
        model = get_model("embedded:smollm2", reuse_prefix=reuse)
        assert model.settings.record()["reuse_prefix"] is reuse
        llm = model.llama  # type: ignore[attr-defined]
        cached: list[int] = []  # tokens in the KV cache as each request starts

        def recording(real: Any = llm.create_chat_completion, llm: Any = llm, **kw: Any) -> Any:
            cached.append(llm.n_tokens)  # noqa: B023 (called within this iteration)
            return real(**kw)

        monkeypatch.setattr(llm, "create_chat_completion", recording)
        model.generate(msgs, max_tokens=4, temperature=0, seed=0)
        model.generate(msgs, max_tokens=4, temperature=0, seed=0)
        monkeypatch.undo()
        assert (cached[1] > 0) is reuse


@needs_llama_cpp
def test_embedded_grammar_constrains_the_output() -> None:
    model = get_model("embedded:smollm2")
    out = model.generate([user("yes or no?")], n=4, temperature=1.0, seed=5, grammar='root ::= "yes" | "no"')
    assert len(out) == 4 and {c.text for c in out} <= {"yes", "no"}


@needs_llama_cpp
def test_embedded_bad_grammar_is_an_error_not_a_crash() -> None:
    with pytest.raises(GrammarError, match="Undefined rule identifier 'foo'"):
        get_model("embedded:smollm2").generate([user("x")], grammar="root ::= foo")


@needs_llama_cpp
def test_embedded_prompt_longer_than_the_context_is_a_model_error() -> None:
    model = get_model("embedded:smollm2", n_ctx=256)
    with pytest.raises(ModelError, match="n_ctx=256"):
        model.generate([user("word " * 400)], max_tokens=4)


def test_embedded_without_llama_cpp_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_llama(name: str, *args: object, **kwargs: object) -> object:
        if name == "llama_cpp" or name.startswith("llama_cpp."):
            raise ImportError("no llama_cpp")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    from rtlsmith.llm import embedded

    monkeypatch.setattr(builtins, "__import__", no_llama)
    with pytest.raises(ModelError, match=r"needs llama-cpp-python: pip install 'rtlsmith\[embedded\]'"):
        embedded.import_llama_cpp()


def test_embedded_unknown_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"nor an existing .gguf file"):
        get_model("embedded:tinyllama")
