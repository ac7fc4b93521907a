// Mutant of lfsr8: reset state 0 (locks up).
module TopModule (
  input clk,
  input reset,
  input load,
  input en,
  input [7:0] seed,
  output reg [7:0] q
);
  wire fb = q[7] ^ q[5] ^ q[4] ^ q[3];
  always @(posedge clk) begin
    if (reset)
      q <= 8'h00;
    else if (load)
      q <= seed;
    else if (en)
      q <= {q[6:0], fb};
  end
endmodule
