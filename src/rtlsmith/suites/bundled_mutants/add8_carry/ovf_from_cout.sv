// Mutant of add8_carry: signed overflow taken from the carry.
module TopModule (
  input [7:0] a,
  input [7:0] b,
  input cin,
  output [7:0] sum,
  output cout,
  output ovf
);
  assign {cout, sum} = {1'b0, a} + {1'b0, b} + {8'd0, cin};
  assign ovf = cout;
endmodule
