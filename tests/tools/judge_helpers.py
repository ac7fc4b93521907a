"""A small VerilogEval-style task built in memory, for judge and sandbox tests that need no dataset."""

from __future__ import annotations

from rtlsmith.hdl import parse_interface
from rtlsmith.task import HiddenChecks, Layout, PublicTask, Sealed, Spec, Task

TESTBENCH = """\
`timescale 1 ps/1 ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg [7:0] a = 0;
  wire [7:0] y_ref, y_dut;
  RefModule good (.clk(clk), .a(a), .y(y_ref));
  TopModule dut (.clk(clk), .a(a), .y(y_dut));
  integer errs = 0, n = 0;
  initial begin
    repeat (20) begin
      @(negedge clk) a = $random;
      @(posedge clk) #1 n = n + 1;
      if (y_ref !== y_dut) errs = errs + 1;
    end
    $display("Mismatches: %0d in %0d samples", errs, n);
    $finish;
  end
endmodule
"""

REFERENCE = """\
module RefModule (input clk, input [7:0] a, output reg [7:0] y);
  always @(posedge clk) y <= a + 8'd1;
endmodule
"""

HEADER = "module TopModule (input clk, input [7:0] a, output reg [7:0] y);\n"
BODY = "  always @(posedge clk) y <= a + 8'd1;\nendmodule\n"
GOOD = HEADER + BODY


def inline_task(testbench: str = TESTBENCH, prompt: str = "", task_id: str = "inline") -> Task:
    """A v2-layout task: `TopModule` must add one to `a` on each clock edge."""
    public = PublicTask(
        id=task_id,
        suite="inline",
        spec=Spec("On each rising clock edge, y becomes a + 1."),
        interface=parse_interface(HEADER, "TopModule"),
    )
    hidden = HiddenChecks(
        testbench=testbench, reference=REFERENCE, layout=Layout.VERILOG_EVAL_V2, prompt=prompt
    )
    return Task(public, Sealed(hidden))


def with_body(extra: str) -> str:
    """The good design with `extra` put just before its `endmodule`."""
    return HEADER + "  always @(posedge clk) y <= a + 8'd1;\n" + extra + "\nendmodule\n"
