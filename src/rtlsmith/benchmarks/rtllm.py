"""RTLLM (hkust-zhiyao/RTLLM, v1.1 and v2.0): `--suite rtllm:PATH`.

The design keeps its RTLLM module name and is compiled with the self-checking `testbench.v` and the data
files it reads; the testbench's own pass/fail text decides, read by the rules in `tools/rtllm.py`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rtlsmith.benchmarks.base import Benchmark
from rtlsmith.benchmarks.registry import register
from rtlsmith.suites.base import Suite
from rtlsmith.suites.rtllm import load_rtllm
from rtlsmith.task import Layout, Purpose, Task
from rtlsmith.tools import rtllm as rules
from rtlsmith.tools.harness import (
    Common,
    JudgeOptions,
    Plan,
    crash_reason,
    infrastructure_verdict,
    joined_log,
    limit_reason,
    logged,
    time_reason,
)
from rtlsmith.tools.sandbox import RunResult
from rtlsmith.tools.verdict import FailureClass, Verdict

# RTLLM compiles `${TEST_DESIGN}.v testbench.v` with `vcs -timescale=1ns/1ns`: that option sets the
# timescale of files that declare none. Icarus has no such flag; a directive file compiled first does it.
RTLLM_TESTBENCH_FILE = "testbench.v"
RTLLM_TIMESCALE_FILE = "rtllm_timescale.v"
RTLLM_TIMESCALE = "`timescale 1ns/1ns\n"


@register
class Rtllm(Benchmark):
    """RTLLM: the design under its own name with RTLLM's `testbench.v`, which prints its own verdict."""

    name = Layout.RTLLM.value
    path = "optional"
    data_name = "rtllm"
    data_env = "RTLSMITH_RTLLM"
    decisive_substrings = rules.DECISIVE_SUBSTRINGS

    def load(self, path: str) -> Suite:
        return load_rtllm(path)

    def reference_completion(self, task: Task) -> str:
        """A reference named `verified_<name>` is renamed to the module the testbench instantiates."""
        hidden = task.hidden.unseal(Purpose.SCORING)
        ref = hidden.reference or ""
        if not hidden.reference_top:
            return ref
        return re.sub(rf"\b{re.escape(hidden.reference_top)}\b", task.public.interface.module, ref)

    def plan(self, task: Task, completion: str, options: JudgeOptions) -> Plan:
        """The design as `<module>.v` and `testbench.v`, the testbench's data files beside them.

        The simulator runs with `-n`, so a `$stop` ends the run instead of waiting at a prompt for input.
        """
        hidden = task.hidden.unseal(Purpose.SCORING)
        module = task.public.interface.module
        files: dict[str, str | bytes] = dict(hidden.data_files)
        reserved = {RTLLM_TESTBENCH_FILE, RTLLM_TIMESCALE_FILE, *files}
        design_file = f"{module}.v" if f"{module}.v" not in reserved else "design_under_test.v"
        files[RTLLM_TIMESCALE_FILE] = RTLLM_TIMESCALE
        files[design_file] = completion
        files[RTLLM_TESTBENCH_FILE] = hidden.testbench
        sources = (RTLLM_TIMESCALE_FILE, design_file, RTLLM_TESTBENCH_FILE)
        top = hidden.testbench_top
        sim = options.backend
        waves = options.waves or "$dump" in completion
        c = sim.compile_step(sources, top=top, timeout_s=options.compile_timeout_s)
        s = sim.simulate_step(waves=waves, timeout_s=options.limits.timeout_s, stop_finishes=True)
        steps = logged((c, s), merge_stderr=True)
        return Plan(files=files, steps=steps, candidate=completion)

    def read_run(
        self, task: Task, plan: Plan, run: RunResult, common: Common, options: JudgeOptions
    ) -> Verdict:
        """The testbench's own pass/fail text, read by the rules in `rtlsmith.tools.rtllm`."""
        compile_run, sim_run = run.steps[0], run.steps[1]
        compile_log = compile_run.stdout + compile_run.stderr
        sim_log = sim_run.stdout + sim_run.stderr
        compile_timed_out = compile_run.timed_out or (run.killed and not sim_run.ran)
        sim_timed_out = sim_run.timed_out or (run.killed and sim_run.ran)
        log = joined_log([compile_log, sim_log])
        if compile_timed_out or sim_timed_out:
            log += "TIMEOUT\n"
        limit = limit_reason(run)
        if limit:
            return Verdict(
                passed=False, failure_class=FailureClass.RESOURCE_LIMIT, reason=limit, log=log,
                log_excerpt=rules.excerpt(log), harness_result="", **common,  # type: ignore[arg-type]
            )  # fmt: skip
        crash = crash_reason(run)
        analysis = rules.classify_rtllm(
            compile_ok=compile_run.returncode == 0 and not compile_timed_out,
            compile_log=compile_log,
            compile_timed_out=compile_timed_out,
            sim_log=sim_log,
            sim_timed_out=sim_timed_out,
            sim_returncode=sim_run.returncode,
            crash=crash if sim_run.killed_by_signal is not None else "",
            candidate=plan.candidate,
        )
        passed = analysis.failure_class is FailureClass.PASS
        timed_out = compile_timed_out or sim_timed_out or analysis.failure_class is FailureClass.TIMEOUT
        if not passed and not timed_out:
            tool_fault = infrastructure_verdict(run, log, common, options, rules.excerpt)
            if tool_fault is not None:
                return replace(tool_fault, harness_result=analysis.harness_result)
        return Verdict(
            passed=passed,
            failure_class=analysis.failure_class,
            harness_result=analysis.harness_result,
            log=log,
            log_excerpt=rules.excerpt(log),
            reason=analysis.reason or ("" if passed else (time_reason(run, options) or crash)),
            **common,  # type: ignore[arg-type]
        )
