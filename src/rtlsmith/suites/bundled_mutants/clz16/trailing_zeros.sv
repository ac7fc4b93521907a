// Mutant of clz16: counts trailing instead of leading zeros.
module TopModule (
  input [15:0] x,
  output reg [4:0] n,
  output zero
);
  integer i;
  reg found;
  always @(*) begin
    n = 5'd0;
    found = 1'b0;
    for (i = 0; i < 16; i = i + 1) begin
      if (x[i]) found = 1'b1;
      else if (!found) n = n + 5'd1;
    end
  end
  assign zero = (x == 16'd0);
endmodule
