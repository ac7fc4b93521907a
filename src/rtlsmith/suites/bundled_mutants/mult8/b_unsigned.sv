// Mutant of mult8: only a treated as signed.
module TopModule (
  input [7:0] a,
  input [7:0] b,
  input is_signed,
  output [15:0] p
);
  wire [15:0] pu = a * b;
  wire signed [15:0] ps = $signed(a) * $signed({1'b0, b});
  assign p = is_signed ? ps : pu;
endmodule
