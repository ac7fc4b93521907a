"""Model specs (``embedded``, ``openai:NAME``, ``replay:PATH``, ``scripted``) to models."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rtlsmith.errors import UsageError
from rtlsmith.llm.base import Model
from rtlsmith.llm.config import LlmConfig, default_model_spec, load_config, resolve_api_key, resolve_base_url

Factory = Callable[[str, LlmConfig, dict[str, Any]], Model]

_backends: dict[str, tuple[Factory, str]] = {}


def register_backend(prefix: str, factory: Factory, usage: str) -> None:
    """Make ``PREFIX[:ARG]`` specs build models with ``factory(arg, config, opts)``."""
    _backends[prefix] = (factory, usage)


def backends() -> dict[str, str]:
    """Registered spec prefixes and their usage lines."""
    return {prefix: usage for prefix, (_, usage) in _backends.items()}


def split_spec(spec: str) -> tuple[str, str]:
    """``"openai:qwen2.5:7b"`` -> ``("openai", "qwen2.5:7b")``: only the first colon separates."""
    prefix, _, arg = spec.strip().partition(":")
    return prefix.strip().lower(), arg.strip()


def get_model(spec: str | None = None, *, config: LlmConfig | None = None, **opts: Any) -> Model:
    """Build the model a spec names; ``None`` means the configured default (``embedded`` out of the box).

    ``opts`` are backend options: ``base_url``, ``api_key``, ``timeout_s``, ``max_retries``,
    ``max_concurrency``, ... for ``openai``; ``n_ctx``, ``n_threads`` for ``embedded``; ``answers`` for
    ``scripted``. Unknown specs raise ``UsageError`` listing the valid prefixes.
    """
    cfg = config if config is not None else load_config()
    if spec is None or not spec.strip():
        spec = default_model_spec(cfg)
    prefix, arg = split_spec(spec)
    entry = _backends.get(prefix)
    if entry is None:
        valid = "\n".join(f"  {usage}" for _, usage in _backends.values())
        raise UsageError(f"unknown model spec {spec!r}; valid specs are:\n{valid}")
    factory, _ = entry
    return factory(arg, cfg, dict(opts))


def _take(opts: dict[str, Any], allowed: set[str], backend: str) -> dict[str, Any]:
    unknown = sorted(set(opts) - allowed)
    if unknown:
        raise UsageError(
            f"the {backend} backend has no option(s) {', '.join(unknown)}; "
            f"it takes {', '.join(sorted(allowed)) or 'none'}"
        )
    return {k: v for k, v in opts.items() if v is not None}


def _embedded(arg: str, config: LlmConfig, opts: dict[str, Any]) -> Model:
    from rtlsmith.llm.embedded import DEFAULT_NAME, EmbeddedModel

    o = _take(opts, {"n_ctx", "n_threads", "lookup_tokens", "reuse_prefix", "loop_guard"}, "embedded")
    return EmbeddedModel.from_name(arg or DEFAULT_NAME, **o)


_OPENAI_OPTIONS = {
    "base_url",
    "api_key",
    "timeout_s",
    "connect_timeout_s",
    "max_retries",
    "backoff_base_s",
    "backoff_max_s",
    "retry_after_max_s",
    "max_concurrency",
    "grammar_field",
    "transport",
}


def _openai(arg: str, config: LlmConfig, opts: dict[str, Any]) -> Model:
    from rtlsmith.llm.openai_compat import DEFAULT_BASE_URL, OpenAIModel, OpenAISettings

    model = arg
    if not model:
        raise UsageError("the openai backend needs a model name: --model openai:MODEL_NAME")
    o = _take(opts, _OPENAI_OPTIONS, "openai")
    base_url = resolve_base_url(o.pop("base_url", None), config) or DEFAULT_BASE_URL
    api_key = resolve_api_key(o.pop("api_key", None), config)
    transport = o.pop("transport", None)
    for key in _OPENAI_OPTIONS - {"base_url", "api_key", "transport"}:
        if key not in o and key in config.model:
            o[key] = config.model[key]
    settings = OpenAISettings(model_id=f"openai:{model}", model=model, base_url=base_url.rstrip("/"), **o)
    return OpenAIModel(settings, api_key=api_key, transport=transport)


def _replay(arg: str, config: LlmConfig, opts: dict[str, Any]) -> Model:
    from rtlsmith.llm.replay import ReplayModel

    _take(opts, set(), "replay")
    if not arg:
        raise UsageError("the replay backend needs a samples file: --model replay:PATH.jsonl")
    return ReplayModel(arg)


def _scripted(arg: str, config: LlmConfig, opts: dict[str, Any]) -> Model:
    from rtlsmith.llm.scripted import ScriptedModel

    o = _take(opts, {"answers"}, "scripted")
    return ScriptedModel(o.get("answers", ()), model_id=f"scripted:{arg}" if arg else "scripted")


register_backend(
    "embedded",
    _embedded,
    "embedded[:qwen2.5-coder-1.5b|:smollm2|:PATH.gguf]  a GGUF in-process (default: Qwen2.5-Coder-1.5B)",
)
register_backend("openai", _openai, "openai:MODEL_NAME               any OpenAI-compatible chat server")
register_backend("replay", _replay, "replay:PATH.jsonl               answers from a samples file")
register_backend("scripted", _scripted, "scripted                        queued answers, for tests")
