module TopModule (input clk, input reset, input noisy, output clean, output rose);
  // states: {clean, count}
  reg [2:0] s; reg p;
  assign clean = s[2];
  assign rose = s[2] & ~p;
  always @(posedge clk)
    if (reset) begin s <= 0; p <= 0; end
    else begin
      p <= s[2];
      if (noisy == s[2]) s <= {s[2], 2'b00};
      else if (s[1:0] == 2'b11) s <= {noisy, 2'b00};
      else s <= s + 3'd1;
    end
endmodule
