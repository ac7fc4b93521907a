// Mutant of spram16x8: combinational read.
module TopModule (
  input clk,
  input en,
  input we,
  input [3:0] addr,
  input [7:0] din,
  output reg [7:0] dout
);
  reg [7:0] mem [0:15];
  always @(*) dout = mem[addr];
  always @(posedge clk) begin
    if (en) begin
      if (we) mem[addr] <= din;
    end
  end
endmodule
