"""Routing one task live among tiers (agent and model pairs) for `rtlsmith run --router cascade|trained`,
and the public checks a router runs on the answer of a tier that ran none of its own (shared with
`bench --router`).
Only public checks: the hidden ones never reach a router."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from rtlsmith.routing.routers import Attempt, Router, run_router
from rtlsmith.task import PublicTask


def checked_kind(public: PublicTask) -> str:
    if public.public.testbench:
        return "public-testbench"
    return "public-vectors" if public.public.vectors else "spec-table"


def public_checks(public: PublicTask, code: str, isolate: bool) -> bool | None:
    """The task's public checks on a tier's answer (its testbench, its vectors or its spec's table, as the
    smith agent runs them), for tiers that run none of their own; None when the task has none. Never the
    hidden checks."""
    from rtlsmith.agent import checks
    from rtlsmith.errors import RtlsmithError
    from rtlsmith.suites.tbgen import vectors_testbench
    from rtlsmith.symbolic.agent import spec_table_vectors
    from rtlsmith.tools.sandbox import Limits

    testbench = public.public.testbench
    try:
        if not testbench:
            vectors = list(public.public.vectors) or spec_table_vectors(public)
            if not vectors:
                return None
            testbench = vectors_testbench(public.interface, vectors, public.interface.clock())
        report = checks.simulate(
            code, testbench, public.interface, limits=Limits(timeout_s=30.0), isolate=isolate,
            vectors=public.public.vectors,
        )  # fmt: skip
    except RtlsmithError:
        return None
    return report.ok


def run_live(
    router: Router,
    public: PublicTask,
    tiers: Sequence[str],
    config: Any,
    load_model: Callable[[str | None], Any],
    hidden: Any = None,
) -> tuple[Any, dict[str, Any]]:
    """Route one task with `router` among `tiers`, calling each tier the router picks; the kept (last)
    tier's `AgentResult` and the route (router, kept tier, why, every tier called)."""
    from rtlsmith.agent import run_agent
    from rtlsmith.agent.registry import get_agent

    results: list[Any] = []

    def answer(label: str) -> Attempt:
        agent, _, model = label.partition(":")
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", label)
        tier_config = replace(config, run_id=f"{config.run_id}-{slug}"[:120])
        chosen = load_model(model or None) if get_agent(agent).uses_model else None
        result = run_agent(agent, public, chosen, tier_config, hidden)
        passed: bool | None = result.passed_public if result.checks not in ("", "none") else None
        if passed is None and result.final_code.strip():
            passed = public_checks(public, result.final_code, config.isolate)
        results.append(result)
        return Attempt(label, passed)

    calls = run_router(router, public, answer, max_calls=len(tiers))
    last_choice, last = calls[-1]
    if router.name != "cascade":
        reason = "the tier the router chose"
    else:
        reason = "public checks passed" if last.passed_public else "last tier, kept as is"
    route = {
        "router": router.name,
        "tier": last.tier,
        "reason": f"{reason} (called because: {last_choice.reason})",
        "calls": [{"tier": a.tier, "why": c.reason, "passed_public": a.passed_public} for c, a in calls],
    }
    return results[-1], route
