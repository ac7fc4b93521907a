"""Properties as a public check for smith (honest mode): written once by the model from the public spec,
checked with Yosys on each candidate; a counterexample is repair feedback, like a failing public test.

A property the model got wrong sends the repair the wrong way; nothing here can tell, which is why
`AgentConfig.assertions` is off by default (with the embedded model it changed no verdict: README,
Measured)."""

from __future__ import annotations

from rtlsmith.agent.checks import CheckReport
from rtlsmith.assertions.check import Status, check_properties
from rtlsmith.assertions.properties import PropertyFileError, parse_properties
from rtlsmith.assertions.write import SYSTEM, extract_properties, prompt
from rtlsmith.llm.base import Message, system, user
from rtlsmith.task import Interface, PublicTask


def messages(task: PublicTask) -> list[Message]:
    return [system(SYSTEM), user(prompt(task))]


def usable(text: str) -> tuple[str, str]:
    """(the properties, "") when `text` holds a property file in the subset, else ("", why not)."""
    body = extract_properties(text)
    try:
        parse_properties(body)
    except PropertyFileError as exc:
        return "", str(exc)
    return body, ""


def check(
    code: str, interface: Interface, properties: str, *, timeout_s: float, isolate: bool
) -> CheckReport:
    """A failing report for each property with a counterexample on `code`; passing otherwise (a property
    Yosys cannot check, or one unknown within the bound, never blocks a design)."""
    report = check_properties(
        code, interface, properties, timeout_s=timeout_s, isolate=isolate, vacuity=False
    )
    names = [r.name for r in report.results]
    details = {"properties": names, "statuses": {r.name: r.status.value for r in report.results}}
    if report.error:
        return CheckReport(
            "properties", True, f"properties not checked: {report.error[:200]}", details=details
        )
    failing = [r for r in report.results if r.status is Status.COUNTEREXAMPLE]
    if not failing:
        return CheckReport("properties", True, f"{len(names)} properties hold", details=details)
    parts = []
    for r in failing[:2]:
        table = r.trace.table(max_rows=12) if r.trace else ""
        parts.append(
            f"The design breaks the property `{r.text}`. A trace from power-up (registers at 0):\n{table}"
        )
    summary = f"{len(failing)} of {len(names)} properties fail: {', '.join(r.name for r in failing)}"
    return CheckReport("properties", False, summary, "\n\n".join(parts), details=details)
