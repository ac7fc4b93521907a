module TopModule (
  input clk, input reset, input push, input pop, input [7:0] din,
  output [7:0] dout, output full, output empty, output [3:0] count
);
  reg [7:0] q [0:7];
  reg [3:0] wp, rp;   // one extra wrap bit
  assign count = wp - rp;
  assign empty = (wp == rp);
  assign full = (wp[2:0] == rp[2:0]) && (wp[3] != rp[3]);
  assign dout = empty ? 8'd0 : q[rp[2:0]];
  always @(posedge clk) begin
    if (reset) begin wp <= 0; rp <= 0; end
    else begin
      if (push && !full) begin q[wp[2:0]] <= din; wp <= wp + 1; end
      if (pop && !empty) rp <= rp + 1;
    end
  end
endmodule
