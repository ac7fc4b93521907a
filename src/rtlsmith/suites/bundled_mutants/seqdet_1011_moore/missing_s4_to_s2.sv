// Mutant of seqdet_1011_moore: after a match a 0 goes to S0 instead of S2.
module TopModule (
  input clk,
  input reset,
  input x,
  output z
);
  localparam S0 = 3'd0, S1 = 3'd1, S2 = 3'd2, S3 = 3'd3, S4 = 3'd4;
  reg [2:0] state, next;

  always @(*) begin
    case (state)
      S0: next = x ? S1 : S0;
      S1: next = x ? S1 : S2;
      S2: next = x ? S3 : S0;
      S3: next = x ? S4 : S2;
      S4: next = x ? S1 : S0;
      default: next = S0;
    endcase
  end

  always @(posedge clk) begin
    if (reset) state <= S0;
    else state <= next;
  end

  assign z = (state == S4);
endmodule
