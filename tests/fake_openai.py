"""A misbehaving OpenAI-compatible server on loopback, for the model client's and the bench's tests.

It answers each request from a queue of ``Reply`` (then from ``respond``, when set): any status and headers,
a body that is not JSON, an answer cut off halfway, a delay, or a hang that lasts until the server stops.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Reply:
    """One scripted HTTP answer.

    ``cut``: send the headers and half the body, then close the connection (a server that died mid-answer).
    ``hang``: answer nothing until the server is stopped (a server that accepted the request and froze).
    """

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    raw: bytes | None = None
    cut: bool = False
    hang: bool = False


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

    def text(self) -> str:
        """Every message's content of a chat request, joined (empty for other requests)."""
        if not isinstance(self.body, dict):
            return ""
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", ()))


Responder = Callable[[SeenRequest], Reply]


class FakeServer:
    """A real HTTP server on 127.0.0.1 answering from a queue of ``Reply``; records every request."""

    def __init__(self, respond: Responder | None = None) -> None:
        self.replies: deque[Reply] = deque()
        self.respond = respond
        self.seen: list[SeenRequest] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
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
                seen = SeenRequest(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
                with server.lock:
                    server.seen.append(seen)
                    queued = server.replies.popleft() if server.replies else None
                if queued is not None:
                    reply = queued
                elif server.respond is not None:
                    reply = server.respond(seen)
                else:
                    reply = Reply(500, {"error": "no reply queued"})
                if reply.hang:
                    server.stopping.wait(timeout=300)
                    return
                if reply.delay_s:
                    server.stopping.wait(timeout=reply.delay_s)
                data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    if reply.cut:
                        self.wfile.write(data[: len(data) // 2])
                        self.wfile.flush()
                        self.close_connection = True
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
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
        with self.lock:
            return [r for r in self.seen if r.method == "POST"]

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # releases hanging and delayed answers
        self.httpd.shutdown()
        self.httpd.server_close()


@contextlib.contextmanager
def running(respond: Responder | None = None) -> Iterator[FakeServer]:
    """A started ``FakeServer``, stopped on exit."""
    server = FakeServer(respond).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    with running() as server:
        yield server


def free_port() -> int:
    """A port nothing listens on (a moment ago): connecting to it is refused."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
