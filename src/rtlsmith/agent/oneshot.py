"""The one-shot agent: one generation, code extracted, no checks. The baseline the bench compares against."""

from __future__ import annotations

import time
from typing import Any

from rtlsmith.agent import prompts
from rtlsmith.agent.config import AgentConfig
from rtlsmith.agent.record import AgentResult, StopReason
from rtlsmith.agent.trace import NullTrace, TraceWriter, new_run_id
from rtlsmith.errors import ModelError
from rtlsmith.llm.grammar import design_grammar
from rtlsmith.task import PublicTask


def run_oneshot(task: PublicTask, model: Any, config: AgentConfig | None = None) -> AgentResult:
    """Ask once with the DRAFT prompt and return what the answer contains; `checks` is "none"."""
    config = config or AgentConfig()
    run_id = config.run_id or new_run_id(task.id)
    trace: TraceWriter | NullTrace = NullTrace(run_id)
    if config.write_trace:
        trace = TraceWriter(config.runs_dir, run_id)
    wall0 = time.perf_counter()
    messages = prompts.draft(task)
    trace.write("run", run_id=run_id, agent="oneshot", task_id=task.id, suite=task.suite,
                models=[str(model.model_id)], config=config.record(), mode=config.mode)  # fmt: skip
    stop: StopReason = "max_iterations"  # its single iteration is its whole budget
    text, error = "", ""
    prompt_tokens = completion_tokens = 0
    t0 = time.perf_counter()
    try:
        grammar = design_grammar(config.constrain, str(model.model_id), task.interface)
        [completion] = model.generate(
            messages, n=1, temperature=config.temperature, max_tokens=config.max_new_tokens,
            seed=config.seed, task_id=task.id, grammar=grammar,
            stop=[prompts.DESIGN_STOP] if grammar is None else None,
        )  # fmt: skip
        text = str(completion.text)
        if grammar is None:
            text = prompts.close_design(text, completion.finish_reason)
        prompt_tokens, completion_tokens = completion.prompt_tokens, completion.completion_tokens
    except ModelError as exc:
        stop, error = "model_error", str(exc)
    model_s = time.perf_counter() - t0
    code = prompts.extract_code(text, task.interface.module) if text else ""
    trace.write(
        "step", mode=config.mode, state="DRAFT", event="drafted" if code else "no_code", next="DONE",
        model=str(model.model_id), messages=[{"role": m.role, "content": m.content} for m in messages],
        response=text, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
        model_s=round(model_s, 4), tools=[], verdicts=[], code=code, note=error, wall_s=round(model_s, 4),
    )  # fmt: skip
    result = AgentResult(
        task_id=task.id, final_code=code, passed_public=False, stop_reason=stop, mode=config.mode,
        checks="none", iterations=1, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
        wall_s=time.perf_counter() - wall0, model_time_s=model_s, tool_time_s=0.0,
        trace_path=str(trace.path) if trace.path else None, agent="oneshot", model_id=str(model.model_id),
        run_id=run_id, final_state="DONE",
    )  # fmt: skip
    trace.save_final(code)
    trace.write("result", **result.record(), error=error)
    trace.close()
    return result
