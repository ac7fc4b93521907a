// Mutant of serial_adder: reset treated as active-low.
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
    if (!reset) c <= 1'b0;
    else c <= (a & b) | (a & c) | (b & c);
  end

  assign s = a ^ b ^ c;
  assign carry = c;
endmodule
