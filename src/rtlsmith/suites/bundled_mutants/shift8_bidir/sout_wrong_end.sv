// Mutant of shift8_bidir: sout taken from the wrong end.
module TopModule (
  input clk,
  input areset_n,
  input [1:0] mode,
  input sin,
  input [7:0] d,
  output reg [7:0] q,
  output sout
);
  always @(posedge clk or negedge areset_n) begin
    if (!areset_n)
      q <= 8'h00;
    else
      case (mode)
        2'b01: q <= {q[6:0], sin};
        2'b10: q <= {sin, q[7:1]};
        2'b11: q <= d;
        default: q <= q;
      endcase
  end

  assign sout = (mode == 2'b01) ? q[0] : (mode == 2'b10) ? q[7] : 1'b0;
endmodule
