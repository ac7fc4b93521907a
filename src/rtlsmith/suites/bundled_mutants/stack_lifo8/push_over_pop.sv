// Mutant of stack_lifo8: push has priority over pop.
module TopModule (
  input clk,
  input reset,
  input push,
  input pop,
  input [7:0] din,
  output [7:0] top,
  output full,
  output empty
);
  reg [7:0] mem [0:7];
  reg [3:0] sp;

  always @(posedge clk) begin
    if (reset)
      sp <= 4'd0;
    else if (push && sp != 4'd8) begin
      mem[sp[2:0]] <= din;
      sp <= sp + 4'd1;
    end
    else if (pop && sp != 4'd0)
      sp <= sp - 4'd1;
  end

  assign empty = (sp == 4'd0);
  assign full = (sp == 4'd8);
  assign top = empty ? 8'h00 : mem[sp[2:0] - 3'd1];
endmodule
