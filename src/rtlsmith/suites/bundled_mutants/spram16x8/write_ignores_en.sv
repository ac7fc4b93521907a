// Mutant of spram16x8: writes happen with en = 0.
module TopModule (
  input clk,
  input en,
  input we,
  input [3:0] addr,
  input [7:0] din,
  output reg [7:0] dout
);
  reg [7:0] mem [0:15];
  always @(posedge clk) begin
    if (we) mem[addr] <= din;
    if (en) begin
      dout <= mem[addr];
    end
  end
endmodule
