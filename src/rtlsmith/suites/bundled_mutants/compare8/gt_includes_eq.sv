// Mutant of compare8: gt is 1 for equal operands.
module TopModule (
  input [7:0] a,
  input [7:0] b,
  input is_signed,
  output lt,
  output eq,
  output gt
);
  wire lt_u = a < b;
  wire lt_s = $signed(a) < $signed(b);
  assign eq = a == b;
  assign lt = is_signed ? lt_s : lt_u;
  assign gt = ~lt;
endmodule
