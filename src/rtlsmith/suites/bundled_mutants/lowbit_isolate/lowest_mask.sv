// Mutant of lowbit_isolate: lowest gives a mask up to the lowest bit.
module TopModule (
  input [7:0] x,
  output [7:0] lowest,
  output [7:0] cleared,
  output is_pow2
);
  assign lowest = x ^ (x - 8'd1);
  assign cleared = x & (x - 8'd1);
  assign is_pow2 = (x != 8'd0) && (cleared == 8'd0);
endmodule
