// Mutant of regfile8x8: r0 not forced to zero on read port 1.
module TopModule (
  input clk,
  input we,
  input [2:0] waddr,
  input [7:0] wdata,
  input [2:0] raddr1,
  input [2:0] raddr2,
  output [7:0] rdata1,
  output [7:0] rdata2
);
  reg [7:0] regs [1:7];
  always @(posedge clk) begin
    if (we && waddr != 3'd0) regs[waddr] <= wdata;
  end
  assign rdata1 = regs[raddr1];
  assign rdata2 = (raddr2 == 3'd0) ? 8'h00 : regs[raddr2];
endmodule
