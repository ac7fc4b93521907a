// Mutant of bcd_counter2: reset treated as active-low.
module TopModule (
  input clk,
  input reset,
  input en,
  output reg [3:0] ones,
  output reg [3:0] tens,
  output wrap
);
  always @(posedge clk) begin
    if (!reset) begin
      ones <= 4'd0;
      tens <= 4'd0;
    end else if (en) begin
      if (ones == 4'd9) begin
        ones <= 4'd0;
        tens <= (tens == 4'd9) ? 4'd0 : tens + 4'd1;
      end else
        ones <= ones + 4'd1;
    end
  end

  assign wrap = en & (ones == 4'd9) & (tens == 4'd9);
endmodule
