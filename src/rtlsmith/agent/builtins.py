"""The built-in model agents as plugins: `oneshot`, `smith` and `hybrid` (`symbolic` is in
`rtlsmith.symbolic.agent`). The registry loads them by name, as it loads any other agent."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rtlsmith.agent.budget import Clock
from rtlsmith.agent.config import AgentConfig
from rtlsmith.agent.oneshot import run_oneshot
from rtlsmith.agent.record import AgentResult
from rtlsmith.agent.registry import AgentPlugin
from rtlsmith.agent.smith import Smith
from rtlsmith.agent.smith_machine import TOOLS, machine
from rtlsmith.agent.trace import new_run_id
from rtlsmith.errors import UsageError
from rtlsmith.task import HiddenChecks, PublicTask


def _run_smith(
    public_task: PublicTask,
    model: Any,
    config: AgentConfig,
    hidden_for_oracle: HiddenChecks | None,
    clock: Clock | None,
) -> AgentResult:
    return Smith(public_task, model, config, hidden_for_oracle=hidden_for_oracle, clock=clock).run()


def _run_oneshot(
    public_task: PublicTask,
    model: Any,
    config: AgentConfig,
    hidden_for_oracle: HiddenChecks | None,
    clock: Clock | None,
) -> AgentResult:
    if config.oracle_feedback:
        raise UsageError("the oneshot agent runs no checks, so --oracle-feedback means nothing for it")
    first = model[0] if isinstance(model, (list, tuple)) else model
    return run_oneshot(public_task, getattr(first, "current", first), config)


def _run_hybrid(
    public_task: PublicTask,
    model: Any,
    config: AgentConfig,
    hidden_for_oracle: HiddenChecks | None,
    clock: Clock | None,
) -> AgentResult:
    """Symbolic first; then, where the spec has structure a form captures (`forms.kinds.form_kind`), the model
    fills that form and rtlsmith writes the module; smith (free design) when neither gives a design that
    passes the checks it may run. A state diagram drawn as text is read into the form without the model first
    (`forms.diagram`), and so is a state table the symbolic agent declines (`forms.wide_table`). The result's
    `route` says which gave the design. Traces: the symbolic run's in `<run id>-symbolic`, the diagram's or
    table's in `<run id>-diagram`, the form run's in `<run id>-form`, the smith run's in the run id itself."""
    # symbolic/ and forms/ import the agent package, so the agent package reaches them only on use.
    from rtlsmith.agent.routing import Cascade
    from rtlsmith.forms.agent import run_forms
    from rtlsmith.forms.kinds import form_kind
    from rtlsmith.symbolic.agent import run_symbolic

    run_id = config.run_id or new_run_id(public_task.id)
    symbolic = run_symbolic(public_task, replace(config, run_id=f"{run_id}-symbolic"))
    if symbolic.passed_public:  # its run id and trace are the symbolic run's (`rtlsmith trace` finds them)
        return replace(symbolic, agent="hybrid", route="symbolic")
    spent = [symbolic]
    drawn = _spec_machine(public_task)
    if drawn is not None:
        at = replace(config, run_id=f"{run_id}-diagram")
        read = run_forms(public_task, "fsm", None, at, prefilled=drawn[0], route=drawn[1])
        if read.passed_public:
            return replace(read, agent="hybrid", wall_s=read.wall_s + symbolic.wall_s,
                           tool_time_s=read.tool_time_s + symbolic.tool_time_s)  # fmt: skip
        spent.append(read)
    kind = form_kind(public_task)
    if kind is not None:
        cascade = Cascade.of(model, config.escalate_after)
        form = run_forms(public_task, kind, cascade.current, replace(config, run_id=f"{run_id}-form"))
        if form.passed_public:
            return replace(
                form,
                agent="hybrid",
                wall_s=form.wall_s + symbolic.wall_s,
                tool_time_s=form.tool_time_s + symbolic.tool_time_s,
            )
        spent.append(form)
    smith = Smith(public_task, model, replace(config, run_id=run_id), hidden_for_oracle=hidden_for_oracle,
                  clock=clock).run()  # fmt: skip
    return replace(
        smith,
        agent="hybrid",
        route="free",
        wall_s=smith.wall_s + sum(r.wall_s for r in spent),
        tool_time_s=smith.tool_time_s + sum(r.tool_time_s for r in spent),
        model_time_s=smith.model_time_s + sum(r.model_time_s for r in spent),
        iterations=smith.iterations + sum(r.iterations for r in spent),
        prompt_tokens=smith.prompt_tokens + sum(r.prompt_tokens for r in spent),
        completion_tokens=smith.completion_tokens + sum(r.completion_tokens for r in spent),
    )


def _spec_machine(task: PublicTask) -> tuple[dict[str, Any], str] | None:
    """A state machine the spec gives whole, read into a filled form without a model, and its route: a text
    diagram (`symbolic-diagram`) or a state table the symbolic agent declines (`symbolic-table`)."""
    from rtlsmith.forms.diagram import diagram_form
    from rtlsmith.forms.machine import FormError
    from rtlsmith.forms.wide_table import table_form

    text, ifc = task.spec.text("detailed"), task.interface
    for read, route in ((diagram_form, "symbolic-diagram"), (table_form, "symbolic-table")):
        try:
            form = read(text, ifc)
        except FormError:
            continue
        if form is not None:
            return form, route
    return None


ONESHOT = AgentPlugin(
    "oneshot", _run_oneshot, summary="one model call with the draft prompt; no checks, no repair"
)
SMITH = AgentPlugin(
    "smith",
    _run_smith,
    summary="drafts, lints, simulates against the public checks and repairs from the feedback",
    repairs=True,
    machine=machine,
    tools=TOOLS,
)
HYBRID = AgentPlugin(
    "hybrid",
    _run_hybrid,
    summary=(
        "the symbolic agent where the spec's tables decide the design, then a small form the model fills,"
        " else smith"
    ),
    repairs=True,
    machine=machine,
    tools=TOOLS,
)
