// Mutant of barrel_rot8: arithmetic shift implemented as logical.
module TopModule (
  input [7:0] data,
  input [2:0] amt,
  input [1:0] op,
  output reg [7:0] y
);
  wire [15:0] dbl = {data, data};
  always @(*) begin
    case (op)
      2'b00: y = dbl[15 - amt -: 8];
      2'b01: y = dbl[amt +: 8];
      2'b10: y = data << amt;
      default: y = data >> amt;
    endcase
  end
endmodule
