// Mutant of clk_en_div: no restart when div drops below the count.
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
    else if (cnt == div)
      cnt <= 4'd0;
    else
      cnt <= cnt + 4'd1;
  end

  assign tick = (cnt >= div);
endmodule
