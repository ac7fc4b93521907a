// Mutant of reg_byte_enable: asynchronous reset instead of synchronous.
module TopModule (
  input clk,
  input reset,
  input [1:0] be,
  input [15:0] d,
  output reg [15:0] q
);
  always @(posedge clk or posedge reset) begin
    if (reset)
      q <= 16'h0000;
    else begin
      if (be[0]) q[7:0] <= d[7:0];
      if (be[1]) q[15:8] <= d[15:8];
    end
  end
endmodule
