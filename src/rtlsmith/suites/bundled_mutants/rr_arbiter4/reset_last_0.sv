// Mutant of rr_arbiter4: requester 1 first after reset.
module TopModule (
  input clk,
  input reset,
  input [3:0] req,
  output reg [3:0] grant
);
  reg [1:0] last;
  reg [3:0] next_grant;
  reg [1:0] next_last;
  reg [1:0] idx;
  integer k;

  always @(*) begin
    next_grant = 4'b0000;
    next_last = last;
    if ((grant & req) != 4'b0000) begin
      next_grant = grant;
    end else begin
      for (k = 4; k >= 1; k = k - 1) begin
        idx = last + k[1:0];
        if (req[idx]) begin
          next_grant = 4'b0001 << idx;
          next_last = idx;
        end
      end
    end
  end

  always @(posedge clk) begin
    if (reset) begin
      grant <= 4'b0000;
      last <= 2'd0;
    end else begin
      grant <= next_grant;
      last <= next_last;
    end
  end
endmodule
