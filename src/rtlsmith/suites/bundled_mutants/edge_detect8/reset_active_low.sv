// Mutant of edge_detect8: reset treated as active-low.
module TopModule (
  input clk,
  input reset,
  input [7:0] in,
  output reg [7:0] rise,
  output reg [7:0] fall
);
  reg [7:0] prev;
  always @(posedge clk) begin
    if (!reset) begin
      prev <= 8'h00;
      rise <= 8'h00;
      fall <= 8'h00;
    end else begin
      prev <= in;
      rise <= in & ~prev;
      fall <= ~in & prev;
    end
  end
endmodule
