"""Prices, usage aggregation and the config files they come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtlsmith.errors import UsageError
from rtlsmith.llm import Completion, Price, PriceTable, Usage, UsageLedger, get_model, load_config
from rtlsmith.llm.config import config_paths, default_model_spec, resolve_api_key, resolve_base_url
from rtlsmith.llm.cost import DEFAULT_PRICES


def comp(p: int, c: int, t: float = 0.5) -> Completion:
    return Completion("x", "stop", p, c, t)


def test_cost_of_known_and_unknown_models() -> None:
    prices = PriceTable({**DEFAULT_PRICES, "openai:gpt-4o-mini": Price(0.15, 0.60)})
    assert prices.cost("openai:gpt-4o-mini", 1_000_000, 1_000_000) == pytest.approx(0.75)
    assert PriceTable().cost("openai:gpt-4o-mini", 10, 10) is None
    assert prices.cost("embedded:smollm2", 10**6, 10**6) == 0.0
    assert prices.cost("openai:some-local-model", 10, 10) is None


def test_unknown_cost_stays_unknown_when_summed() -> None:
    known = Usage(calls=1, prompt_tokens=1, cost_usd=0.5)
    unknown = Usage(calls=1, prompt_tokens=2, cost_usd=None)
    assert (known + known).cost_usd == 1.0
    total = known + unknown
    assert total.cost_usd is None and total.prompt_tokens == 3 and total.calls == 2


def test_ledger_aggregates_per_task_and_run() -> None:
    ledger = UsageLedger(PriceTable({"openai:m": Price(1.0, 2.0)}))
    ledger.add("t1", "openai:m", [comp(100, 10), comp(0, 10)])
    ledger.add("t1", "openai:m", [comp(50, 5)])
    ledger.add("t2", "openai:m", [comp(1000, 0, 2.0)])
    t1 = ledger.task("t1")
    assert (t1.calls, t1.completions, t1.prompt_tokens, t1.completion_tokens) == (2, 3, 150, 25)
    assert t1.cost_usd == pytest.approx((150 * 1.0 + 25 * 2.0) / 1e6)
    total = ledger.total
    assert total.prompt_tokens == 1150 and total.latency_s == pytest.approx(3.5)
    assert set(ledger.by_task) == {"t1", "t2"}
    assert total.record()["cost_usd"] == pytest.approx(total.cost_usd)


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / "rtlsmith").mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.chdir(work)
    for name in ("RTLSMITH_CONFIG", "RTLSMITH_MODEL", "RTLSMITH_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name in ("RTLSMITH_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_project_file_overrides_user_file(config_dir: Path) -> None:
    (config_dir / "home/rtlsmith/config.toml").write_text(
        '[model]\nspec = "openai:a"\nbase_url = "http://127.0.0.1:1/v1"\napi_key = "user-key"\n'
        '[prices."openai:a"]\nprompt = 1\ncompletion = 2\n'
    )
    (config_dir / "work/rtlsmith.toml").write_text('[model]\nspec = "openai:b"\n')
    cfg = load_config()
    assert cfg.model["spec"] == "openai:b" and cfg.model["base_url"] == "http://127.0.0.1:1/v1"
    assert default_model_spec(cfg) == "openai:b"
    assert PriceTable.from_config(cfg).cost("openai:a", 10**6, 10**6) == 3.0
    assert len(cfg.sources) == 2 and config_paths()[1] == Path.cwd() / "rtlsmith.toml"


def test_flag_beats_env_beats_file(config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (config_dir / "work/rtlsmith.toml").write_text(
        '[model]\nbase_url = "http://file/v1"\napi_key_env = "MY_KEY"\n'
    )
    cfg = load_config()
    assert resolve_base_url(None, cfg) == "http://file/v1"
    monkeypatch.setenv("MY_KEY", "from-named-env")
    assert resolve_api_key(None, cfg) == "from-named-env"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai-env/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "openai-key")
    assert resolve_base_url(None, cfg) == "http://openai-env/v1"
    assert resolve_api_key(None, cfg) == "openai-key"
    monkeypatch.setenv("RTLSMITH_BASE_URL", "http://rtlsmith-env/v1")
    assert resolve_base_url(None, cfg) == "http://rtlsmith-env/v1"
    assert resolve_base_url("http://flag/v1", cfg) == "http://flag/v1"


def test_get_model_uses_the_config(config_dir: Path) -> None:
    (config_dir / "work/rtlsmith.toml").write_text(
        '[model]\nspec = "openai:coder"\nbase_url = "http://127.0.0.1:9/v1/"\n'
        "timeout_s = 5\nmax_retries = 0\n"
    )
    model = get_model()
    record = model.settings.record()
    assert model.model_id == "openai:coder"
    assert (record["base_url"], record["timeout_s"], record["max_retries"]) == ("http://127.0.0.1:9/v1", 5, 0)


def test_bad_config_files_say_which_file(config_dir: Path) -> None:
    (config_dir / "work/rtlsmith.toml").write_text("[model\n")
    with pytest.raises(UsageError, match=r"rtlsmith.toml: not valid TOML"):
        load_config()
    (config_dir / "work/rtlsmith.toml").write_text('[prices."x"]\nprompt = "cheap"\ncompletion = 1\n')
    with pytest.raises(UsageError, match="numeric prompt and completion"):
        PriceTable.from_config(load_config())
