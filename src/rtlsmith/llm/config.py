"""Model configuration from ``rtlsmith.toml`` files and the environment.

Files read, later ones overriding earlier ones key by key: ``$XDG_CONFIG_HOME/rtlsmith/config.toml``
(``~/.config/rtlsmith/config.toml``), then ``./rtlsmith.toml``, then the file named by ``$RTLSMITH_CONFIG``.
Tables used here::

    [model]
    spec = "openai:qwen2.5-coder-7b"      # default for --model
    base_url = "http://127.0.0.1:8000/v1"
    api_key_env = "MY_SERVER_KEY"         # or api_key = "..." (prefer the environment)
    timeout_s = 120                       # per read: a server silent this long is retried
    max_retries = 5                       # retries after 408/409/429/5xx, timeouts, cut or garbled answers
    backoff_base_s = 0.5                  # exponential backoff with jitter, at most backoff_max_s
    backoff_max_s = 30
    retry_after_max_s = 60                # a server's Retry-After is honoured up to this
    max_concurrency = 8

    [prices."openai:gpt-4o"]              # USD per 1M tokens
    prompt = 2.5
    completion = 10.0
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rtlsmith.errors import UsageError

DEFAULT_SPEC = "embedded"
BASE_URL_ENV = ("RTLSMITH_BASE_URL", "OPENAI_BASE_URL")
API_KEY_ENV = ("RTLSMITH_API_KEY", "OPENAI_API_KEY")


@dataclass(frozen=True)
class LlmConfig:
    """The ``[model]`` and ``[prices]`` tables merged from every config file found."""

    model: Mapping[str, Any] = field(default_factory=dict)
    prices: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    sources: tuple[Path, ...] = ()


def config_paths(cwd: Path | None = None) -> list[Path]:
    """The config files consulted, lowest precedence first (whether or not they exist)."""
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    paths = [Path(xdg) / "rtlsmith" / "config.toml", (cwd or Path.cwd()) / "rtlsmith.toml"]
    explicit = os.environ.get("RTLSMITH_CONFIG")
    if explicit:
        paths.append(Path(explicit))
    return paths


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{path}: not valid TOML: {e}") from e
    except OSError as e:
        raise UsageError(f"{path}: cannot read config file: {e}") from e


def load_config(paths: list[Path] | None = None) -> LlmConfig:
    """Merge the ``[model]`` and ``[prices]`` tables of the config files that exist."""
    model: dict[str, Any] = {}
    prices: dict[str, dict[str, Any]] = {}
    sources: list[Path] = []
    for path in config_paths() if paths is None else paths:
        if not path.is_file():
            continue
        data = _read_toml(path)
        sources.append(path)
        table = data.get("model", {})
        if not isinstance(table, dict):
            raise UsageError(f"{path}: [model] must be a table")
        model.update(table)
        price_table = data.get("prices", {})
        if not isinstance(price_table, dict):
            raise UsageError(f"{path}: [prices] must be a table of tables")
        for name, entry in price_table.items():
            if not isinstance(entry, dict):
                raise UsageError(f'{path}: [prices."{name}"] must be a table with prompt and completion')
            prices[name] = dict(entry)
    return LlmConfig(model=model, prices=prices, sources=tuple(sources))


def first_env(names: tuple[str, ...]) -> str | None:
    """The value of the first of ``names`` set to a non-empty string in the environment."""
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None


def default_model_spec(config: LlmConfig | None = None) -> str:
    """The model spec used when none is given: ``$RTLSMITH_MODEL``, then ``[model] spec``, then embedded."""
    env = os.environ.get("RTLSMITH_MODEL")
    if env:
        return env
    cfg = config if config is not None else load_config()
    spec = cfg.model.get("spec")
    return str(spec) if spec else DEFAULT_SPEC


def resolve_base_url(explicit: str | None, config: LlmConfig) -> str | None:
    """Flag, then environment, then config file."""
    if explicit:
        return explicit
    env = first_env(BASE_URL_ENV)
    if env:
        return env
    value = config.model.get("base_url")
    return str(value) if value else None


def resolve_api_key(explicit: str | None, config: LlmConfig) -> str | None:
    """Flag, then environment, then the config file's ``api_key_env`` or ``api_key``."""
    if explicit:
        return explicit
    env = first_env(API_KEY_ENV)
    if env:
        return env
    key_env = config.model.get("api_key_env")
    if key_env:
        value = os.environ.get(str(key_env))
        if value:
            return value
    key = config.model.get("api_key")
    return str(key) if key else None
