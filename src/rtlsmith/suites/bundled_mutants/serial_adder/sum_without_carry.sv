// Mutant of serial_adder: sum ignores the carry state.
module TopModule (
  input clk,
  input reset,
  input a,
  input b,
  output s,
  output carry
);
  reg c;
  always @(posedge clk) begin
    if (reset) c <= 1'b0;
    else c <= (a & b) | (a & c) | (b & c);
  end

  assign s = a ^ b;
  assign carry = c;
endmodule
