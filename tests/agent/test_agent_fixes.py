"""Mechanical fixes: driven by the compiler's words or the spec's, recorded, and never a model call."""

from __future__ import annotations

import dataclasses

from agent_helpers import bundled, fenced, needs_iverilog, reference_design, steps_of

from rtlsmith.agent import AgentConfig, checks, fixes, run_agent
from rtlsmith.llm import ScriptedModel
from rtlsmith.task import Interface, Port
from rtlsmith.tools.sandbox import Limits

COMB = Interface("TopModule", (Port("a", "input"), Port("b", "input"), Port("y", "output", 1),
                               Port("q", "output", 4)))  # fmt: skip
WIRES_IN_PROCESS = """module TopModule(input a, input b, output y, output wire [3:0] q);
  wire t;
  always @(*) begin
    t = a & b;
    y = t;
    q = {4{t}};
  end
endmodule
"""


@needs_iverilog
def test_nets_assigned_in_a_process_become_reg_from_the_compilers_message() -> None:
    report = checks.lint(WIRES_IN_PROCESS, COMB, use_verilator=False, limits=Limits(), isolate=False)
    assert not report.ok and "Icarus Verilog" in report.feedback
    fix = fixes.apply_compile_fixes(WIRES_IN_PROCESS, report.details["compile_log"])
    assert fix is not None and fix.name == "wire_driven_in_process"
    assert "output reg y" in fix.source and "output reg [3:0] q" in fix.source and "  reg t;" in fix.source
    assert checks.lint(fix.source, COMB, use_verilator=False, limits=Limits(), isolate=False).ok


def test_a_compile_log_without_that_message_changes_nothing() -> None:
    assert fixes.apply_compile_fixes(WIRES_IN_PROCESS, "a.sv:3: syntax error") is None


SEQ = Interface("TopModule", (Port("clk", "input"), Port("reset", "input"), Port("q", "output", 4, "reg")))
ASYNC = """module TopModule(input clk, input reset, output reg [3:0] q);
  always @(posedge clk or posedge reset)
    if (reset) q <= 0; else q <= q + 1;
endmodule
"""


def test_the_reset_style_is_read_from_the_spec() -> None:
    assert fixes.reset_style("reset is active-high and synchronous.") == "sync"
    assert fixes.reset_style("Use a synchronous, active-low reset.") == "sync"
    assert fixes.reset_style("an asynchronous reset to state A") == "async"
    assert fixes.reset_style("Reset the counter (asynchronously) ... no, the reset is synchronous") is None
    assert fixes.reset_style("a counter that counts up") is None


def test_the_reset_style_is_read_across_wrapped_lines() -> None:
    # VerilogEval's specs wrap at 72 columns, often between the adjective and "reset".
    wrapped = "8 D flip-flops with active high synchronous\nreset setting the output to zero."
    assert fixes.reset_style(wrapped) == "sync"
    assert fixes.reset_style("The reset is\n  asynchronous and active high.") == "async"
    # A blank line or a list item still ends the sentence.
    assert fixes.reset_style("Use a synchronous\n\nreset.") is None
    assert fixes.reset_style("Ports are synchronous:\n - input reset") is None


def test_an_asynchronous_reset_goes_when_the_spec_asks_for_a_synchronous_one() -> None:
    fix = fixes.sync_reset_only(ASYNC, SEQ, "Active-high synchronous reset to 0.")
    assert fix is not None and "always @(posedge clk)\n" in fix.source
    assert fixes.sync_reset_only(ASYNC, SEQ, "Active-high asynchronous reset to 0.") is None
    assert fixes.sync_reset_only(ASYNC, SEQ, "A counter.") is None


def test_a_missing_asynchronous_reset_is_named_in_the_feedback() -> None:
    sync = ASYNC.replace(" or posedge reset", "")
    text = fixes.reset_feedback(sync, SEQ, "The reset is asynchronous and active high.")
    assert "always @(posedge clk or posedge reset)" in text
    assert fixes.reset_feedback(ASYNC, SEQ, "The reset is asynchronous and active high.") == ""


def test_an_invented_clock_in_a_combinational_module_gets_a_designers_hint() -> None:
    log = "icarus error at line 3: Unable to bind wire/reg/memory `clk' in `TopModule'"
    assert "this module is combinational" in fixes.hints(log, COMB)
    assert "Declare `tmp`" in fixes.hints("Unable to bind wire/reg/memory `tmp' in `TopModule'", COMB)


def test_a_construct_icarus_does_not_support_is_named_with_a_way_around_it() -> None:
    text = fixes.hints("TopModule.sv:14: sorry: break statements not supported.\n", COMB)
    assert "does not support break statements" in text and "needs no `break`" in text
    warning = (
        "TopModule.sv:3: sorry: constant selects in always_* processes are not currently supported"
        " (all bits will be included).\n"
    )
    assert fixes.hints(warning, COMB) == ""


@needs_iverilog
def test_smith_applies_the_fix_without_a_model_call_and_records_it(config: AgentConfig) -> None:
    task = bundled("counter_updown_load")
    ref = reference_design(task)
    # The model's design resets asynchronously although the spec says synchronous: fixed mechanically, the
    # design passes on its first draft.
    broken = ref.replace("always @(posedge clk)", "always @(posedge clk or posedge reset)", 1)
    assert broken != ref
    model = ScriptedModel([fenced(broken)])
    result = run_agent("smith", task.public, model, dataclasses.replace(config, max_iterations=1))
    assert result.passed_public and result.iterations == 1 and len(model.calls) == 1
    lint = next(s for s in steps_of(result.trace_path) if s["state"] == "LINT")
    assert lint["fixes"][0]["fix"] == "sync_reset_only" and "posedge reset" not in lint["code"]


def test_edges_in_a_module_without_a_clock_are_named() -> None:
    ringer = "module TopModule(input a, input b, output reg y, output [3:0] q);\n"
    ringer += "  always @(posedge a or posedge b) y <= a; // posedge clk in a comment\nendmodule\n"
    text = fixes.clockless_edges(ringer, COMB)
    assert "no clock" in text and "`a`, `b`" in text and "clk" not in text
    assert fixes.clockless_edges(ASYNC, SEQ) == ""
