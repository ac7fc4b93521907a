// Mutant of popcount16: 4-bit sum wraps when all bits are set.
module TopModule (
  input [15:0] x,
  output reg [4:0] count
);
  integer i;
  always @(*) begin
    count = 5'd0;
    for (i = 0; i < 16; i = i + 1)
      count = {1'b0, count[3:0] + {3'd0, x[i]}};
  end
endmodule
