"""VerilogEval v2 (NVlabs/verilog-eval, spec-to-rtl and code-complete-iccad2023): `--suite verilog-eval-v2`.

The candidate is `TopModule`, compiled with the hidden `test.sv` (module `tb`) and `ref.sv` (`RefModule`);
the pass rule is v2's `sv-iv-analyze` on the combined compile and run log (`tools/verdict.py`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import ClassVar

from rtlsmith.benchmarks.base import Benchmark, PathRule
from rtlsmith.benchmarks.registry import register
from rtlsmith.suites.base import Suite
from rtlsmith.suites.verilog_eval import load_v2
from rtlsmith.task import HiddenChecks, Layout, Purpose, Task
from rtlsmith.tools.harness import (
    CANDIDATE_FILE,
    WAVES_FILE,
    WAVES_MODULE,
    WAVES_MODULE_FILE,
    Common,
    JudgeOptions,
    Plan,
    build_reason,
    crash_reason,
    dumps_waves,
    infrastructure_verdict,
    joined_log,
    limit_reason,
    logged,
    time_reason,
)
from rtlsmith.tools.sandbox import RunResult
from rtlsmith.tools.verdict import (
    DECISIVE_SUBSTRINGS,
    FailureClass,
    Verdict,
    classify_v2_log,
    excerpt,
    mismatch_hints,
)

_TOP_MODULE = re.compile(r"\bmodule\s+TopModule\b")
_NOT_A_BUILD_FAILURE = (FailureClass.PASS, FailureClass.RUNTIME, FailureClass.RUNTIME_ASYNC_RESET)


@register
class VerilogEvalV2(Benchmark):
    """VerilogEval v2: `TopModule` against `RefModule` under the hidden `tb`, judged by sv-iv-analyze."""

    name = Layout.VERILOG_EVAL_V2.value
    aliases: ClassVar[tuple[str, ...]] = ("v2",)
    path: ClassVar[PathRule] = "optional"
    data_name = "verilog-eval-v2"
    data_env = "RTLSMITH_VERILOG_EVAL_V2"
    decisive_substrings = DECISIVE_SUBSTRINGS

    def load(self, path: str) -> Suite:
        return load_v2(path)

    def candidate_source(self, hidden: HiddenChecks, completion: str) -> str:
        """A code-completion body gets its interface prepended."""
        if hidden.prompt and not _TOP_MODULE.search(completion):
            return hidden.prompt.rstrip() + "\n" + completion
        return completion

    def reference_completion(self, task: Task) -> str:
        """`RefModule`, renamed to `TopModule`."""
        return re.sub(r"\bRefModule\b", "TopModule", task.hidden.unseal(Purpose.SCORING).reference or "")

    def formal_sources(self, task: Task, hidden: HiddenChecks, completion: str) -> tuple[str, str, str, str]:
        return hidden.reference or "", self.candidate_source(hidden, completion), "RefModule", "TopModule"

    def waves_file(self, hidden: HiddenChecks) -> str:
        """The testbench's own VCD, else the one `rtlsmith_waves` writes for testbenches that dump nothing."""
        return dumps_waves(hidden.testbench) or WAVES_FILE

    def plan(self, task: Task, completion: str, options: JudgeOptions) -> Plan:
        hidden = task.hidden.unseal(Purpose.SCORING)
        candidate = self.candidate_source(hidden, completion)
        files: dict[str, str | bytes] = {CANDIDATE_FILE: candidate, "test.sv": hidden.testbench}
        sources: tuple[str, ...] = (CANDIDATE_FILE, "test.sv")
        if hidden.reference is not None:
            files["ref.sv"] = hidden.reference
            sources = (*sources, "ref.sv")
        sim = options.backend
        extra_tops: tuple[str, ...] = ()
        if options.waves and sim.writes_waves and not dumps_waves(hidden.testbench):
            # A testbench that dumps nothing (generated ones) gets a second root that dumps all of `tb`.
            files[WAVES_MODULE_FILE] = WAVES_MODULE
            sources, extra_tops = (*sources, WAVES_MODULE_FILE), ("rtlsmith_waves",)
        c = sim.compile_step(sources, timeout_s=options.compile_timeout_s, extra_tops=extra_tops)
        # v2's Makefile runs `./sim` (vvp without -n). Its VCD holds testbench signals only, so it is
        # skipped unless the candidate makes dump calls of its own, which can end a simulation early.
        waves = options.waves or "$dump" in candidate
        s = sim.simulate_step(waves=waves, timeout_s=options.limits.timeout_s, stop_finishes=False)
        # v2 logs compile and run output together (`&>`).
        steps = logged((c, s), merge_stderr=True)
        return Plan(files=files, steps=steps, candidate=candidate)

    def read_run(
        self, task: Task, plan: Plan, run: RunResult, common: Common, options: JudgeOptions
    ) -> Verdict:
        candidate = plan.candidate
        parts: list[str] = []
        timed_out = False
        for step in run.steps:
            if not step.ran:
                continue
            parts.append(step.stdout + step.stderr)
            if step.timed_out:
                timed_out = True
        if run.killed:
            timed_out = True
        log = joined_log(parts)
        if timed_out:
            log += "TIMEOUT\n"
        limit = limit_reason(run)
        hints = mismatch_hints(log)
        first = min((h[2] for h in hints if h[1] > 0), default=None)
        signals = tuple(h[0] for h in hints if h[1] > 0)
        if limit:
            return Verdict(
                passed=False, failure_class=FailureClass.RESOURCE_LIMIT, reason=limit, log=log,
                log_excerpt=excerpt(log), harness_result="", **common,  # type: ignore[arg-type]
            )  # fmt: skip
        analysis = classify_v2_log(log, candidate)
        cls = analysis.failure_class
        build = run.steps[0]
        build_failed = build.ran and build.returncode != 0 and not timed_out
        # A build that failed is never a mismatch (v2's rules read R where no log line says "error", and
        # Verilator writes "%Error"); the benchmark never runs Verilator, so this class is rtlsmith's.
        if not options.backend.harness_native and build_failed and cls in _NOT_A_BUILD_FAILURE:
            cls = FailureClass.COMPILE
        passed = cls is FailureClass.PASS
        if not passed and not timed_out and cls is not FailureClass.TIMEOUT:
            tool_fault = infrastructure_verdict(run, log, common, options, excerpt)
            if tool_fault is not None:
                return replace(tool_fault, harness_result=analysis.failure_class.value)
        return Verdict(
            passed=passed,
            failure_class=cls,
            mismatches=analysis.mismatches,
            samples=analysis.samples,
            first_mismatch_time=first,
            mismatch_signals=signals,
            harness_result=analysis.failure_class.value,
            log=log,
            log_excerpt=excerpt(log),
            reason=""
            if passed
            else (time_reason(run, options) or crash_reason(run) or build_reason(run, options)),
            **common,  # type: ignore[arg-type]
        )
