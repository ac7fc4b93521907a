"""The form-filling run: the model fills a small JSON form, rtlsmith writes and checks the module.

    FILL -> (REPAIR -> ...) -> LINT -> TEST -> DONE        (GIVE_UP when no valid form comes back)

FILL asks for the form (`rtlsmith.forms.kinds`); the answer is constrained by the form's JSON-schema grammar
where the model takes grammars (the embedded model, and any model under `constrain=on`). A form that does not
parse, names states or ports that do not exist or gives values that do not fit, comes back to the model with
the list of problems (REPAIR), up to `MAX_ATTEMPTS` answers in all. The module written from a valid form is
linted and, where the task has public tests, simulated against them; it is never shown to the model.
"""

from __future__ import annotations

import time
from typing import Any

from rtlsmith.agent import checks
from rtlsmith.agent.checks import CheckReport
from rtlsmith.agent.config import AgentConfig
from rtlsmith.agent.record import AgentResult, StopReason
from rtlsmith.agent.trace import NullTrace, TraceWriter, new_run_id
from rtlsmith.errors import ModelError, RtlsmithError
from rtlsmith.forms.kinds import FormKind, form_prompt, form_spec, read_form, repair_prompt
from rtlsmith.forms.machine import FormError
from rtlsmith.forms.schema import schema_gbnf
from rtlsmith.suites.tbgen import vectors_testbench
from rtlsmith.task import PublicTask
from rtlsmith.tools.sandbox import Limits

AGENT = "forms"
MAX_ATTEMPTS = 3
MAX_FORM_TOKENS = 768
# Backends that take a GBNF grammar under `constrain=auto` (hosted OpenAI-style APIs reject the field).
GRAMMAR_BACKENDS = ("embedded", "scripted", "replay")


def form_grammar(policy: str, model: Any, schema: dict[str, Any]) -> str | None:
    """The form's grammar under `policy`: always with "on", never with "off", with "auto" for the backends
    that accept one (unlike a design grammar, a form grammar only fixes the JSON's shape and names)."""
    backend = str(getattr(getattr(model, "settings", None), "backend", ""))
    if policy == "on" or (policy == "auto" and backend in GRAMMAR_BACKENDS):
        return schema_gbnf(schema)
    return None


def run_forms(
    task: PublicTask,
    kind: FormKind,
    model: Any,
    config: AgentConfig | None = None,
    *,
    prefilled: dict[str, Any] | None = None,
    route: str | None = None,
) -> AgentResult:
    """Fill the `kind` form for `task` with `model`, write the module and check it (see the module doc)."""
    config = config or AgentConfig()
    run_id = config.run_id or new_run_id(task.id)
    trace: TraceWriter | NullTrace = (
        TraceWriter(config.runs_dir, run_id) if config.write_trace else NullTrace(run_id)
    )
    wall0 = time.perf_counter()
    model_id = str(getattr(model, "model_id", ""))
    trace.write("run", run_id=run_id, agent=AGENT, task_id=task.id, suite=task.suite, models=[model_id],
                config=config.record(), mode=config.mode, form=kind)  # fmt: skip
    spec = form_spec(kind, task.interface)
    grammar = form_grammar(config.constrain, model, spec.schema)
    messages = form_prompt(task, spec)
    tokens = [0, 0]
    model_s = tool_s = 0.0
    code, state, passed, used, error = "", "FILL", False, "none", ""
    stop: StopReason = "max_iterations"
    attempts = 0

    def step(name: str, event: str, nxt: str, t0: float, **extra: Any) -> None:
        fields: dict[str, Any] = {"tools": [], "verdicts": [], "code": None, "note": "", "messages": [],
                                  "response": None, "prompt_tokens": 0, "completion_tokens": 0,
                                  "model": None, "model_s": 0.0}  # fmt: skip
        fields.update(extra)
        trace.write("step", mode=config.mode, state=name, event=event, next=nxt,
                    wall_s=round(time.perf_counter() - t0, 4), **fields)  # fmt: skip

    design = None
    budget = min(MAX_ATTEMPTS, config.max_iterations)
    if prefilled is not None:  # read from the spec itself (a text state diagram): no model call
        budget = 0
        t0 = time.perf_counter()
        try:
            design = spec.design(prefilled, task.interface)
        except FormError as exc:
            error = "; ".join(exc.problems)
            step("FILL", "invalid", "GIVE_UP", t0, note=f"the form read from the spec: {error}")
        else:
            step("FILL", "read", "LINT", t0, code=design.code, note=f"from the spec: {design.source}")
    while attempts < budget and design is None:
        t0 = time.perf_counter()
        name = "FILL" if attempts == 0 else "REPAIR"
        try:
            c = model.generate(messages, n=1, temperature=config.temperature, seed=config.seed,
                               max_tokens=min(MAX_FORM_TOKENS, config.max_new_tokens), grammar=grammar,
                               task_id=task.id)[0]  # fmt: skip
        except ModelError as exc:
            stop, error, state = "model_error", str(exc), "GIVE_UP"
            step(name, "model_error", "GIVE_UP", t0, note=error)
            break
        attempts += 1
        spent = time.perf_counter() - t0
        model_s += spent
        tokens[0] += c.prompt_tokens
        tokens[1] += c.completion_tokens
        answer = str(c.text)
        asked = [m.to_dict() for m in messages]

        def record(event: str, nxt: str, **kw: Any) -> None:
            step(name, event, nxt, t0, model=model_id, messages=asked, response=answer,  # noqa: B023
                 prompt_tokens=c.prompt_tokens, completion_tokens=c.completion_tokens,  # noqa: B023
                 model_s=round(spent, 4), **kw)  # fmt: skip  # noqa: B023

        try:
            design = spec.design(read_form(answer), task.interface)
        except FormError as exc:
            error = "; ".join(exc.problems)
            record("invalid", "REPAIR" if attempts < budget else "GIVE_UP", note=error, problems=exc.problems)
            messages = repair_prompt(messages, answer, exc.problems)
        except RtlsmithError as exc:  # the writer declined a valid form (a table it cannot turn into logic)
            error = str(exc)
            record("unwritable", "GIVE_UP", note=error)
            break
        else:
            record("filled", "LINT", code=design.code, note=design.source)
    if design is None:
        state = "GIVE_UP"
    else:
        code = design.code
        t0 = time.perf_counter()
        limits = Limits(timeout_s=config.tool_timeout_s)
        lint = checks.lint(
            code, task.interface, use_verilator=config.lint, limits=limits, isolate=config.isolate
        )
        tool_s += time.perf_counter() - t0
        if not lint.ok:
            state, error = "GIVE_UP", lint.summary
            step("LINT", "errors", "GIVE_UP", t0, **lint.step_fields())
        else:
            step("LINT", "clean", "TEST", t0, **lint.step_fields())
            t0 = time.perf_counter()
            report, used = _public_test(task, code, limits, config.isolate)
            tool_s += time.perf_counter() - t0
            passed = report is None or report.ok
            state = "DONE" if passed else "GIVE_UP"
            stop = "passed" if passed else "max_iterations"
            error = "" if report is None or report.ok else report.summary
            note = "no public tests: the form's module stands" if report is None else report.summary[:2000]
            step("TEST", "passed" if passed else "failed", state, t0, note=note,
                 **(report.step_fields() if report else {}))  # fmt: skip
    result = AgentResult(
        task_id=task.id, final_code=code, passed_public=passed, stop_reason=stop, mode=config.mode,
        checks=used, iterations=attempts, prompt_tokens=tokens[0], completion_tokens=tokens[1],
        wall_s=time.perf_counter() - wall0, model_time_s=model_s, tool_time_s=tool_s,
        trace_path=str(trace.path) if trace.path else None, agent=AGENT, model_id=model_id, run_id=run_id,
        final_state=state, route=route or f"form-{kind}",
    )  # fmt: skip
    trace.save_final(code)
    trace.write("result", **result.record(), error=error)
    trace.close()
    return result


def _public_test(
    task: PublicTask, code: str, limits: Limits, isolate: bool
) -> tuple[CheckReport | None, str]:
    """The task's public testbench or vectors, if it has any: (report, checks kind); (None, "none") else."""
    public, ifc = task.public, task.interface
    if public.testbench:
        return checks.simulate(code, public.testbench, ifc, limits=limits, isolate=isolate,
                               label="public testbench"), "public-testbench"  # fmt: skip
    if public.vectors:
        try:
            tb = vectors_testbench(ifc, public.vectors, ifc.clock())
        except RtlsmithError as exc:
            return CheckReport("test", False, f"public vectors unusable: {exc}"), "public-vectors"
        return checks.simulate(code, tb, ifc, limits=limits, isolate=isolate, vectors=public.vectors,
                               label="public vectors"), "public-vectors"  # fmt: skip
    return None, "none"
