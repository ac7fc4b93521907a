"""Models: the ``Model`` protocol, its backends, and model response -> Verilog.

from rtlsmith.llm import get_model, user, extract_verilog
model = get_model("embedded")                     # or "openai:NAME", "replay:samples.jsonl"
[c] = model.generate([user("Write an AND gate in Verilog.")], max_tokens=256, seed=0)
code = extract_verilog(c.text, module_name="TopModule")

Owns: every model backend, the model registry (`registry`), prices and extraction of code from answers.
May import: `errors` and the standard library; the optional backends on use. Its commands (`models`,
`generate`) are `rtlsmith.cli.models`.
"""

from rtlsmith.llm.base import (
    BaseModel,
    Completion,
    GenerateConfig,
    GrammarError,
    Message,
    Model,
    ModelSettings,
    Request,
    assistant,
    system,
    user,
)
from rtlsmith.llm.config import LlmConfig, default_model_spec, load_config
from rtlsmith.llm.cost import DEFAULT_PRICES, Price, PriceTable, Usage, UsageLedger, cost_usd
from rtlsmith.llm.extract import extract_body, extract_verilog, extract_verilog_eval, split_modules
from rtlsmith.llm.prompts import verilog_eval_messages, verilog_eval_user_prompt
from rtlsmith.llm.registry import backends, get_model, register_backend
from rtlsmith.llm.scripted import ScriptedModel, ScriptExhaustedError

__all__ = [
    "DEFAULT_PRICES",
    "BaseModel",
    "Completion",
    "GenerateConfig",
    "GrammarError",
    "LlmConfig",
    "Message",
    "Model",
    "ModelSettings",
    "Price",
    "PriceTable",
    "Request",
    "ScriptExhaustedError",
    "ScriptedModel",
    "Usage",
    "UsageLedger",
    "assistant",
    "backends",
    "cost_usd",
    "default_model_spec",
    "extract_body",
    "extract_verilog",
    "extract_verilog_eval",
    "get_model",
    "load_config",
    "register_backend",
    "split_modules",
    "system",
    "user",
    "verilog_eval_messages",
    "verilog_eval_user_prompt",
]
