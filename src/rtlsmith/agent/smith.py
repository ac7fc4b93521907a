"""The smith agent: an explicit state machine that drafts, lints, tests and repairs a module (its states,
tools and transitions are in `smith_machine.py`).

    START -> (DECOMPOSE ->)* DRAFT -> LINT -> TEST -> DONE
                                        ^       |  \\-> WRITE_TESTS -> TEST   (no public checks)
                                        |       v
                                        +--- REPAIR          any model state -> GIVE_UP (budget, model error)

Each state has its own prompt (prompts.py) and its own tools (`TOOLS`); only the transitions in `TRANSITIONS`
are legal. The agent sees a `PublicTask` only. In oracle mode (and only then) TEST also judges the candidate
with the hidden testbench, which the caller unsealed for `Purpose.ORACLE`; every record then says "oracle".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rtlsmith.agent import agreement, checks, fixes, prompts, properties_check
from rtlsmith.agent.budget import Budget, Clock
from rtlsmith.agent.checks import CheckReport
from rtlsmith.agent.config import AgentConfig
from rtlsmith.agent.decompose import QUESTIONS, needs_decomposition
from rtlsmith.agent.record import AgentResult, StopReason
from rtlsmith.agent.routing import Cascade
from rtlsmith.agent.smith_machine import (
    TOOLS,
    State,
    ToolNotAllowed,
    machine,
    testbench_attempts_left,
)
from rtlsmith.agent.trace import NullTrace, TraceWriter, new_run_id
from rtlsmith.errors import ModelError, RtlsmithError, UsageError
from rtlsmith.llm import Message
from rtlsmith.llm.grammar import design_grammar
from rtlsmith.suites.tbgen import vectors_testbench
from rtlsmith.task import HiddenChecks, PublicTask
from rtlsmith.tools.sandbox import Limits

# A self-written testbench for one module fits well within this many tokens; an answer that runs on past it
# has lost its way (a small model writing Python, say), so it is cut there rather than at max_new_tokens.
TESTBENCH_MAX_TOKENS = 1024
# A decomposition answer (states, transitions, outputs, reset) is short: of 213 stored answers of the default
# model, none that ended on its own was longer than 768 tokens, and the 24 longer ones all ran to the
# 2,048-token cap (a list counting on, a line repeated).
DECOMPOSE_MAX_TOKENS = 768


@dataclass
class _StepLog:
    """What one state did, accumulated while it runs and written as one trace record."""

    messages: list[dict[str, str]] = field(default_factory=list)
    response: str | None = None
    model_id: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model_s: float = 0.0
    tools: list[dict[str, Any]] = field(default_factory=list)
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    fixes: list[dict[str, str]] = field(default_factory=list)  # mechanical fixes applied (no model call)
    note: str = ""


@dataclass
class _Seen:
    """What checking one source (or one behaviour) produced, kept so it is not checked twice."""

    attempt: int
    lint: CheckReport
    tests: list[CheckReport] = field(default_factory=list)
    event: str = ""


class Smith:
    """The RTL agent. `run()` drives the machine from START to DONE or GIVE_UP and returns an AgentResult."""

    name = "smith"

    def __init__(
        self,
        task: PublicTask,
        model: Any,
        config: AgentConfig | None = None,
        *,
        hidden_for_oracle: HiddenChecks | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.task = task
        self.config = config or AgentConfig()
        if hidden_for_oracle is not None and not self.config.oracle_feedback:
            raise UsageError(
                "hidden checks were given to an honest run: set oracle_feedback=True or drop them"
            )
        self.cascade = Cascade.of(model, self.config.escalate_after)
        self.hidden = hidden_for_oracle
        self.budget = Budget.from_config(self.config, clock)
        self.machine = machine()
        self.limits = Limits(timeout_s=self.config.tool_timeout_s)
        mode = self.config.decompose
        self.decompose = mode == "always" or (mode == "auto" and needs_decomposition(task))
        self.question = 0
        self.question_retries = 0
        self.notes: list[tuple[str, str]] = []
        self.retry_note = ""
        self.code = ""
        self.best_code = ""  # the latest candidate that passed lint
        self.from_repair = False
        self.feedback = ""
        self.warnings = ""
        self.attempt = 0
        self.testbench_attempts = 0
        self.agreed = False  # selection by agreement ran (tasks with no public checks)
        self.own_testbench: str | None = None
        self.properties: str | None = None  # written once (config.assertions); "" when unusable
        self.public_testbench, self.public_kind, self.checks_note = self._public_checks()
        self.checks_used = ""
        self.stop_reason: StopReason | None = None
        self.error = ""
        self.passed = False
        self.by_source: dict[str, _Seen] = {}
        self.by_behaviour: dict[str, tuple[int, CheckReport]] = {}
        self.cache_hits = {"source": 0, "behaviour": 0}
        self._current: _Seen | None = None
        self._log = _StepLog()
        run_id = self.config.run_id or new_run_id(task.id)
        self.trace: TraceWriter | NullTrace = (
            TraceWriter(self.config.runs_dir, run_id) if self.config.write_trace else NullTrace(run_id)
        )

    # ------------------------------------------------------------------------------------------ plumbing

    @property
    def mode(self) -> str:
        return self.config.mode

    def _public_checks(self) -> tuple[str | None, str, str]:
        """The testbench the public checks give: the task's own, one generated from its vectors, or one
        generated from a table in its spec (`spec-table`)."""
        from rtlsmith.symbolic.agent import spec_table_vectors  # symbolic imports the agent package

        public = self.task.public
        if public.testbench:
            return public.testbench, "public-testbench", ""
        # The example vectors, else a truth table, waveform, K-map or state table in the spec (public too).
        if public.vectors:
            vectors, kind, what = list(public.vectors), "public-vectors", "public vectors"
        else:
            vectors, kind, what = spec_table_vectors(self.task), "spec-table", "spec table"
        if not vectors:
            return None, "", ""
        try:
            tb = vectors_testbench(self.task.interface, vectors, self.task.interface.clock())
        except RtlsmithError as exc:
            return None, "", f"{what} unusable: {exc}"
        return tb, kind, ""

    def _use(self, tool: str) -> None:
        state = self.machine.state
        if tool not in TOOLS[state]:
            allowed = ", ".join(sorted(TOOLS[state])) or "none"
            raise ToolNotAllowed(f"state {state.name} may not use {tool!r}; it may use: {allowed}")
        if tool == "judge" and not (self.config.oracle_feedback and self.hidden is not None):
            raise ToolNotAllowed("the hidden testbench is only reachable with --oracle-feedback")

    def _design_grammar(self) -> str | None:
        """A grammar that keeps a design answer a well-formed module, for models that need it (see config)."""
        return design_grammar(self.config.constrain, str(self.cascade.current.model_id), self.task.interface)

    def _ask(
        self,
        messages: list[Message],
        *,
        new_iteration: bool,
        grammar: str | None = None,
        max_new_tokens: int | None = None,
        temperature: float | None = None,
        design: bool = False,
        seed: int | None = None,
    ) -> str | None:
        """One model call under the budget; None (and `stop_reason` set) when it may not or did not happen.
        (`design`: the answer is a module; generation stops when its code block closes.)"""
        self._use("model")
        stop = self.budget.exhausted(new_iteration=new_iteration)
        if stop:
            self.stop_reason = stop
            return None
        model = self.cascade.current
        cap = max_new_tokens or self.config.max_new_tokens
        self._log.messages = [{"role": m.role, "content": m.content} for m in messages]
        self._log.model_id = str(model.model_id)
        t0 = time.perf_counter()
        try:
            with self.budget.timing("model"):
                completions = model.generate(
                    messages,
                    n=1,
                    temperature=self.config.temperature if temperature is None else temperature,
                    max_tokens=max(1, min(cap, self.budget.tokens_left())),
                    seed=self._seed(temperature, seed),
                    stop=[prompts.DESIGN_STOP] if design and grammar is None else None,
                    grammar=grammar,
                    task_id=self.task.id,
                )
        except ModelError as exc:
            self.stop_reason = "model_error"
            self.error = str(exc)
            self._log.note = f"model error: {exc}"
            return None
        finally:
            self._log.model_s = time.perf_counter() - t0
        if not completions:
            self.stop_reason = "model_error"
            self.error = "the model returned no completion"
            return None
        c = completions[0]
        self.budget.charge_model(c.prompt_tokens, c.completion_tokens)
        if new_iteration:
            self.budget.iterations += 1
        text = (
            prompts.close_design(str(c.text), c.finish_reason) if design and grammar is None else str(c.text)
        )
        self._log.response = text
        self._log.prompt_tokens += c.prompt_tokens
        self._log.completion_tokens += c.completion_tokens
        return text

    def _seed(self, temperature: float | None, seed: int | None) -> int | None:
        """The given seed; else the run's for greedy calls, and one per attempt for a sampled retry (so a
        retry does not draw the same answer again)."""
        if seed is not None:
            return seed
        return self.config.seed if temperature is None else (self.config.seed or 0) + 1000 + self.attempt

    def _check(self, tool: str, fn: Callable[[], CheckReport | None]) -> CheckReport | None:
        self._use(tool)
        with self.budget.timing("tool"):
            report = fn()
        if report is not None:
            self._log.tools += [r.record() for r in report.runs]
            self._log.verdicts.append(report.record())
        return report

    # ------------------------------------------------------------------------------------------ states

    def _start(self) -> str:
        if self.decompose:
            self._log.note = "decompose: the spec describes a state machine or several blocks"
        return "plan"

    def _decompose(self) -> str:
        q = QUESTIONS[self.question]
        messages = prompts.decompose(self.task, q.text, self.notes, self.retry_note)
        answer = self._ask(
            messages,
            new_iteration=False,
            max_new_tokens=min(self.config.max_new_tokens, DECOMPOSE_MAX_TOKENS),
        )
        if answer is None:
            return "stop"
        problem = q.judge(answer, self.task, self.notes)
        if problem and self.question_retries < 1:
            self.question_retries += 1
            self.retry_note = problem
            self._log.note = f"{q.title}: malformed ({problem})"
            return "malformed"
        self._log.note = f"{q.title}: " + (f"kept nothing ({problem})" if problem else "ok")
        if not problem:
            self.notes.append((q.title, answer))
        self.question += 1
        self.question_retries = 0
        self.retry_note = ""
        return "answered"

    def _write_properties(self) -> bool:
        """Ask once for properties (config.assertions); False when the model call could not happen."""
        text = self._ask(properties_check.messages(self.task), new_iteration=False, max_new_tokens=768)
        if text is None:
            return False
        self.properties, why = properties_check.usable(text)
        self._log.note = f"properties unusable: {why}" if why else "properties written"
        return True

    def _draft(self) -> str:
        if self.config.assertions and self.properties is None and not self._write_properties():
            return "stop"
        text = self._ask(
            prompts.draft(self.task, self.notes),
            new_iteration=True,
            grammar=self._design_grammar(),
            design=True,
        )
        if text is None:
            return "stop"
        self.attempt += 1
        code = prompts.extract_code(text, self.task.interface.module)
        if not code:
            self._log.note = "no module in the answer"
            return "no_code"
        self.code = code
        self.from_repair = False
        return "drafted"

    def _lint(self) -> str:
        spec = self.task.spec.text("detailed")
        ifc = self.task.interface
        if self.config.fixes:
            self._apply_fix(fixes.sync_reset_only(self.code, ifc, spec))
        report, seen = self._lint_once()
        for _ in range(3):  # each fix is followed by a fresh lint; a fix that changes nothing ends it
            if report.ok or not self.config.fixes:
                break
            fix = fixes.apply_compile_fixes(self.code, str(report.details.get("compile_log", "")))
            if fix is None or not self._apply_fix(fix):
                break
            report, seen = self._lint_once()
        if report.ok and self.attempt <= 2:
            # Spec-aware checks: edges in a module with no clock, the reset style the spec asks for against
            # the design's (first two attempts only, so a misread spec cannot hold a design back for long).
            style = fixes.spec_feedback(self.code, ifc, spec)
            if style:
                report = CheckReport(
                    "lint", False, "clocking or reset differs from the spec", style, report.runs
                )
                self._log.verdicts.append(report.record())
        if not report.ok:
            self.feedback = report.feedback
            hint = fixes.hints(report.feedback, ifc)
            if hint:
                self.feedback += "\n\nHow to fix it:\n" + hint
            if seen is not None:
                self.feedback = f"(This is the same design as attempt {seen.attempt}.)\n" + self.feedback
            self._failed()
            return "errors"
        self.best_code = self.code
        self.warnings = report.feedback
        return "clean"

    def _apply_fix(self, fix: fixes.Fix | None) -> bool:
        """Take a mechanical fix (no model call); recorded in the step's trace. False when there is none."""
        if fix is None or fix.source == self.code:
            return False
        self.code = fix.source
        self._log.fixes.append({"fix": fix.name, "what": fix.description})
        self._log.note = (self._log.note + "; " if self._log.note else "") + f"fixed: {fix.description}"
        return True

    def _lint_once(self) -> tuple[CheckReport, _Seen | None]:
        """Lint the current source, or reuse the verdicts of an identical earlier source."""
        key = checks.source_hash(self.code)
        seen = self.by_source.get(key)
        if seen is not None:
            self.cache_hits["source"] += 1
            self._current = seen
            self._log.note = f"same source as attempt {seen.attempt}: verdicts reused, no tool run"
            self._log.verdicts.append(seen.lint.record())
            return seen.lint, seen
        cfg, ifc = self.config, self.task.interface
        code = self.code
        report = self._check(
            "verilator",
            lambda: checks.lint(code, ifc, use_verilator=cfg.lint, limits=self.limits, isolate=cfg.isolate),
        ) or CheckReport("lint", False, "no report")
        self._current = _Seen(self.attempt, report)
        self.by_source[key] = self._current
        return report, None

    def _failed(self) -> None:
        if self.from_repair and self.cascade.failed_repair():
            self._log.note += f" escalated to {self.cascade.model_id}"

    def _test(self) -> str:
        current = self._current
        if current is not None and current.event:
            # The same source was fully checked before: reuse its verdicts.
            self._log.verdicts += [t.record() for t in current.tests]
            self._log.note = f"same source as attempt {current.attempt}: verdicts reused"
            event = self._conclude(current.event, current.tests)
            if event == "failed":
                self.feedback = f"(This is the same design as attempt {current.attempt}.)\n{self.feedback}"
            return event
        testbench, kind = self.public_testbench, self.public_kind
        if testbench is None and self.own_testbench is not None:
            testbench, kind = self.own_testbench, "self-written"
        # With no testbench, oracle mode judges with the hidden one alone and a reference is proven against.
        other = self.config.oracle_feedback or (bool(self.config.reference) and checks.formal_available())
        if testbench is None and not other:
            # Nothing to simulate: the spec's properties (config.assertions) may still refute the design;
            # a counterexample is repair feedback. Properties that hold do not verify it (they say what the
            # model believed the spec says), so the run goes on as a task with no checks.
            refuted = self._properties_refute()
            if refuted is not None:
                self.checks_used = "properties"
                if current is not None:
                    current.tests, current.event = [refuted], "failed"
                return self._conclude("failed", [refuted])
            if not testbench_attempts_left(self):
                self.stop_reason = "no_checks"
            return "no_checks"
        reports: list[CheckReport] = []
        used: list[str] = []
        if testbench is not None:
            used.append(kind)
            tb = testbench
            report = self._check(
                "iverilog",
                lambda: checks.simulate(
                    self.code, tb, self.task.interface, limits=self.limits, isolate=self.config.isolate,
                    vectors=self.task.public.vectors, label=kind.replace("-", " ") + " testbench",
                ),
            )  # fmt: skip
            assert report is not None
            report = self._functional_dedup(report)
            reports.append(report)
        if all(r.ok for r in reports) and self.properties and testbench is not None:
            props, ifc, isolate = self.properties, self.task.interface, self.config.isolate
            prop_report = self._check(
                "formal",
                lambda: properties_check.check(
                    self.code, ifc, props, timeout_s=self.limits.timeout_s, isolate=isolate
                ),
            )
            assert prop_report is not None
            used.append("properties")
            reports.append(prop_report)
        if all(r.ok for r in reports) and self.config.reference:
            reference = self.config.reference
            ifc, isolate = self.task.interface, self.config.isolate
            formal = self._check(
                "formal",
                lambda: checks.formal(
                    reference, self.code, ifc, timeout_s=self.limits.timeout_s, isolate=isolate
                ),
            )
            if formal is not None:
                used.append("formal")
                reports.append(formal)
            else:
                self._log.note = "formal check unavailable (rtlsmith.formal not installed)"
        if all(r.ok for r in reports) and self.config.oracle_feedback and self.hidden is not None:
            hidden = self.hidden
            used.append("oracle")
            isolate = self.config.isolate
            oracle = self._check(
                "judge",
                lambda: checks.oracle(self.task, hidden, self.code, limits=self.limits, isolate=isolate),
            )
            assert oracle is not None
            reports.append(oracle)
        self.checks_used = "+".join(used)
        event = "passed" if all(r.ok for r in reports) else "failed"
        if current is not None:
            current.tests, current.event = reports, event
        return self._conclude(event, reports)

    def _properties_refute(self) -> CheckReport | None:
        """The properties' failing report on the current design, or None (no properties, all hold, or
        none could be checked)."""
        if not self.properties:
            return None
        props, ifc, isolate = self.properties, self.task.interface, self.config.isolate
        report = self._check(
            "formal",
            lambda: properties_check.check(
                self.code, ifc, props, timeout_s=self.limits.timeout_s, isolate=isolate
            ),
        )
        if report is None or report.ok:
            self._log.note = "properties hold (not a verification: the task has no public tests)"
            return None
        return report

    def _functional_dedup(self, report: CheckReport) -> CheckReport:
        """A candidate that behaves like an earlier one on the same stimulus gets that one's verdict."""
        digest = report.behaviour_hash
        if digest is None:
            return report
        seen = self.by_behaviour.get(digest)
        if seen is None:
            self.by_behaviour[digest] = (self.attempt, report)
            return report
        self.cache_hits["behaviour"] += 1
        attempt, earlier = seen
        note = ""
        if not earlier.ok:
            note = (
                f"(This design behaves exactly like attempt {attempt} on the test stimulus: "
                "the last change did not alter what the outputs do.)\n"
            )
        self._log.note = f"behaves like attempt {attempt}: verdict reused"
        return CheckReport(
            earlier.name, earlier.ok, earlier.summary + f" (same behaviour as attempt {attempt})",
            note + earlier.feedback, report.runs, digest, {"duplicate_of": attempt},
        )  # fmt: skip

    def _conclude(self, event: str, reports: Sequence[CheckReport]) -> str:
        if event == "passed":
            self.passed = True
            self.stop_reason = "passed"
            return event
        self.feedback = "\n\n".join(r.feedback for r in reports if not r.ok and r.feedback)
        if self.warnings:
            self.feedback += "\n\n" + self.warnings
        self._failed()
        return event

    def _write_tests(self) -> str:
        self.testbench_attempts += 1
        if self.config.no_checks == "cycles":
            return self._write_cycles()
        text = self._ask(
            prompts.write_tests(self.task, self.retry_note),
            new_iteration=False,
            max_new_tokens=min(self.config.max_new_tokens, TESTBENCH_MAX_TOKENS),
        )
        if text is None:
            return "stop"
        tb = prompts.extract_code(text, "tb")
        if not tb:
            self.retry_note = "the answer had no `module tb ... endmodule`."
            self._log.note = self.retry_note
            return self._rejected()
        return self._keep_if_screened(tb, "self-written testbench accepted")

    def _keep_if_screened(self, tb: str, accepted: str, what: str = "testbench") -> str:
        """Keep a self-written testbench only if it rejects the wrong designs (`checks.screen_testbench`);
        otherwise why not goes into the next attempt's request (the testbench called `what` there)."""
        report = self._check(
            "iverilog",
            lambda: checks.screen_testbench(
                tb, self.code, self.task.interface, limits=self.limits, isolate=self.config.isolate
            ),
        )
        assert report is not None
        if not report.ok:
            self.retry_note = report.feedback.replace("testbench", what)
            return self._rejected()
        self.retry_note = ""
        self.own_testbench = tb
        self._log.note = accepted
        return "accepted"

    def _write_cycles(self) -> str:
        """`no_checks=cycles`: the model fills a cycle-table form (rtlsmith.forms.cycles) under its grammar;
        the cycles become a testbench, screened against wrong designs like a testbench in Verilog."""
        from rtlsmith.forms.agent import form_grammar
        from rtlsmith.forms.cycles import MAX_FORM_TOKENS, cycles_prompt, cycles_schema, parse_cycles
        from rtlsmith.forms.kinds import read_form
        from rtlsmith.forms.machine import FormError

        ifc = self.task.interface
        grammar = form_grammar(self.config.constrain, self.cascade.current, cycles_schema(ifc))
        text = self._ask(
            cycles_prompt(self.task, self.retry_note), new_iteration=False, grammar=grammar,
            max_new_tokens=min(self.config.max_new_tokens, MAX_FORM_TOKENS),
        )  # fmt: skip
        if text is None:
            return "stop"
        try:
            vectors = parse_cycles(read_form(text), ifc)
            tb = vectors_testbench(ifc, vectors, ifc.clock())
        except FormError as exc:
            self.retry_note = "; ".join(exc.problems[:8])
            self._log.note = f"cycles rejected: {self.retry_note}"
            return self._rejected()
        except RtlsmithError as exc:
            self.retry_note = str(exc)
            self._log.note = f"cycles rejected: {exc}"
            return self._rejected()
        return self._keep_if_screened(
            tb, f"self-written cycles accepted ({len(vectors)} cycles)", what="set of cycles"
        )

    def _agree(self) -> str:
        """No public checks: sample more drafts, keep one of the largest group that behaves alike."""
        self.agreed = True
        cfg, ifc, spec = self.config, self.task.interface, self.task.spec.text("detailed")
        candidates = [self.code]
        base = cfg.seed or 0
        for i in range(cfg.candidates - 1):
            text = self._ask(
                prompts.draft(self.task, self.notes), new_iteration=False, grammar=self._design_grammar(),
                temperature=cfg.retry_temperature or 0.7, design=True, seed=base + 2000 + i,
            )  # fmt: skip
            if text is None:
                break  # the budget is spent: choose among what there is
            code = prompts.extract_code(text, ifc.module)
            if not code:
                continue
            fixed = fixes.sync_reset_only(code, ifc, spec) if cfg.fixes else None
            code = fixed.source if fixed else code
            report = self._candidate_lint(code)
            if not report.ok and cfg.fixes:
                fix = fixes.apply_compile_fixes(code, str(report.details.get("compile_log", "")))
                if fix is not None:
                    code, report = fix.source, self._candidate_lint(fix.source)
            if report.ok and not fixes.spec_feedback(code, ifc, spec):
                candidates.append(code)
        self._use("iverilog")
        with self.budget.timing("tool"):
            groups = agreement.clusters(candidates, ifc, limits=self.limits, isolate=cfg.isolate)
        pick = agreement.choose(groups)
        self.code = self.best_code = candidates[pick]
        self.checks_used = "agreement"
        self.stop_reason = "no_checks"
        sizes = sorted((len(g) for g in groups), reverse=True)
        self._log.note = (
            f"{len(candidates)} candidate(s) passed lint; behaviour groups of sizes {sizes}; kept candidate "
            f"{pick + 1} (1 is the greedy draft)"
        )
        self._log.verdicts.append({"check": "agreement", "groups": groups, "chosen": pick})
        return "selected"

    def _candidate_lint(self, code: str) -> CheckReport:
        cfg, ifc = self.config, self.task.interface
        return self._check(
            "verilator",
            lambda: checks.lint(code, ifc, use_verilator=cfg.lint, limits=self.limits, isolate=cfg.isolate),
        ) or CheckReport("lint", False, "no report")

    def _rejected(self) -> str:
        if not testbench_attempts_left(self):
            self.stop_reason = "no_checks"
        return "rejected"

    def _repair(self) -> str:
        feedback = self.feedback or "The design does not pass its checks."
        text = self._ask(
            prompts.repair(self.task, self.code, feedback, self.attempt),
            new_iteration=True,
            grammar=self._design_grammar(),
            design=True,
        )
        if text is None:
            return "stop"
        self.attempt += 1
        module = self.task.interface.module
        code = prompts.extract_code(text, module)
        repeated = self.by_source.get(checks.source_hash(code)) if code else None
        if repeated is not None and self.config.retry_temperature > 0:
            # Greedy decoding answers a repair prompt with the design it was shown: ask for a fresh design,
            # the problems stated as constraints, sampled at a temperature (the same iteration, more tokens).
            first = self._log.response
            retry = self._ask(
                prompts.fresh_draft(self.task, feedback, self.notes),
                new_iteration=False,
                grammar=self._design_grammar(),
                temperature=self.config.retry_temperature,
                design=True,
            )
            self._log.note = (
                f"the answer repeated attempt {repeated.attempt}: asked for a fresh design at temperature "
                f"{self.config.retry_temperature:g}"
            )
            if retry is None:
                return "stop"
            self._log.response = f"{first}\n\n--- fresh design ---\n{retry}"
            fresh = prompts.extract_code(retry, module)
            if fresh:
                code = fresh
        if not code:
            self.feedback = (
                f"Your last answer contained no complete `module {module} ... endmodule`.\n{feedback}"
            )
            self._log.note = "no module in the answer"
            return "no_code"
        self.code = code
        self.from_repair = True
        return "repaired"

    _HANDLERS: ClassVar[dict[State, Callable[[Smith], str]]] = {
        State.START: _start,
        State.DECOMPOSE: _decompose,
        State.DRAFT: _draft,
        State.LINT: _lint,
        State.TEST: _test,
        State.WRITE_TESTS: _write_tests,
        State.AGREE: _agree,
        State.REPAIR: _repair,
    }

    # ------------------------------------------------------------------------------------------ run

    def run(self) -> AgentResult:
        wall0 = time.perf_counter()
        self.trace.write(
            "run",
            run_id=self.trace.run_id,
            agent=self.name,
            task_id=self.task.id,
            suite=self.task.suite,
            models=self.cascade.model_ids,
            config=self.config.record(),
            mode=self.mode,
            public_checks=self.public_kind or "none",
            checks_note=self.checks_note,
            decompose=self.decompose,
            formal_available=checks.formal_available() if self.config.reference else None,
        )
        try:
            while not self.machine.done:
                state = self.machine.state
                self._log = _StepLog()
                t0 = time.perf_counter()
                event = self._HANDLERS[state](self)
                nxt = self.machine.fire(event, self)
                self._write_step(state, event, nxt, time.perf_counter() - t0)
            return self._result(time.perf_counter() - wall0)
        finally:
            self.trace.close()

    def _write_step(self, state: State, event: str, nxt: State, wall: float) -> None:
        log = self._log
        self.trace.write(
            "step",
            mode=self.mode,
            state=state.name,
            event=event,
            next=nxt.name,
            attempt=self.attempt,
            iteration=self.budget.iterations,
            model=log.model_id,
            messages=log.messages,
            response=log.response,
            prompt_tokens=log.prompt_tokens,
            completion_tokens=log.completion_tokens,
            model_s=round(log.model_s, 4),
            tools=log.tools,
            verdicts=log.verdicts,
            fixes=log.fixes,
            code=self.code if event in ("drafted", "repaired") or log.fixes else None,
            note=log.note,
            wall_s=round(wall, 4),
        )

    def _result(self, wall: float) -> AgentResult:
        final = self.code if self.passed or not self.best_code else self.best_code
        checks_used = self.checks_used or ("oracle" if self.config.oracle_feedback else "none")
        if self.own_testbench is not None and "self-written" not in checks_used:
            checks_used = "self-written" + (f"+{checks_used}" if checks_used != "none" else "")
        stop: StopReason = self.stop_reason or ("passed" if self.passed else "max_iterations")
        result = AgentResult(
            task_id=self.task.id,
            final_code=final,
            passed_public=self.passed,
            stop_reason=stop,
            mode=self.config.mode,
            checks=checks_used,
            iterations=self.budget.iterations,
            prompt_tokens=self.budget.prompt_tokens,
            completion_tokens=self.budget.completion_tokens,
            wall_s=wall,
            model_time_s=self.budget.model_s,
            tool_time_s=self.budget.tool_s,
            trace_path=str(self.trace.path) if self.trace.path else None,
            agent=self.name,
            model_id=self.cascade.model_id,
            run_id=self.trace.run_id,
            final_state=self.machine.state.name,
        )
        self.trace.save_final(final)
        self.trace.write(
            "result",
            **result.record(),
            error=self.error,
            path=[s.name for s in self.machine.path()],
            cache_hits=self.cache_hits,
            escalations=self.cascade.escalations,
        )
        return result
