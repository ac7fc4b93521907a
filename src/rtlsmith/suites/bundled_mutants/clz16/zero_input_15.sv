// Mutant of clz16: all-zero input gives 15.
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
    for (i = 15; i >= 0; i = i - 1) begin
      if (x[i]) found = 1'b1;
      else if (!found) n = n + 5'd1;
    end
    if (x == 16'd0) n = 5'd15;
  end
  assign zero = (x == 16'd0);
endmodule
