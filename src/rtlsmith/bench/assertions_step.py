"""`bench --assertions`: per sample, a model writes properties from the public spec and interface
(`rtlsmith.assertions.write`), Yosys checks them on the task's reference and grades them on mutants of it.

The model sees only the public task. The reference is read for the formal check only (`Purpose.FORMAL`, as
`bench --formal` reads it); it never reaches a prompt. Mutants are the `*.sv` files under
`mutants_dir/TASK_ID/` where that folder exists, else for a bundled task its known bugs (shipped in the
package, `rtlsmith.suites.known_bugs`), else generated from the reference (`rtlsmith.assertions.mutate`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rtlsmith.bench.config import AssertionSettings
from rtlsmith.llm.base import Model
from rtlsmith.task import Purpose, Task

_RESULT_KEYS = ("name", "kind", "line", "status", "vacuous", "message", "text")


def property_model(spec: str) -> Model:
    """The model that writes properties (a seam tests replace with a scripted model)."""
    from rtlsmith.llm.registry import get_model

    return get_model(spec)


def task_mutants(task: Task, reference: str, top: str, mutants_dir: str | None) -> tuple[dict[str, str], str]:
    """(mutants by name, where they come from: "given", "known" (the bundled suite's known bugs, shipped
    in the package) or "generated")."""
    if mutants_dir is not None:
        folder = Path(mutants_dir) / task.id
        given = {p.stem: p.read_text(errors="replace") for p in sorted(folder.glob("*.sv"))}
        if given:
            return given, "given"
    if task.public.suite == "bundled":
        from rtlsmith.suites import known_bugs

        known = known_bugs(task.id)
        if known:
            return known, "known"
    from rtlsmith.assertions.mutate import generated_mutants

    return generated_mutants(reference, task.public.interface, top), "generated"


def summarise(grade_record: dict[str, Any]) -> dict[str, Any]:
    """The counts a report shows, from a `Grade.record()`."""
    ref = grade_record["reference"]
    asserts = [r for r in ref["results"] if r["kind"] == "assert"]

    def count(status: str) -> int:
        return sum(1 for r in asserts if r["status"] == status)

    graded = [m for m in grade_record["mutants"] if not m["error"]]
    unsupported = count("unsupported") + (1 if ref.get("unsupported") and not asserts else 0)
    return {
        "properties": len(ref["results"]),
        "asserts": len(asserts),
        "proven": count("proven"),
        "counterexample": count("counterexample"),
        "unknown": count("unknown"),
        "unsupported": unsupported,
        "vacuous": len(grade_record["vacuous"]),
        "kill_rate": grade_record["kill_rate"],
        "mutants": len(graded),
        "killed": sum(1 for m in graded if m["killed_by"]),
        "says_nothing": grade_record["kill_rate"] == 0.0,
    }


def _stored(result: dict[str, Any], task: Task) -> dict[str, Any]:
    """A property's result as stored: a counterexample keeps its trace (every port per step) and which
    ports are inputs and outputs, so a report can draw it."""
    out = {k: result.get(k, "") for k in _RESULT_KEYS}
    trace = result.get("trace")
    if result.get("status") == "counterexample" and trace:
        interface = task.public.interface
        out["trace"] = {
            **trace,
            "inputs": [p.name for p in interface.inputs],
            "outputs": [p.name for p in interface.outputs],
            "clock": interface.clock(),
        }
    return out


def assertion_record(
    task: Task, settings: AssertionSettings, model_spec: str, *, seed: int, isolate: bool
) -> dict[str, Any] | None:
    """Write, check and grade one sample's properties; None when the task has no reference."""
    hidden = task.hidden.unseal(Purpose.FORMAL)
    if hidden.reference is None:
        return None
    from rtlsmith.assertions.grade import Grade, grade_properties
    from rtlsmith.assertions.partial import drop_unsupported
    from rtlsmith.assertions.write import write_properties

    model = property_model(settings.model_spec or model_spec)
    written = write_properties(model, task.public, max_tokens=settings.max_tokens, seed=seed)
    top = hidden.reference_top or "RefModule"
    mutants, source = task_mutants(task, hidden.reference, top, settings.mutants_dir)

    def grade(text: str) -> Grade:
        return grade_properties(
            hidden.reference or "", task.public.interface, text, mutants, reference_top=top,
            max_steps=settings.max_steps, timeout_s=settings.timeout_s, isolate=isolate,
        )  # fmt: skip

    kept, dropped = drop_unsupported(written.text)
    graded = grade(kept)
    if dropped and graded.reference.error:  # what is left does not check either: the whole file, as given
        graded, dropped = grade(written.text), ()
    record = graded.record()
    ref = record["reference"]
    ref["results"] = [*ref["results"], *(d.record() for d in dropped)]
    return {
        **summarise(record),
        "dropped": [d.line for d in dropped],
        "text": written.text,
        "model_id": model.model_id,
        "completion_tokens": written.completion_tokens,
        "mutants_from": source,
        "error": ref["error"],
        "error_line": ref["error_line"],
        "flags": record["flags"],
        "yosys": ref["yosys"],
        "tool_versions": ref["tool_versions"],
        "results": [_stored(r, task) for r in ref["results"]],
        "killed_by": {m["name"]: m["killed_by"] for m in record["mutants"] if not m["error"]},
    }
