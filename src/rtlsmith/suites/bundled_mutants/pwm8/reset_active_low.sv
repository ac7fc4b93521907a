// Mutant of pwm8: reset treated as active-low.
module TopModule (
  input clk,
  input reset,
  input [7:0] duty,
  output pwm,
  output period_start
);
  reg [7:0] cnt;
  reg [7:0] duty_q;
  always @(posedge clk) begin
    if (!reset) begin
      cnt <= 8'd0;
      duty_q <= 8'd0;
    end else begin
      cnt <= cnt + 8'd1;
      if (cnt == 8'hff) duty_q <= duty;
    end
  end

  assign pwm = (cnt < duty_q);
  assign period_start = (cnt == 8'd0);
endmodule
