"""The smith agent end to end with a scripted model: repairs from feedback, budgets, honesty, caching."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import pytest
from agent_helpers import (
    bundled,
    fenced,
    needs_iverilog,
    on_prompt,
    prompts_of,
    reference_design,
    steps_of,
    user_text,
)

from rtlsmith.agent import AgentConfig, Smith, State, run_agent
from rtlsmith.agent.smith_machine import ToolNotAllowed
from rtlsmith.agent.trace import read_trace
from rtlsmith.errors import UsageError
from rtlsmith.llm import Message, ScriptedModel
from rtlsmith.task import Purpose, Task

COUNTER = "counter_updown_load"


def _break_semicolon(code: str) -> tuple[str, int]:
    """The design with the `;` of its `q <= d;` line removed, and that line's number."""
    lines = code.splitlines()
    n = next(i for i, ln in enumerate(lines) if "q <= d;" in ln)
    lines[n] = lines[n].replace("q <= d;", "q <= d")
    return "\n".join(lines) + "\n", n + 1


@needs_iverilog
def test_lint_error_is_repaired_from_lint_feedback(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    good = reference_design(task)
    broken, line = _break_semicolon(good)

    def check(prompt: str) -> None:
        assert "Syntax errors (pyslang):" in prompt
        # The excerpt numbers the candidate's lines and marks the offending one (or the one after it).
        marked = re.findall(r"^> +(\d+) \| ", prompt, re.M)
        assert marked and int(marked[0]) in (line, line + 1), prompt
        assert "q <= d\n" in prompt or "q <= d" in prompt

    model = ScriptedModel([fenced(broken), on_prompt(check, fenced(good))])
    result = run_agent("smith", task.public, model, config)
    assert result.passed_public and result.stop_reason == "passed"
    assert result.iterations == 2 and result.final_code.strip() == good.strip()
    states = [s["state"] for s in steps_of(result.trace_path or "")]
    assert states == ["START", "DRAFT", "LINT", "REPAIR", "LINT", "TEST"]
    assert result.checks == "public-vectors" and result.mode == "honest"


@needs_iverilog
def test_wrong_reset_is_repaired_from_the_mismatch_table(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    good = reference_design(task)
    wrong = good.replace("q <= 8'd0;", "q <= 8'd1;")
    assert wrong != good

    def check(prompt: str) -> None:
        assert "The testbench reported these failing cycles" in prompt
        header = next(ln for ln in prompt.splitlines() if ln.startswith("time"))
        assert [c.strip() for c in header.split("|")] == ["time", "inputs", "expected", "got"]
        row = next(ln for ln in prompt.splitlines() if "reset=1" in ln and "q=" in ln)
        assert "| q=00000000 | q=00000001" in row

    model = ScriptedModel([fenced(wrong), on_prompt(check, fenced(good))])
    result = run_agent("smith", task.public, model, config)
    assert result.passed_public, read_trace(result.trace_path or "")[-1]
    assert [s["state"] for s in steps_of(result.trace_path or "")][-3:] == ["REPAIR", "LINT", "TEST"]


def _never_improves(task_module: str) -> str:
    # A syntax error every time: pyslang rejects it in-process, so no simulator is needed.
    return fenced(f"module {task_module}(input clk, output q);\n  assign q = 1'b0\nendmodule")


def test_iteration_budget_stops_a_model_that_never_improves(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    model = ScriptedModel([_never_improves("TopModule")] * 10)
    result = run_agent("smith", task.public, model, dataclasses.replace(config, max_iterations=3))
    assert result.stop_reason == "max_iterations" and not result.passed_public
    assert result.iterations == 3 and len(model.calls) == 3
    assert result.final_state == "GIVE_UP"


def test_token_budget_stops_a_model_that_never_improves(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    model = ScriptedModel([_never_improves("TopModule")] * 10)
    # The scripted model counts words; one draft prompt is several hundred.
    cfg = dataclasses.replace(config, max_iterations=10, max_tokens=800)
    result = run_agent("smith", task.public, model, cfg)
    assert result.stop_reason == "max_tokens"
    assert result.prompt_tokens + result.completion_tokens >= 800
    assert 1 <= len(model.calls) < 10


def test_time_budget_stops_a_model_that_never_improves(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    now = [0.0]

    def slow(messages: Sequence[Message]) -> str:
        now[0] += 10.0  # each answer takes ten (fake) seconds
        return _never_improves("TopModule")

    model = ScriptedModel([slow] * 10)
    cfg = dataclasses.replace(config, max_iterations=10, max_time_s=25.0)
    result = run_agent("smith", task.public, model, cfg, clock=lambda: now[0])
    assert result.stop_reason == "max_time"
    assert len(model.calls) == 3  # at 0, 10 and 20 s; at 30 s the budget is spent


def test_model_error_is_a_stop_reason(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    result = run_agent("smith", task.public, ScriptedModel([_never_improves("TopModule")]), config)
    assert result.stop_reason == "model_error"
    assert "asked for 1 answer" in read_trace(result.trace_path or "")[-1]["error"]


def hidden_material(task: Task, allowed: str) -> list[str]:
    """What must never reach an honest prompt: distinctive lines of the hidden testbench and reference (those
    not also in `allowed` public text), and the hidden testbench's own output format."""
    hidden = task.hidden.unseal(Purpose.SCORING)
    public_lines = {ln.strip() for ln in allowed.splitlines()}
    lines = [
        s
        for text in (hidden.testbench, hidden.reference or "")
        for s in (ln.strip() for ln in text.splitlines())
        if len(s) >= 12 and s not in public_lines
    ]
    return [*lines, "Hint: Output '", "Hint: Total mismatched samples"]


def leaks(prompts: list[str], secret: list[str]) -> list[str]:
    return [line for line in secret for prompt in prompts if line in prompt]


def allowed_text(task: Task, trace_path: str, config: AgentConfig) -> str:
    """Public material (spec, interface, the public vectors testbench) and what the model itself wrote."""
    smith = Smith(task.public, ScriptedModel([]), dataclasses.replace(config, write_trace=False))
    responses = [str(r.get("response") or "") for r in read_trace(trace_path)]
    return "\n".join(
        [task.public.spec.detailed, task.public.interface.header(), smith.public_testbench or "", *responses]
    )


@needs_iverilog
def test_no_prompt_contains_hidden_material_in_an_honest_run(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    good = reference_design(task)
    wrong = good.replace("q <= 8'd0;", "q <= 8'd1;")
    model = ScriptedModel([fenced(wrong), fenced(wrong.replace("q + 8'd1", "q + 8'd2")), fenced(good)])
    result = run_agent("smith", task.public, model, config)
    assert result.passed_public and result.iterations == 3
    trace = result.trace_path or ""
    prompts = prompts_of(trace)
    assert len(prompts) == 6  # system + user for each of three calls
    secret = hidden_material(task, allowed_text(task, trace, config))
    assert len(secret) > 20  # the search has plenty to look for
    assert leaks(prompts, secret) == []
    assert {r["mode"] for r in read_trace(trace)} == {"honest"}


def test_leak_search_finds_a_planted_hidden_line(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    secret = hidden_material(task, task.public.spec.detailed)
    planted = ["Fix this.", f"Some context\n{secret[3]}\nmore"]
    assert leaks(planted, secret) == [secret[3]]


@needs_iverilog
def test_oracle_mode_uses_the_hidden_testbench_and_marks_every_record(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    good = reference_design(task)
    # Right on the public vectors (which load 8'hfe only), wrong on the hidden stimulus (loads below 8'h80).
    sneaky = good.replace("q <= d;", "q <= (d < 8'h80) ? d ^ 8'h01 : d;")
    assert sneaky != good

    def check(prompt: str) -> None:
        assert "The benchmark testbench reports" in prompt and "Hint: Output 'q' has" in prompt

    hidden = task.hidden.unseal(Purpose.ORACLE)
    model = ScriptedModel([fenced(sneaky), on_prompt(check, fenced(good))])
    cfg = dataclasses.replace(config, oracle_feedback=True)
    result = run_agent("smith", task.public, model, cfg, hidden_for_oracle=hidden)
    assert result.passed_public and result.mode == "oracle"
    assert result.checks == "public-vectors+oracle"
    records = read_trace(result.trace_path or "")
    assert {r["mode"] for r in records} == {"oracle"}
    # The same search that finds nothing in an honest run finds the hidden testbench's output here.
    secret = hidden_material(task, allowed_text(task, result.trace_path or "", config))
    assert leaks(prompts_of(result.trace_path or ""), secret)


def test_hidden_checks_are_refused_in_an_honest_run(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    model = ScriptedModel([])
    with pytest.raises(UsageError, match="honest run"):
        run_agent("smith", task.public, model, config, hidden_for_oracle=task.hidden.unseal(Purpose.ORACLE))
    with pytest.raises(UsageError, match="public part"):
        run_agent("smith", task, model, config)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="needs the hidden checks"):
        run_agent("smith", task.public, model, dataclasses.replace(config, oracle_feedback=True))


def test_states_may_only_use_their_own_tools(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    smith = Smith(task.public, ScriptedModel([]), dataclasses.replace(config, write_trace=False))
    smith.machine.state = State.DRAFT
    smith._use("model")
    with pytest.raises(ToolNotAllowed, match="DRAFT may not use 'iverilog'"):
        smith._use("iverilog")
    smith.machine.state = State.TEST
    with pytest.raises(ToolNotAllowed, match="only reachable with --oracle-feedback"):
        smith._use("judge")


@needs_iverilog
def test_same_source_and_same_behaviour_are_verified_once(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    good = reference_design(task)
    wrong = good.replace("q <= 8'd0;", "q <= 8'd1;")
    same_source = "// reformatted\n" + wrong.replace("\n", "\n\n")
    same_behaviour = wrong.replace("q <= d;", "q <= d ^ 8'h00;")

    def check(prompt: str) -> None:
        assert "behaves exactly like attempt 1" in prompt

    model = ScriptedModel(
        [fenced(wrong), fenced(same_source), fenced(same_behaviour), on_prompt(check, fenced(good))]
    )
    result = run_agent("smith", task.public, model, dataclasses.replace(config, max_iterations=5))
    assert result.passed_public
    records = read_trace(result.trace_path or "")
    assert records[-1]["cache_hits"] == {"source": 1, "behaviour": 1}
    lint_steps = [r for r in records if r["kind"] == "step" and r["state"] == "LINT"]
    assert lint_steps[1]["tools"] == [] and "same source as attempt 1" in lint_steps[1]["note"]


def test_repair_prompt_carries_the_spec_interface_and_current_code(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    broken, _ = _break_semicolon(reference_design(task))
    model = ScriptedModel([fenced(broken), fenced(broken)])
    run_agent("smith", task.public, model, dataclasses.replace(config, max_iterations=2))
    repair = user_text(model.calls[1].messages)
    assert task.public.interface.header() in repair
    assert "Current design:" in repair and "q <= d\n" in repair
    assert "does not pass its checks" in repair


@needs_iverilog
def test_a_pass_with_integrity_flags_is_not_done(config: AgentConfig) -> None:
    """A design that passes its checks only with a construct that could spoof them is repaired, not DONE."""
    task = bundled(COUNTER)
    good = reference_design(task)
    spoof = good.replace("endmodule", '  initial $display("Mismatches: 0 in 1 samples");\nendmodule')

    def check(prompt: str) -> None:
        assert "it does not count" in prompt and "'Mismatches'" in prompt

    model = ScriptedModel([fenced(spoof), on_prompt(check, fenced(good))])
    result = run_agent("smith", task.public, model, config)
    assert result.passed_public and result.iterations == 2
    assert result.final_code.strip() == good.strip()
    events = [s.get("event") for s in steps_of(result.trace_path or "") if s["state"] == "TEST"]
    assert events == ["failed", "passed"]


@needs_iverilog
def test_a_reach_into_the_hidden_testbench_is_not_done(config: AgentConfig) -> None:
    task = bundled(COUNTER)
    good = reference_design(task)
    # Right on the public vectors, wrong on the hidden stimulus, and forcing the hidden testbench's verdict.
    sneaky = good.replace("q <= d;", "q <= (d < 8'h80) ? d ^ 8'h01 : d;")
    spoof = sneaky.replace("endmodule", "  initial force tb.tb_match = 1;\nendmodule")

    def check(prompt: str) -> None:
        assert "tb.tb_match" in prompt

    hidden = task.hidden.unseal(Purpose.ORACLE)
    model = ScriptedModel([fenced(spoof), on_prompt(check, fenced(good))])
    cfg = dataclasses.replace(config, oracle_feedback=True)
    result = run_agent("smith", task.public, model, cfg, hidden_for_oracle=hidden)
    assert result.passed_public and result.iterations == 2
    assert result.final_code.strip() == good.strip()


@needs_iverilog
def test_the_oracle_check_fails_a_pass_with_integrity_flags() -> None:
    """The hidden testbench passes the spoof (the harness's reading); the oracle check, strict, does not."""
    from rtlsmith.agent import checks
    from rtlsmith.tools.sandbox import Limits

    task = bundled(COUNTER)
    sneaky = reference_design(task).replace("q <= d;", "q <= (d < 8'h80) ? d ^ 8'h01 : d;")
    hidden = task.hidden.unseal(Purpose.ORACLE)
    limits = Limits(timeout_s=5.0)
    assert not checks.oracle(task.public, hidden, sneaky, limits=limits, isolate=True).ok
    spoof = sneaky.replace("endmodule", "  initial force tb.tb_match = 1;\nendmodule")
    report = checks.oracle(task.public, hidden, spoof, limits=limits, isolate=True)
    assert not report.ok and "does not count" in report.feedback and "tb.tb_match" in report.feedback
