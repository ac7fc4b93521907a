// Mutant of lowbit_isolate: zero reported as a power of two.
module TopModule (
  input [7:0] x,
  output [7:0] lowest,
  output [7:0] cleared,
  output is_pow2
);
  assign lowest = x & (~x + 8'd1);
  assign cleared = x & (x - 8'd1);
  assign is_pow2 = (cleared == 8'd0);
endmodule
