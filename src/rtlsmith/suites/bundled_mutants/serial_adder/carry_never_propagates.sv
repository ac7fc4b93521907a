// Mutant of serial_adder: carry only generated, never propagated.
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
    else c <= a & b;
  end

  assign s = a ^ b ^ c;
  assign carry = c;
endmodule
