// Mutant of sync_fifo8: reset treated as active-low.
module TopModule (
  input clk,
  input reset,
  input push,
  input pop,
  input [7:0] din,
  output [7:0] dout,
  output full,
  output empty,
  output reg [3:0] count
);
  reg [7:0] mem [0:7];
  reg [2:0] wr_ptr;
  reg [2:0] rd_ptr;
  wire do_push = push & ~full;
  wire do_pop = pop & ~empty;

  always @(posedge clk) begin
    if (!reset) begin
      wr_ptr <= 3'd0;
      rd_ptr <= 3'd0;
      count <= 4'd0;
    end else begin
      if (do_push) begin
        mem[wr_ptr] <= din;
        wr_ptr <= wr_ptr + 3'd1;
      end
      if (do_pop) rd_ptr <= rd_ptr + 3'd1;
      count <= count + {3'd0, do_push} - {3'd0, do_pop};
    end
  end

  assign full = (count == 4'd8);
  assign empty = (count == 4'd0);
  assign dout = empty ? 8'h00 : mem[rd_ptr];
endmodule
