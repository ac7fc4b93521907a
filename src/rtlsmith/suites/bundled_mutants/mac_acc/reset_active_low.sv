// Mutant of mac_acc: reset treated as active-low.
module TopModule (
  input clk,
  input reset,
  input clear,
  input en,
  input signed [7:0] a,
  input signed [7:0] b,
  output reg signed [19:0] acc
);
  wire signed [15:0] prod = a * b;
  wire signed [19:0] prod_ext = {{4{prod[15]}}, prod};
  always @(posedge clk) begin
    if (!reset)
      acc <= 20'sd0;
    else if (clear)
      acc <= en ? prod_ext : 20'sd0;
    else if (en)
      acc <= acc + prod_ext;
  end
endmodule
