module TopModule (input clk, input reset, input [3:0] req, output reg [3:0] grant);
  reg [3:0] lastoh; // one-hot of the last grant
  wire [7:0] dbl = {req, req};
  reg [3:0] pick; integer i; reg done;
  always @(*) begin
    pick = 0; done = 0;
    for (i = 1; i <= 4; i = i + 1)
      if (!done) begin
        if ((lastoh == 4'b0001 && dbl[i]) || (lastoh == 4'b0010 && dbl[i+1]) ||
            (lastoh == 4'b0100 && dbl[i+2]) || (lastoh == 4'b1000 && dbl[i+3])) begin
          done = 1;
          case (lastoh)
            4'b0001: pick = 4'b0001 << (i % 4);
            4'b0010: pick = 4'b0001 << ((i + 1) % 4);
            4'b0100: pick = 4'b0001 << ((i + 2) % 4);
            default: pick = 4'b0001 << ((i + 3) % 4);
          endcase
        end
      end
  end
  always @(posedge clk)
    if (reset) begin grant <= 0; lastoh <= 4'b1000; end
    else if (|(grant & req)) grant <= grant;
    else begin grant <= pick; if (pick != 0) lastoh <= pick; end
endmodule
