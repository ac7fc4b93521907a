// Mutant of vending_machine: reset treated as active-low.
module TopModule (
  input clk,
  input reset,
  input nickel,
  input dime,
  input quarter,
  input cancel,
  output reg vend,
  output reg [4:0] change,
  output reg [4:0] credit
);
  wire [5:0] coin = quarter ? 6'd25 : dime ? 6'd10 : nickel ? 6'd5 : 6'd0;
  wire [5:0] total = {1'b0, credit} + coin;

  always @(posedge clk) begin
    if (!reset) begin
      credit <= 5'd0;
      vend <= 1'b0;
      change <= 5'd0;
    end else if (cancel) begin
      change <= credit;
      credit <= 5'd0;
      vend <= 1'b0;
    end else if (total >= 6'd30) begin
      vend <= 1'b1;
      change <= total - 6'd30;
      credit <= 5'd0;
    end else begin
      vend <= 1'b0;
      change <= 5'd0;
      credit <= total[4:0];
    end
  end
endmodule
