"""The OpenAI-compatible client against real HTTP servers on loopback: a scripted one and llama.cpp's."""

from __future__ import annotations

from typing import Any

import pytest
from llm_helpers import LLAMA_SERVER_ALIAS, LLAMA_SERVER_KEY, FakeServer, Reply, chat_reply, free_port

from rtlsmith.errors import ModelError, ModelLimitError, UsageError
from rtlsmith.llm import get_model, user
from rtlsmith.llm.openai_compat import OpenAIError, OpenAIModel, OpenAISettings


def client(url: str, **opts: Any) -> OpenAIModel:
    opts.setdefault("api_key", "k")
    opts.setdefault("backoff_base_s", 0.01)
    opts.setdefault("max_retries", 3)
    model = get_model("openai:test-model", base_url=url, **opts)
    assert isinstance(model, OpenAIModel)
    return model


def recording_client(url: str, **settings: Any) -> tuple[OpenAIModel, list[float]]:
    """A client whose backoff sleeps are recorded instead of slept, so retries cost no test time."""
    settings.setdefault("max_retries", 3)
    sleeps: list[float] = []
    model = OpenAIModel(
        OpenAISettings(model_id="openai:test-model", model="test-model", base_url=url, **settings),
        api_key="k",
        sleep=sleeps.append,
    )
    return model, sleeps


MSGS = [user("write an AND gate")]


def test_request_carries_model_messages_sampling_and_key(fake_server: FakeServer) -> None:
    fake_server.queue(chat_reply("module m; endmodule", prompt_tokens=11, completion_tokens=5))
    [c] = client(fake_server.url, api_key="sekrit").generate(
        MSGS, temperature=0.2, top_p=0.9, max_tokens=50, stop=["endmodule"], seed=7
    )
    assert (c.text, c.finish_reason, c.prompt_tokens, c.completion_tokens) == (
        "module m; endmodule",
        "stop",
        11,
        5,
    )
    assert c.latency_s > 0
    [req] = fake_server.posts()
    assert req.path == "/v1/chat/completions"
    assert req.headers["authorization"] == "Bearer sekrit"
    assert req.body["model"] == "test-model"
    assert req.body["messages"] == [{"role": "user", "content": "write an AND gate"}]
    assert (req.body["temperature"], req.body["top_p"], req.body["max_tokens"]) == (0.2, 0.9, 50)
    assert req.body["stop"] == ["endmodule"] and req.body["seed"] == 7
    assert "grammar" not in req.body and "n" not in req.body


def test_grammar_is_passed_through_in_the_body(fake_server: FakeServer) -> None:
    fake_server.queue(chat_reply("yes"), chat_reply("no"))
    client(fake_server.url).generate(MSGS, grammar='root ::= "yes" | "no"')
    client(fake_server.url, grammar_field="guided_grammar").generate(MSGS, grammar="root ::= x")
    first, second = fake_server.posts()
    assert first.body["grammar"] == 'root ::= "yes" | "no"'
    assert second.body["guided_grammar"] == "root ::= x"


def test_429_is_retried_honouring_retry_after_up_to_a_bound(fake_server: FakeServer) -> None:
    slow_down = {"error": {"message": "slow down"}}
    fake_server.queue(
        Reply(429, slow_down, headers={"Retry-After": "7"}),
        Reply(503, slow_down, headers={"Retry-After": "3600"}),  # an hour: capped
        Reply(429, slow_down),  # no header: exponential backoff
        chat_reply("ok"),
    )
    model, sleeps = recording_client(fake_server.url, backoff_base_s=0.25, retry_after_max_s=60)
    [c] = model.generate(MSGS)
    assert c.text == "ok"
    assert len(fake_server.posts()) == 4 and model.retries == 3
    assert sleeps[:2] == [7.0, 60.0]
    assert 0.5 <= sleeps[2] <= 1.0  # attempt 2 of base 0.25: between half and all of 0.25 * 2**2


def test_backoff_grows_and_is_bounded(fake_server: FakeServer) -> None:
    fake_server.queue(*[Reply(500, {"error": "boom"}) for _ in range(6)])
    model, sleeps = recording_client(fake_server.url, max_retries=5, backoff_base_s=1.0, backoff_max_s=4.0)
    with pytest.raises(OpenAIError, match=r"HTTP 500: boom \(on each of 6 tries\); check the server's log"):
        model.generate(MSGS)
    ceilings = [1.0, 2.0, 4.0, 4.0, 4.0]
    assert len(sleeps) == len(ceilings)
    assert all(c / 2 <= s <= c for s, c in zip(sleeps, ceilings, strict=True)), sleeps


def test_5xx_is_retried_then_succeeds(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(500, {"error": "boom"}), Reply(503, {"error": "busy"}), chat_reply("ok"))
    model = client(fake_server.url)
    assert model.generate(MSGS)[0].text == "ok"
    assert len(fake_server.posts()) == 3 and model.retries == 2


def test_persistent_5xx_gives_up_with_the_server_message(fake_server: FakeServer) -> None:
    fake_server.queue(*[Reply(502, {"error": {"message": "bad gateway here"}}) for _ in range(3)])
    model = client(fake_server.url, max_retries=2)
    with pytest.raises(ModelError, match=rf"{fake_server.url} answered HTTP 502: bad gateway here .*3 tries"):
        model.generate(MSGS)
    assert len(fake_server.posts()) == 3


def test_an_answer_cut_off_midway_is_retried(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(body=chat_reply("half").body, cut=True), chat_reply("whole"))
    model, sleeps = recording_client(fake_server.url)
    assert model.generate(MSGS)[0].text == "whole"
    assert model.retries == 1 and len(sleeps) == 1


def test_answers_cut_off_every_time_say_the_server_broke_off(fake_server: FakeServer) -> None:
    fake_server.queue(*[Reply(body=chat_reply("half").body, cut=True) for _ in range(3)])
    model, _ = recording_client(fake_server.url, max_retries=2)
    with pytest.raises(
        OpenAIError, match=rf"server at {fake_server.url} broke off its answer .* 3 tries.*server's log"
    ):
        model.generate(MSGS)
    assert len(fake_server.posts()) == 3


def test_garbage_is_retried_then_called_malformed(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(raw=b'{"choices": [{"mess'), chat_reply("ok"))
    model, _ = recording_client(fake_server.url)
    assert model.generate(MSGS)[0].text == "ok" and model.retries == 1

    fake_server.queue(*[Reply(raw=b"<html>proxy login</html>") for _ in range(2)])
    model, _ = recording_client(fake_server.url, max_retries=1)
    with pytest.raises(
        OpenAIError,
        match=rf"malformed response from {fake_server.url}/chat/completions: not JSON .*2 tries.*/v1",
    ):
        model.generate(MSGS)


def test_timeout_is_retried(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(delay_s=4.0, body=chat_reply("late").body), chat_reply("on time"))
    model = client(fake_server.url, timeout_s=1.5)
    assert model.generate(MSGS)[0].text == "on time"
    assert model.retries == 1


def test_timeout_on_every_try_says_so(fake_server: FakeServer) -> None:
    fake_server.queue(*[Reply(delay_s=0.6, body=chat_reply("late").body) for _ in range(2)])
    with pytest.raises(ModelError, match=r"timed out .* 2 tries"):
        client(fake_server.url, timeout_s=0.2, max_retries=1).generate(MSGS)


def test_a_server_that_hangs_is_given_up_on(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(hang=True), Reply(hang=True))
    model, sleeps = recording_client(fake_server.url, timeout_s=0.2, max_retries=1)
    with pytest.raises(
        OpenAIError, match=rf"POST {fake_server.url}/chat/completions timed out .*2 tries.*raise timeout_s"
    ):
        model.generate(MSGS)
    assert len(fake_server.posts()) == 2 and len(sleeps) == 1


def test_401_says_the_key_is_wrong_and_is_not_retried(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(401, {"error": {"message": "Incorrect API key provided"}}))
    with pytest.raises(
        ModelError, match=r"rejected the API key \(HTTP 401: Incorrect API key.*RTLSMITH_API_KEY"
    ):
        client(fake_server.url).generate(MSGS)
    assert len(fake_server.posts()) == 1


def test_a_prompt_past_the_context_window_is_a_limit_not_an_unknown_model(fake_server: FakeServer) -> None:
    message = "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens."
    fake_server.queue(Reply(400, {"error": {"message": message, "code": "context_length_exceeded"}}))
    with pytest.raises(ModelLimitError, match=r"cannot take this request: This model's maximum context"):
        client(fake_server.url).generate(MSGS)
    assert len(fake_server.posts()) == 1  # the same request would fail the same way: not retried


def test_unknown_model_lists_the_served_models(fake_server: FakeServer) -> None:
    fake_server.queue(
        Reply(404, {"error": {"message": "The model `test-model` does not exist"}}),
        Reply(200, {"object": "list", "data": [{"id": "qwen-coder"}, {"id": "llama3"}]}),
    )
    with pytest.raises(ModelError, match=r"'test-model' is not served by .* it serves: qwen-coder, llama3"):
        client(fake_server.url).generate(MSGS)


def test_404_without_models_endpoint_points_at_the_base_url(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(404, {"detail": "Not Found"}), Reply(404, {"detail": "Not Found"}))
    with pytest.raises(ModelError, match=r"check the base URL .*/v1"):
        client(fake_server.url).generate(MSGS)


@pytest.mark.parametrize(
    ("reply", "match"),
    [
        (Reply(body={"choices": []}), "no choices"),
        (Reply(body={"choices": [{"text": "legacy"}]}), "has no message"),
        (Reply(body=[1, 2]), "expected a JSON object"),
    ],
)
def test_malformed_responses_are_model_errors(fake_server: FakeServer, reply: Reply, match: str) -> None:
    fake_server.queue(reply)
    with pytest.raises(ModelError, match=f"malformed response from {fake_server.url}.*{match}"):
        client(fake_server.url).generate(MSGS)


def test_an_error_sent_with_status_200_is_reported_as_the_servers(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(body={"error": {"message": "KV cache is full"}}))
    with pytest.raises(OpenAIError, match=r"with an error instead of a completion: KV cache is full"):
        client(fake_server.url).generate(MSGS)


def test_unreachable_server_names_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    model, sleeps = recording_client(url, max_retries=2)
    with pytest.raises(
        OpenAIError, match=rf"cannot reach the model server at {url} .*3 tries; check that it is running"
    ):
        model.generate(MSGS)
    assert model.retries == 2 and len(sleeps) == 2


def test_negative_durations_are_refused() -> None:
    with pytest.raises(UsageError, match="retry_after_max_s must be >= 0"):
        recording_client("http://127.0.0.1:9/v1", retry_after_max_s=-1)


def test_n_is_sent_and_short_answers_are_topped_up_with_shifted_seeds(fake_server: FakeServer) -> None:
    fake_server.queue(
        chat_reply("a", "b", prompt_tokens=10, completion_tokens=7),
        chat_reply("c", prompt_tokens=10, completion_tokens=2),
        chat_reply("d", prompt_tokens=10, completion_tokens=2),
    )
    out = client(fake_server.url).generate(MSGS, n=4, seed=100, temperature=0.8)
    assert [c.text for c in out] == ["a", "b", "c", "d"]
    assert [r.body.get("n") for r in fake_server.posts()] == [4, 2, None]
    assert [r.body["seed"] for r in fake_server.posts()] == [100, 102, 103]
    # Sums over completions equal what the server billed.
    assert sum(c.prompt_tokens for c in out) == 30
    assert sum(c.completion_tokens for c in out) == 11
    assert [c.prompt_tokens for c in out[:2]] == [10, 0]


def test_missing_usage_counts_as_zero(fake_server: FakeServer) -> None:
    fake_server.queue(Reply(body={"choices": [{"message": {"role": "assistant", "content": None}}]}))
    [c] = client(fake_server.url).generate(MSGS)
    assert (c.text, c.finish_reason, c.prompt_tokens, c.completion_tokens) == ("", "unknown", 0, 0)


def test_settings_record_has_no_secret(fake_server: FakeServer) -> None:
    model = client(fake_server.url, api_key="top-secret")
    record = model.settings.record()
    assert record["model_id"] == "openai:test-model" and record["base_url"] == fake_server.url
    assert "top-secret" not in repr(record)


def test_openai_spec_needs_a_model_name() -> None:
    with pytest.raises(UsageError, match="openai:MODEL_NAME"):
        get_model("openai:", base_url="http://127.0.0.1:9/v1")


# -- against the real llama.cpp server --------------------------------------------------------------------


def test_llama_server_chat_completion(llama_server: str) -> None:
    model = get_model(f"openai:{LLAMA_SERVER_ALIAS}", base_url=llama_server, api_key=LLAMA_SERVER_KEY)
    [c] = model.generate([user("Say hello.")], max_tokens=8, temperature=0, seed=0)
    assert c.text.strip()
    assert c.prompt_tokens > 0 and 0 < c.completion_tokens <= 8
    assert c.finish_reason in ("stop", "length")


def test_llama_server_grammar_and_n(llama_server: str) -> None:
    model = get_model(f"openai:{LLAMA_SERVER_ALIAS}", base_url=llama_server, api_key=LLAMA_SERVER_KEY)
    out = model.generate([user("yes or no?")], n=3, grammar='root ::= "yes" | "no"', temperature=1.0, seed=1)
    assert len(out) == 3  # llama.cpp's server ignores n: the client asks again
    assert {c.text for c in out} <= {"yes", "no"}


def test_llama_server_wrong_key(llama_server: str) -> None:
    model = get_model(f"openai:{LLAMA_SERVER_ALIAS}", base_url=llama_server, api_key="wrong")
    with pytest.raises(ModelError, match="rejected the API key"):
        model.generate([user("hi")], max_tokens=2)


def test_llama_server_list_models(llama_server: str) -> None:
    model = get_model(f"openai:{LLAMA_SERVER_ALIAS}", base_url=llama_server, api_key=LLAMA_SERVER_KEY)
    assert isinstance(model, OpenAIModel)
    assert model.list_models() == [LLAMA_SERVER_ALIAS]
