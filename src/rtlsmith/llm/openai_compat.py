"""A client for OpenAI-compatible chat servers (vLLM, llama.cpp server, Ollama, hosted APIs)."""

from __future__ import annotations

import email.utils
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from rtlsmith.errors import ModelError, ModelLimitError, UsageError
from rtlsmith.llm.base import BaseModel, Completion, ModelSettings, Request

DEFAULT_BASE_URL = "https://api.openai.com/v1"
RETRY_STATUS = frozenset({408, 409, 429})


@dataclass(frozen=True, kw_only=True)
class OpenAISettings(ModelSettings):
    """How an OpenAI-compatible server is reached. The API key is deliberately not a field."""

    backend: str = "openai"
    model: str
    base_url: str = DEFAULT_BASE_URL
    timeout_s: float = 120.0
    connect_timeout_s: float = 10.0
    max_retries: int = 5
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    retry_after_max_s: float = 60.0  # the longest a server's Retry-After is honoured for, per retry
    max_concurrency: int = 8
    grammar_field: str = "grammar"


class OpenAIError(ModelError):
    """An OpenAI-compatible server answered with an error, or not at all."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class OpenAILimitError(OpenAIError, ModelLimitError):
    """The server refused the request because it exceeds the model's context window."""


# How servers word a request that exceeds the context window (OpenAI, vLLM, llama.cpp's server, TGI).
_CONTEXT_PHRASES = (
    "context length",
    "context_length_exceeded",
    "maximum context",
    "context window",
    "exceeds the available context",
    "exceed_context_size",
    "too many tokens",
    "input is too long",
)


def is_context_overflow(message: str) -> bool:
    text = message.lower()
    return any(p in text for p in _CONTEXT_PHRASES)


def _retry_after_s(response: httpx.Response) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or an HTTP date), if any."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _server_message(response: httpx.Response) -> str:
    """The error text a server sent, from ``{"error": {"message": ...}}`` or the raw body."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300]
    if isinstance(body, dict):
        err = body.get("error", body.get("detail", body))
        if isinstance(err, dict):
            return str(err.get("message", err))[:300]
        return str(err)[:300]
    return str(body)[:300]


class OpenAIModel(BaseModel):
    """Chat completions over HTTP with retries, backoff and clear errors."""

    def __init__(
        self,
        settings: OpenAISettings,
        *,
        api_key: str | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not settings.model:
            raise UsageError("the openai backend needs a model name: openai:MODEL_NAME")
        if not settings.base_url.startswith(("http://", "https://")):
            raise UsageError(
                f"the base URL must start with http:// or https://, got {settings.base_url!r} "
                "(for example http://127.0.0.1:8000/v1)"
            )
        if settings.max_retries < 0:
            raise UsageError(f"max_retries must be >= 0, got {settings.max_retries}")
        durations = ("timeout_s", "connect_timeout_s", "backoff_base_s", "backoff_max_s", "retry_after_max_s")
        for name in durations:
            if not getattr(settings, name) >= 0:
                raise UsageError(f"{name} must be >= 0, got {getattr(settings, name)}")
        super().__init__(settings)
        self.openai_settings = settings
        self.base_url = settings.base_url.rstrip("/")
        headers = {"Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s),
            transport=transport,
        )
        self._rng = random.Random()
        self._rng_lock = threading.Lock()
        self._sleep = sleep
        self.retries = 0
        """Requests re-sent after a retryable failure since this model was made (for logs and tests)."""

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> OpenAIModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- HTTP with retries -------------------------------------------------------------------------------

    def _backoff_s(self, attempt: int, response: httpx.Response | None) -> float:
        s = self.openai_settings
        if response is not None:
            asked = _retry_after_s(response)
            if asked is not None:
                # Honoured, but bounded: a server asking for an hour must not stall a bench for an hour.
                return min(asked, s.retry_after_max_s)
        ceiling = min(s.backoff_max_s, s.backoff_base_s * (2.0**attempt))
        with self._rng_lock:
            # "Equal jitter": never less than half the exponential step, so clients spread out but progress.
            return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    def _send(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, json_reply: bool = False
    ) -> httpx.Response:
        """Send a request, retrying with backoff on 408/409/429, 5xx, timeouts, connection errors, an answer
        cut off, and (``json_reply``) a success whose body is not JSON; raise ``OpenAIError`` saying what
        failed on the last try. An HTTP error that is not worth retrying is returned, for the caller."""
        url = f"{self.base_url}{path}"
        s = self.openai_settings
        tries = s.max_retries + 1
        attempt = 0
        while True:
            response: httpx.Response | None = None
            try:
                response = self._client.request(method, url, json=body)
            except httpx.TimeoutException as e:
                if attempt + 1 >= tries:
                    raise OpenAIError(
                        f"{method} {url} timed out ({type(e).__name__}) on each of {tries} tries "
                        f"(timeout {s.timeout_s:g} s); the server may be overloaded or stuck: check it, or "
                        "raise timeout_s (timeout_s in [model] of rtlsmith.toml)"
                    ) from e
            except httpx.ConnectError as e:
                if attempt + 1 >= tries:
                    raise OpenAIError(
                        f"cannot reach the model server at {self.base_url} ({type(e).__name__}: {e}) after "
                        f"{tries} tries; check that it is running and that the base URL is right "
                        "(--base-url, RTLSMITH_BASE_URL, or base_url in [model] of rtlsmith.toml)"
                    ) from e
            except httpx.TransportError as e:
                if attempt + 1 >= tries:
                    raise OpenAIError(
                        f"the model server at {self.base_url} broke off its answer to {method} {url} "
                        f"({type(e).__name__}: {e}) on each of {tries} tries; it may be crashing or "
                        "restarting, or a proxy cuts the connection: check the server's log"
                    ) from e
            else:
                status = response.status_code
                if status < 400 and not (json_reply and not _is_json(response)):
                    return response
                retryable = status < 400 or status in RETRY_STATUS or status >= 500
                if attempt + 1 >= tries and status < 400:
                    raise OpenAIError(
                        f"malformed response from {url}: not JSON ({response.text[:200]!r}) on each of "
                        f"{tries} tries; is the base URL an OpenAI-compatible API (usually ending in /v1)?"
                    )
                if not retryable or attempt + 1 >= tries:
                    return response
            self._sleep(self._backoff_s(attempt, response))
            attempt += 1
            self.retries += 1

    def _raise_for_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        message = _server_message(response)
        if status in (401, 403):
            raise OpenAIError(
                f"the server at {self.base_url} rejected the API key (HTTP {status}: {message}); set "
                "RTLSMITH_API_KEY or OPENAI_API_KEY, pass --api-key, or set api_key_env in [model] of "
                "rtlsmith.toml",
                status=status,
            )
        if status in (400, 413) and is_context_overflow(message):
            raise OpenAILimitError(
                f"the model at {self.base_url} cannot take this request: {message} (HTTP {status}); lower "
                "max_new_tokens or the agent's budget, or use a model with a longer context",
                status=status,
            )
        if status == 404 or (status == 400 and "model" in message.lower()):
            raise OpenAIError(self._not_found_message(status, message), status=status)
        tries = self.openai_settings.max_retries + 1
        if status == 429:
            raise OpenAIError(
                f"the server at {self.base_url} is rate limiting (HTTP 429: {message}) after "
                f"{tries} tries; lower max_concurrency or try later",
                status=status,
            )
        if status >= 500 or status in RETRY_STATUS:
            raise OpenAIError(
                f"the server at {self.base_url} answered HTTP {status}: {message} (on each of {tries} "
                "tries); check the server's log, or try again later",
                status=status,
            )
        raise OpenAIError(f"the server at {self.base_url} answered HTTP {status}: {message}", status=status)

    def _not_found_message(self, status: int, message: str) -> str:
        model = self.openai_settings.model
        served = self.list_models(quiet=True)
        if served is None:
            return (
                f"the server at {self.base_url} has no chat completions endpoint for model {model!r} "
                f"(HTTP {status}: {message}); check the base URL (OpenAI-compatible servers usually "
                "serve under /v1) and the model name"
            )
        if model in served:
            return f"the server at {self.base_url} answered HTTP {status} for model {model!r}: {message}"
        listing = ", ".join(served[:20]) + (" ..." if len(served) > 20 else "") if served else "none"
        return (
            f"model {model!r} is not served by {self.base_url} (HTTP {status}: {message}); "
            f"it serves: {listing}"
        )

    def list_models(self, *, quiet: bool = False) -> list[str] | None:
        """Model ids from ``GET /models``; with ``quiet``, None instead of an error when that fails."""
        try:
            response = self._client.get(
                f"{self.base_url}/models", timeout=min(10.0, self._client.timeout.read or 10)
            )
            if response.status_code >= 400:
                if quiet:
                    return None
                self._raise_for_status(response)
            data = response.json()
            return [str(m["id"]) for m in data["data"]]
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as e:
            if quiet:
                return None
            raise OpenAIError(f"cannot list the models at {self.base_url}/models: {e}") from e

    # -- chat completions --------------------------------------------------------------------------------

    def _body(self, request: Request, n: int, seed: int | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.openai_settings.model,
            "messages": [m.to_dict() for m in request.messages],
            "temperature": request.temperature,
            "top_p": request.top_p,
            "max_tokens": request.max_tokens,
        }
        if n > 1:
            body["n"] = n
        if request.stop:
            body["stop"] = list(request.stop)
        if seed is not None:
            body["seed"] = seed
        if request.grammar is not None:
            body[self.openai_settings.grammar_field] = request.grammar
        return body

    def _parse(self, response: httpx.Response, latency_s: float) -> list[Completion]:
        url = f"{self.base_url}/chat/completions"
        try:
            data = response.json()
        except ValueError as e:
            raise OpenAIError(
                f"malformed response from {url}: not JSON ({response.text[:200]!r}); is the base URL an "
                "OpenAI-compatible API?"
            ) from e
        if not isinstance(data, dict):
            raise OpenAIError(f"malformed response from {url}: expected a JSON object, got {str(data)[:200]}")
        choices = data.get("choices")
        if not choices and data.get("error"):
            # Some servers and proxies send their error with status 200.
            raise OpenAIError(
                f"the server at {self.base_url} answered with an error instead of a completion: "
                f"{_error_text(data['error'])}; check the server's log"
            )
        if not isinstance(choices, list) or not choices:
            raise OpenAIError(f"malformed response from {url}: no choices in {json.dumps(data)[:200]}")
        texts: list[tuple[str, str]] = []
        for choice in choices:
            message = choice.get("message") if isinstance(choice, dict) else None
            if not isinstance(message, dict):
                raise OpenAIError(
                    f"malformed response from {url}: a choice has no message: {str(choice)[:200]}"
                )
            content = message.get("content")
            if content is not None and not isinstance(content, str):
                raise OpenAIError(
                    f"malformed response from {url}: message content is not text: {content!r:.200}"
                )
            texts.append((content or "", str(choice.get("finish_reason") or "unknown")))
        raw_usage = data.get("usage")
        usage: dict[str, Any] = raw_usage if isinstance(raw_usage, dict) else {}
        prompt_tokens = _int(usage.get("prompt_tokens"))
        completion_tokens = _int(usage.get("completion_tokens"))
        share, extra = divmod(completion_tokens, len(texts))
        return [
            Completion(
                text=text,
                finish_reason=finish,
                prompt_tokens=prompt_tokens if i == 0 else 0,
                completion_tokens=share + (1 if i < extra else 0),
                latency_s=latency_s / len(texts),
            )
            for i, (text, finish) in enumerate(texts)
        ]

    def _generate(self, request: Request) -> list[Completion]:
        completions: list[Completion] = []
        while len(completions) < request.n:
            # Servers that ignore n (llama.cpp's) return one choice: ask again for the rest, with a shifted
            # seed so seeded sampling does not repeat the same answer.
            seed = None if request.seed is None else request.seed + len(completions)
            start = time.perf_counter()
            response = self._send(
                "POST",
                "/chat/completions",
                self._body(request, request.n - len(completions), seed),
                json_reply=True,
            )
            latency = time.perf_counter() - start
            self._raise_for_status(response)
            completions.extend(self._parse(response, latency))
        return completions[: request.n]


def _error_text(error: object) -> str:
    if isinstance(error, dict):
        return str(error.get("message", error))[:300]
    return str(error)[:300]


def _is_json(response: httpx.Response) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True


def _int(value: object) -> int:
    return value if isinstance(value, int) and value >= 0 else 0
