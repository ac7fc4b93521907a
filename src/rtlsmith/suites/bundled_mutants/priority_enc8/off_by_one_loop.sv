// Mutant of priority_enc8: bit 7 never considered.
module TopModule (
  input [7:0] req,
  output reg [2:0] idx,
  output valid
);
  integer i;
  always @(*) begin
    idx = 3'd0;
    for (i = 0; i < 7; i = i + 1)
      if (req[i]) idx = i[2:0];
  end
  assign valid = |req;
endmodule
