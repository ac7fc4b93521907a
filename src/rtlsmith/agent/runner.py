"""The uniform entry point the bench and the CLI call: `run_agent(name, public_task, model, config)`.

The `symbolic` agent uses no model (pass None); it designs only from tables in the spec. The `hybrid` agent
runs the symbolic agent first; where it declines or its design fails the spec's own table, and the spec has a
structure a small form captures (a state machine, a truth table, a counter), the model fills that form and
rtlsmith writes the module; everything else goes to the smith agent (free design). The result's `route`
records which.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rtlsmith.agent.budget import Clock
from rtlsmith.agent.config import AgentConfig, AgentResult
from rtlsmith.agent.forms import form_kind
from rtlsmith.agent.forms_agent import run_forms
from rtlsmith.agent.forms_machine import FormError
from rtlsmith.agent.oneshot import run_oneshot
from rtlsmith.agent.routing import Cascade
from rtlsmith.agent.smith import Smith
from rtlsmith.agent.symbolic import run_symbolic
from rtlsmith.agent.symbolic_diagram import diagram_form
from rtlsmith.agent.tables_state_wide import table_form
from rtlsmith.agent.trace import new_run_id
from rtlsmith.errors import UsageError
from rtlsmith.task import HiddenChecks, PublicTask, Task

AGENTS = ("oneshot", "smith", "symbolic", "hybrid")


def run_agent(
    name: str,
    public_task: PublicTask,
    model: Any,
    config: AgentConfig | None = None,
    hidden_for_oracle: HiddenChecks | None = None,
    *,
    clock: Clock | None = None,
) -> AgentResult:
    """Run agent `name` on a task's public part with `model` (a model, a list of models, or a Cascade).

    Hidden checks are accepted only together with `config.oracle_feedback=True`, and only already unsealed
    (`task.hidden.unseal(Purpose.ORACLE)`): an honest run cannot receive them by accident.
    """
    config = config or AgentConfig()
    if isinstance(public_task, Task):
        raise UsageError("agents receive only the public part of a task: pass task.public")
    if not isinstance(public_task, PublicTask):
        raise UsageError(f"run_agent needs a PublicTask, got {type(public_task).__name__}")
    if config.oracle_feedback and hidden_for_oracle is None:
        raise UsageError("oracle feedback needs the hidden checks: pass task.hidden.unseal(Purpose.ORACLE)")
    if hidden_for_oracle is not None and not config.oracle_feedback:
        raise UsageError("hidden checks were given to an honest run: set oracle_feedback=True or drop them")
    if hidden_for_oracle is not None and not isinstance(hidden_for_oracle, HiddenChecks):
        raise UsageError("hidden_for_oracle must be HiddenChecks unsealed with Purpose.ORACLE")
    if name == "smith":
        return Smith(public_task, model, config, hidden_for_oracle=hidden_for_oracle, clock=clock).run()
    if name == "oneshot":
        if config.oracle_feedback:
            raise UsageError("the oneshot agent runs no checks, so --oracle-feedback means nothing for it")
        first = model[0] if isinstance(model, (list, tuple)) else model
        return run_oneshot(public_task, getattr(first, "current", first), config)
    if name == "symbolic":
        if config.oracle_feedback:
            raise UsageError(
                "the symbolic agent takes no feedback, so --oracle-feedback means nothing for it"
            )
        return run_symbolic(public_task, config)
    if name == "hybrid":
        return _run_hybrid(public_task, model, config, hidden_for_oracle, clock)
    raise UsageError(f"unknown agent {name!r}; choose one of {', '.join(AGENTS)}")


def _run_hybrid(
    public_task: PublicTask,
    model: Any,
    config: AgentConfig,
    hidden_for_oracle: HiddenChecks | None,
    clock: Clock | None,
) -> AgentResult:
    """Symbolic first; then, where the spec has structure a form captures (`forms.form_kind`), the model fills
    that form and rtlsmith writes the module; smith (free design) when neither gives a design that passes the
    checks it may run. A state diagram drawn as text is read into the form without the model first
    (`symbolic_diagram`), and so is a state table the symbolic agent declines (`tables_state_wide`). The
    result's `route` says which gave the design. Traces: the symbolic run's in `<run id>-symbolic`, the
    diagram's or table's in `<run id>-diagram`, the form run's in `<run id>-form`, the smith
    run's in the run id itself."""
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
    text, ifc = task.spec.text("detailed"), task.interface
    for read, route in ((diagram_form, "symbolic-diagram"), (table_form, "symbolic-table")):
        try:
            form = read(text, ifc)
        except FormError:
            continue
        if form is not None:
            return form, route
    return None
