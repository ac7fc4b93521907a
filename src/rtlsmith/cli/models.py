"""``rtlsmith models`` and ``rtlsmith generate``: see which backends are ready, and sample one answer."""

from __future__ import annotations

from typing import Any

import click

from rtlsmith.errors import ModelError
from rtlsmith.llm.base import Message
from rtlsmith.llm.catalog import embedded_rows
from rtlsmith.llm.config import default_model_spec, load_config, resolve_api_key, resolve_base_url
from rtlsmith.llm.cost import PriceTable
from rtlsmith.llm.prompts import verilog_eval_messages
from rtlsmith.llm.registry import backends, get_model


def _openai_status(base_url: str | None, api_key: str | None, timeout_s: float) -> tuple[str, str]:
    from rtlsmith.llm.openai_compat import DEFAULT_BASE_URL, OpenAIModel, OpenAISettings

    if not base_url and not api_key:
        return (
            "not set",
            "no server configured: pass --base-url, or set RTLSMITH_BASE_URL or [model] base_url",
        )
    url = (base_url or DEFAULT_BASE_URL).rstrip("/")
    settings = OpenAISettings(
        model_id="openai:-",
        model="-",
        base_url=url,
        timeout_s=timeout_s,
        connect_timeout_s=timeout_s,
        max_retries=0,
    )
    with OpenAIModel(settings, api_key=api_key) as probe:
        try:
            served = probe.list_models()
        except ModelError as e:
            return "unreachable", str(e)
    listing = ", ".join((served or [])[:8]) + (" ..." if served and len(served) > 8 else "")
    return "ready", f"{url} serves: {listing or 'no models listed'}"


@click.command("models")
@click.option("--base-url", help="OpenAI-compatible server to probe (default: env or rtlsmith.toml).")
@click.option("--api-key", help="API key for that server (default: RTLSMITH_API_KEY / OPENAI_API_KEY).")
@click.option("--timeout", "timeout_s", type=float, default=3.0, show_default=True, help="Seconds to wait.")
def models_cmd(base_url: str | None, api_key: str | None, timeout_s: float) -> None:
    """List model backends and whether each is ready to use.

    An embedded model is ready when llama-cpp-python and its GGUF (or, for Qwen2.5-Coder-1.5B, the PyPI
    packages it is assembled from on first use) are installed; a configured OpenAI-compatible server is
    ready when GET /models answers.

    \b
    Example:
      rtlsmith models --base-url http://127.0.0.1:8000/v1
    """
    config = load_config()
    rows: list[tuple[str, str, str]] = []
    rows.extend(embedded_rows())
    rows.append(
        (
            "openai",
            *_openai_status(resolve_base_url(base_url, config), resolve_api_key(api_key, config), timeout_s),
        )
    )
    rows.append(("replay", "ready", "answers from a samples file: --model replay:PATH.jsonl"))
    rows.append(("scripted", "tests", "queued answers, for tests of agents"))
    width = max(len(r[1]) for r in rows)
    name_width = max(len(r[0]) for r in rows)
    for name, status, detail in rows:
        click.echo(f"{name:<{name_width}} {status:<{width}}  {detail}")
    click.echo("")
    click.echo("specs:")
    for usage in backends().values():
        click.echo(f"  {usage}")
    click.echo(f"default model: {default_model_spec(config)}")
    if config.sources:
        click.echo("config: " + ", ".join(str(p) for p in config.sources))


def task_messages(public: Any, *, shots: int, rules: bool) -> list[Message]:
    """VerilogEval v2 spec-to-rtl messages for a task's detailed spec (with its interface if not in it)."""
    spec = str(public.spec.detailed)
    header = public.interface.header()
    if public.interface.module not in spec:
        spec = spec.rstrip() + "\n\nThe module interface is:\n\n" + header
    return verilog_eval_messages(spec, task="spec-to-rtl", shots=shots, rules=rules)


@click.command("generate")
@click.option("--task", "task_id", required=True, help="Task id in the suite, e.g. add8_carry.")
@click.option("--suite", default="bundled", show_default=True, help="Suite spec (see `rtlsmith tasks`).")
@click.option("--model", "model_spec", help="Model spec; default from config, else embedded.")
@click.option("--max-tokens", type=click.IntRange(min=1), default=512, show_default=True)
@click.option("--temperature", type=click.FloatRange(min=0), default=0.0, show_default=True)
@click.option("--top-p", type=click.FloatRange(0, 1, min_open=True), default=1.0, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--shots", type=click.IntRange(0, 4), default=0, show_default=True, help="VerilogEval examples."
)
@click.option("--rules", is_flag=True, help="Add VerilogEval's coding-rules block to the prompt.")
@click.option("--extract", is_flag=True, help="Print the extracted Verilog instead of the raw answer.")
@click.option("--show-prompt", is_flag=True, help="Print the messages sent, before the answer.")
@click.option("--base-url", help="OpenAI-compatible server (openai:NAME models).")
@click.option("--api-key", help="API key for that server.")
def generate_cmd(
    task_id: str,
    suite: str,
    model_spec: str | None,
    max_tokens: int,
    temperature: float,
    top_p: float,
    seed: int,
    shots: int,
    rules: bool,
    extract: bool,
    show_prompt: bool,
    base_url: str | None,
    api_key: str | None,
) -> None:
    """Sample one answer for a task's spec and print it, with its token counts and tokens/s.

    The prompt is VerilogEval v2's spec-to-rtl format built from the task's detailed spec. The answer goes
    to stdout; the figures go to stderr.

    \b
    Examples:
      rtlsmith generate --task add8_carry
      rtlsmith generate --task Prob001_zero --suite verilog-eval-v2:data/verilog-eval-v2 \\
          --model openai:qwen2.5-coder-7b --base-url http://127.0.0.1:8000/v1 --shots 1 --extract
    """
    from rtlsmith.suites import load_suite

    config = load_config()
    opts: dict[str, Any] = {}
    spec = model_spec or default_model_spec(config)
    if spec.split(":", 1)[0].strip().lower() == "openai":
        opts = {"base_url": base_url, "api_key": api_key}
    elif base_url or api_key:
        raise click.UsageError("--base-url and --api-key apply to openai:NAME models only")
    public = load_suite(suite).get(task_id).public
    model = get_model(spec, config=config, **opts)
    messages = task_messages(public, shots=shots, rules=rules)
    if show_prompt:
        for m in messages:
            click.echo(f"--- {m.role} ---\n{m.content}", err=True)
        click.echo("--- answer ---", err=True)
    [completion] = model.generate(
        messages,
        max_tokens=max_tokens,
        temperature=temperature,
        top_p=top_p,
        seed=seed,
        task_id=public.id,
    )
    if extract:
        from rtlsmith.llm.extract import extract_verilog

        click.echo(extract_verilog(completion.text, module_name=public.interface.module), nl=False)
    else:
        click.echo(completion.text)
    cost = PriceTable.from_config(config).cost(
        model.model_id, completion.prompt_tokens, completion.completion_tokens
    )
    cost_text = "unknown" if cost is None else f"${cost:.6f}"
    click.echo(
        f"model {model.model_id} | prompt {completion.prompt_tokens} tokens | completion "
        f"{completion.completion_tokens} tokens | {completion.latency_s:.2f} s | "
        f"{completion.tokens_per_s:.1f} tokens/s | finish {completion.finish_reason} | cost {cost_text}",
        err=True,
    )
