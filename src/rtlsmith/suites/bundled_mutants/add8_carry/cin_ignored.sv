// Mutant of add8_carry: carry in dropped.
module TopModule (
  input [7:0] a,
  input [7:0] b,
  input cin,
  output [7:0] sum,
  output cout,
  output ovf
);
  assign {cout, sum} = {1'b0, a} + {1'b0, b};
  assign ovf = (a[7] == b[7]) && (sum[7] != a[7]);
endmodule
