// Mutant of debouncer: changes after 3 samples (off by one).
module TopModule (
  input clk,
  input reset,
  input noisy,
  output reg clean,
  output rose
);
  reg [1:0] cnt;
  reg prev_clean;

  always @(posedge clk) begin
    if (reset) begin
      clean <= 1'b0;
      cnt <= 2'd0;
      prev_clean <= 1'b0;
    end else begin
      prev_clean <= clean;
      if (noisy == clean)
        cnt <= 2'd0;
      else if (cnt == 2'd2) begin
        clean <= noisy;
        cnt <= 2'd0;
      end else
        cnt <= cnt + 2'd1;
    end
  end

  assign rose = clean & ~prev_clean;
endmodule
