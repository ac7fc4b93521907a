module TopModule (input clk, input reset, input push, input pop, input [7:0] din,
  output [7:0] top, output full, output empty);
  reg [7:0] s [1:8];
  reg [3:0] n;
  assign empty = n == 0;
  assign full = n == 8;
  assign top = empty ? 0 : s[n];
  always @(posedge clk)
    if (reset) n <= 0;
    else if (pop && !empty) n <= n - 1;
    else if (push && !full) begin s[n + 1] <= din; n <= n + 1; end
endmodule
