// Mutant of sat_add_s8: no saturation at the top.
module TopModule (
  input signed [7:0] a,
  input signed [7:0] b,
  input sub,
  output reg signed [7:0] y,
  output reg sat
);
  reg signed [9:0] wide;
  always @(*) begin
    wide = sub ? ({{2{a[7]}}, a} - {{2{b[7]}}, b}) : ({{2{a[7]}}, a} + {{2{b[7]}}, b});
    if (wide > 10'sd127) begin
      y = wide[7:0];
      sat = 1'b1;
    end else if (wide < -10'sd128) begin
      y = -8'sd128;
      sat = 1'b1;
    end else begin
      y = wide[7:0];
      sat = 1'b0;
    end
  end
endmodule
