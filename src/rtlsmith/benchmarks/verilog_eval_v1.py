"""VerilogEval v1 (NVlabs/verilog-eval, release/1.0.0; Human and Machine): `--suite verilog-eval-v1`.

A completion is the module body after the prompt's header. `execution.py` compiles one file,
`test + "\\n" + prompt + "\\n" + completion`, then runs `vvp -n` even after a failed compile; its pass rule
reads stdout and stderr apart (`tools/verdict.py`'s `classify_v1`). The failure class comes from v2's rules
on the same log.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rtlsmith.benchmarks.base import Benchmark
from rtlsmith.benchmarks.registry import register
from rtlsmith.suites.base import Suite
from rtlsmith.suites.verilog_eval import load_v1
from rtlsmith.task import HiddenChecks, Layout, Purpose, Task
from rtlsmith.tools.harness import (
    CANDIDATE_FILE,
    Common,
    JudgeOptions,
    Plan,
    crash_reason,
    infrastructure_verdict,
    limit_reason,
    logged,
    time_reason,
)
from rtlsmith.tools.sandbox import RunResult
from rtlsmith.tools.verdict import (
    DECISIVE_SUBSTRINGS,
    FailureClass,
    Verdict,
    classify_v1,
    classify_v2_log,
    excerpt,
    mismatch_hints,
)

_TOP = "top_module"


@register
class VerilogEvalV1(Benchmark):
    """VerilogEval v1: a module body after the prompt, judged by `execution.py`'s rule."""

    name = Layout.VERILOG_EVAL_V1.value
    aliases = ("v1",)
    path = "optional"
    data_name = "verilog-eval-v1"
    data_env = "RTLSMITH_VERILOG_EVAL_V1"
    decisive_substrings = DECISIVE_SUBSTRINGS

    def load(self, path: str) -> Suite:
        return load_v1(path)

    def integrity_source(self, hidden: HiddenChecks, candidate: str) -> str:
        """The flags need the body's header (the prompt) to elaborate it."""
        return hidden.prompt + "\n" + candidate

    def reference_completion(self, task: Task) -> str:
        """The reference's body after the prompt."""
        hidden = task.hidden.unseal(Purpose.SCORING)
        ref = hidden.reference or ""
        return ref[len(hidden.prompt) :] if ref.startswith(hidden.prompt) else ref

    def formal_sources(self, task: Task, hidden: HiddenChecks, completion: str) -> tuple[str, str, str, str]:
        """Both are `top_module`: the reference is the prompt plus the canonical solution, the candidate the
        prompt plus the completion (unless the completion repeats the header)."""
        candidate = completion
        if not re.search(rf"\bmodule\s+{_TOP}\b", completion):
            candidate = hidden.prompt.rstrip() + "\n" + completion
        return hidden.reference or "", candidate, _TOP, _TOP

    def plan(self, task: Task, completion: str, options: JudgeOptions) -> Plan:
        hidden = task.hidden.unseal(Purpose.SCORING)
        files: dict[str, str | bytes] = {
            CANDIDATE_FILE: hidden.testbench + "\n" + hidden.prompt + "\n" + completion
        }
        sim = options.backend
        c = sim.compile_step((CANDIDATE_FILE,), timeout_s=options.compile_timeout_s, extra_tops=())
        # v1's execution.py: `...; vvp -n test.vvp`, exactly: the simulator runs even after a failed
        # compile (its stderr counts), and the testbench's VCD is written as it was there.
        s = sim.simulate_step(waves=True, timeout_s=options.limits.timeout_s, always=True, stop_finishes=True)
        # v1 reads stdout and stderr apart.
        steps = logged((c, s), merge_stderr=False)
        return Plan(files=files, steps=steps, candidate=completion)

    def read_run(
        self, task: Task, plan: Plan, run: RunResult, common: Common, options: JudgeOptions
    ) -> Verdict:
        candidate = plan.candidate
        stdout = "".join(s.stdout for s in run.steps)
        stderr = "".join(s.stderr for s in run.steps)
        timed_out = run.killed or any(s.timed_out for s in run.steps)
        limit = limit_reason(run)
        result, mism, samples = classify_v1(stdout, stderr, timed_out)
        if limit and result == "passed":
            # A run stopped at a limit did not finish; its summary line, if any, came from the design.
            result = "failed: " + limit
        log = stdout + ("\n" if stdout and not stdout.endswith("\n") else "") + stderr
        if not limit and not timed_out and result != "passed":
            tool_fault = infrastructure_verdict(run, log, common, options, excerpt)
            if tool_fault is not None:
                return replace(tool_fault, harness_result=result)
        # The taxonomy comes from the v2 rules on the same log; the pass/fail is v1's own.
        analysis = classify_v2_log(log + ("TIMEOUT\n" if timed_out else ""), candidate)
        passed = result == "passed"
        cls = FailureClass.PASS if passed else analysis.failure_class
        if cls is FailureClass.PASS and not passed:
            # v1 fails warnings on stderr that v2 tolerates.
            cls = FailureClass.COMPILE
        if limit and not passed:
            cls = FailureClass.RESOURCE_LIMIT
        hints = mismatch_hints(stdout)
        return Verdict(
            passed=passed,
            failure_class=cls,
            mismatches=mism if mism is not None else analysis.mismatches,
            samples=samples if samples is not None else analysis.samples,
            first_mismatch_time=min((h[2] for h in hints if h[1] > 0), default=None),
            mismatch_signals=tuple(h[0] for h in hints if h[1] > 0),
            harness_result=result,
            log=log,
            log_excerpt=excerpt(log),
            reason=limit or ("" if passed else (time_reason(run, options) or crash_reason(run))),
            **common,  # type: ignore[arg-type]
        )
