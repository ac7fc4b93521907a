// Mutant of counter_updown_load: asynchronous reset instead of synchronous.
module TopModule (
  input clk,
  input reset,
  input load,
  input en,
  input up,
  input [7:0] d,
  output reg [7:0] q,
  output tc
);
  always @(posedge clk or posedge reset) begin
    if (reset)
      q <= 8'd0;
    else if (load)
      q <= d;
    else if (en)
      q <= up ? q + 8'd1 : q - 8'd1;
  end

  assign tc = en & ((up & (q == 8'hff)) | (~up & (q == 8'h00)));
endmodule
