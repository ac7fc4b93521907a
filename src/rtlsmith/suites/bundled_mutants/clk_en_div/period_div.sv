// Mutant of clk_en_div: restarts at 1: period of div instead of div + 1 (off by one).
module TopModule (
  input clk,
  input reset,
  input [3:0] div,
  output tick
);
  reg [3:0] cnt;
  always @(posedge clk) begin
    if (reset)
      cnt <= 4'd0;
    else if (cnt >= div)
      cnt <= 4'd1;
    else
      cnt <= cnt + 4'd1;
  end

  assign tick = (cnt >= div);
endmodule
