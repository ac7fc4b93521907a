"""Decomposition, self-written testbenches, cascades, the formal hook and the one-shot agent."""

from __future__ import annotations

import dataclasses
import sys
import types
from collections.abc import Sequence

import pytest
from agent_helpers import bundled, fenced, needs_iverilog, on_prompt, prompts_of, reference_design, steps_of

from rtlsmith.agent import AgentConfig, Cascade, run_agent
from rtlsmith.agent.checks import formal_available, mutants, screen_testbench, stub
from rtlsmith.agent.decompose import QUESTIONS, needs_decomposition
from rtlsmith.agent.trace import read_trace
from rtlsmith.errors import UsageError
from rtlsmith.hdl import parse_interface
from rtlsmith.llm import Message, ScriptedModel
from rtlsmith.task import PublicChecks, PublicTask, Spec, Vector
from rtlsmith.tools.sandbox import Limits
from rtlsmith.tools.toolchain import have

# ----------------------------------------------------------------------------------------------- decompose

BUSY_SPEC = """A Moore state machine with two states, IDLE and BUSY. On each rising edge of clk: in IDLE,
start=1 moves to BUSY; in BUSY, done=1 moves back to IDLE. The output busy is 1 in BUSY and 0 in IDLE.
reset is synchronous and active-high and returns the machine to IDLE."""
BUSY_IFC = "module TopModule (input clk, input reset, input start, input done, output busy);"
BUSY_DESIGN = """module TopModule (input clk, input reset, input start, input done, output busy);
  localparam IDLE = 1'b0, BUSY = 1'b1;
  reg state;
  always @(posedge clk) begin
    if (reset) state <= IDLE;
    else if (state == IDLE && start) state <= BUSY;
    else if (state == BUSY && done) state <= IDLE;
  end
  assign busy = state == BUSY;
endmodule
"""


def busy_task(vectors: bool = True) -> PublicTask:
    vecs = (
        Vector((("reset", "1"), ("start", "0"), ("done", "0")), (("busy", "0"),)),
        Vector((("reset", "0"), ("start", "1")), (("busy", "1"),)),
        Vector((("start", "0"),), (("busy", "1"),)),
        Vector((("done", "1"),), (("busy", "0"),)),
    )
    return PublicTask(
        id="busy_fsm",
        suite="test",
        spec=Spec(detailed=BUSY_SPEC),
        interface=parse_interface(BUSY_IFC),
        public=PublicChecks(vectors=vecs if vectors else ()),
    )


def test_fsm_specs_are_decomposed_and_plain_ones_are_not() -> None:
    assert needs_decomposition(busy_task())
    assert not needs_decomposition(bundled("counter_updown_load").public)


@needs_iverilog
def test_decompose_asks_one_question_at_a_time_and_checks_each_answer(config: AgentConfig) -> None:
    answers = {
        "states": "IDLE: waiting for start\nBUSY: working\nEncoding: binary, IDLE=1'b0, BUSY=1'b1",
        "transitions": "IDLE -> BUSY when start\nBUSY -> IDLE when done",
        "outputs": "busy is 1 in BUSY and 0 in IDLE",
        "reset": "reset is synchronous, active-high, and enters IDLE; busy is 0",
    }

    def asks(fragment: str) -> object:
        return lambda prompt: _assert_in(fragment, prompt)

    def draft_check(prompt: str) -> None:
        assert "Design notes worked out so far" in prompt
        for text in answers.values():
            assert text in prompt

    model = ScriptedModel(
        [
            on_prompt(asks(QUESTIONS[0].text), "There are two of them."),  # malformed: no state names
            on_prompt(asks("not usable: name at least two states"), answers["states"]),
            on_prompt(asks("IDLE: waiting for start"), answers["transitions"]),
            on_prompt(asks(QUESTIONS[2].text), answers["outputs"]),
            on_prompt(asks(QUESTIONS[3].text), answers["reset"]),
            on_prompt(draft_check, fenced(BUSY_DESIGN)),
        ]
    )
    result = run_agent("smith", busy_task(), model, dataclasses.replace(config, decompose="auto"))
    assert result.passed_public, read_trace(result.trace_path or "")[-1]
    events = [(s["state"], s["event"]) for s in steps_of(result.trace_path or "")]
    assert events == [
        ("START", "plan"),
        ("DECOMPOSE", "malformed"),
        ("DECOMPOSE", "answered"),
        ("DECOMPOSE", "answered"),
        ("DECOMPOSE", "answered"),
        ("DECOMPOSE", "answered"),
        ("DRAFT", "drafted"),
        ("LINT", "clean"),
        ("TEST", "passed"),
    ]
    assert result.iterations == 1  # planning questions are not design iterations
    # A decomposition answer is cut at DECOMPOSE_MAX_TOKENS (a design answer may use max_new_tokens).
    assert [c.max_tokens for c in model.calls] == [768] * 5 + [config.max_new_tokens]


def _assert_in(fragment: str, prompt: str) -> None:
    assert fragment in prompt, prompt


# ------------------------------------------------------------------------------------ self-written checks

WEAK_TB = """module tb;
  reg clk = 0, reset = 1, start = 0, done = 0;
  wire busy;
  TopModule dut(.clk(clk), .reset(reset), .start(start), .done(done), .busy(busy));
  initial begin #20 $display("Mismatches: 0 in 1 samples"); $finish; end
endmodule
"""

GOOD_TB = """module tb;
  reg clk = 0, reset = 1, start = 0, done = 0;
  wire busy;
  reg exp_busy;
  integer errors = 0, checks = 0, i;
  TopModule dut(.clk(clk), .reset(reset), .start(start), .done(done), .busy(busy));
  always #5 clk = ~clk;
  initial begin
    exp_busy = 0;
    @(negedge clk); @(negedge clk); reset = 0;
    for (i = 0; i < 40; i = i + 1) begin
      start = $random; done = $random; reset = (i % 13 == 12);
      @(posedge clk);
      if (reset) exp_busy = 0;
      else if (!exp_busy && start) exp_busy = 1;
      else if (exp_busy && done) exp_busy = 0;
      @(negedge clk);
      checks = checks + 1;
      if (busy !== exp_busy) begin
        errors = errors + 1;
        $display("MISMATCH time=%0t inputs: start=%b done=%b reset=%b expected: busy=%b got: busy=%b",
                 $time, start, done, reset, exp_busy, busy);
      end
    end
    $display("Mismatches: %0d in %0d samples", errors, checks);
    $finish;
  end
endmodule
"""


@needs_iverilog
def test_without_public_checks_a_screened_self_written_testbench_is_used(config: AgentConfig) -> None:
    def second_try(prompt: str) -> None:
        assert "Your previous testbench was rejected" in prompt and "outputs tied to 0" in prompt

    model = ScriptedModel([fenced(BUSY_DESIGN), fenced(WEAK_TB), on_prompt(second_try, fenced(GOOD_TB))])
    result = run_agent("smith", busy_task(vectors=False), model, config)
    assert result.passed_public and result.checks == "self-written"
    steps = steps_of(result.trace_path or "")
    assert [(s["state"], s["event"]) for s in steps if s["state"] in ("WRITE_TESTS", "TEST")] == [
        ("TEST", "no_checks"),
        ("WRITE_TESTS", "rejected"),
        ("WRITE_TESTS", "accepted"),
        ("TEST", "passed"),
    ]
    # A testbench answer is cut at TESTBENCH_MAX_TOKENS (a design answer may use max_new_tokens).
    assert [c.max_tokens for c in model.calls] == [config.max_new_tokens, 1024, 1024]
    accepted = next(s for s in steps if s["event"] == "accepted")
    outcomes = accepted["verdicts"][0]["details"]["mutants"]
    assert outcomes == {"outputs tied to 0": "fail", "outputs inverted": "fail", "reset ignored": "fail"}


@needs_iverilog
def test_testbench_blind_to_unknown_outputs_is_rejected_by_the_reset_mutant() -> None:
    ifc = parse_interface(BUSY_IFC)
    limits = Limits(timeout_s=10)
    assert screen_testbench(GOOD_TB, BUSY_DESIGN, ifc, limits=limits, isolate=True).ok
    # `!=` treats an x output as a match: a design that ignores reset (state x forever) slips through.
    x_blind = GOOD_TB.replace("busy !== exp_busy", "busy != exp_busy")
    report = screen_testbench(x_blind, BUSY_DESIGN, ifc, limits=limits, isolate=True)
    assert not report.ok and "passes wrong designs (reset ignored)" in report.feedback
    blind = GOOD_TB.replace("if (busy !== exp_busy)", "if (1'b0)")
    report = screen_testbench(blind, BUSY_DESIGN, ifc, limits=limits, isolate=True)
    assert not report.ok and "outputs tied to 0" in report.feedback


def test_mutants_keep_the_interface_and_change_the_behaviour() -> None:
    ifc = parse_interface(BUSY_IFC)
    found = mutants(BUSY_DESIGN, ifc)
    assert set(found) == {"outputs tied to 0", "outputs inverted", "reset ignored"}
    assert "assign busy = 1'd0;" in stub(ifc)
    assert "module TopModule__cand" in found["outputs inverted"]
    assert ".reset(1'b0)" in found["reset ignored"]
    for text in found.values():
        assert parse_interface(text, "TopModule").ports == ifc.ports or text == found["outputs tied to 0"]


def test_giving_up_when_no_testbench_survives_screening(config: AgentConfig) -> None:
    if not have("iverilog"):
        pytest.skip("Icarus Verilog (iverilog) is not installed: apt-get install -y iverilog")
    model = ScriptedModel([fenced(BUSY_DESIGN)] + [fenced(WEAK_TB)] * 3)
    result = run_agent("smith", busy_task(vectors=False), model, config)
    assert result.stop_reason == "no_checks" and not result.passed_public
    assert result.final_state == "GIVE_UP"


# ----------------------------------------------------------------------------------------------- routing


class _Named:
    def __init__(self, model_id: str) -> None:
        self.model_id = model_id


def test_cascade_moves_on_after_k_failed_repairs_and_stays_on_the_last() -> None:
    c = Cascade([_Named("cheap"), _Named("mid"), _Named("big")], escalate_after=2)
    assert c.model_id == "cheap"
    assert not c.failed_repair()
    assert c.failed_repair() and c.model_id == "mid"
    assert not c.failed_repair() and c.model_id == "mid"  # the count starts again on each model
    assert c.failed_repair() and c.model_id == "big"
    for _ in range(5):
        assert not c.failed_repair()
    assert c.escalations == [("cheap", "mid"), ("mid", "big")]
    with pytest.raises(UsageError):
        Cascade([])


@needs_iverilog
def test_agent_escalates_to_the_stronger_model(config: AgentConfig) -> None:
    task = bundled("counter_updown_load")
    broken = fenced("module TopModule(input clk, output q);\n  assign q = 1'b0\nendmodule")
    cheap = ScriptedModel([broken] * 3, model_id="cheap")
    strong = ScriptedModel([fenced(reference_design(task))], model_id="strong")
    cfg = dataclasses.replace(config, escalate_after=2, max_iterations=6)
    result = run_agent("smith", task.public, Cascade([cheap, strong], 2), cfg)
    assert result.passed_public and result.model_id == "strong"
    assert len(cheap.calls) == 3 and len(strong.calls) == 1  # draft + two failed repairs, then the switch
    models = [s["model"] for s in steps_of(result.trace_path or "") if s["model"]]
    assert models == ["cheap", "cheap", "cheap", "strong"]
    assert read_trace(result.trace_path or "")[-1]["escalations"] == [["cheap", "strong"]]


# ------------------------------------------------------------------------------------------------ formal

MARKER = "// reference-only marker 7731"


@needs_iverilog
@pytest.mark.skipif(not have("yosys"), reason="Yosys is not installed: apt-get install -y yosys")
@pytest.mark.skipif(not formal_available(), reason="the rtlsmith.formal package is not in this checkout")
def test_counterexample_from_the_reference_feeds_repair(config: AgentConfig) -> None:
    task = bundled("counter_updown_load")
    good = reference_design(task)
    reference = MARKER + "\n" + good.replace("TopModule", "RefModule")
    sneaky = good.replace("q <= d;", "q <= (d < 8'h80) ? d ^ 8'h01 : d;")  # passes the public vectors

    def check(prompt: str) -> None:
        assert "formal equivalence check" in prompt and "<-- differs" in prompt

    model = ScriptedModel([fenced(sneaky), on_prompt(check, fenced(good))])
    result = run_agent("smith", task.public, model, dataclasses.replace(config, reference=reference))
    assert result.passed_public and result.checks == "public-vectors+formal"
    assert all(MARKER not in p for p in prompts_of(result.trace_path or ""))


def test_without_the_formal_package_the_reference_is_ignored_cleanly(
    config: AgentConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rtlsmith.formal", types.ModuleType("rtlsmith.formal"))
    from rtlsmith.agent.checks import formal

    assert not formal_available()
    assert formal("module RefModule; endmodule", "module TopModule; endmodule", busy_task().interface) is None


# ----------------------------------------------------------------------------------------------- oneshot


def test_oneshot_generates_once_and_checks_nothing(config: AgentConfig) -> None:
    task = bundled("counter_updown_load")
    model = ScriptedModel([fenced(reference_design(task))])
    result = run_agent("oneshot", task.public, model, config)
    assert result.agent == "oneshot" and result.checks == "none" and not result.passed_public
    assert result.iterations == 1 and result.final_code.startswith("module TopModule")
    assert len(model.calls) == 1 and result.tool_time_s == 0.0
    assert [r["kind"] for r in read_trace(result.trace_path or "")] == ["run", "step", "result"]
    with pytest.raises(UsageError, match="unknown agent"):
        run_agent("nope", task.public, model, config)


def test_run_is_recorded_with_its_configuration(config: AgentConfig) -> None:
    task = bundled("counter_updown_load")

    def never(messages: Sequence[Message]) -> str:
        return "I cannot do that."

    result = run_agent(
        "smith", task.public, ScriptedModel([never] * 2), dataclasses.replace(config, max_iterations=2)
    )
    head = read_trace(result.trace_path or "")[0]
    assert head["kind"] == "run" and head["config"]["max_iterations"] == 2
    assert head["mode"] == "honest" and head["public_checks"] == "public-vectors"
    assert result.stop_reason == "max_iterations" and result.final_code == ""
