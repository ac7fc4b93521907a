module TopModule (input clk, input reset, input rx, output reg valid, output reg perr, output reg [7:0] data);
  reg [3:0] n;        // 0 idle, 1..8 data, 9 parity, 10 stop, 11 wait
  reg [8:0] sh;       // shifts right: data bits then parity
  always @(posedge clk) begin
    valid <= 0; perr <= 0;
    if (reset) begin n <= 0; data <= 0; end
    else case (n)
      4'd0: if (rx == 0) n <= 1;
      4'd10: begin
        if (rx) begin
          n <= 0;
          if (^sh) perr <= 1; else begin valid <= 1; data <= sh[7:0]; end
        end else n <= 11;
      end
      4'd11: if (rx) n <= 0;
      default: begin sh <= {rx, sh[8:1]}; n <= n + 1; end
    endcase
  end
endmodule
